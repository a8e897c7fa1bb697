package io.vswitch.datapath.trace;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowFormatter;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.pipeline.Translation;
import io.vswitch.datapath.pipeline.ActionExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains what the pipeline does with a packet, as {@code ovs-appctl ofproto/trace} does: the parsed flow, each
 * table's matching entry and what each action did, the megaflow a cache would keep (which bits mattered), the
 * datapath actions, and the frames that come out, port by port.
 *
 * <p>Tracing runs the real slow path (the same {@link Pipeline#translate} the caches use), so it is also the tool
 * tests use to read decisions back. It does not touch counters, but NORMAL learns from traced packets as it would
 * from real ones, as in Open vSwitch.
 */
public final class Tracer {
    /** The outcome of a trace: the report and the pieces tests look at. */
    public record Result(FlowKey flow, Translation translation, List<String> outputs, String report) {
        /** Ports the packet leaves on, in order ("2", "CONTROLLER"). */
        public List<String> ports() {
            List<String> ports = new ArrayList<>();
            for (String o : outputs) ports.add(o.substring(0, o.indexOf(':')));
            return ports;
        }
    }

    private final Pipeline pipeline;

    public Tracer(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    public Result trace(Packet packet, int inPort, long now) {
        FlowKey key = new FlowKey();
        boolean whole = PacketParser.parse(packet, inPort, key);
        StringBuilder report = new StringBuilder();
        report.append("Flow: ").append(FlowFormatter.formatKey(key)).append('\n');
        if (!whole) report.append("  (frame truncated or malformed: fields past the damage are absent)\n");
        report.append('\n');
        Translation t = pipeline.translate(key, packet, (depth, text) ->
                report.append("  ".repeat(Math.max(0, depth))).append(text).append('\n'), now);

        List<String> outputs = new ArrayList<>();
        Packet copy = Packet.allocate(Math.max(Packet.DEFAULT_CAPACITY, packet.capacity()));
        copy.copyFrom(packet);
        new ActionExecutor().execute(t.actions, copy, new PacketSink() {
            @Override
            public void output(int port, Packet p, int queueId) {
                outputs.add(OfPort.name(port) + ":" + p);
            }

            @Override
            public void packetIn(Packet p, PacketIn pi) {
                outputs.add("CONTROLLER:" + p);
            }
        }, now);

        report.append('\n');
        report.append("Megaflow: ").append(formatMegaflow(t.key, t.mask)).append(t.cacheable ? "" : " (not cacheable)").append('\n');
        report.append("Datapath actions: ").append(t.actions).append('\n');
        for (String o : outputs) {
            int colon = o.indexOf(':');
            report.append("  -> ").append(o, 0, colon).append(": ").append(o.substring(colon + 1)).append('\n');
        }
        if (outputs.isEmpty()) report.append("  -> dropped\n");
        return new Result(key, t, outputs, report.toString());
    }

    /** The fields a megaflow constrains, as {@code field=value/mask} (exact fields without a mask). */
    static String formatMegaflow(long[] value, long[] mask) {
        FlowKey v = new FlowKey(), m = new FlowKey();
        System.arraycopy(value, 0, v.words, 0, FlowKey.WORDS);
        System.arraycopy(mask, 0, m.words, 0, FlowKey.WORDS);
        int ethType = v.ethType();
        StringBuilder sb = new StringBuilder();
        for (Field f : MEGAFLOW_FIELDS) {
            if (!shown(f, ethType, v.ipProto())) continue;
            if (f.is128()) {
                long mh = m.getHigh(f), ml = m.getLow(f);
                if (mh == 0 && ml == 0) continue;
                sb.append(sb.isEmpty() ? "" : ",").append(f.oxmName()).append("=0x")
                        .append(String.format("%016x%016x", v.getHigh(f), v.getLow(f)));
                if (mh != -1L || ml != -1L) sb.append("/0x").append(String.format("%016x%016x", mh, ml));
                continue;
            }
            long mv = m.get(f);
            if (mv == 0) continue;
            sb.append(sb.isEmpty() ? "" : ",").append(f.oxmName()).append('=');
            long val = v.get(f);
            if (f == Field.IN_PORT) sb.append(OfPort.name((int) val));
            else sb.append("0x").append(Long.toHexString(val));
            if (mv != f.valueMask) sb.append("/0x").append(Long.toHexString(mv));
        }
        return sb.isEmpty() ? "(matches everything)" : sb.toString();
    }

    private static final Field[] MEGAFLOW_FIELDS = {Field.IN_PORT, Field.METADATA, Field.TUNNEL_ID, Field.ETH_SRC,
        Field.ETH_DST, Field.VLAN_TCI, Field.CVLAN_TCI, Field.ETH_TYPE, Field.MPLS_LABEL, Field.MPLS_TC, Field.MPLS_BOS,
        Field.MPLS_TTL, Field.PBB_ISID, Field.ARP_OP, Field.ARP_SPA, Field.ARP_TPA, Field.ARP_SHA, Field.ARP_THA,
        Field.IPV4_SRC, Field.IPV4_DST, Field.IPV6_SRC, Field.IPV6_DST, Field.IPV6_FLABEL, Field.IP_PROTO, Field.IP_DSCP,
        Field.IP_ECN, Field.NW_TTL, Field.NW_FRAG, Field.TCP_SRC, Field.TCP_DST, Field.TCP_FLAGS, Field.ICMPV4_TYPE,
        Field.ICMPV4_CODE, Field.ICMPV6_TYPE, Field.ICMPV6_CODE, Field.IPV6_ND_TARGET, Field.IPV6_ND_SLL,
        Field.IPV6_ND_TLL};

    /** Shows fields that share bits under the name the key's protocol gives them. */
    private static boolean shown(Field f, int ethType, int proto) {
        boolean arp = ethType == 0x0806, v4 = ethType == 0x0800, v6 = ethType == 0x86dd;
        return switch (f) {
            case ARP_OP, ARP_SPA, ARP_TPA, ARP_SHA, ARP_THA -> arp;
            case IPV4_SRC, IPV4_DST -> !arp;
            case ICMPV4_TYPE, ICMPV4_CODE -> v4 && proto == 1;
            case ICMPV6_TYPE, ICMPV6_CODE -> v6 && proto == 58;
            case IPV6_ND_TARGET, IPV6_ND_SLL, IPV6_ND_TLL -> v6 && proto == 58;
            case TCP_SRC, TCP_DST -> !((v4 && proto == 1) || (v6 && proto == 58));
            default -> true;
        };
    }
}
