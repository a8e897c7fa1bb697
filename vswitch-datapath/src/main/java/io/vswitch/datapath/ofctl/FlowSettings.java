package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import io.vswitch.datapath.table.FlowMod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flow-entry items of a flow text (everything that is neither match nor action): table, priority, cookie,
 * timeouts, importance, out_port/out_group and the OFPFF_* flags, with which commands may use each.
 */
final class FlowSettings {
    private static final Set<String> NAMES = Set.of("table", "priority", "cookie", "idle_timeout", "hard_timeout",
            "importance", "out_port", "out_group", "send_flow_rem", "check_overlap", "reset_counts",
            "no_packet_counts", "no_byte_counts");

    private final FlowMod.Command command;
    private final boolean delete;
    private Integer table;
    private int priority = FlowMod.DEFAULT_PRIORITY, idleTimeout, hardTimeout, importance, flags;
    private int outPort = OfPort.ANY, outGroup = FlowMod.ANY_GROUP;
    private long cookie, cookieMask;
    private final Map<String, Integer> seen = new HashMap<>();

    FlowSettings(FlowMod.Command command) {
        this.command = command;
        this.delete = command == FlowMod.Command.DELETE || command == FlowMod.Command.DELETE_STRICT;
    }

    static boolean isSetting(String key) {
        return NAMES.contains(key);
    }

    /** Takes a flow-entry item; returns false if the token is not one. */
    boolean accept(Token t) {
        String key = t.key();
        if (!NAMES.contains(key)) return false;
        Integer previous = seen.putIfAbsent(key, t.column());
        if (previous != null) throw new FlowSyntaxException(t.column(), key + " given twice (first at column " + previous + ")");
        switch (key) {
            case "send_flow_rem" -> flag(t, FlowMod.FLAG_SEND_FLOW_REM);
            case "check_overlap" -> flag(t, FlowMod.FLAG_CHECK_OVERLAP);
            case "reset_counts" -> flag(t, FlowMod.FLAG_RESET_COUNTS);
            case "no_packet_counts" -> flag(t, FlowMod.FLAG_NO_PKT_COUNTS);
            case "no_byte_counts" -> flag(t, FlowMod.FLAG_NO_BYT_COUNTS);
            case "table" -> {
                String v = value(t);
                if (v.equals("all") || v.equals("255")) {
                    if (!delete) throw new FlowSyntaxException(t.valueColumn(), "table=" + v + " (every table) is only for deletes");
                    table = FlowMod.ALL_TABLES;
                } else {
                    table = (int) Values.number(v, t.valueColumn(), 254, "table");
                }
            }
            case "priority" -> priority = (int) Values.number(value(t), t.valueColumn(), 0xffff, "priority");
            case "idle_timeout" -> idleTimeout = (int) Values.number(notForDelete(t), t.valueColumn(), 0xffff, key);
            case "hard_timeout" -> hardTimeout = (int) Values.number(notForDelete(t), t.valueColumn(), 0xffff, key);
            case "importance" -> importance = (int) Values.number(notForDelete(t), t.valueColumn(), 0xffff, key);
            case "out_port" -> outPort = MatchFields.port(onlyForDelete(t), t.valueColumn(), key);
            case "out_group" -> {
                String v = onlyForDelete(t);
                outGroup = Values.lower(v).equals("any") ? FlowMod.ANY_GROUP
                        : (int) Values.number(v, t.valueColumn(), 0xffffffffL, key);
            }
            case "cookie" -> cookie(t);
            default -> throw new AssertionError(key);
        }
        return true;
    }

    private void cookie(Token t) {
        String v = value(t);
        int slash = v.indexOf('/');
        if (slash < 0) {
            if (delete) {
                throw new FlowSyntaxException(t.column(), "a delete cannot set a cookie: write cookie=" + v
                        + "/-1 to select flows by cookie");
            }
            cookie = Values.number(v, t.valueColumn(), -1L, "cookie");
            return;
        }
        if (command == FlowMod.Command.ADD) {
            throw new FlowSyntaxException(t.valueColumn() + slash, "a flow to add cannot use a cookie mask (masks select flows"
                    + " to modify or delete)");
        }
        String m = v.substring(slash + 1);
        cookieMask = m.equals("-1") ? -1L : Values.number(m, t.valueColumn() + slash + 1, -1L, "cookie mask");
        cookie = Values.number(v.substring(0, slash), t.valueColumn(), -1L, "cookie") & cookieMask;
    }

    private void flag(Token t, int bit) {
        if (!t.bare()) throw new FlowSyntaxException(t.column(), "'" + t.key() + "' is a flag and takes no value");
        if (delete) throw new FlowSyntaxException(t.column(), t.key() + " is not allowed in a delete");
        flags |= bit;
    }

    private String notForDelete(Token t) {
        if (delete) throw new FlowSyntaxException(t.column(), t.key() + " is not allowed in a delete");
        return value(t);
    }

    private String onlyForDelete(Token t) {
        if (!delete) throw new FlowSyntaxException(t.column(), t.key() + " is only for deletes");
        return value(t);
    }

    private static String value(Token t) {
        if (t.bare() || t.value().isEmpty()) throw new FlowSyntaxException(t.column(), "missing value for " + t.key());
        if (t.sep() != '=') throw new FlowSyntaxException(t.column(), "expected " + t.key() + "=VALUE");
        return t.value();
    }

    FlowMod build(FlowMatch match, List<Instruction> instructions) {
        FlowMod.Builder b = FlowMod.builder(command, match).priority(priority).instructions(instructions)
                .cookie(cookie, cookieMask).idleTimeout(idleTimeout).hardTimeout(hardTimeout).flags(flags)
                .outPort(outPort).outGroup(outGroup).importance(importance);
        if (table != null) b.table(table);
        return b.build();
    }
}
