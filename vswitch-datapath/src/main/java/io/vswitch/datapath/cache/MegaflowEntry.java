package io.vswitch.datapath.cache;

import io.vswitch.datapath.pipeline.CachedDecision;
import io.vswitch.datapath.pipeline.DpActions;
import io.vswitch.datapath.pipeline.Pipeline;
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
    /** Hits, including packets a meter dropped. */
    long packets, bytes;
    private long flushedPackets, flushedBytes;
    /**
     * Per meter k of the actions: packets ({@code [2k]}) and bytes ({@code [2k+1]}) that meter dropped, and how
     * much of that was already flushed; null without meters. Allocated here so that hits allocate nothing.
     */
    private final long[] dropped, flushedDropped, droppedDelta;

    MegaflowEntry(Translation translation, int hash) {
        this.translation = translation;
        this.actions = translation.actions;
        this.key = translation.key;
        this.hash = hash;
        int meters = translation.meterCount();
        this.dropped = meters == 0 ? null : new long[2 * meters];
        this.flushedDropped = meters == 0 ? null : new long[2 * meters];
        this.droppedDelta = meters == 0 ? null : new long[2 * meters];
    }

    /** Counts one hit of {@code length} bytes; {@code dropIndex} is the executor's result (-1: not dropped). */
    void hit(int length, int dropIndex) {
        packets++;
        bytes += length;
        if (dropIndex >= 0) {
            dropped[2 * dropIndex]++;
            dropped[2 * dropIndex + 1] += length;
        }
    }

    @Override
    public Translation translation() { return translation; }

    @Override
    public void invalidate() { valid = false; }

    public boolean valid() { return valid; }

    public DpActions actions() { return actions; }

    public long packets() { return packets; }

    /**
     * Credits the hits taken since the last flush through {@code pipeline} (under its read lock): packets a meter
     * dropped only to what they went through before it. Returns whether there were any.
     */
    boolean flush(Pipeline pipeline, long now) {
        long dp = packets - flushedPackets, db = bytes - flushedBytes;
        if (dp == 0) return false;
        if (dropped != null) {
            for (int i = 0; i < dropped.length; i++) {
                droppedDelta[i] = dropped[i] - flushedDropped[i];
                flushedDropped[i] = dropped[i];
            }
            for (int i = 0; i < dropped.length; i += 2) {
                dp -= droppedDelta[i];
                db -= droppedDelta[i + 1];
            }
        }
        pipeline.credit(translation, dp, db, droppedDelta, now);
        flushedPackets = packets;
        flushedBytes = bytes;
        return true;
    }
}
