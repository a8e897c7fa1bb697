package io.vswitch.datapath.cache;

import io.vswitch.datapath.flow.FlowKey;

/**
 * The exact-match cache: a direct-mapped table from a whole flow key to its megaflow entry, in front of the
 * megaflow cache (Open vSwitch's EMC). One probe and a 17-word compare instead of a tuple-space search.
 *
 * <p>Keys are stored flat in one {@code long[]} so a probe touches two arrays and allocates nothing. A slot may
 * point to an entry that has since been invalidated; the caller checks {@link MegaflowEntry#valid()}.
 * Owned by one datapath thread.
 */
public final class ExactMatchCache {
    public static final int DEFAULT_SLOTS = 8192;

    private final int slotMask;
    private final int[] hashes;
    private final long[] keys;
    private final MegaflowEntry[] entries;

    public ExactMatchCache(int slots) {
        if (Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two: " + slots);
        slotMask = slots - 1;
        hashes = new int[slots];
        keys = new long[slots * FlowKey.WORDS];
        entries = new MegaflowEntry[slots];
    }

    public MegaflowEntry lookup(FlowKey key, int hash) {
        int slot = hash & slotMask;
        MegaflowEntry e = entries[slot];
        if (e == null || hashes[slot] != hash) return null;
        long[] k = key.words;
        int base = slot * FlowKey.WORDS;
        for (int i = 0; i < FlowKey.WORDS; i++) {
            if (keys[base + i] != k[i]) return null;
        }
        return e;
    }

    public void insert(FlowKey key, int hash, MegaflowEntry e) {
        int slot = hash & slotMask;
        hashes[slot] = hash;
        System.arraycopy(key.words, 0, keys, slot * FlowKey.WORDS, FlowKey.WORDS);
        entries[slot] = e;
    }

    public void clear() {
        java.util.Arrays.fill(entries, null);
    }
}
