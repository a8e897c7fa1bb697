package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowTable;

/**
 * What the slow path decided for one flow key, and everything that decision depended on.
 *
 * <p>The decision is {@link #actions}; it holds for every key that agrees with {@link #key} under {@link #mask}
 * (the megaflow). The dependencies let caches credit counters on the OpenFlow objects that a cached hit went
 * through ({@link #credit}) and let the pipeline find which cached decisions a change invalidates
 * ({@link #dependsOn...} methods): the tables visited with the key each one saw and the priority that won, the
 * entries, groups and meters used, and whether ports, port liveness or MAC learning were consulted.
 */
public final class Translation {
    public final DpActions actions;
    /** The key's bits under {@link #mask}. */
    public final long[] key;
    /** The bits the decision depended on (1 = consulted). */
    public final long[] mask;
    final FlowEntry[] rules;
    /** Each rule's counter epoch when translated (see {@link FlowEntry#credit(long, long, long, int)}). */
    final int[] ruleEpochs;
    final FlowTable[] lookedUp;
    final FlowTable[] matched;
    final int[] visitedTables;
    /** The working key each visited table saw (after earlier tables' actions), for add-invalidation. */
    final long[][] visitedKeys;
    /** Priority of the entry each visited table matched, or -1 for a miss. */
    final int[] visitedPriorities;
    final Group[] groups;
    final Bucket[] buckets;
    final Meter[] meters;
    final boolean usesPorts;
    final boolean usesLiveness;
    /** (vlan << 48 | mac) of the addresses NORMAL learned or looked up. */
    final long[] macDependencies;
    /** False when the decision depended on more than the key (headers revealed by pop_mpls/pop_pbb). */
    public final boolean cacheable;
    /** The pipeline's change counter when translation started (see {@link Pipeline#changeCount()}). */
    final long changeCount;

    Translation(DpActions actions, long[] key, long[] mask, FlowEntry[] rules, FlowTable[] lookedUp,
                FlowTable[] matched, int[] visitedTables, long[][] visitedKeys, int[] visitedPriorities,
                Group[] groups, Bucket[] buckets, Meter[] meters, boolean usesPorts, boolean usesLiveness,
                long[] macDependencies, boolean cacheable, long changeCount) {
        this.actions = actions;
        this.key = key;
        this.mask = mask;
        this.rules = rules;
        this.ruleEpochs = new int[rules.length];
        for (int i = 0; i < rules.length; i++) ruleEpochs[i] = rules[i].epoch();
        this.lookedUp = lookedUp;
        this.matched = matched;
        this.visitedTables = visitedTables;
        this.visitedKeys = visitedKeys;
        this.visitedPriorities = visitedPriorities;
        this.groups = groups;
        this.buckets = buckets;
        this.meters = meters;
        this.usesPorts = usesPorts;
        this.usesLiveness = usesLiveness;
        this.macDependencies = macDependencies;
        this.cacheable = cacheable;
        this.changeCount = changeCount;
    }

    /** Credits {@code packets} packets of {@code bytes} bytes to every entry, table, group and bucket used. */
    public void credit(long packets, long bytes, long nowNanos) {
        if (packets == 0) return;
        for (int i = 0; i < rules.length; i++) rules[i].credit(packets, bytes, nowNanos, ruleEpochs[i]);
        for (FlowTable t : lookedUp) t.credit(packets, 0);
        for (FlowTable t : matched) t.credit(0, packets);
        for (Group g : groups) g.credit(packets, bytes);
        for (Bucket b : buckets) b.credit(packets, bytes);
    }

    /** Whether a key matches this translation's megaflow. */
    public boolean covers(FlowKey k) {
        long[] w = k.words;
        for (int i = 0; i < FlowKey.WORDS; i++) if ((w[i] & mask[i]) != key[i]) return false;
        return true;
    }

    boolean usesRule(FlowEntry e) {
        for (FlowEntry r : rules) if (r == e) return true;
        return false;
    }

    boolean usesGroup(Group g) {
        for (Group x : groups) if (x == g) return true;
        return false;
    }

    boolean usesMeter(Meter m) {
        for (Meter x : meters) if (x == m) return true;
        return false;
    }

    boolean usesMac(long vlanMac) {
        for (long d : macDependencies) if (d == vlanMac) return true;
        return false;
    }

    /**
     * Whether an entry added to table {@code tableId} with this match and priority could change the decision: the
     * table was visited, the new entry does not rank below the winner there, and some key in the megaflow could
     * match it (it agrees with the key that table saw on every bit both constrain).
     */
    boolean affectedByAdd(int tableId, long[] value, long[] addMask, int priority) {
        for (int v = 0; v < visitedTables.length; v++) {
            if (visitedTables[v] != tableId) continue;
            if (visitedPriorities[v] > priority) return false;
            long[] seen = visitedKeys[v];
            for (int i = 0; i < FlowKey.WORDS; i++) {
                if (((seen[i] ^ value[i]) & addMask[i] & mask[i]) != 0) return false;
            }
            return true;
        }
        return false;
    }

    public FlowEntry[] rules() { return rules.clone(); }

    @Override
    public String toString() {
        return actions.toString();
    }
}
