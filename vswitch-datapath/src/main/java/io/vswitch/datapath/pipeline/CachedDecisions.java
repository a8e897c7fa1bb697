package io.vswitch.datapath.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's registered cached decisions: a set, and the same decisions grouped by megaflow mask and then by
 * megaflow value, so that adding a flow entry to table 0 finds the decisions it may affect without a sweep.
 *
 * <h2>Why</h2>
 * A reactive controller adds one entry per new flow while every new flow's first packet leaves a cached decision
 * behind (its megaflow); a sweep over all decisions per added entry makes flow setup quadratic (measured by
 * {@code benchmarks/openflow/run}: about 20 flows/s once some 10,000 decisions were cached). Open vSwitch avoids
 * the sweep differently: flow-mods bump a version and revalidator threads re-check megaflows in batches.
 *
 * <h2>The narrowing, and why it is exact</h2>
 * An entry added to table 0 with value V under mask A and priority P affects decision t only if t visited table 0
 * (first: every cached translation starts there, with the packet's own key k) and
 * {@code ((k ^ V) & A & t.mask) == 0} ({@link Translation#affectedByAdd}). For the decisions whose megaflow mask M
 * lies within A, {@code A & M == M}, so the condition is {@code (k & M) == (V & M)}, i.e. {@code t.key == V & M}:
 * one hash lookup per distinct M. Groups whose mask is not within A are swept as before. The candidates found are
 * then tested with the full predicate, so the result is the sweep's result, only cheaper.
 *
 * <h2>Threading</h2>
 * Decisions are added under the pipeline's read lock (concurrently), removed from any thread (cache eviction), and
 * swept under the write lock; every structure is concurrent, and a group's per-value sets are created and dropped
 * atomically ({@code compute}). Emptied mask groups stay (one small map per distinct megaflow mask ever seen).
 */
final class CachedDecisions {
    private final Set<CachedDecision> all = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Words, ConcurrentHashMap<Words, Set<CachedDecision>>> byMegaflow =
            new ConcurrentHashMap<>();

    /** A long[] compared by content (a megaflow's mask or value). */
    private static final class Words {
        final long[] w;
        final int hash;

        Words(long[] w) {
            this.w = w;
            this.hash = Arrays.hashCode(w);
        }

        @Override public boolean equals(Object o) { return o instanceof Words x && x.hash == hash && Arrays.equals(w, x.w); }

        @Override public int hashCode() { return hash; }
    }

    void add(CachedDecision d) {
        if (!all.add(d)) return;
        Translation t = d.translation();
        byMegaflow.computeIfAbsent(new Words(t.mask), m -> new ConcurrentHashMap<>())
                .compute(new Words(t.key), (k, s) -> {
                    if (s == null) s = ConcurrentHashMap.newKeySet();
                    s.add(d);
                    return s;
                });
    }

    void remove(CachedDecision d) {
        if (!all.remove(d)) return;
        Translation t = d.translation();
        Map<Words, Set<CachedDecision>> group = byMegaflow.get(new Words(t.mask));
        if (group == null) return;
        group.computeIfPresent(new Words(t.key), (k, s) -> {
            s.remove(d);
            return s.isEmpty() ? null : s;
        });
    }

    int size() {
        return all.size();
    }

    /** Every registered decision (weakly consistent: safe to remove from while iterating). */
    Iterable<CachedDecision> all() {
        return all;
    }

    /**
     * A superset of the decisions that adding an entry with {@code value} under {@code addMask} to table 0 can affect
     * (see the class comment): exact per mask group within {@code addMask}, the whole group otherwise.
     */
    List<CachedDecision> candidatesForTable0Add(long[] value, long[] addMask) {
        List<CachedDecision> out = new ArrayList<>();
        for (Map.Entry<Words, ConcurrentHashMap<Words, Set<CachedDecision>>> g : byMegaflow.entrySet()) {
            long[] m = g.getKey().w;
            boolean within = true;
            for (int i = 0; i < m.length; i++) {
                if ((m[i] & ~addMask[i]) != 0) {
                    within = false;
                    break;
                }
            }
            if (within) {
                long[] probe = new long[m.length];
                for (int i = 0; i < m.length; i++) probe[i] = value[i] & m[i];
                Set<CachedDecision> s = g.getValue().get(new Words(probe));
                if (s != null) out.addAll(s);
            } else {
                for (Set<CachedDecision> s : g.getValue().values()) out.addAll(s);
            }
        }
        return out;
    }
}
