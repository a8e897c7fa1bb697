package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import java.util.List;
import java.util.Objects;

/**
 * The ovs-ofctl flow syntax, as {@code add-flow}, {@code del-flows} and {@code ofproto/trace} take it.
 *
 * <h2>Grammar</h2>
 * A flow is a list of items separated by commas and/or white space, then {@code actions=} and everything after
 * it: <pre>
 *   flow   := item* [ "actions=" actions ]
 *   item   := KEYWORD | NAME "=" VALUE
 *   VALUE  := number | number/mask | MAC[/MAC] | IPv4[/prefix|/IPv4] | IPv6[/prefix|/IPv6] | port name | flag list
 * </pre>
 * Items are of three sorts: flow-entry settings ({@code table}, {@code priority}, {@code cookie=V[/M]},
 * {@code idle_timeout}, {@code hard_timeout}, {@code importance}, {@code out_port}, {@code out_group} and the bare
 * flags {@code send_flow_rem}, {@code check_overlap}, {@code reset_counts}, {@code no_packet_counts},
 * {@code no_byte_counts}); protocol keywords ({@code ip}, {@code tcp6}, {@code arp}, ..., see
 * {@link ProtocolKeyword}), which stand for {@code dl_type} and {@code nw_proto}; and match fields under their OVS
 * names and aliases (see {@link MatchFields}). Order does not matter: {@code tp_dst=80,tcp} means tcp_dst, because
 * protocol-dependent names are resolved against the whole match. Numbers are decimal or {@code 0x} hex; any
 * field may carry a {@code /mask}, as in ovs-ofctl (the OpenFlow channel is where unmaskable fields are refused);
 * a value is ANDed with its mask ({@code nw_src=10.1.2.3/8} is {@code 10.0.0.0/8}).
 *
 * <p>The actions are a list of actions and instructions ({@link ActionParser}): {@code output:2},
 * {@code set_field:10.0.0.1->ip_dst}, {@code write_actions(output:1)}, {@code goto_table:1}, {@code drop}.
 *
 * <h2>Which command takes what</h2>
 * Add and modify need actions (write {@code actions=drop} to drop); deletes take none. Timeouts, importance and
 * flags are for add/modify; {@code out_port}/{@code out_group} and {@code table=all} are for deletes. A cookie
 * mask selects flows and is for modify/delete; a cookie without a mask sets the cookie, so a delete refuses it.
 *
 * <h2>Errors</h2>
 * Text that cannot be read throws {@link FlowSyntaxException} with the 1-based column where the problem starts.
 * A match that reads fine but breaks OpenFlow's rules (a field without its prerequisite, e.g. {@code tcp_dst}
 * without {@code tcp}) throws the {@link io.vswitch.datapath.OpenFlowException} the switch would answer with
 * (BAD_PREREQ). Nothing is returned half-built: every object is built only after the whole text is read.
 *
 * <p>{@link #parseMatch} takes match items only and refuses flow-entry settings; {@link #parseKey} takes the
 * same names with exact values and describes one packet (see {@link KeyParser} for its defaults).
 */
public final class FlowParser {
    /** Parses an ovs-ofctl flow ("table=0,priority=10,ip,nw_dst=10.0.0.0/8,actions=output:2"). */
    public static FlowMod parseFlow(String text, FlowMod.Command command) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(command, "command");
        Tokenizer tokens = new Tokenizer(text);
        MatchParser match = new MatchParser();
        FlowSettings settings = new FlowSettings(command);
        int actionsOffset = -1, actionsColumn = -1;
        for (Token t; (t = tokens.next()) != null; ) {
            if ((t.key().equals("actions") || t.key().equals("action")) && t.sep() == '=') {
                actionsColumn = t.column();
                actionsOffset = t.valueColumn() - 1;
                break;
            }
            if (settings.accept(t) || match.accept(t)) continue;
            throw unknown(t);
        }
        boolean delete = command == FlowMod.Command.DELETE || command == FlowMod.Command.DELETE_STRICT;
        if (delete && actionsOffset >= 0) throw new FlowSyntaxException(actionsColumn, "a delete takes no actions");
        if (!delete && actionsOffset < 0) {
            throw new FlowSyntaxException(text.length() + 1, "missing actions=...: a flow to add or modify needs actions"
                    + " (write actions=drop to drop packets)");
        }
        FlowMatch m = match.build();
        List<Instruction> instructions = delete ? List.of()
                : new ActionParser(m).instructions(text.substring(actionsOffset), actionsOffset);
        return settings.build(m, instructions);
    }

    /** Parses a match alone ("tcp,nw_src=10.0.0.0/8"), e.g. a dump-flows filter. Flow settings are refused. */
    public static FlowMatch parseMatch(String text) {
        Tokenizer tokens = new Tokenizer(Objects.requireNonNull(text, "text"));
        MatchParser match = new MatchParser();
        for (Token t; (t = tokens.next()) != null; ) {
            if (match.accept(t)) continue;
            if (FlowSettings.isSetting(t.key()) || t.key().equals("actions")) {
                throw new FlowSyntaxException(t.column(), "'" + t.key() + "' is not a match field (a match takes fields only)");
            }
            throw unknown(t);
        }
        return match.build();
    }

    /** Parses "actions=" text into instructions (apply-actions plus goto_table, write_actions, ...). */
    public static List<Instruction> parseInstructions(String text) {
        return parseInstructions(text, null);
    }

    /**
     * Like {@link #parseInstructions(String)}, with the flow's match as the protocol context that
     * {@code mod_tp_src} and friends need. The leading "actions=" is optional.
     */
    public static List<Instruction> parseInstructions(String text, FlowMatch match) {
        int offset = prefixLength(Objects.requireNonNull(text, "text"));
        return new ActionParser(match).instructions(text.substring(offset), offset);
    }

    /** Parses a plain action list (no instructions), e.g. for a packet-out or a group bucket. */
    public static List<Action> parseActions(String text) {
        return parseActions(text, null);
    }

    public static List<Action> parseActions(String text, FlowMatch match) {
        int offset = prefixLength(Objects.requireNonNull(text, "text"));
        return new ActionParser(match).actions(text.substring(offset), offset, "an action list");
    }

    /** Parses a packet description for trace ("in_port=1,dl_dst=...,tcp,nw_dst=10.0.0.2,tp_dst=80"). */
    public static FlowKey parseKey(String text) {
        return KeyParser.parse(Objects.requireNonNull(text, "text"));
    }

    private static int prefixLength(String text) {
        String trimmed = text.stripLeading();
        int lead = text.length() - trimmed.length();
        if (trimmed.startsWith("actions=")) return lead + "actions=".length();
        return 0;
    }

    private static FlowSyntaxException unknown(Token t) {
        return new FlowSyntaxException(t.column(), "unknown field '" + t.key() + "'");
    }

    private FlowParser() {}
}
