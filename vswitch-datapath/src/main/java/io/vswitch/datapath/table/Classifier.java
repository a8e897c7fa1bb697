package io.vswitch.datapath.table;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A flow table's entries, organised for lookup by tuple-space search.
 *
 * <h2>What</h2>
 * Finds the highest-priority entry whose match covers a key, and reports which key bits the answer depended on
 * (un-wildcarding), so that the caller can build a megaflow: a (mask, value) pair such that every key agreeing
 * with this one under the mask gets the same answer.
 *
 * <h2>How</h2>
 * Entries are grouped into <em>subtables</em>, one per distinct mask. Within a subtable every entry's match is an
 * exact value under the shared mask, so finding candidates is one hash lookup of the key masked with it; a hash
 * bucket holds all entries with that masked value, sorted by descending priority. Subtables are visited in
 * descending order of their highest priority, and the search stops as soon as the best entry found outranks every
 * remaining subtable. This is Open vSwitch's classifier design without staged lookup and prefix tracking.
 *
 * <h2>Ties</h2>
 * Among matching entries of equal priority the earliest installed wins ({@link FlowEntry#sequence}), so the answer
 * is a function of the entries alone. That is why the search goes on through subtables whose highest priority
 * equals the best found so far: one of them may hold an older entry of that priority.
 *
 * <h2>Un-wildcarding</h2>
 * Every subtable that was actually probed contributes its whole mask to the caller's wildcard accumulator, match
 * or no match: a key differing in any of those bits might have found a different bucket. Subtables skipped by the
 * priority cut-off contribute nothing: no key could have made them win. Extra 1-bits (un-wildcarding more than
 * needed) only make megaflows narrower; missing 1-bits would make them wrong, so when in doubt bits are added.
 *
 * <h2>Threading</h2>
 * Not thread-safe: the pipeline guards it with its lock (many concurrent lookups, or one writer). Lookups
 * allocate nothing.
 */
public final class Classifier {
    /** Entries sharing one mask. */
    static final class Subtable {
        final long[] mask;
        /** Indices of the non-zero words of {@link #mask}: the only words hashed and compared. */
        final int[] words;
        Bucket[] heads = new Bucket[16];
        int size;           // buckets
        int entries;        // flow entries
        int maxPriority = -1;
        /**
         * How many entries have {@link #maxPriority} (Open vSwitch's {@code max_count}): removing one of them
         * rescans the subtable only when it was the last, so deleting n entries of one priority costs O(n), not O(n²).
         */
        int maxCount;

        Subtable(long[] mask) {
            this.mask = mask;
            int n = 0;
            for (long m : mask) if (m != 0) n++;
            this.words = new int[n];
            n = 0;
            for (int i = 0; i < mask.length; i++) if (mask[i] != 0) words[n++] = i;
        }

        int hashKey(long[] key) {
            long h = 0;
            for (int w : words) h += (key[w] & mask[w]) * FlowKey.HASH_MULTIPLIERS[w];
            return FlowKey.finishHash(h);
        }

        Bucket find(long[] key, int hash) {
            for (Bucket b = heads[hash & (heads.length - 1)]; b != null; b = b.next) {
                if (b.hash == hash && b.matchesMasked(key, this)) return b;
            }
            return null;
        }

        Bucket findOrCreate(long[] value, int hash) {
            Bucket b = find(value, hash);
            if (b != null) return b;
            if (size + 1 > heads.length * 3 / 4) grow();
            b = new Bucket(value, hash);
            int i = hash & (heads.length - 1);
            b.next = heads[i];
            heads[i] = b;
            size++;
            return b;
        }

        void removeBucket(Bucket target) {
            int i = target.hash & (heads.length - 1);
            Bucket prev = null;
            for (Bucket b = heads[i]; b != null; prev = b, b = b.next) {
                if (b == target) {
                    if (prev == null) heads[i] = b.next; else prev.next = b.next;
                    size--;
                    return;
                }
            }
        }

        private void grow() {
            Bucket[] old = heads;
            heads = new Bucket[old.length * 2];
            for (Bucket head : old) {
                for (Bucket b = head; b != null; ) {
                    Bucket next = b.next;
                    int i = b.hash & (heads.length - 1);
                    b.next = heads[i];
                    heads[i] = b;
                    b = next;
                }
            }
        }

        /** Counts {@code priority} in: returns whether the subtable's highest priority rose. */
        boolean added(int priority) {
            if (priority > maxPriority) {
                maxPriority = priority;
                maxCount = 1;
                return true;
            }
            if (priority == maxPriority) maxCount++;
            return false;
        }

        /** Counts {@code priority} out: returns whether the subtable's highest priority fell (a rescan, rarely). */
        boolean removed(int priority) {
            if (priority != maxPriority || --maxCount > 0) return false;
            int max = -1, count = 0;
            for (Bucket head : heads) {
                for (Bucket b = head; b != null; b = b.next) {
                    for (FlowEntry e : b.entries) { // highest first: stop at the first below the best so far
                        if (e.priority > max) {
                            max = e.priority;
                            count = 1;
                        } else if (e.priority == max) {
                            count++;
                        } else {
                            break;
                        }
                    }
                }
            }
            maxPriority = max;
            maxCount = count;
            return true;
        }
    }

    /** Entries with the same masked value, highest priority first. */
    static final class Bucket {
        final long[] value;
        final int hash;
        FlowEntry[] entries = new FlowEntry[0];
        Bucket next;

        Bucket(long[] value, int hash) {
            this.value = value;
            this.hash = hash;
        }

        boolean matchesMasked(long[] key, Subtable st) {
            long[] m = st.mask;
            for (int w : st.words) {
                if ((key[w] & m[w]) != value[w]) return false;
            }
            return true;
        }

        void insert(FlowEntry e) {
            int pos = 0;
            while (pos < entries.length && !e.outranks(entries[pos])) pos++;
            FlowEntry[] n = new FlowEntry[entries.length + 1];
            System.arraycopy(entries, 0, n, 0, pos);
            n[pos] = e;
            System.arraycopy(entries, pos, n, pos + 1, entries.length - pos);
            entries = n;
        }

        boolean remove(FlowEntry e) {
            for (int i = 0; i < entries.length; i++) {
                if (entries[i] == e) {
                    FlowEntry[] n = new FlowEntry[entries.length - 1];
                    System.arraycopy(entries, 0, n, 0, i);
                    System.arraycopy(entries, i + 1, n, i, entries.length - i - 1);
                    entries = n;
                    return true;
                }
            }
            return false;
        }
    }

    private static final class MaskKey {
        final long[] mask;
        final int hash;

        MaskKey(long[] mask) {
            this(mask, Arrays.hashCode(mask));
        }

        MaskKey(long[] mask, int hash) {
            this.mask = mask;
            this.hash = hash;
        }

        MaskKey(FlowMatch m) {
            this(m.maskWords(), m.maskHash());
        }

        @Override public boolean equals(Object o) { return o instanceof MaskKey k && Arrays.equals(mask, k.mask); }

        @Override public int hashCode() { return hash; }
    }

    private final Map<MaskKey, Subtable> byMask = new HashMap<>();
    /** Subtables by descending max priority: the lookup order. */
    private Subtable[] ordered = new Subtable[0];
    private int count;

    public int size() { return count; }

    public int subtableCount() { return ordered.length; }

    /**
     * The highest-priority entry matching {@code key}, or null. Ors into {@code wildcards} (when not null) the mask
     * of every subtable probed. Allocates nothing.
     */
    public FlowEntry lookup(long[] key, long[] wildcards) {
        FlowEntry best = null;
        Subtable[] subtables = ordered;
        for (Subtable st : subtables) {
            if (best != null && best.priority > st.maxPriority) break;
            if (wildcards != null) {
                for (int w : st.words) wildcards[w] |= st.mask[w];
            }
            Bucket b = st.find(key, st.hashKey(key));
            if (b != null) {
                FlowEntry e = b.entries[0];
                if (best == null || e.outranks(best)) best = e;
            }
        }
        return best;
    }

    public void insert(FlowEntry e) {
        MaskKey mk = new MaskKey(e.match);
        Subtable st = byMask.get(mk);
        boolean created = st == null;
        if (created) {
            st = new Subtable(e.match.maskWords());
            byMask.put(mk, st);
        }
        long[] value = e.match.valueWords();
        st.findOrCreate(value, st.hashKey(value)).insert(e);
        st.entries++;
        count++;
        if (st.added(e.priority) || created) reorder();
    }

    public boolean remove(FlowEntry e) {
        Subtable st = byMask.get(new MaskKey(e.match));
        if (st == null) return false;
        long[] value = e.match.valueWords();
        Bucket b = st.find(value, st.hashKey(value));
        if (b == null || !b.remove(e)) return false;
        if (b.entries.length == 0) st.removeBucket(b);
        st.entries--;
        count--;
        if (st.entries == 0) {
            byMask.remove(new MaskKey(e.match));
            reorder();
        } else if (st.removed(e.priority)) {
            reorder();
        }
        return true;
    }

    /** The entry with exactly this match and priority (the "strict" identity of OpenFlow), or null. */
    public FlowEntry findExact(FlowMatch match, int priority) {
        Subtable st = byMask.get(new MaskKey(match));
        if (st == null) return null;
        long[] value = match.valueWords();
        Bucket b = st.find(value, st.hashKey(value));
        if (b == null) return null;
        for (FlowEntry e : b.entries) if (e.priority == priority) return e;
        return null;
    }

    /** Entries that {@code match} covers (non-strict modify/delete selection). */
    public List<FlowEntry> coveredBy(FlowMatch match) {
        List<FlowEntry> out = new ArrayList<>();
        if (match.isCatchAll()) {
            forEach(out::add);
            return out;
        }
        forEach(e -> { if (match.covers(e.match)) out.add(e); });
        return out;
    }

    /** Entries of this priority whose match overlaps {@code match} (check_overlap). */
    public boolean hasOverlap(FlowMatch match, int priority) {
        return hasOverlap(match, priority, null);
    }

    /**
     * Whether an entry of this priority other than {@code except} overlaps {@code match} (check_overlap on an ADD
     * that replaces the identical entry {@code except}: only that entry is excused, not the whole check).
     */
    public boolean hasOverlap(FlowMatch match, int priority, FlowEntry except) {
        for (Subtable st : ordered) {
            if (st.maxPriority < priority) continue;
            for (Bucket head : st.heads) {
                for (Bucket b = head; b != null; b = b.next) {
                    for (FlowEntry e : b.entries) {
                        if (e != except && e.priority == priority && e.match.overlaps(match)) return true;
                    }
                }
            }
        }
        return false;
    }

    public void forEach(Consumer<FlowEntry> action) {
        for (Subtable st : ordered) {
            for (Bucket head : st.heads) {
                for (Bucket b = head; b != null; b = b.next) {
                    for (FlowEntry e : b.entries) action.accept(e);
                }
            }
        }
    }

    private void reorder() {
        Subtable[] a = byMask.values().toArray(new Subtable[0]);
        Arrays.sort(a, (x, y) -> Integer.compare(y.maxPriority, x.maxPriority));
        ordered = a;
    }
}
