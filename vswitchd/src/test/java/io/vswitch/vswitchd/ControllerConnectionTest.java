package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.*;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.*;

/**
 * An active connection (tcp:IP:PORT) to a controller written here with openflowj over a plain socket: the
 * switch connects, negotiates, sends table-miss packets as PACKET_INs, executes the controller's PACKET_OUTs (a
 * hub: flood everything), so two namespaces ping each other through the controller; when the controller drops the
 * connection, the switch connects again.
 */
class ControllerConnectionTest extends DaemonTestBase {
    static final OFFactory of13 = OFFactories.getFactory(OFVersion.OF_13);

    ServerSocket server;

    @BeforeEach
    void start() throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        server.setSoTimeout(10_000);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    static void send(Socket s, OFMessage m) throws IOException {
        ByteBuf b = Unpooled.buffer();
        m.writeTo(b);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        OutputStream out = s.getOutputStream();
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    static OFMessage read(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] header = new byte[8];
        in.readFully(header);
        int len = (header[2] & 0xff) << 8 | header[3] & 0xff;
        byte[] msg = new byte[len];
        System.arraycopy(header, 0, msg, 0, 8);
        in.readFully(msg, 8, len - 8);
        return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(msg));
    }

    static OFMessage readSkippingPacketIns(Socket s) throws Exception {
        OFMessage m;
        do {
            m = read(s);
        } while (m instanceof OFPacketIn);
        return m;
    }

    /** Accepts the switch's connection and completes the handshake at OpenFlow 1.3. */
    Socket accept() throws Exception {
        Socket s = server.accept();
        s.setSoTimeout(10_000);
        assertInstanceOf(OFHello.class, read(s));
        send(s, of13.buildHello().build());
        send(s, of13.buildFeaturesRequest().setXid(1).build());
        OFFeaturesReply f = (OFFeaturesReply) read(s);
        assertEquals(daemon.bridge("br0").dpid(), f.getDatapathId().getLong());
        return s;
    }

    /** Installs a table-miss entry that sends every packet to the controller, confirmed by a barrier. */
    static void tableMissToController(Socket s) throws Exception {
        send(s, of13.buildFlowAdd().setXid(2).setPriority(0).setMatch(of13.buildMatch().build())
                .setInstructions(List.of(of13.instructions().applyActions(List.of(
                        of13.actions().output(OFPort.CONTROLLER, 0xffff))))).build());
        send(s, of13.buildBarrierRequest().setXid(3).build());
        assertEquals(3, readSkippingPacketIns(s).getXid());
    }

    @Test
    void hubControllerForwardsThroughPacketInAndPacketOut() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        ok("set-controller", "br0", "tcp:127.0.0.1:" + server.getLocalPort());

        Socket s = accept();
        tableMissToController(s);

        AtomicInteger packetIns = new AtomicInteger();
        Thread hub = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    if (read(s) instanceof OFPacketIn pi) {
                        packetIns.incrementAndGet();
                        assertEquals(OFPacketInReason.NO_MATCH, pi.getReason());
                        assertEquals(OFBufferId.NO_BUFFER, pi.getBufferId());
                        OFPort in = pi.getMatch().get(MatchField.IN_PORT);
                        send(s, of13.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(in)
                                .setActions(List.of(of13.actions().output(OFPort.FLOOD, 0))).setData(pi.getData()).build());
                    }
                }
            } catch (Exception closed) {
                // the test closed the socket
            }
        });
        assertTrue(net.ping("h1", "10.0.0.2", 3), "h1 -> h2 through the controller");
        assertTrue(packetIns.get() >= 6, "ARP and ICMP both ways went to the controller: " + packetIns.get());

        // Port changes are reported.
        hub.interrupt();
        s.close();
        hub.join(5000);
        Socket c = accept();
        String p3 = net.host("h3", "10.0.0.3");
        ok("add-port", "br0", p3, "ofport=3");
        OFPortStatus added = (OFPortStatus) readSkippingPacketIns(c);
        assertEquals(OFPortReason.ADD, added.getReason());
        assertEquals(p3, added.getDesc().getName());
        assertEquals(3, added.getDesc().getPortNo().getPortNumber());
        ok("del-port", "br0", p3);
        OFPortStatus deleted = (OFPortStatus) readSkippingPacketIns(c);
        assertEquals(OFPortReason.DELETE, deleted.getReason());
        c.close();

        // The controller went away: the switch reconnects.
        Socket again = accept();
        send(again, of13.buildEchoRequest().setXid(9).setData(new byte[]{4}).build());
        assertEquals(9, read(again).getXid());
        again.close();
    }

    /**
     * A table-miss-to-controller flow and a flood of distinct frames: with a limit of 100 packet-ins a second
     * (burst 25) the controller receives no more than the bucket allows, the rest is counted as rate-limited.
     */
    @Test
    void packetInRateLimit() throws Exception {
        String p1 = net.host("h1", "10.0.0.1");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        var bad = fail("set-controller-rate-limit", "br0", "10");
        assertTrue(bad.output().contains("at least 100"), bad.output());
        ok("set-controller-rate-limit", "br0", "100", "25");
        ok("set-controller", "br0", "tcp:127.0.0.1:" + server.getLocalPort());
        Socket s = accept();
        tableMissToController(s);

        AtomicInteger received = new AtomicInteger();
        Thread counter = Thread.ofVirtual().start(() -> {
            try {
                while (true) if (read(s) instanceof OFPacketIn) received.incrementAndGet();
            } catch (Exception closed) {
                // end of test
            }
        });
        long start = System.nanoTime();
        // 400 pings to a neighbour that never answers (a static ARP entry, so every echo leaves), 300 of them
        // preloaded (sent at once: without replies, ping otherwise paces itself to ~100 a second)
        net.in(net.ns("h1"), "ip", "neigh", "replace", "10.0.0.9", "lladdr", "02:00:00:00:00:09", "dev", "eth0");
        Netns.exit("ip", "netns", "exec", Netns.PREFIX + "h1", "ping", "-c", "400", "-l", "300", "-i", "0.002", "-W", "0.01", "-q", "10.0.0.9");
        double seconds = (System.nanoTime() - start) / 1e9;
        var session = daemon.bridge("br0").openflow;
        assertTrue(await(() -> session.packetInsRateLimited() > 0, 5), "some packet-ins were rate-limited; received " + received.get() + " in " + seconds + " s; " + ok("dump-ports", "br0"));
        long allowed = 25 + Math.round(100 * seconds) + 5;
        assertTrue(await(() -> received.get() > 0, 5));
        assertTrue(received.get() <= allowed, received.get() + " packet-ins in " + seconds + " s exceed the limit " + allowed);
        assertTrue(ok("dump-ports", "br0").contains("rate-limited"));
        s.close();
        counter.join(5000);
        assertTrue(daemon.bridge("br0").packetInRate() == 100 && dir.resolve("vswitchd.conf").toFile().exists());
        assertTrue(java.nio.file.Files.readString(dir.resolve("vswitchd.conf")).contains("packet-in-rate=100 packet-in-burst=25"));
    }
}
