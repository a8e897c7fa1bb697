package io.vswitch.benchmarks.openflow;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * A minimal reactive OpenFlow 1.3 controller for the flow setup benchmark (cbench's throughput mode, turned around:
 * the switch under test offers packet-ins, this controller answers them as fast as it can).
 *
 * <p>It listens on {@code --listen HOST:PORT} for one switch (an active {@code tcp:} controller connection), and:
 * <ol>
 *   <li>HELLO, FEATURES; deletes every flow; installs the table-miss entry {@code priority=0,actions=CONTROLLER:65535}
 *       (whole packets, no buffering); barrier; prints {@code ready} on stdout;</li>
 *   <li>for each PACKET_IN of an IPv4/UDP frame from {@code --from-port}: one FLOW_MOD adding the exact match
 *       {@code priority=10,in_port,udp,nw_src,tp_src,actions=output:<to-port>}, then one PACKET_OUT sending the packet
 *       to {@code --to-port}. Replies are flushed when no more input is waiting, so a burst of packet-ins is
 *       answered with few socket writes (as any controller on a socket would).</li>
 * </ol>
 * On SIGTERM or when the switch disconnects it writes its counters as JSON to {@code --stats FILE}: packet-ins seen,
 * answered (flow-mod + packet-out), ignored (other port or not UDP), errors from the switch, and the time from the
 * first to the last packet-in.
 */
public final class ReactiveController {
    private final AtomicLong packetIns = new AtomicLong(), answered = new AtomicLong(), ignored = new AtomicLong(),
            errors = new AtomicLong();
    private volatile long firstNanos, lastNanos;
    private volatile String end = "running";
    private final int fromPort, toPort;

    private ReactiveController(int fromPort, int toPort) {
        this.fromPort = fromPort;
        this.toPort = toPort;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Args.parse(args, "listen", "from-port", "to-port", "stats");
        String listen = Args.req(o, "listen");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("--listen wants HOST:PORT, got " + listen);
        Path stats = Path.of(Args.req(o, "stats"));
        ReactiveController c = new ReactiveController(Args.intArg(o, "from-port", 1, 1, 0xfeff),
                Args.intArg(o, "to-port", 2, 1, 0xfeff));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> c.writeStats(stats)));
        try (ServerSocket server = new ServerSocket(Integer.parseInt(listen.substring(colon + 1)), 4,
                InetAddress.getByName(listen.substring(0, colon)))) {
            server.setReuseAddress(true);
            System.out.println("listening");
            System.out.flush();
            try (Socket s = server.accept(); OfConnection conn = new OfConnection(s)) {
                c.serve(conn, System.out);
                c.end = "switch disconnected";
            } catch (EOFException | SocketException e) {
                c.end = "switch disconnected: " + e.getMessage();
            }
        }
        c.writeStats(stats);
    }

    private void serve(OfConnection conn, PrintStream ready) throws IOException {
        OFFactory f = OfConnection.OF13;
        conn.handshake();
        conn.send(f.buildSetConfig().setXid(conn.xid()).setMissSendLen(0xffff).build());
        conn.deleteAllFlows();
        conn.send(f.buildFlowAdd().setXid(conn.xid()).setTableId(TableId.of(0)).setPriority(0)
                .setBufferId(OFBufferId.NO_BUFFER).setMatch(f.buildMatch().build()).setCookie(U64.ZERO)
                .setInstructions(List.of(f.instructions().applyActions(List.of(
                        f.actions().buildOutput().setPort(OFPort.CONTROLLER).setMaxLen(0xffff).build()))))
                .build());
        conn.barrier();
        ready.println("ready");
        ready.flush();

        List<OFAction> out = List.of(f.actions().buildOutput().setPort(OFPort.of(toPort)).setMaxLen(0).build());
        List<OFInstruction> apply = List.of(f.instructions().applyActions(out));
        OFPort inPort = OFPort.of(fromPort);
        while (true) {
            OFMessage m = conn.read();
            if (m instanceof OFPacketIn pi) {
                long now = System.nanoTime();
                if (packetIns.getAndIncrement() == 0) firstNanos = now;
                lastNanos = now;
                byte[] d = pi.getData();
                OFPort port = pi.getMatch().get(MatchField.IN_PORT);
                // Ethernet (no VLAN) / IPv4 without options / UDP: the frames the benchmark's sender makes.
                if (inPort.equals(port) && d.length >= 42 && d[12] == 0x08 && d[13] == 0x00 && d[14] == 0x45
                        && d[23] == 17) {
                    int src = ((d[26] & 0xff) << 24) | ((d[27] & 0xff) << 16) | ((d[28] & 0xff) << 8) | (d[29] & 0xff);
                    int sport = ((d[34] & 0xff) << 8) | (d[35] & 0xff);
                    conn.send(f.buildFlowAdd().setXid(conn.xid()).setTableId(TableId.of(0)).setPriority(10)
                            .setBufferId(OFBufferId.NO_BUFFER).setCookie(U64.ZERO)
                            .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, inPort)
                                    .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                                    .setExact(MatchField.IP_PROTO, IpProtocol.UDP)
                                    .setExact(MatchField.IPV4_SRC, IPv4Address.of(src))
                                    .setExact(MatchField.UDP_SRC, TransportPort.of(sport)).build())
                            .setInstructions(apply).build());
                    conn.send(f.buildPacketOut().setXid(conn.xid()).setBufferId(OFBufferId.NO_BUFFER)
                            .setInPort(inPort).setActions(out).setData(d).build());
                    answered.incrementAndGet();
                } else {
                    ignored.incrementAndGet();
                }
            } else if (m instanceof OFErrorMsg e) {
                if (errors.getAndIncrement() < 5) System.err.println("switch error: " + e);
            }
            if (!conn.readable()) conn.flush();
        }
    }

    private synchronized void writeStats(Path file) {
        double window = packetIns.get() > 1 ? (lastNanos - firstNanos) / 1e9 : 0;
        String json = String.format(Locale.ROOT,
                "{\"packet_ins\": %d, \"answered\": %d, \"ignored\": %d, \"switch_errors\": %d, "
                        + "\"packet_in_window_s\": %.3f, \"end\": \"%s\"}",
                packetIns.get(), answered.get(), ignored.get(), errors.get(), window, end.replace('"', '\''));
        try {
            Files.writeString(file, json + "\n");
        } catch (IOException e) {
            System.err.println("cannot write " + file + ": " + e.getMessage());
        }
    }
}
