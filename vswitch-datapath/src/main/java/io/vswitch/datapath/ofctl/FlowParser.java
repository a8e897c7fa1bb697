package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.table.FlowMod;
import java.util.List;

/** STUB: replaced by the ovs-ofctl flow syntax parser. */
public final class FlowParser {
    /** Parses an ovs-ofctl flow ("table=0,priority=10,ip,nw_dst=10.0.0.0/8,actions=output:2"). */
    public static FlowMod parseFlow(String text, FlowMod.Command command) {
        throw new FlowSyntaxException(1, "not implemented");
    }

    public static FlowMatch parseMatch(String text) {
        throw new FlowSyntaxException(1, "not implemented");
    }

    /** Parses "actions=" text into instructions (apply-actions plus goto_table, write_actions, ...). */
    public static List<Instruction> parseInstructions(String text) {
        throw new FlowSyntaxException(1, "not implemented");
    }

    public static List<Action> parseActions(String text) {
        throw new FlowSyntaxException(1, "not implemented");
    }

    /** Parses a packet description for trace ("in_port=1,dl_dst=...,tcp,nw_dst=10.0.0.2,tp_dst=80"). */
    public static FlowKey parseKey(String text) {
        throw new FlowSyntaxException(1, "not implemented");
    }

    private FlowParser() {}
}
