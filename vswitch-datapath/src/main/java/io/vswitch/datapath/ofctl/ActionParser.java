package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.flow.Prerequisite;
import io.vswitch.datapath.ofctl.MatchFields.Mode;
import io.vswitch.datapath.ofctl.MatchFields.Syntax;
import io.vswitch.datapath.ofctl.MatchFields.Value;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text after {@code actions=}: OpenFlow actions (applied at once unless inside
 * {@code write_actions(...)}) and the instruction keywords {@code meter}, {@code clear_actions},
 * {@code write_actions}, {@code write_metadata} and {@code goto_table}.
 *
 * <p>Instructions must be written in the order OpenFlow executes them (meter, actions, clear_actions,
 * write_actions, write_metadata, goto_table), each at most once, like ovs-ofctl requires; plain actions form one
 * apply-actions instruction, included only when non-empty. {@code drop} is an empty list and must stand alone.
 *
 * <p>Field writes all become {@link Action.SetField}: {@code mod_dl_src}, {@code mod_nw_dst}, {@code mod_nw_tos}
 * (the TOS byte, stored as DSCP), {@code set_mpls_label}, ... One deliberate difference from OVS:
 * {@code mod_vlan_vid:V} is a set_field of vlan_vid with the present bit (0x1000|V) and does not push a tag onto
 * an untagged packet by itself; write {@code push_vlan:0x8100,mod_vlan_vid:V} for that, as OpenFlow 1.3 does.
 * {@code set_field:V->vlan_vid} likewise always sets the present bit. set_field takes any match field name or
 * alias (metadata included, as OVS allows) and no mask.
 *
 * <p>Actions that depend on the packet's protocol ({@code mod_tp_src}, {@code set_field:...->tp_dst}) take it
 * from the flow's match, as Open vSwitch does; without such a match they are an error.
 */
final class ActionParser {
    private static final String ORDER = "instructions go in the order meter, actions, clear_actions, write_actions, "
            + "write_metadata, goto_table";

    private final long ethType, ipProto;

    /** @param match the flow's match (protocol context for mod_tp_*), or null for none */
    ActionParser(FlowMatch match) {
        this.ethType = exact(match, Field.ETH_TYPE);
        this.ipProto = exact(match, Field.IP_PROTO);
    }

    private static long exact(FlowMatch match, Field f) {
        FlowMatch.Entry e = match == null ? null : match.entry(f);
        return e != null && e.exact() ? e.value() : -1;
    }

    /** Instructions from {@code text}, which starts at 0-based {@code offset} of the user's text. */
    List<Instruction> instructions(String text, int offset) {
        Tokenizer tokens = new Tokenizer(text, offset);
        List<Action> apply = new ArrayList<>();
        Instruction meter = null, clear = null, write = null, writeMetadata = null, gotoTable = null;
        int lastRank = -1, dropColumn = -1;
        String lastName = null;
        boolean any = false;
        for (Token t; (t = tokens.next()) != null; ) {
            String name = Values.lower(t.key());
            int rank = switch (name) {
                case "meter" -> 0;
                case "clear_actions" -> 2;
                case "write_actions" -> 3;
                case "write_metadata" -> 4;
                case "goto_table" -> 5;
                default -> 1;
            };
            if (rank < lastRank) throw new FlowSyntaxException(t.column(), name + " cannot follow " + lastName + ": " + ORDER);
            if (rank == lastRank && rank != 1) throw new FlowSyntaxException(t.column(), name + " given twice");
            lastRank = rank;
            lastName = rank == 1 ? "an action (" + name + ")" : name;
            any = true;
            switch (name) {
                case "meter" -> meter = new Instruction.Meter((int) number(t, 1, 0xffffffffL, "meter id"));
                case "clear_actions" -> { bare(t); clear = new Instruction.ClearActions(); }
                case "write_actions" -> {
                    if (t.sep() != '(') throw new FlowSyntaxException(t.column(), "expected write_actions(ACTION,...)");
                    write = new Instruction.WriteActions(actions(t.value(), t.valueColumn() - 1, "write_actions"));
                }
                case "write_metadata" -> writeMetadata = writeMetadata(t);
                case "goto_table" -> gotoTable = new Instruction.GotoTable((int) number(t, 0, 254, "table id"));
                case "drop" -> { bare(t); dropColumn = t.column(); }
                default -> apply.add(action(t));
            }
        }
        if (dropColumn > 0 && (!apply.isEmpty() || meter != null || clear != null || write != null
                || writeMetadata != null || gotoTable != null)) {
            throw new FlowSyntaxException(dropColumn, "drop must be the only action");
        }
        if (!any) throw new FlowSyntaxException(tokens.column(), "missing actions: write actions=drop to drop packets");
        List<Instruction> out = new ArrayList<>();
        if (meter != null) out.add(meter);
        if (!apply.isEmpty()) out.add(new Instruction.ApplyActions(apply));
        if (clear != null) out.add(clear);
        if (write != null) out.add(write);
        if (writeMetadata != null) out.add(writeMetadata);
        if (gotoTable != null) out.add(gotoTable);
        return out;
    }

    /** A plain action list ("drop" alone is the empty list); {@code where} names the context for errors. */
    List<Action> actions(String text, int offset, String where) {
        Tokenizer tokens = new Tokenizer(text, offset);
        List<Token> items = new ArrayList<>();
        for (Token t; (t = tokens.next()) != null; ) items.add(t);
        return actions(items, where);
    }

    /**
     * A plain action list from items already split off (a group bucket mixes its parameters with its actions, so
     * {@link GroupParser} picks the action items out itself); columns are those the items carry.
     */
    List<Action> actions(List<Token> items, String where) {
        List<Action> out = new ArrayList<>();
        int dropColumn = -1;
        for (Token t : items) {
            switch (Values.lower(t.key())) {
                case "drop" -> { bare(t); dropColumn = t.column(); }
                case "meter", "clear_actions", "write_actions", "write_metadata", "goto_table" ->
                        throw new FlowSyntaxException(t.column(), t.key() + " is an instruction: not allowed in " + where);
                default -> out.add(action(t));
            }
        }
        if (dropColumn > 0 && !out.isEmpty()) throw new FlowSyntaxException(dropColumn, "drop must be the only action");
        return out;
    }

    private Instruction writeMetadata(Token t) {
        String v = value(t);
        int slash = v.indexOf('/');
        long value = Values.number(slash < 0 ? v : v.substring(0, slash), t.valueColumn(), -1L, "write_metadata value");
        long mask = slash < 0 ? -1L : Values.number(v.substring(slash + 1), t.valueColumn() + slash + 1, -1L, "write_metadata mask");
        return new Instruction.WriteMetadata(value & mask, mask);
    }

    private Action action(Token t) {
        String name = Values.lower(t.key());
        return switch (name) {
            case "output" -> output(t);
            case "controller" -> controller(t);
            case "in_port", "normal", "flood", "all", "local", "table" -> {
                bare(t);
                yield new Action.Output(MatchFields.port(name, t.column(), "port"));
            }
            case "mod_vlan_vid" -> new Action.SetField(Field.VLAN_VID, Field.VID_PRESENT | number(t, 0, 4095, "VLAN id"));
            case "mod_vlan_pcp" -> new Action.SetField(Field.VLAN_PCP, number(t, 0, 7, "VLAN priority"));
            case "strip_vlan", "pop_vlan" -> { bare(t); yield new Action.PopVlan(); }
            case "push_vlan" -> new Action.PushVlan(ethType(t, Prerequisite.ETH_VLAN, Prerequisite.ETH_QINQ));
            case "push_mpls" -> new Action.PushMpls(ethType(t, Prerequisite.ETH_MPLS, Prerequisite.ETH_MPLS_MC));
            case "pop_mpls" -> new Action.PopMpls((int) number(t, 0, 0xffff, "Ethernet type"));
            case "push_pbb" -> new Action.PushPbb(ethType(t, Prerequisite.ETH_PBB));
            case "pop_pbb" -> { bare(t); yield new Action.PopPbb(); }
            case "set_mpls_label" -> new Action.SetField(Field.MPLS_LABEL, number(t, 0, Field.MPLS_LABEL.valueMask, "MPLS label"));
            case "set_mpls_tc" -> new Action.SetField(Field.MPLS_TC, number(t, 0, 7, "MPLS traffic class"));
            case "set_mpls_ttl" -> new Action.SetMplsTtl((int) number(t, 0, 255, "MPLS TTL"));
            case "dec_mpls_ttl" -> { bare(t); yield new Action.DecMplsTtl(); }
            case "mod_dl_src" -> new Action.SetField(Field.ETH_SRC, Values.mac(value(t), t.valueColumn(), name));
            case "mod_dl_dst" -> new Action.SetField(Field.ETH_DST, Values.mac(value(t), t.valueColumn(), name));
            case "mod_nw_src" -> new Action.SetField(Field.IPV4_SRC, Values.ipv4(value(t), t.valueColumn(), name));
            case "mod_nw_dst" -> new Action.SetField(Field.IPV4_DST, Values.ipv4(value(t), t.valueColumn(), name));
            case "mod_nw_tos" -> setField(t, "nw_tos", value(t), t.valueColumn());
            case "mod_nw_ecn" -> new Action.SetField(Field.IP_ECN, number(t, 0, 3, "ECN value"));
            case "mod_nw_ttl", "set_nw_ttl" -> new Action.SetNwTtl((int) number(t, 0, 255, "TTL"));
            case "dec_ttl" -> {
                if (!t.bare()) throw new FlowSyntaxException(t.column(), "dec_ttl takes no arguments here (controller ids are not supported)");
                yield new Action.DecNwTtl();
            }
            case "mod_tp_src" -> setField(t, "tp_src", value(t), t.valueColumn());
            case "mod_tp_dst" -> setField(t, "tp_dst", value(t), t.valueColumn());
            case "copy_ttl_in" -> { bare(t); yield new Action.CopyTtlIn(); }
            case "copy_ttl_out" -> { bare(t); yield new Action.CopyTtlOut(); }
            case "set_queue" -> new Action.SetQueue((int) number(t, 0, 0xffffffffL, "queue id"));
            case "group" -> new Action.Group((int) number(t, 0, 0xffffffffL, "group id"));
            case "set_field" -> setField(t);
            case "apply_actions", "load", "move", "resubmit", "enqueue", "learn", "note", "ct", "multipath", "bundle",
                 "output_reg", "fin_timeout", "sample", "exit", "conjunction", "clone", "check_pkt_larger" ->
                    throw new FlowSyntaxException(t.column(), "action '" + t.key() + "' is not supported by this switch");
            default -> {
                if (t.bare() && !t.key().isEmpty() && Character.isDigit(t.key().charAt(0))) {
                    yield new Action.Output(MatchFields.port(t.key(), t.column(), "output port"));
                }
                throw new FlowSyntaxException(t.column(), "unknown action '" + t.key() + "'");
            }
        };
    }

    private Action output(Token t) {
        if (t.sep() != '(') return new Action.Output(MatchFields.port(value(t), t.valueColumn(), "output port"));
        Integer port = null;
        int maxLen = Action.Output.NO_BUFFER_MAX_LEN;
        for (Token o : options(t)) {
            switch (o.key()) {
                case "port" -> port = MatchFields.port(value(o), o.valueColumn(), "output port");
                case "max_len" -> maxLen = (int) number(o, 0, 0xffff, "max_len");
                default -> throw new FlowSyntaxException(o.column(), "unknown output option '" + o.key() + "' (port, max_len)");
            }
        }
        if (port == null) throw new FlowSyntaxException(t.column(), "output(...) needs port=PORT");
        return new Action.Output(port, maxLen);
    }

    private Action controller(Token t) {
        if (t.bare()) return new Action.Output(OfPort.CONTROLLER);
        if (t.sep() != '(') return new Action.Output(OfPort.CONTROLLER, (int) number(t, 0, 0xffff, "controller max_len"));
        int maxLen = Action.Output.NO_BUFFER_MAX_LEN;
        for (Token o : options(t)) {
            if (!o.key().equals("max_len")) {
                throw new FlowSyntaxException(o.column(), "controller option '" + o.key() + "' is not supported (only max_len)");
            }
            maxLen = (int) number(o, 0, 0xffff, "max_len");
        }
        return new Action.Output(OfPort.CONTROLLER, maxLen);
    }

    private static List<Token> options(Token t) {
        Tokenizer tokens = new Tokenizer(t.value(), t.valueColumn() - 1);
        List<Token> out = new ArrayList<>();
        for (Token o; (o = tokens.next()) != null; ) out.add(o);
        return out;
    }

    /** set_field:VALUE->FIELD. */
    private Action setField(Token t) {
        String v = value(t);
        int arrow = v.lastIndexOf("->");
        if (arrow < 0) throw new FlowSyntaxException(t.valueColumn(), "expected set_field:VALUE->FIELD");
        String fieldName = v.substring(arrow + 2);
        if (fieldName.isEmpty()) throw new FlowSyntaxException(t.valueColumn() + arrow + 2, "missing field name after '->'");
        if (arrow == 0) throw new FlowSyntaxException(t.valueColumn(), "missing value for " + fieldName);
        return setField(t, fieldName, v.substring(0, arrow), t.valueColumn(), t.valueColumn() + arrow + 2);
    }

    private Action setField(Token t, String fieldName, String value, int valueColumn) {
        return setField(t, fieldName, value, valueColumn, t.column());
    }

    private Action setField(Token t, String fieldName, String value, int valueColumn, int nameColumn) {
        Syntax s = MatchFields.byName(fieldName);
        if (s == null) throw new FlowSyntaxException(nameColumn, "unknown field '" + fieldName + "'");
        Field f = s.field();
        if (f == null) {
            f = MatchFields.resolve(s, ethType, ipProto);
            Field first = s.candidates().getFirst();
            if (f == null && (first == Field.ICMPV4_TYPE || first == Field.ICMPV4_CODE)) {
                f = first; // icmp_type outside an icmp6 flow means ICMPv4, as in OVS
            }
            if (f == null) {
                String what = t.key().equals("set_field") ? "set_field:...->" + fieldName : t.key();
                throw new FlowSyntaxException(t.column(), what + " needs a protocol in the match: " + s.needs());
            }
        }
        Value v = MatchFields.parse(s, f, value, valueColumn, fieldName, Mode.SET_FIELD);
        return new Action.SetField(f, v.value(), v.valueLow());
    }

    private static int ethType(Token t, int... allowed) {
        int v = (int) number(t, 0, 0xffff, "Ethernet type");
        StringBuilder names = new StringBuilder();
        for (int a : allowed) {
            if (a == v) return v;
            names.append(names.isEmpty() ? "" : " or ").append(String.format("0x%04x", a));
        }
        throw new FlowSyntaxException(t.valueColumn(), t.key() + " Ethernet type must be " + names + ", not " + t.value());
    }

    private static String value(Token t) {
        if (t.bare() || t.value().isEmpty()) throw new FlowSyntaxException(t.column(), "missing value for " + t.key());
        if (t.sep() == '(') throw new FlowSyntaxException(t.column(), "expected " + t.key() + ":VALUE, not " + t.key() + "(...)");
        return t.value();
    }

    private static long number(Token t, long min, long max, String what) {
        long v = Values.number(value(t), t.valueColumn(), max, what);
        if (Long.compareUnsigned(v, min) < 0) throw Values.notValid(t.value(), t.valueColumn(), what, max);
        return v;
    }

    private static void bare(Token t) {
        if (!t.bare()) throw new FlowSyntaxException(t.column(), "'" + t.key() + "' takes no argument");
    }
}
