package io.vswitch.vswitchd.control;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.normal.MacLearningTable;
import io.vswitch.datapath.ofctl.FlowFormatter;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.ofctl.FlowSyntaxException;
import io.vswitch.datapath.ofctl.GroupFormatter;
import io.vswitch.datapath.ofctl.GroupParser;
import io.vswitch.datapath.ofctl.MeterFormatter;
import io.vswitch.datapath.ofctl.MeterParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.trace.Tracer;
import io.vswitch.vswitchd.Daemon;
import io.vswitch.vswitchd.Daemon.DaemonException;
import io.vswitch.vswitchd.bridge.Bridge;
import io.vswitch.vswitchd.pcap.PcapRecorder;
import io.vswitch.vswitchd.port.Port;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes vsctl commands against the {@link Daemon}: bridge and port management in ovs-vsctl's words, and flow,
 * group and meter commands in ovs-ofctl's (for local use without a controller). Output formats follow those
 * tools, so scripts written for them keep working.
 */
public final class CommandHandler {
    /** A command's outcome: vsctl's exit status and what it prints. */
    public record Response(int status, String output) {
        static Response ok(String out) { return new Response(0, out.isEmpty() || out.endsWith("\n") ? out : out + "\n"); }

        static Response error(int status, String message) { return new Response(status, message + "\n"); }
    }

    private final Daemon daemon;

    public CommandHandler(Daemon daemon) {
        this.daemon = daemon;
    }

    public Response handle(List<String> args) {
        if (args.isEmpty()) return Response.error(2, "no command given");
        String cmd = args.get(0);
        List<String> a = args.subList(1, args.size());
        try {
            return switch (cmd) {
                case "add-br" -> addBridge(a);
                case "del-br" -> { need(a, 1, "del-br BRIDGE"); daemon.delBridge(a.get(0)); yield Response.ok(""); }
                case "list-br" -> Response.ok(String.join("\n", daemon.bridges().stream().map(Bridge::name).toList()));
                case "br-exists" -> {
                    need(a, 1, "br-exists BRIDGE");
                    yield daemon.bridges().stream().anyMatch(b -> b.name().equals(a.get(0))) ? Response.ok("") : new Response(2, "");
                }
                case "add-port" -> addPort(a);
                case "del-port" -> { need(a, 2, "del-port BRIDGE PORT"); daemon.delPort(a.get(0), a.get(1)); yield Response.ok(""); }
                case "list-ports" -> {
                    need(a, 1, "list-ports BRIDGE");
                    yield Response.ok(String.join("\n", daemon.bridge(a.get(0)).ports().stream().map(Port::name).sorted().toList()));
                }
                case "set-fail-mode" -> {
                    need(a, 2, "set-fail-mode BRIDGE standalone|secure");
                    daemon.setFailMode(a.get(0), failMode(a.get(1)));
                    yield Response.ok("");
                }
                case "get-fail-mode" -> { need(a, 1, "get-fail-mode BRIDGE"); yield Response.ok(daemon.bridge(a.get(0)).failMode().name().toLowerCase()); }
                case "set-controller" -> {
                    if (a.size() < 2) throw new DaemonException("usage: set-controller BRIDGE TARGET...", 2);
                    daemon.setControllers(a.get(0), a.subList(1, a.size()));
                    yield Response.ok("");
                }
                case "del-controller" -> { need(a, 1, "del-controller BRIDGE"); daemon.setControllers(a.get(0), List.of()); yield Response.ok(""); }
                case "get-controller" -> { need(a, 1, "get-controller BRIDGE"); yield Response.ok(String.join("\n", daemon.bridge(a.get(0)).controllers())); }
                case "set-ssl" -> {
                    need(a, 3, "set-ssl PRIVATE-KEY CERTIFICATE CA-CERT");
                    daemon.setSsl(a.get(0), a.get(1), a.get(2));
                    yield Response.ok("");
                }
                case "get-ssl" -> {
                    var ssl = daemon.ssl();
                    yield Response.ok(ssl == null ? "" : "Private key: " + ssl.privateKey() + "\nCertificate: " + ssl.certificate()
                            + "\nCA Certificate: " + ssl.caCertificate());
                }
                case "set-controller-rate-limit" -> {
                    if (a.size() < 2 || a.size() > 3) throw new DaemonException("usage: set-controller-rate-limit BRIDGE RATE [BURST]", 2);
                    daemon.setPacketInLimit(a.get(0), number(a.get(1), "RATE"), a.size() == 3 ? number(a.get(2), "BURST") : 0);
                    yield Response.ok("");
                }
                case "show" -> Response.ok(show());
                case "add-flow", "add-flows" -> addFlows(a, FlowMod.Command.ADD);
                case "mod-flows" -> addFlows(a, FlowMod.Command.MODIFY);
                case "del-flows" -> delFlows(a);
                case "dump-flows" -> dumpFlows(a);
                case "dump-ports" -> dumpPorts(a);
                case "add-group", "add-groups" -> groupMods(a, GroupMod.Command.ADD);
                case "mod-group" -> groupMods(a, GroupMod.Command.MODIFY);
                case "del-groups" -> {
                    if (a.size() == 1) { daemon.bridge(a.get(0)).pipeline().groupMod(new GroupMod(GroupMod.Command.DELETE, GroupMod.ALL, null, List.of())); yield Response.ok(""); }
                    yield groupMods(a, GroupMod.Command.DELETE);
                }
                case "dump-groups" -> dumpGroups(a);
                case "add-meter" -> meterMod(a, MeterMod.Command.ADD);
                case "mod-meter" -> meterMod(a, MeterMod.Command.MODIFY);
                case "del-meter" -> meterMod(a, MeterMod.Command.DELETE);
                case "dump-meters" -> dumpMeters(a);
                case "trace" -> trace(a);
                case "fdb-show" -> fdbShow(a);
                case "set-link" -> setLink(a);
                case "clear-link" -> {
                    need(a, 2, "clear-link BRIDGE PORT");
                    daemon.setLink(a.get(0), a.get(1), "both", null);
                    yield Response.ok("");
                }
                case "show-link" -> showLink(a);
                case "pcap-record" -> pcapRecord(a);
                case "pcap-stop" -> {
                    need(a, 2, "pcap-stop BRIDGE PORT");
                    PcapRecorder.Result r = daemon.pcapStop(a.get(0), a.get(1));
                    yield r.error() == null ? Response.ok(r.toString()) : Response.error(1, r.toString());
                }
                case "pcap-replay" -> pcapReplay(a);
                case "pmd-stats-show" -> { daemon.syncStats(); yield Response.ok(daemon.pmdStats()); }
                case "pmd-rxq-show" -> Response.ok(daemon.pmdRxqShow());
                default -> Response.error(2, "unknown command '" + cmd + "' (vsctl --help lists them)");
            };
        } catch (DaemonException e) {
            return Response.error(e.exitCode, e.getMessage());
        } catch (OpenFlowException e) {
            return Response.error(1, e.getMessage() + " (OpenFlow error " + e.error() + ")");
        } catch (FlowSyntaxException e) {
            return Response.error(2, e.getMessage());
        } catch (IllegalArgumentException e) {
            return Response.error(2, e.getMessage());
        } catch (IOException e) {
            return Response.error(1, "cannot save the configuration: " + e.getMessage());
        }
    }

    private static void need(List<String> a, int n, String usage) throws DaemonException {
        if (a.size() != n) throw new DaemonException("usage: " + usage, 2);
    }

    private static Map<String, String> options(List<String> a, int from) throws DaemonException {
        Map<String, String> o = new LinkedHashMap<>();
        for (String s : a.subList(from, a.size())) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new DaemonException("expected KEY=VALUE, got '" + s + "'", 2);
            o.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return o;
    }

    private static Bridge.FailMode failMode(String s) throws DaemonException {
        return switch (s) {
            case "standalone" -> Bridge.FailMode.STANDALONE;
            case "secure" -> Bridge.FailMode.SECURE;
            default -> throw new DaemonException("fail mode must be standalone or secure, not '" + s + "'", 2);
        };
    }

    private Response addBridge(List<String> a) throws DaemonException, IOException {
        if (a.isEmpty()) throw new DaemonException("usage: add-br BRIDGE [dpid=N] [fail-mode=standalone|secure]", 2);
        Map<String, String> o = options(a, 1);
        Long dpid = null;
        if (o.containsKey("dpid")) {
            String d = o.remove("dpid");
            try {
                dpid = Long.parseUnsignedLong(d.startsWith("0x") ? d.substring(2) : d, 16);
            } catch (NumberFormatException e) {
                throw new DaemonException("dpid must be up to 16 hex digits, not '" + d + "'", 2);
            }
        }
        Bridge.FailMode mode = o.containsKey("fail-mode") ? failMode(o.remove("fail-mode")) : null;
        if (!o.isEmpty()) throw new DaemonException("unknown bridge option(s) " + o.keySet(), 2);
        daemon.addBridge(a.get(0), dpid, mode);
        return Response.ok("");
    }

    private Response addPort(List<String> a) throws DaemonException, IOException {
        if (a.size() < 2) throw new DaemonException("usage: add-port BRIDGE PORT [type=afpacket|patch] [ofport=N] [peer=PORT] [rx=auto|mmsg|ring]", 2);
        Map<String, String> o = options(a, 2);
        String type = o.containsKey("type") ? o.remove("type") : "afpacket";
        Integer ofport = null;
        if (o.containsKey("ofport")) {
            String v = o.remove("ofport");
            try {
                ofport = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new DaemonException("ofport must be a number, not '" + v + "'", 2);
            }
        }
        Port p = daemon.addPort(a.get(0), a.get(1), type, ofport, o);
        return Response.ok("");
    }

    private Response pcapRecord(List<String> a) throws DaemonException {
        if (a.size() < 3 || a.size() > 4) throw new DaemonException("usage: pcap-record BRIDGE PORT FILE [rx|tx|both]", 2);
        PcapRecorder.Direction d = a.size() == 4 ? PcapRecorder.Direction.parse(a.get(3)) : PcapRecorder.Direction.BOTH;
        daemon.pcapRecord(a.get(0), a.get(1), Path.of(a.get(2)), d);
        return Response.ok("");
    }

    private Response pcapReplay(List<String> a) throws DaemonException {
        String usage = "usage: pcap-replay BRIDGE PORT FILE [--rate PPS]";
        long rate = 0;
        if (a.size() == 5 && a.get(3).equals("--rate")) {
            try {
                rate = Long.parseLong(a.get(4));
            } catch (NumberFormatException e) {
                throw new DaemonException("--rate must be a number of frames per second, not '" + a.get(4) + "'", 2);
            }
            if (rate <= 0) throw new DaemonException("--rate must be positive, not " + rate, 2);
        } else if (a.size() != 3) {
            throw new DaemonException(usage, 2);
        }
        Daemon.ReplayResult r = daemon.pcapReplay(a.get(0), a.get(1), Path.of(a.get(2)), rate);
        return Response.ok(String.format("replayed %d frames in %.3f s%s", r.frames(), r.seconds(),
                r.skipped() == 0 ? "" : " (" + r.skipped() + " skipped: cut short by the capture, or not Ethernet-sized)"));
    }

    private static long number(String s, String what) throws DaemonException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new DaemonException(what + " must be a number, not '" + s + "'", 2);
        }
    }

    private String show() {
        StringBuilder sb = new StringBuilder();
        for (Bridge b : daemon.bridges()) {
            sb.append("    Bridge ").append(b.name()).append('\n');
            sb.append("        fail_mode: ").append(b.failMode().name().toLowerCase()).append('\n');
            sb.append(String.format("        datapath_id: %016x%n", b.dpid()));
            for (String c : b.controllers()) sb.append("        Controller \"").append(c).append("\"\n");
            var of = b.openflow;
            if (of != null) {
                sb.append("        connected controllers: ").append(of.connectedCount());
                if (of.failingOpen()) sb.append(" (fail-open: switching by NORMAL until a controller connects)");
                sb.append('\n');
            }
            for (Port p : b.ports()) {
                sb.append("        Port ").append(p.name()).append('\n');
                sb.append("            ofport: ").append(OfPort.name(p.number())).append(", type: ").append(daemon.portType(p))
                        .append(", link: ").append(p.linkUp() ? "up" : "down");
                daemon.portOptions(p).forEach((k, v) -> sb.append(", ").append(k).append(": ").append(v));
                if (p instanceof io.vswitch.vswitchd.port.AfPacketPort ap) {
                    sb.append(", receiving by: ").append(ap.rxRing() ? "ring" : "recvmmsg");
                    if (ap.rxMode() == io.vswitch.linux.AfPacketSocket.RxMode.ADAPTIVE) {
                        sb.append(" (rx=auto, ").append(ap.rxModeSwitches()).append(" switches)");
                    }
                }
                sb.append('\n');
                PcapRecorder rec = p.recorder();
                if (rec != null) {
                    sb.append("            pcap: ").append(rec.file()).append(" (").append(rec.rx() && rec.tx() ? "both" : rec.rx() ? "rx" : "tx")
                            .append("), written: ").append(rec.written()).append(", dropped: ").append(rec.dropped()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** add-flow(s)/mod-flows: every flow is parsed and validated before any is applied. */
    private Response addFlows(List<String> a, FlowMod.Command command) throws DaemonException {
        if (a.size() < 2) throw new DaemonException("usage: add-flow BRIDGE FLOW...", 2);
        Pipeline p = daemon.bridge(a.get(0)).pipeline();
        List<FlowMod> mods = new ArrayList<>();
        for (int i = 1; i < a.size(); i++) {
            try {
                mods.add(FlowParser.parseFlow(a.get(i), command));
            } catch (FlowSyntaxException | OpenFlowException e) {
                throw new DaemonException((a.size() > 2 ? "flow " + i + ": " : "") + e.getMessage(), 2);
            }
        }
        for (int i = 0; i < mods.size(); i++) {
            try {
                p.validate(mods.get(i));
            } catch (OpenFlowException e) {
                throw new DaemonException((mods.size() > 1 ? "flow " + (i + 1) + ": " : "") + e.getMessage()
                        + " (OpenFlow error " + e.error() + "); no flow was added");
            }
        }
        for (FlowMod m : mods) p.flowMod(m);
        return Response.ok("");
    }

    private Response delFlows(List<String> a) throws DaemonException {
        if (a.isEmpty() || a.size() > 2) throw new DaemonException("usage: del-flows BRIDGE [MATCH]", 2);
        Pipeline p = daemon.bridge(a.get(0)).pipeline();
        String match = a.size() == 2 ? a.get(1) : "";
        p.flowMod(FlowParser.parseFlow(match, FlowMod.Command.DELETE));
        return Response.ok("");
    }

    private Response dumpFlows(List<String> a) throws DaemonException {
        if (a.isEmpty() || a.size() > 2) throw new DaemonException("usage: dump-flows BRIDGE [MATCH]", 2);
        Pipeline p = daemon.bridge(a.get(0)).pipeline();
        FlowMod filter = a.size() == 2 ? FlowParser.parseFlow(a.get(1), FlowMod.Command.DELETE) : null;
        daemon.syncStats();
        long now = System.nanoTime();
        List<FlowEntry> entries = filter == null ? p.tables().entries(FlowMod.ALL_TABLES) : p.tables().select(filter, false);
        entries = new ArrayList<>(entries);
        entries.sort((x, y) -> x.tableId != y.tableId ? Integer.compare(x.tableId, y.tableId) : Integer.compare(y.priority, x.priority));
        StringBuilder sb = new StringBuilder();
        for (FlowEntry e : entries) {
            sb.append(String.format(" cookie=0x%x, duration=%.3fs, table=%d, n_packets=%d, n_bytes=%d, ", e.cookie(),
                    (now - e.installedNanos) / 1e9, e.tableId, e.packets(), e.bytes()));
            if (e.idleTimeout > 0) sb.append("idle_timeout=").append(e.idleTimeout).append(", ");
            if (e.hardTimeout > 0) sb.append("hard_timeout=").append(e.hardTimeout).append(", ");
            String m = FlowFormatter.formatMatch(e.match);
            sb.append("priority=").append(e.priority).append(m.isEmpty() ? "" : "," + m)
                    .append(" actions=").append(FlowFormatter.formatInstructions(e.instructions())).append('\n');
        }
        return Response.ok(sb.toString());
    }

    private Response dumpPorts(List<String> a) throws DaemonException {
        need(a, 1, "dump-ports BRIDGE");
        Bridge b = daemon.bridge(a.get(0));
        daemon.syncStats();
        StringBuilder sb = new StringBuilder(String.format("OFPST_PORT reply: %d ports%n", b.ports().size()));
        for (Port p : b.ports()) {
            var dp = b.pipeline().ports().get(p.number());
            long malformed = dp == null ? 0 : dp.malformed.get();
            sb.append(String.format("  port %s (%s): rx pkts=%d, bytes=%d, drop=%d, errs=%d, malformed=%d%n",
                    OfPort.name(p.number()), p.name(), p.rxPackets(), p.rxBytes(), p.rxDropped(), p.rxErrors(), malformed));
            sb.append(String.format("           tx pkts=%d, bytes=%d, drop=%d, errs=0, link=%s%n",
                    p.txPackets(), p.txBytes(), p.txDropped(), p.linkUp() ? "up" : "down"));
        }
        if (b.packetInsDropped.get() > 0) {
            var of = b.openflow;
            sb.append("  packet-ins dropped (no controller connected, its queue full, or the rate limit): ").append(b.packetInsDropped.get());
            if (of != null && of.packetInsRateLimited() > 0) sb.append(", of which rate-limited: ").append(of.packetInsRateLimited());
            sb.append('\n');
        }
        return Response.ok(sb.toString());
    }

    private Response groupMods(List<String> a, GroupMod.Command command) throws DaemonException {
        if (a.size() < 2) throw new DaemonException("usage: add-group BRIDGE GROUP...", 2);
        Pipeline p = daemon.bridge(a.get(0)).pipeline();
        List<GroupMod> mods = new ArrayList<>();
        for (int i = 1; i < a.size(); i++) mods.add(GroupParser.parseGroup(a.get(i), command));
        for (GroupMod m : mods) p.groupMod(m);
        return Response.ok("");
    }

    private Response dumpGroups(List<String> a) throws DaemonException {
        need(a, 1, "dump-groups BRIDGE");
        Pipeline p = daemon.bridge(a.get(0)).pipeline();
        daemon.syncStats();
        List<Group> groups = new ArrayList<>(p.groups().all());
        groups.sort((x, y) -> Integer.compareUnsigned(x.id, y.id));
        StringBuilder sb = new StringBuilder("OFPST_GROUP_DESC reply:\n");
        for (Group g : groups) sb.append(' ').append(GroupFormatter.format(g)).append('\n');
        return Response.ok(sb.toString());
    }

    private Response meterMod(List<String> a, MeterMod.Command command) throws DaemonException {
        need(a, 2, "add-meter BRIDGE METER");
        daemon.bridge(a.get(0)).pipeline().meterMod(MeterParser.parseMeter(a.get(1), command));
        return Response.ok("");
    }

    private Response dumpMeters(List<String> a) throws DaemonException {
        need(a, 1, "dump-meters BRIDGE");
        Pipeline p = daemon.bridge(a.get(0)).pipeline();
        List<Meter> meters = new ArrayList<>(p.meters().all());
        meters.sort((x, y) -> Integer.compareUnsigned(x.id, y.id));
        StringBuilder sb = new StringBuilder("OFPST_METER_CONFIG reply:\n");
        for (Meter m : meters) sb.append(MeterFormatter.format(m)).append('\n');
        return Response.ok(sb.toString());
    }

    private Response trace(List<String> a) throws DaemonException {
        if (a.size() < 2 || a.size() > 3) throw new DaemonException("usage: trace BRIDGE PACKET-FIELDS | trace BRIDGE --hex HEX[@IN_PORT]", 2);
        Bridge b = daemon.bridge(a.get(0));
        Packet packet;
        int inPort;
        if (a.get(1).equals("--hex")) {
            if (a.size() != 3) throw new DaemonException("usage: trace BRIDGE --hex HEX[@IN_PORT]", 2);
            String[] parts = a.get(2).split("@");
            byte[] frame;
            try {
                frame = HexFormat.of().parseHex(parts[0].replaceAll("[\\s:]", ""));
                inPort = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
            } catch (IllegalArgumentException e) {
                throw new DaemonException("--hex: " + e.getMessage(), 2);
            }
            packet = Packet.of(frame);
        } else {
            FlowKey k = FlowParser.parseKey(a.get(1));
            packet = Packet.allocate();
            PacketComposer.compose(k, packet);
            inPort = k.inPort();
        }
        return Response.ok(new Tracer(b.pipeline()).trace(packet, inPort, System.nanoTime()).report());
    }

    /** set-link BRIDGE PORT [in|out|both] delay=10ms jitter=1ms loss=1% loss-corr=25% rate=100mbit limit=1000 */
    private Response setLink(List<String> a) throws DaemonException {
        if (a.size() < 3) throw new DaemonException("usage: set-link BRIDGE PORT [in|out|both] KEY=VALUE... (delay, jitter, loss, loss-corr, rate, limit)", 2);
        int from = 2;
        String direction = "both";
        if (!a.get(2).contains("=")) {
            direction = a.get(2);
            from = 3;
        }
        io.vswitch.vswitchd.netem.LinkParams params;
        try {
            params = io.vswitch.vswitchd.netem.LinkParams.parse(a.subList(from, a.size()));
        } catch (IllegalArgumentException e) {
            throw new DaemonException(e.getMessage(), 2);
        }
        daemon.setLink(a.get(0), a.get(1), direction, params);
        return Response.ok("");
    }

    private Response showLink(List<String> a) throws DaemonException {
        need(a, 2, "show-link BRIDGE PORT");
        Port p = daemon.bridge(a.get(0)).port(a.get(1));
        if (p == null) throw new DaemonException("bridge " + a.get(0) + " has no port " + a.get(1));
        StringBuilder sb = new StringBuilder();
        var out = p.egress;
        var in = p.ingress;
        sb.append("out: ").append(out == null ? "not emulated" : out.params() + "\n     " + out.stats()).append('\n');
        sb.append("in:  ").append(in == null ? "not emulated" : in.params() + "\n     " + in.stats()).append('\n');
        return Response.ok(sb.toString());
    }

    private Response fdbShow(List<String> a) throws DaemonException {
        need(a, 1, "fdb-show BRIDGE");
        Bridge b = daemon.bridge(a.get(0));
        long now = System.nanoTime();
        StringBuilder sb = new StringBuilder(" port  VLAN  MAC                Age\n");
        for (MacLearningTable.MacEntry e : b.pipeline().macs().snapshot()) {
            long m = e.mac;
            sb.append(String.format("%5s  %4d  %02x:%02x:%02x:%02x:%02x:%02x  %3d%n", OfPort.name(e.port()), e.vlan,
                    (m >>> 40) & 255, (m >>> 32) & 255, (m >>> 24) & 255, (m >>> 16) & 255, (m >>> 8) & 255, m & 255,
                    (now - e.lastSeenNanos()) / 1_000_000_000L));
        }
        return Response.ok(sb.toString());
    }
}
