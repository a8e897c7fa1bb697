package io.vswitch.datapath.cache;

import io.vswitch.datapath.pipeline.CachedDecision;
import io.vswitch.datapath.pipeline.DpActions;
import io.vswitch.datapath.pipeline.Translation;

/**
 * A cached translation: every key equal to {@link #key} under its subtable's mask gets {@link #actions}.
 * Hit counters are plain fields written only by the owning thread and credited to the OpenFlow objects in
 * batches ({@link #flush}); {@link #valid} is the only field other threads write.
 */
public final class MegaflowEntry implements CachedDecision {
    final Translation translation;
    final DpActions actions;
    final long[] key;
    final int hash;
    MegaflowEntry next;
    private volatile boolean valid = true;
    long packets, bytes;
    private long flushedPackets, flushedBytes;

    MegaflowEntry(Translation translation, int hash) {
        this.translation = translation;
        this.actions = translation.actions;
        this.key = translation.key;
        this.hash = hash;
    }

    @Override
    public Translation translation() { return translation; }

    @Override
    public void invalidate() { valid = false; }

    public boolean valid() { return valid; }

    public DpActions actions() { return actions; }

    public long packets() { return packets; }

    /** Credits the hits taken since the last flush; returns whether there were any. */
    boolean flush(long now) {
        long dp = packets - flushedPackets, db = bytes - flushedBytes;
        if (dp == 0) return false;
        translation.credit(dp, db, now);
        flushedPackets = packets;
        flushedBytes = bytes;
        return true;
    }
}
