package io.vswitch.datapath.cache;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.pipeline.ActionExecutor;
import io.vswitch.datapath.pipeline.CachedDecision;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.pipeline.Translation;

/**
 * One datapath thread's packet path: parse, exact-match cache, megaflow cache, and on a miss the pipeline's slow
 * path, whose translation then becomes a megaflow entry.
 *
 * <pre>
 *   frame -> parse -> key --EMC hit--------------------------------> execute actions
 *                         \-miss-> megaflow hit --(insert EMC)-----/
 *                                 \-miss-> Pipeline.upcall -> new megaflow entry (+EMC) -/
 * </pre>
 *
 * <h2>Invariants</h2>
 * A hit is used only if its entry is still valid; invalid entries found on the way are flushed (their pending
 * counts credited) and dropped. Counts of cached hits reach the OpenFlow entries, tables, groups and buckets in
 * {@link #flushStats}, which the owning thread calls periodically (vswitchd: every 100 ms) and before statistics
 * are read; crediting goes through {@link Pipeline#credit}, under the pipeline's read lock, so it never interleaves
 * with a flow-mod. Packets a meter dropped are counted per meter and credited only to what came before that
 * meter. Nothing here allocates on a hit.
 *
 * <p>Owned by one thread (see the class threading note in {@link Pipeline}).
 */
public final class FastPath implements Pipeline.CacheSink {
    private final Pipeline pipeline;
    private final ExactMatchCache emc;
    private final MegaflowCache megaflows;
    private final ActionExecutor executor;
    private final FlowKey key = new FlowKey();
    private MegaflowEntry justCached;

    private long packets, emcHits, megaflowHits, upcalls, uncacheable;

    public FastPath(Pipeline pipeline) {
        this(pipeline, ExactMatchCache.DEFAULT_SLOTS, MegaflowCache.DEFAULT_MAX_ENTRIES);
    }

    /** @param emcSlots exact-match cache size (a power of two), or 0 to run without one */
    public FastPath(Pipeline pipeline, int emcSlots, int maxMegaflows) {
        this.pipeline = pipeline;
        this.emc = emcSlots == 0 ? null : new ExactMatchCache(emcSlots);
        this.megaflows = new MegaflowCache(maxMegaflows);
        this.executor = new ActionExecutor();
    }

    /** Forwards one packet that arrived on {@code inPort}. */
    public void process(Packet p, int inPort, PacketSink sink, long now) {
        packets++;
        if (!PacketParser.parse(p, inPort, key)) pipeline.ports().countMalformed(inPort);
        int h = emc == null ? 0 : key.hash();
        MegaflowEntry e = emc == null ? null : emc.lookup(key, h);
        if (e != null && e.valid()) {
            emcHits++;
        } else {
            e = megaflows.lookup(key);
            while (e != null && !e.valid()) {
                drop(e, now);
                e = megaflows.lookup(key);
            }
            if (e != null) {
                megaflowHits++;
            } else {
                upcalls++;
                Translation t = pipeline.upcall(key, p, now, this);
                e = justCached;
                justCached = null;
                if (e == null) {
                    uncacheable++;
                    int length = p.length;
                    pipeline.credit(t, executor.execute(t.actions, p, sink, now), 1, length, now);
                    return;
                }
            }
            if (emc != null) emc.insert(key, h, e);
        }
        int length = p.length;
        e.hit(length, executor.execute(e.actions, p, sink, now));
    }

    /** Called by the pipeline during an upcall, on this thread, under its read lock. */
    @Override
    public CachedDecision cache(Translation t) {
        MegaflowEntry e = megaflows.insert(t);
        justCached = e;
        return e;
    }

    private void drop(MegaflowEntry e, long now) {
        e.flush(pipeline, now);
        megaflows.remove(e);
        pipeline.unregister(e);
    }

    /**
     * Credits cached hits to the OpenFlow objects, drops invalidated entries, and re-orders megaflow subtables
     * by use. Call from the owning thread.
     */
    public void flushStats(long now) {
        flushTime = now;
        megaflows.forEach(flushEntry);
        megaflows.housekeep();
    }

    // Made once: a capturing lambda per call would put garbage on the datapath thread every 100 ms.
    private long flushTime;
    private final java.util.function.Consumer<MegaflowEntry> flushEntry = this::flush;

    private void flush(MegaflowEntry e) {
        e.flush(pipeline, flushTime);
        if (!e.valid()) {
            megaflows.remove(e);
            pipeline.unregister(e);
        }
    }

    public ActionExecutor executor() { return executor; }

    public int megaflowCount() { return megaflows.size(); }

    public int megaflowSubtables() { return megaflows.subtableCount(); }

    /** Per-thread statistics, in the spirit of ovs-appctl dpif-netdev/pmd-stats-show. */
    public record Stats(long packets, long emcHits, long megaflowHits, long upcalls, long uncacheable, int megaflows) {
        @Override
        public String toString() {
            return String.format("packets: %d%n  emc hits: %d (%.1f%%)%n  megaflow hits: %d (%.1f%%)%n"
                            + "  upcalls (misses): %d%n  uncacheable: %d%n  megaflows: %d",
                    packets, emcHits, pct(emcHits), megaflowHits, pct(megaflowHits), upcalls, uncacheable, megaflows);
        }

        private double pct(long n) { return packets == 0 ? 0 : 100.0 * n / packets; }
    }

    public Stats stats() {
        return new Stats(packets, emcHits, megaflowHits, upcalls, uncacheable, megaflows.size());
    }
}
