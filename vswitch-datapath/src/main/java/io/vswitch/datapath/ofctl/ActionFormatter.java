package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints actions and instructions in the syntax {@link ActionParser} reads. Every field write is printed as
 * {@code set_field:VALUE->FIELD} (whether it was written as mod_nw_src or set_field), under the OVS field name.
 */
final class ActionFormatter {
    private ActionFormatter() {}

    static String actions(List<Action> actions) {
        if (actions.isEmpty()) return "drop";
        List<String> parts = new ArrayList<>(actions.size());
        for (Action a : actions) parts.add(action(a, false));
        return String.join(",", parts);
    }

    /**
     * @param ipv6 whether the flow matches IPv6, where the parser reads "icmp_type" as ICMPv6: an ICMPv4 field is
     *             then printed under its OXM name (icmpv4_type) so that it reads back as what it is
     */
    static String instructions(List<Instruction> instructions, boolean ipv6) {
        List<String> parts = new ArrayList<>();
        for (Instruction i : instructions) {
            switch (i) {
                case Instruction.Meter m -> parts.add("meter:" + Integer.toUnsignedString(m.meterId()));
                case Instruction.ApplyActions a -> { for (Action x : a.actions()) parts.add(action(x, ipv6)); }
                case Instruction.ClearActions c -> parts.add("clear_actions");
                case Instruction.WriteActions w -> {
                    List<String> inner = new ArrayList<>();
                    for (Action x : w.actions()) inner.add(action(x, ipv6));
                    parts.add("write_actions(" + String.join(",", inner) + ")");
                }
                case Instruction.WriteMetadata w -> parts.add("write_metadata:" + Values.hex(w.metadata())
                        + (w.mask() == -1L ? "" : "/" + Values.hex(w.mask())));
                case Instruction.GotoTable g -> parts.add("goto_table:" + g.tableId());
            }
        }
        return parts.isEmpty() ? "drop" : String.join(",", parts);
    }

    static String action(Action a, boolean ipv6) {
        return switch (a) {
            case Action.Output o -> output(o);
            case Action.SetField s -> setField(s, ipv6);
            case Action.PushVlan p -> String.format("push_vlan:0x%04x", p.ethType());
            case Action.PopVlan p -> "pop_vlan";
            case Action.PushMpls p -> String.format("push_mpls:0x%04x", p.ethType());
            case Action.PopMpls p -> String.format("pop_mpls:0x%04x", p.ethType());
            case Action.PushPbb p -> String.format("push_pbb:0x%04x", p.ethType());
            case Action.PopPbb p -> "pop_pbb";
            case Action.SetMplsTtl t -> "set_mpls_ttl:" + t.ttl();
            case Action.DecMplsTtl d -> "dec_mpls_ttl";
            case Action.SetNwTtl t -> "mod_nw_ttl:" + t.ttl();
            case Action.DecNwTtl d -> "dec_ttl";
            case Action.CopyTtlOut c -> "copy_ttl_out";
            case Action.CopyTtlIn c -> "copy_ttl_in";
            case Action.SetQueue q -> "set_queue:" + Integer.toUnsignedString(q.queueId());
            case Action.Group g -> "group:" + Integer.toUnsignedString(g.groupId());
        };
    }

    private static String output(Action.Output o) {
        int port = o.port();
        if (port == OfPort.CONTROLLER) return "CONTROLLER:" + o.maxLen();
        if (o.maxLen() != Action.Output.NO_BUFFER_MAX_LEN) return "output(port=" + OfPort.name(port) + ",max_len=" + o.maxLen() + ")";
        return switch (port) {
            case OfPort.IN_PORT, OfPort.NORMAL, OfPort.FLOOD, OfPort.ALL, OfPort.LOCAL -> OfPort.name(port);
            default -> "output:" + OfPort.name(port);
        };
    }

    private static String setField(Action.SetField s, boolean ipv6) {
        Field f = s.field();
        String name = ipv6 && (f == Field.ICMPV4_TYPE || f == Field.ICMPV4_CODE) ? f.oxmName() : setFieldName(f);
        if (f.is128()) return "set_field:" + Values.ipv6(s.value(), s.valueLow()) + "->" + name;
        MatchFields.Kind kind = MatchFields.byName(name).kind();
        String value = kind == MatchFields.Kind.VLAN_VID ? Values.hex(s.value()) : MatchFields.format(kind, f, s.value());
        return "set_field:" + value + "->" + name;
    }

    /** The OVS name of a field in set_field (tcp_dst, icmpv6_type, ...; icmp_type is ICMPv4 outside IPv6 flows). */
    static String setFieldName(Field f) {
        return switch (f) {
            case IPV4_SRC -> "ip_src";
            case IPV4_DST -> "ip_dst";
            case TUNNEL_ID -> "tun_id";
            case IPV6_ND_TARGET -> "nd_target";
            case IPV6_ND_SLL -> "nd_sll";
            case IPV6_ND_TLL -> "nd_tll";
            case IPV6_FLABEL -> "ipv6_label";
            case ICMPV4_TYPE -> "icmp_type";
            case ICMPV4_CODE -> "icmp_code";
            case IP_ECN -> "nw_ecn";
            default -> f.oxmName();
        };
    }
}
