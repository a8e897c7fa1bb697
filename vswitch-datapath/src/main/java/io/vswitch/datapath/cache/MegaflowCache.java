package io.vswitch.datapath.cache;

import io.vswitch.datapath.flow.FlowKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The megaflow cache: translations keyed by (mask, masked key), searched by tuple space like the classifier but
 * without priorities.
 *
 * <p>Every valid entry's decision is right for every key in its region under the current tables (the pipeline
 * invalidates the others before a change completes), so where regions overlap any of them may answer and the
 * first one found does. Subtables are probed in order of recent hits, re-sorted by {@link #housekeep}.
 *
 * <p>Owned by one datapath thread: not thread-safe, except that other threads may invalidate entries. Lookups
 * allocate nothing.
 */
public final class MegaflowCache {
    public static final int DEFAULT_MAX_ENTRIES = 65536;

    static final class Subtable {
        final long[] mask;
        final int[] words;
        MegaflowEntry[] heads = new MegaflowEntry[64];
        int size;
        long hits;

        Subtable(long[] mask) {
            this.mask = mask;
            int n = 0;
            for (long m : mask) if (m != 0) n++;
            words = new int[n];
            n = 0;
            for (int i = 0; i < mask.length; i++) if (mask[i] != 0) words[n++] = i;
        }

        int hash(long[] k) {
            long h = 0;
            for (int w : words) h += (k[w] & mask[w]) * FlowKey.HASH_MULTIPLIERS[w];
            return FlowKey.finishHash(h);
        }

        MegaflowEntry find(long[] k, int h) {
            for (MegaflowEntry e = heads[h & (heads.length - 1)]; e != null; e = e.next) {
                if (e.hash == h && matches(e, k)) return e;
            }
            return null;
        }

        private boolean matches(MegaflowEntry e, long[] k) {
            long[] v = e.key;
            for (int w : words) if ((k[w] & mask[w]) != v[w]) return false;
            return true;
        }

        void insert(MegaflowEntry e) {
            if (size + 1 > heads.length * 3 / 4) grow();
            int i = e.hash & (heads.length - 1);
            e.next = heads[i];
            heads[i] = e;
            size++;
        }

        boolean remove(MegaflowEntry target) {
            int i = target.hash & (heads.length - 1);
            MegaflowEntry prev = null;
            for (MegaflowEntry e = heads[i]; e != null; prev = e, e = e.next) {
                if (e == target) {
                    if (prev == null) heads[i] = e.next; else prev.next = e.next;
                    size--;
                    return true;
                }
            }
            return false;
        }

        private void grow() {
            MegaflowEntry[] old = heads;
            heads = new MegaflowEntry[old.length * 2];
            for (MegaflowEntry head : old) {
                for (MegaflowEntry e = head; e != null; ) {
                    MegaflowEntry n = e.next;
                    int i = e.hash & (heads.length - 1);
                    e.next = heads[i];
                    heads[i] = e;
                    e = n;
                }
            }
        }
    }

    private final int maxEntries;
    private Subtable[] subtables = new Subtable[0];
    private int size;
    private long insertFailures;

    public MegaflowCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public int size() { return size; }

    public int subtableCount() { return subtables.length; }

    public long insertFailures() { return insertFailures; }

    /** The entry covering {@code key} (valid or not: the caller checks), or null. */
    public MegaflowEntry lookup(FlowKey key) {
        long[] k = key.words;
        Subtable[] sts = subtables;
        for (int i = 0; i < sts.length; i++) {
            Subtable st = sts[i];
            MegaflowEntry e = st.find(k, st.hash(k));
            if (e != null) {
                st.hits++;
                return e;
            }
        }
        return null;
    }

    /** Makes an entry for a translation; null when the cache is full. */
    MegaflowEntry insert(io.vswitch.datapath.pipeline.Translation t) {
        if (size >= maxEntries) {
            insertFailures++;
            return null;
        }
        Subtable st = subtableFor(t.mask);
        MegaflowEntry e = new MegaflowEntry(t, st.hash(t.key));
        st.insert(e);
        size++;
        return e;
    }

    void remove(MegaflowEntry e) {
        Subtable st = subtableFor(e.translation.mask);
        if (st.remove(e)) {
            size--;
            if (st.size == 0) dropSubtable(st);
        }
    }

    private Subtable subtableFor(long[] mask) {
        for (Subtable st : subtables) if (Arrays.equals(st.mask, mask)) return st;
        Subtable st = new Subtable(mask.clone());
        Subtable[] n = Arrays.copyOf(subtables, subtables.length + 1);
        n[n.length - 1] = st;
        subtables = n;
        return st;
    }

    private void dropSubtable(Subtable st) {
        List<Subtable> keep = new ArrayList<>(Arrays.asList(subtables));
        keep.remove(st);
        subtables = keep.toArray(new Subtable[0]);
    }

    void forEach(Consumer<MegaflowEntry> action) {
        for (Subtable st : subtables) {
            for (MegaflowEntry head : st.heads) {
                for (MegaflowEntry e = head; e != null; ) {
                    MegaflowEntry n = e.next; // action may remove e
                    action.accept(e);
                    e = n;
                }
            }
        }
    }

    /** Orders subtables by hits since the last call, so the busiest are probed first. */
    void housekeep() {
        // In place: only the owning thread reads the array, and below 32 subtables Arrays.sort (a binary insertion
        // sort there) allocates nothing.
        Arrays.sort(subtables, BUSIEST_FIRST);
        for (Subtable st : subtables) st.hits = 0;
    }

    private static final java.util.Comparator<Subtable> BUSIEST_FIRST = (a, b) -> Long.compare(b.hits, a.hits);
}
