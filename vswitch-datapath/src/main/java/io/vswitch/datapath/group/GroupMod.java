package io.vswitch.datapath.group;

import java.util.List;

/** A group table modification (OFPT_GROUP_MOD). */
public record GroupMod(Command command, int groupId, Group.Type type, List<Bucket> buckets) {
    public enum Command { ADD, MODIFY, DELETE }

    /** OFPG_MAX: highest group number; OFPG_ALL (delete all groups); OFPG_ANY (wildcard in requests). */
    public static final int MAX = 0xffffff00, ALL = 0xfffffffc, ANY = 0xffffffff;

    public GroupMod {
        buckets = List.copyOf(buckets);
    }
}
