package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.flow.Prerequisite;
import io.vswitch.datapath.table.FlowMod;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints flows, matches, actions and packet keys in the ovs-ofctl syntax that {@link FlowParser} reads back:
 * {@code parseFlow(formatFlowMod(m), m.command())} equals {@code m} (matches compared with
 * {@link FlowMatch#sameAs}), and {@code parseKey(formatKey(k))} equals {@code k} for a key that holds only fields
 * its eth_type/ip_proto make meaningful. Action texts are printed without the leading {@code actions=}.
 */
public final class FlowFormatter {
    /** The key's fields ("tcp,in_port=1,dl_src=...,nw_src=10.0.0.1,nw_ttl=64,tp_dst=80"). */
    public static String formatKey(FlowKey key) {
        return MatchFormatter.key(key);
    }

    /** A megaflow: the key bits a cached decision depended on, in match syntax ("in_port=1,dl_dst=...,nw_ttl=64"). */
    public static String formatMegaflow(long[] value, long[] mask) {
        return MatchFormatter.masked(value, mask);
    }

    /** A match in dump-flows style ("tcp,nw_src=10.0.0.0/8,tp_dst=80"); the catch-all match is "". */
    public static String formatMatch(FlowMatch match) {
        return MatchFormatter.match(match);
    }

    /** An action list ("output:2,set_field:10.0.0.1->ip_dst"), "drop" when empty. */
    public static String formatActions(List<Action> actions) {
        return ActionFormatter.actions(actions);
    }

    /** Instructions ("meter:1,output:2,write_actions(output:1),goto_table:1"), "drop" when they do nothing. */
    public static String formatInstructions(List<Instruction> instructions) {
        return ActionFormatter.instructions(instructions, false);
    }

    public static String formatAction(Action action) {
        return ActionFormatter.action(action, false);
    }

    /** A flow mod as add-flow/mod-flows/del-flows text; settings at their defaults are left out. */
    public static String formatFlowMod(FlowMod m) {
        List<String> parts = new ArrayList<>();
        boolean delete = m.command() == FlowMod.Command.DELETE || m.command() == FlowMod.Command.DELETE_STRICT;
        if (m.tableId() != (delete ? FlowMod.ALL_TABLES : 0)) parts.add("table=" + m.tableId());
        if (m.priority() != FlowMod.DEFAULT_PRIORITY) parts.add("priority=" + m.priority());
        if (m.command() != FlowMod.Command.ADD && m.cookieMask() != 0) {
            parts.add("cookie=" + Values.hex(m.cookie()) + "/" + Values.hex(m.cookieMask()));
        } else if (!delete && m.cookie() != 0) {
            parts.add("cookie=" + Values.hex(m.cookie()));
        }
        if (m.idleTimeout() != 0) parts.add("idle_timeout=" + m.idleTimeout());
        if (m.hardTimeout() != 0) parts.add("hard_timeout=" + m.hardTimeout());
        if (m.importance() != 0) parts.add("importance=" + m.importance());
        int flags = m.flags();
        if ((flags & FlowMod.FLAG_SEND_FLOW_REM) != 0) parts.add("send_flow_rem");
        if ((flags & FlowMod.FLAG_CHECK_OVERLAP) != 0) parts.add("check_overlap");
        if ((flags & FlowMod.FLAG_RESET_COUNTS) != 0) parts.add("reset_counts");
        if ((flags & FlowMod.FLAG_NO_PKT_COUNTS) != 0) parts.add("no_packet_counts");
        if ((flags & FlowMod.FLAG_NO_BYT_COUNTS) != 0) parts.add("no_byte_counts");
        if (m.outPort() != OfPort.ANY) parts.add("out_port=" + OfPort.name(m.outPort()));
        if (m.outGroup() != FlowMod.ANY_GROUP) parts.add("out_group=" + Integer.toUnsignedString(m.outGroup()));
        String match = formatMatch(m.match());
        if (!match.isEmpty()) parts.add(match);
        FlowMatch.Entry eth = m.match().entry(Field.ETH_TYPE);
        boolean ipv6 = eth != null && eth.exact() && eth.value() == Prerequisite.ETH_IPV6;
        if (!delete) parts.add("actions=" + ActionFormatter.instructions(m.instructions(), ipv6));
        return String.join(",", parts);
    }

    private FlowFormatter() {}
}
