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
    /**
     * Every group id the translation consulted: groups applied or chained to, groups watched by fast-failover
     * buckets, and ids that did not exist then. A group-mod on any of them invalidates the decision. (Kept apart
     * from {@link #groups}, which lists the groups to credit.)
     */
    final int[] groupDependencies;
    /** Entries per meter in {@link #meterPrefixes}. */
    static final int PREFIX_WIDTH = 5;
    /**
     * For the k-th METER instruction, at {@code [k * PREFIX_WIDTH ..]}: how many of {@link #rules}, {@link #lookedUp},
     * {@link #matched}, {@link #groups} and {@link #buckets} a packet had gone through when that meter ran. A packet
     * the meter drops counts on those only.
     */
    final int[] meterPrefixes;
    /** False when the decision depended on more than the key (headers revealed by pop_mpls/pop_pbb). */
    public final boolean cacheable;
    /** The pipeline's change counter when translation started (see {@link Pipeline#changeCount()}). */
    final long changeCount;

    Translation(DpActions actions, long[] key, long[] mask, FlowEntry[] rules, FlowTable[] lookedUp,
                FlowTable[] matched, int[] visitedTables, long[][] visitedKeys, int[] visitedPriorities,
                Group[] groups, Bucket[] buckets, Meter[] meters, boolean usesPorts, boolean usesLiveness,
                long[] macDependencies, int[] groupDependencies, int[] meterPrefixes, boolean cacheable,
                long changeCount) {
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
        this.groupDependencies = groupDependencies;
        this.meterPrefixes = meterPrefixes;
        this.cacheable = cacheable;
        this.changeCount = changeCount;
    }

    /**
     * Credits {@code packets} packets of {@code bytes} bytes that went all the way through the actions to every
     * entry, table, group and bucket used. Callers outside the pipeline go through {@link Pipeline#credit}, which
     * holds the read lock so crediting cannot interleave with an entry's replacement or counter reset.
     */
    void credit(long packets, long bytes, long nowNanos) {
        if (packets == 0) return;
        creditPrefix(rules.length, lookedUp.length, matched.length, groups.length, buckets.length, packets, bytes, nowNanos);
    }

    /**
     * Credits packets that the {@code meterIndex}-th meter (the executor's result) dropped: only to what they went
     * through before that meter.
     */
    void creditDropped(int meterIndex, long packets, long bytes, long nowNanos) {
        if (packets == 0) return;
        int at = meterIndex * PREFIX_WIDTH;
        creditPrefix(meterPrefixes[at], meterPrefixes[at + 1], meterPrefixes[at + 2], meterPrefixes[at + 3],
                meterPrefixes[at + 4], packets, bytes, nowNanos);
    }

    /** How many meters the actions pass through (the length of a per-meter drop-count array). */
    public int meterCount() { return meterPrefixes.length / PREFIX_WIDTH; }

    private void creditPrefix(int nRules, int nLookedUp, int nMatched, int nGroups, int nBuckets,
                              long packets, long bytes, long nowNanos) {
        for (int i = 0; i < nRules; i++) rules[i].credit(packets, bytes, nowNanos, ruleEpochs[i]);
        for (int i = 0; i < nLookedUp; i++) lookedUp[i].credit(packets, 0);
        for (int i = 0; i < nMatched; i++) matched[i].credit(0, packets);
        for (int i = 0; i < nGroups; i++) groups[i].credit(packets, bytes);
        for (int i = 0; i < nBuckets; i++) buckets[i].credit(packets, bytes);
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

    boolean dependsOnGroup(int groupId) {
        for (int x : groupDependencies) if (x == groupId) return true;
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
