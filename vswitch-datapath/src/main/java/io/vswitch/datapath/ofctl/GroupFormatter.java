package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import java.util.List;

/**
 * Prints groups as ovs-ofctl {@code dump-groups} does, in the syntax {@link GroupParser} reads back:
 * {@code parseGroup(format(g), ADD)} has the id, type and buckets ({@link Bucket#sameAs}) of {@code g}.
 *
 * <p>A select bucket always shows its weight (so the default of 1 never hides a 0); a watch is shown only when
 * set; the actions are always written after {@code actions=} ({@code actions=drop} for none).
 */
public final class GroupFormatter {
    /** "group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2". */
    public static String format(Group g) {
        return body(g.id, g.type, g.buckets);
    }

    /** A group-mod as add-group/mod-group/del-groups text (a delete is "group_id=N" or "group_id=all"). */
    public static String formatGroupMod(GroupMod m) {
        if (m.command() == GroupMod.Command.DELETE) {
            return "group_id=" + (m.groupId() == GroupMod.ALL ? "all" : Integer.toUnsignedString(m.groupId()));
        }
        return body(m.groupId(), m.type(), m.buckets());
    }

    /**
     * Counters as {@code dump-group-stats} prints them: "group_id=1,duration=2.500s,packet_count=3,byte_count=180,
     * bucket0:packet_count=1,byte_count=60,bucket1:...". OVS also prints ref_count, the number of flows that use
     * the group; a group here does not know it, so it is left out.
     */
    public static String formatStats(Group g, long nowNanos) {
        StringBuilder sb = new StringBuilder();
        sb.append("group_id=").append(Integer.toUnsignedString(g.id))
                .append(",duration=").append(duration(nowNanos - g.createdNanos))
                .append(",packet_count=").append(g.packets())
                .append(",byte_count=").append(g.bytes());
        for (int i = 0; i < g.buckets.size(); i++) {
            Bucket b = g.buckets.get(i);
            sb.append(",bucket").append(i).append(":packet_count=").append(b.packets())
                    .append(",byte_count=").append(b.bytes());
        }
        return sb.toString();
    }

    /** Seconds with milliseconds, as ovs-ofctl prints durations ("2.500s"). */
    static String duration(long nanos) {
        long ms = Math.max(0, nanos) / 1_000_000;
        return ms / 1000 + "." + String.format("%03d", ms % 1000) + "s";
    }

    private static String body(int id, Group.Type type, List<Bucket> buckets) {
        StringBuilder sb = new StringBuilder("group_id=").append(Integer.toUnsignedString(id));
        if (type != null) sb.append(",type=").append(GroupParser.typeName(type));
        for (Bucket b : buckets) sb.append(',').append(bucket(b, type));
        return sb.toString();
    }

    static String bucket(Bucket b, Group.Type type) {
        StringBuilder sb = new StringBuilder("bucket=");
        // A weight on a non-select bucket is invalid, but printed rather than hidden.
        if (type == Group.Type.SELECT || b.weight != 0) sb.append("weight:").append(b.weight).append(',');
        if (b.watchPort != Bucket.WATCH_ANY) sb.append("watch_port:").append(OfPort.name(b.watchPort)).append(',');
        if (b.watchGroup != Bucket.WATCH_ANY) {
            sb.append("watch_group:").append(Integer.toUnsignedString(b.watchGroup)).append(',');
        }
        return sb.append("actions=").append(ActionFormatter.actions(b.actions)).toString();
    }

    private GroupFormatter() {}
}
