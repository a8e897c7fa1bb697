package io.vswitch.datapath.group;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The group table: validates group-mods (types, buckets, watches, chaining without loops) and keeps the groups.
 * Modifications are serialised by the pipeline, which also invalidates what referred to a changed group and
 * removes the flows that used a deleted one.
 */
public final class GroupTable {
    public static final int MAX_GROUPS = 65536, MAX_BUCKETS = 64;

    private final Map<Integer, Group> groups = new ConcurrentHashMap<>();

    public Group get(int id) { return groups.get(id); }

    public Collection<Group> all() { return groups.values(); }

    public int size() { return groups.size(); }

    public void validate(GroupMod mod) {
        int id = mod.groupId();
        if (mod.command() == GroupMod.Command.DELETE) {
            if (id != GroupMod.ALL && Integer.compareUnsigned(id, GroupMod.MAX) > 0) {
                throw new OpenFlowException(OfError.GROUP_MOD_FAILED_INVALID_GROUP, "group id 0x" + Integer.toHexString(id) + " is reserved");
            }
            // OpenFlow 1.3 OFPGMFC_CHAINED_GROUP: a group that another group forwards to cannot be deleted alone
            // (deleting all groups at once is fine). Open vSwitch instead lets the chaining bucket drop.
            if (id != GroupMod.ALL) {
                for (Group g : chainingTo(id)) {
                    if (g.id != id) {
                        throw new OpenFlowException(OfError.GROUP_MOD_FAILED_CHAINED_GROUP,
                                "group " + id + " is chained to by group " + g.id);
                    }
                }
            }
            return;
        }
        if (Integer.compareUnsigned(id, GroupMod.MAX) > 0) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_INVALID_GROUP,
                    "group id 0x" + Integer.toHexString(id) + " is above OFPG_MAX");
        }
        if (mod.command() == GroupMod.Command.ADD && groups.containsKey(id)) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_GROUP_EXISTS, "group " + id + " already exists");
        }
        if (mod.command() == GroupMod.Command.MODIFY && !groups.containsKey(id)) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_UNKNOWN_GROUP, "group " + id + " does not exist");
        }
        if (mod.command() == GroupMod.Command.ADD && groups.size() >= MAX_GROUPS) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_OUT_OF_GROUPS, "group table is full (" + MAX_GROUPS + ")");
        }
        if (mod.type() == null) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_BAD_TYPE, "unknown group type");
        }
        if (mod.buckets().size() > MAX_BUCKETS) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_OUT_OF_BUCKETS, "at most " + MAX_BUCKETS + " buckets per group");
        }
        if (mod.type() == Group.Type.INDIRECT && mod.buckets().size() != 1) {
            throw new OpenFlowException(OfError.GROUP_MOD_FAILED_INVALID_GROUP,
                    "an indirect group needs exactly one bucket (it has " + mod.buckets().size() + ")");
        }
        for (Bucket b : mod.buckets()) {
            if (mod.type() != Group.Type.SELECT && b.weight != 0) {
                throw new OpenFlowException(OfError.GROUP_MOD_FAILED_WEIGHT_UNSUPPORTED,
                        "bucket weights apply to select groups only");
            }
            if (mod.type() == Group.Type.FAST_FAILOVER && b.watchPort == Bucket.WATCH_ANY && b.watchGroup == Bucket.WATCH_ANY) {
                throw new OpenFlowException(OfError.GROUP_MOD_FAILED_BAD_WATCH,
                        "a fast-failover bucket needs a watch_port or watch_group");
            }
            if (b.watchGroup != Bucket.WATCH_ANY && b.watchGroup == id) {
                throw new OpenFlowException(OfError.GROUP_MOD_FAILED_LOOP, "bucket watches its own group " + id);
            }
            for (Action a : b.actions) {
                if (a instanceof Action.Group g) {
                    if (!groups.containsKey(g.groupId())) {
                        throw new OpenFlowException(OfError.GROUP_MOD_FAILED_UNKNOWN_GROUP,
                                "bucket chains to group " + g.groupId() + ", which does not exist");
                    }
                    if (reaches(g.groupId(), id, 0)) {
                        throw new OpenFlowException(OfError.GROUP_MOD_FAILED_LOOP,
                                "chaining group " + id + " to group " + g.groupId() + " would make a loop");
                    }
                }
            }
        }
    }

    /** Whether group {@code from} reaches group {@code target} through chained group actions. */
    private boolean reaches(int from, int target, int depth) {
        if (from == target) return true;
        if (depth > 64) return true;
        Group g = groups.get(from);
        if (g == null) return false;
        for (Bucket b : g.buckets) {
            for (Action a : b.actions) {
                if (a instanceof Action.Group next && reaches(next.groupId(), target, depth + 1)) return true;
            }
        }
        return false;
    }

    /** Groups that chain to {@code id} (a group in use by another group cannot simply vanish). */
    public List<Group> chainingTo(int id) {
        List<Group> out = new ArrayList<>();
        for (Group g : groups.values()) {
            for (Bucket b : g.buckets) {
                for (Action a : b.actions) if (a instanceof Action.Group x && x.groupId() == id) out.add(g);
            }
        }
        return out;
    }

    /** Applies a validated group-mod; returns the groups removed or replaced. */
    public List<Group> apply(GroupMod mod, long nowNanos) {
        int id = mod.groupId();
        switch (mod.command()) {
            case ADD -> {
                groups.put(id, new Group(id, mod.type(), mod.buckets(), nowNanos));
                return List.of();
            }
            case MODIFY -> {
                Group old = groups.put(id, new Group(id, mod.type(), mod.buckets(), nowNanos));
                return old == null ? List.of() : List.of(old);
            }
            default -> {
                if (id == GroupMod.ALL) {
                    List<Group> gone = List.copyOf(groups.values());
                    groups.clear();
                    return gone;
                }
                Group old = groups.remove(id);
                return old == null ? List.of() : List.of(old);
            }
        }
    }
}
