package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ovs-ofctl group syntax, as {@code add-group}, {@code mod-group} and {@code del-groups} take it.
 *
 * <h2>Grammar</h2>
 * <pre>
 *   group   := "group_id=" ID [ "type=" TYPE ] bucket*
 *   TYPE    := all | select | indirect | ff | fast_failover
 *   bucket  := "bucket=" item*        (runs to the next "bucket=")
 *   item    := weight:N | watch_port:PORT | watch_group:N | bucket_id:N | actions=ACTION | ACTION
 * </pre>
 * Items are separated by commas and/or white space. Everything after a {@code bucket=} belongs to that bucket
 * until the next {@code bucket=}, as in Open vSwitch, so {@code group_id} and {@code type} must come first.
 * Inside a bucket, parameters may be written {@code weight:10} or {@code weight=10}, and {@code actions=} is
 * optional: an item that is not a bucket parameter is an action ({@code bucket=output:1} is a bucket that outputs
 * to port 1). Actions use the flow action syntax ({@link ActionParser}) without instructions; actions that need
 * the flow's protocol ({@code mod_tp_dst}) are refused, since a bucket has no match to take it from.
 *
 * <h2>Parameters and defaults</h2>
 * <ul>
 *   <li>{@code weight} (0-65535) is for select groups only; a select bucket without one weighs 1, as in OVS.
 *   <li>{@code watch_port} is a port number (1 to 0xffffff00), {@code ANY} (no watch, the default) or
 *       {@code CONTROLLER}; other reserved ports cannot be watched (OVS refuses them too).
 *   <li>{@code watch_group} is a group number up to 0xffffff00.
 *   <li>{@code bucket_id} (a number, {@code first}, {@code last}, {@code all}) is read and ignored: this switch
 *       speaks OpenFlow 1.3, whose buckets have no ids.
 * </ul>
 * Add and modify need {@code group_id} and {@code type}; a group may have no buckets. A delete takes only
 * {@code group_id}, which may be {@code all}; with none, it deletes all groups.
 *
 * <p>Besides the text, the parser checks what ovs-ofctl checks while parsing (weights only in select groups, at
 * most one bucket in an indirect group), where a column helps. The other OpenFlow rules (an indirect group has
 * exactly one bucket, a fast-failover bucket watches something, chained groups exist and make no loop) are the
 * {@link io.vswitch.datapath.group.GroupTable}'s to enforce, with the error the switch would answer.
 *
 * <h2>Errors</h2>
 * {@link FlowSyntaxException} with the 1-based column of the offending item.
 */
public final class GroupParser {
    /** Parses an ovs-ofctl group ("group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=output:2"). */
    public static GroupMod parseGroup(String text, GroupMod.Command command) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(command, "command");
        boolean delete = command == GroupMod.Command.DELETE;
        Tokenizer tokens = new Tokenizer(text);
        Token idToken = null, typeToken = null;
        Group.Type type = null;
        int id = GroupMod.ALL;
        List<BucketItems> buckets = new ArrayList<>();
        for (Token t; (t = tokens.next()) != null; ) {
            String key = Values.lower(t.key());
            if (key.equals("bucket")) {
                if (delete) throw new FlowSyntaxException(t.column(), "del-groups takes only group_id, not buckets");
                if (t.sep() != '=') throw new FlowSyntaxException(t.column(), "expected bucket=...");
                if (typeToken == null) {
                    throw new FlowSyntaxException(t.column(), "type=... must come before the first bucket");
                }
                BucketItems b = new BucketItems(t);
                buckets.add(b);
                Tokenizer inner = new Tokenizer(t.value(), t.valueColumn() - 1);
                for (Token i; (i = inner.next()) != null; ) b.items.add(i);
                continue;
            }
            if (!buckets.isEmpty()) {
                if (isGroupKey(key)) {
                    throw new FlowSyntaxException(t.column(), key + " must come before the first bucket"
                            + " (everything after bucket= belongs to that bucket)");
                }
                buckets.getLast().items.add(t);
                continue;
            }
            switch (key) {
                case "group_id" -> {
                    if (idToken != null) throw new FlowSyntaxException(t.column(), "group_id given twice");
                    idToken = t;
                    id = groupId(t, delete);
                }
                case "type" -> {
                    if (delete) throw new FlowSyntaxException(t.column(), "del-groups takes only group_id, not type");
                    if (typeToken != null) throw new FlowSyntaxException(t.column(), "type given twice");
                    typeToken = t;
                    type = type(t);
                }
                case "command_bucket_id", "selection_method", "selection_method_param", "fields" ->
                        throw new FlowSyntaxException(t.column(), "'" + t.key()
                                + "' is an OpenFlow 1.5/OVS extension not supported by this switch");
                default -> throw new FlowSyntaxException(t.column(), "unknown group field '" + t.key()
                        + "' (group_id, type, bucket)");
            }
        }
        if (delete) return new GroupMod(command, id, null, List.of());
        if (idToken == null) throw new FlowSyntaxException(tokens.column(), "missing group_id=...");
        if (typeToken == null) {
            throw new FlowSyntaxException(tokens.column(), "missing type=... (all, select, indirect or ff)");
        }
        if (type == Group.Type.INDIRECT && buckets.size() > 1) {
            // ovs-ofctl refuses this too; caught here because the column of the extra bucket helps.
            throw new FlowSyntaxException(buckets.get(1).start().column(), "an indirect group has one bucket only");
        }
        List<Bucket> out = new ArrayList<>(buckets.size());
        for (BucketItems b : buckets) out.add(bucket(b, type));
        return new GroupMod(command, id, type, out);
    }

    /** The group type names ovs-ofctl prints ("ff" for fast failover). */
    static String typeName(Group.Type type) {
        return switch (type) {
            case ALL -> "all";
            case SELECT -> "select";
            case INDIRECT -> "indirect";
            case FAST_FAILOVER -> "ff";
        };
    }

    private static boolean isGroupKey(String key) {
        return key.equals("group_id") || key.equals("type");
    }

    private static int groupId(Token t, boolean delete) {
        String v = value(t);
        if (Values.lower(v).equals("all")) {
            if (!delete) throw new FlowSyntaxException(t.valueColumn(), "group_id=all is for del-groups only");
            return GroupMod.ALL;
        }
        return (int) Values.number(v, t.valueColumn(), Integer.toUnsignedLong(GroupMod.MAX), "group id");
    }

    private static Group.Type type(Token t) {
        return switch (Values.lower(value(t))) {
            case "all" -> Group.Type.ALL;
            case "select" -> Group.Type.SELECT;
            case "indirect" -> Group.Type.INDIRECT;
            case "ff", "fast_failover" -> Group.Type.FAST_FAILOVER;
            default -> throw new FlowSyntaxException(t.valueColumn(), "unknown group type '" + t.value()
                    + "' (all, select, indirect, ff or fast_failover)");
        };
    }

    /** The items of one bucket, parameters and actions mixed, as written. */
    private record BucketItems(Token start, List<Token> items) {
        BucketItems(Token start) {
            this(start, new ArrayList<>());
        }
    }

    private static Bucket bucket(BucketItems b, Group.Type type) {
        Token weightToken = null, portToken = null, groupToken = null, idToken = null;
        int weight = type == Group.Type.SELECT ? 1 : 0;
        int watchPort = Bucket.WATCH_ANY, watchGroup = Bucket.WATCH_ANY;
        List<Token> actions = new ArrayList<>();
        for (Token t : b.items) {
            String key = Values.lower(t.key());
            switch (key) {
                case "weight" -> {
                    weightToken = once(t, weightToken);
                    if (type != Group.Type.SELECT) {
                        throw new FlowSyntaxException(t.column(), "weight applies to select groups only (this group is type="
                                + typeName(type) + ")");
                    }
                    weight = (int) Values.number(param(t), t.valueColumn(), 0xffff, "bucket weight");
                }
                case "watch_port" -> {
                    portToken = once(t, portToken);
                    watchPort = watchPort(t);
                }
                case "watch_group" -> {
                    groupToken = once(t, groupToken);
                    watchGroup = (int) Values.number(param(t), t.valueColumn(), Integer.toUnsignedLong(GroupMod.MAX),
                            "watch_group");
                }
                case "bucket_id" -> {
                    idToken = once(t, idToken);
                    String v = Values.lower(param(t));
                    if (!v.equals("first") && !v.equals("last") && !v.equals("all")) {
                        Values.number(v, t.valueColumn(), 0xffffff00L, "bucket_id");
                    }
                }
                case "actions", "action" -> {
                    if (t.sep() != '=' && t.sep() != ':') {
                        throw new FlowSyntaxException(t.column(), "expected actions=ACTION[,ACTION...]");
                    }
                    Tokenizer inner = new Tokenizer(t.value(), t.valueColumn() - 1);
                    for (Token a; (a = inner.next()) != null; ) actions.add(a);
                }
                default -> actions.add(t);
            }
        }
        List<Action> list = new ActionParser(null).actions(actions, "a group bucket");
        return new Bucket(weight, watchPort, watchGroup, list);
    }

    private static int watchPort(Token t) {
        int port = MatchFields.port(param(t), t.valueColumn(), "watch_port");
        if (port == 0 || (Integer.compareUnsigned(port, OfPort.MAX) > 0 && port != OfPort.ANY
                && port != OfPort.CONTROLLER)) {
            throw new FlowSyntaxException(t.valueColumn(), "'" + t.value() + "' cannot be watched (watch_port is a port"
                    + " number 1-" + Integer.toUnsignedString(OfPort.MAX) + ", ANY or CONTROLLER)");
        }
        return port;
    }

    private static Token once(Token t, Token previous) {
        if (previous != null) throw new FlowSyntaxException(t.column(), t.key() + " given twice in one bucket");
        return t;
    }

    /** The value of a bucket parameter, written weight:10 or weight=10. */
    private static String param(Token t) {
        if (t.sep() == '(') throw new FlowSyntaxException(t.column(), "expected " + t.key() + ":VALUE, not " + t.key() + "(...)");
        return value(t);
    }

    private static String value(Token t) {
        if (t.bare() || t.value().isEmpty()) throw new FlowSyntaxException(t.column(), "missing value for " + t.key());
        return t.value();
    }

    private GroupParser() {}
}
