package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.group.GroupTable;
import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.meter.MeterTable;
import io.vswitch.datapath.normal.MacLearningTable;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.table.FlowTable;
import io.vswitch.datapath.table.FlowTables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One bridge's OpenFlow pipeline: flow tables, groups, meters, ports and the NORMAL learning table, the slow path
 * that translates keys into datapath actions, and the bookkeeping that keeps caches honest.
 *
 * <h2>Consistency</h2>
 * Modifications (flow, group, meter, port) take the write lock, change the tables, and invalidate every
 * registered cached decision that the change affects before releasing it. Translations take the read lock and
 * register their cache entry before releasing it. So a cache entry is either registered before a change (and the
 * change's sweep sees it) or translated after it (and saw the new tables): when a modification returns — and so
 * before the OpenFlow agent answers a barrier — no cached decision predates it. MAC learning changes happen inside
 * translations; a per-pipeline counter closes the gap there (see {@link #upcall}).
 *
 * <h2>Time</h2>
 * Every operation that depends on time takes {@code now} (nanoseconds, from the same clock as {@link #clock()}),
 * so tests and the trace facility control it.
 */
public final class Pipeline {
    public static final int DEFAULT_TABLES = 254;

    /** Told about entries leaving the tables; reasons as OpenFlow's ofp_flow_removed_reason. */
    public interface FlowRemovedListener {
        int IDLE_TIMEOUT = 0, HARD_TIMEOUT = 1, DELETE = 2, GROUP_DELETE = 3, METER_DELETE = 4;

        void flowRemoved(FlowEntry entry, int reason, long nowNanos);
    }

    private final FlowTables tables;
    private final GroupTable groups = new GroupTable();
    private final MeterTable meters = new MeterTable();
    private final Ports ports = new Ports();
    private final MacLearningTable macs;
    private final FlowModValidator validator;
    private final LongSupplier clock;
    private final StampedLock lock = new StampedLock();
    private final CachedDecisions cached = new CachedDecisions();
    private final AtomicLong macChanges = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private volatile FlowRemovedListener flowRemovedListener = (e, r, n) -> { };
    private volatile boolean invalidTtlToController;
    private volatile boolean tableMissToController;
    private volatile boolean failOpen;
    private volatile boolean dropFragments;

    public Pipeline() {
        this(DEFAULT_TABLES, System::nanoTime);
    }

    public Pipeline(int tableCount, LongSupplier clock) {
        this.clock = clock;
        this.tables = new FlowTables(tableCount);
        this.macs = new MacLearningTable(MacLearningTable.DEFAULT_MAX_ENTRIES, MacLearningTable.DEFAULT_AGING_NANOS,
                this::macChanged);
        this.validator = new FlowModValidator(tableCount, groups, meters);
    }

    public LongSupplier clock() { return clock; }

    public int tableCount() { return tables.count(); }

    public FlowTable table(int id) { return tables.get(id); }

    public FlowTables tables() { return tables; }

    public GroupTable groups() { return groups; }

    public MeterTable meters() { return meters; }

    public Ports ports() { return ports; }

    public MacLearningTable macs() { return macs; }

    /** How many changes (of any kind) the pipeline has seen; caches and tests use it to detect staleness. */
    public long changeCount() { return changes.get(); }

    public void setFlowRemovedListener(FlowRemovedListener listener) { this.flowRemovedListener = listener; }

    public boolean invalidTtlToController() { return invalidTtlToController; }

    /** OFPC_INVALID_TTL_TO_CONTROLLER: send packets whose TTL expires to the controller instead of dropping. */
    public void setInvalidTtlToController(boolean on) {
        long stamp = lock.writeLock();
        try {
            invalidTtlToController = on;
            invalidateWhere(t -> true);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public boolean tableMissToController() { return tableMissToController; }

    /**
     * OpenFlow 1.0's table miss: a packet no entry matches goes to the controller (OFPR_NO_MATCH) instead of being
     * dropped as OpenFlow 1.3 says. The OpenFlow agent turns it on while a 1.0 controller is connected, as Open
     * vSwitch does.
     */
    public void setTableMissToController(boolean on) {
        long stamp = lock.writeLock();
        try {
            if (tableMissToController == on) return;
            tableMissToController = on;
            invalidateWhere(t -> true);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public boolean failOpen() { return failOpen; }

    public boolean dropFragments() { return dropFragments; }

    /**
     * OpenFlow's fragment handling (OFPC_FRAG_DROP when on, OFPC_FRAG_NORMAL when off): IP fragments are dropped
     * before the tables see them.
     */
    public void setDropFragments(boolean on) {
        long stamp = lock.writeLock();
        try {
            if (dropFragments == on) return;
            dropFragments = on;
            invalidateWhere(t -> true);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Fail-open (Open vSwitch's fail-standalone after its controllers are lost): every received packet is switched
     * by NORMAL, whatever the tables say; the tables are kept as they are, so the controller finds them again when
     * it reconnects and the agent turns this off. Packet-outs still run their own actions.
     */
    public void setFailOpen(boolean on) {
        long stamp = lock.writeLock();
        try {
            if (failOpen == on) return;
            failOpen = on;
            invalidateWhere(t -> true);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ------------------------------------------------------------------------------------------ slow path

    /** Translates without caching (trace, the uncached reference path, packet-out). */
    public Translation translate(FlowKey key, Packet packet, TraceListener trace, long now) {
        long stamp = lock.readLock();
        try {
            return new Translator(this, packet, trace, now).translate(key, changes.get());
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Receives a fresh cacheable translation, under the pipeline's read lock, to make it a cache entry. */
    public interface CacheSink {
        CachedDecision cache(Translation translation);
    }

    /**
     * The slow path of a cache miss: translates, and if the result is cacheable lets {@code sink} make and keep a
     * cache entry for it, registered for invalidation before any modification can slip in between.
     */
    public Translation upcall(FlowKey key, Packet packet, long now, CacheSink sink) {
        long macBefore = macChanges.get();
        CachedDecision d = null;
        Translation t;
        long stamp = lock.readLock();
        try {
            t = new Translator(this, packet, null, now).translate(key, changes.get());
            if (t.cacheable) {
                d = sink.cache(t);
                if (d != null) cached.add(d);
            }
        } finally {
            lock.unlockRead(stamp);
        }
        // A MAC learned by another thread while we translated may have been swept before we registered.
        if (d != null && t.macDependencies.length > 0 && macChanges.get() != macBefore) {
            d.invalidate();
            cached.remove(d);
        }
        return t;
    }

    /**
     * Executes a packet-out (OFPT_PACKET_OUT): the actions run on {@code p} as if it had arrived on {@code inPort}
     * ({@code OFPP_CONTROLLER} or a real port); output to {@code OFPP_TABLE} sends it through the tables, whose
     * counters count it. Invalid actions throw the OpenFlow error and nothing is sent.
     */
    public void packetOut(Packet p, int inPort, List<io.vswitch.datapath.action.Action> actions, ActionExecutor executor,
                          PacketSink sink, long now) {
        for (io.vswitch.datapath.action.Action a : actions) {
            if (a instanceof io.vswitch.datapath.action.Action.Output o && o.port() != io.vswitch.datapath.action.OfPort.TABLE) {
                FlowModValidator.checkOutPort(o.port());
            }
        }
        long stamp = lock.readLock();
        Translation t;
        FlowKey key = new FlowKey();
        try {
            validator.validateActions(actions, new FlowModValidator.HeaderState(io.vswitch.datapath.flow.FlowMatch.ALL), false, true);
            PacketParser.parse(p, inPort, key);
            t = new Translator(this, p, null, now).translate(key, actions, changes.get());
        } finally {
            lock.unlockRead(stamp);
        }
        int length = p.length;
        credit(t, executor.execute(t.actions, p, sink, now), 1, length, now);
    }

    /**
     * Credits packets that a translation's actions ran to the end on, under the read lock, so a flush never
     * interleaves with a write-locked replacement (an identical ADD handing counters to its successor) or reset.
     * Do not call with the lock held.
     */
    public void credit(Translation t, long packets, long bytes, long now) {
        if (packets == 0) return;
        long stamp = lock.readLock();
        try {
            t.credit(packets, bytes, now);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Credits packets after execution: {@code dropIndex} is {@link ActionExecutor#execute}'s result (-1 when the
     * actions ran to the end, else the meter that dropped them: only what came before it counts them).
     */
    public void credit(Translation t, int dropIndex, long packets, long bytes, long now) {
        if (packets == 0) return;
        long stamp = lock.readLock();
        try {
            if (dropIndex < 0) t.credit(packets, bytes, now);
            else t.creditDropped(dropIndex, packets, bytes, now);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Credits a cache entry's hits in one read-locked step: {@code packets}/{@code bytes} that ran to the end and,
     * per meter of the translation, {@code dropped[2k]} packets and {@code dropped[2k+1]} bytes that meter k dropped
     * ({@code dropped} may be null when there are no meters).
     */
    public void credit(Translation t, long packets, long bytes, long[] dropped, long now) {
        long stamp = lock.readLock();
        try {
            t.credit(packets, bytes, now);
            if (dropped != null) {
                for (int k = 0; 2 * k < dropped.length; k++) t.creditDropped(k, dropped[2 * k], dropped[2 * k + 1], now);
            }
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** A cache dropped an entry (evicted or found invalid). */
    public void unregister(CachedDecision d) {
        cached.remove(d);
    }

    public int cachedCount() { return cached.size(); }

    /**
     * Processes one packet without any cache: parse, translate, credit counters, execute. The reference the
     * caches are proven against, and the path for packets that cannot be cached.
     */
    public void processUncached(Packet p, int inPort, FlowKey scratch, ActionExecutor executor, PacketSink sink, long now) {
        if (!PacketParser.parse(p, inPort, scratch)) ports.countMalformed(inPort);
        Translation t = translate(scratch, p, null, now);
        int length = p.length;
        credit(t, executor.execute(t.actions, p, sink, now), 1, length, now);
    }

    private void invalidateWhere(Predicate<Translation> affected) {
        invalidateAmong(cached.all(), affected);
    }

    /** Invalidates the decisions among {@code candidates} (a superset of those the change can affect) it affects. */
    private void invalidateAmong(Iterable<CachedDecision> candidates, Predicate<Translation> affected) {
        changes.incrementAndGet();
        for (CachedDecision d : candidates) {
            if (affected.test(d.translation())) {
                d.invalidate();
                cached.remove(d);
            }
        }
    }

    private void macChanged(int vlan, long mac) {
        macChanges.incrementAndGet();
        long dep = ((long) vlan << 48) | mac;
        invalidateWhere(t -> t.usesMac(dep));
    }

    // ------------------------------------------------------------------------------------------ flow-mods

    /** Checks a flow-mod against the current tables, groups and meters without applying it. */
    public void validate(FlowMod mod) {
        long stamp = lock.readLock();
        try {
            validator.validate(mod);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Applies a flow-mod, or throws the OpenFlow error that rejects it (and then changes nothing). */
    public void flowMod(FlowMod mod) {
        long now = clock.getAsLong();
        long stamp = lock.writeLock();
        try {
            validator.validate(mod);
            switch (mod.command()) {
                case ADD -> add(mod, now);
                case MODIFY, MODIFY_STRICT -> modify(mod);
                case DELETE, DELETE_STRICT -> delete(mod, FlowRemovedListener.DELETE, now);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void add(FlowMod mod, long now) {
        FlowTable table = tables.get(mod.tableId());
        FlowEntry old = table.classifier().findExact(mod.match(), mod.priority());
        if ((mod.flags() & FlowMod.FLAG_CHECK_OVERLAP) != 0) {
            // The identical entry (which this ADD replaces) is the only one excused from the overlap check.
            FlowEntry same = old != null && old.match.sameAs(mod.match()) ? old : null;
            if (table.classifier().hasOverlap(mod.match(), mod.priority(), same)) {
                throw new OpenFlowException(OfError.FLOW_MOD_FAILED_OVERLAP,
                        "an entry of priority " + mod.priority() + " in table " + mod.tableId() + " overlaps " + mod.match());
            }
        }
        if (old == null && table.size() >= table.maxEntries()) {
            throw new OpenFlowException(OfError.FLOW_MOD_FAILED_TABLE_FULL, "table " + mod.tableId() + " is full (" + table.maxEntries() + " entries)");
        }
        FlowEntry e = tables.insert(mod, old, now);
        long[] value = e.match.valueWords(), mask = e.match.maskWords();
        int prio = e.priority, tableId = e.tableId;
        if (old == null && tableId == 0) {
            // The common case (a controller adding flows): only the decisions CachedDecisions finds can be affected.
            invalidateAmong(cached.candidatesForTable0Add(value, mask), t -> t.affectedByAdd(0, value, mask, prio));
        } else {
            invalidateWhere(t -> (old != null && t.usesRule(old)) || t.affectedByAdd(tableId, value, mask, prio));
        }
    }

    private void modify(FlowMod mod) {
        List<FlowEntry> targets = tables.select(mod, mod.command() == FlowMod.Command.MODIFY_STRICT);
        if (targets.isEmpty()) return; // OpenFlow 1.1+: modifying nothing is not an error and adds nothing
        boolean reset = (mod.flags() & FlowMod.FLAG_RESET_COUNTS) != 0;
        for (FlowEntry e : targets) tables.modify(e, mod.instructions(), reset);
        invalidateWhere(t -> {
            for (FlowEntry e : targets) if (t.usesRule(e)) return true;
            return false;
        });
    }

    private void delete(FlowMod mod, int reason, long now) {
        List<FlowEntry> targets = tables.select(mod, mod.command() == FlowMod.Command.DELETE_STRICT);
        removeEntries(targets, reason, now);
    }

    /** Removes entries; returns how many were still in their tables (only those are announced). */
    private int removeEntries(List<FlowEntry> candidates, int reason, long now) {
        if (candidates.isEmpty()) return 0;
        List<FlowEntry> targets = new ArrayList<>(candidates.size());
        for (FlowEntry e : candidates) if (tables.remove(e)) targets.add(e);
        if (targets.isEmpty()) return 0;
        Set<FlowEntry> gone = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        gone.addAll(targets);
        invalidateWhere(t -> {
            for (FlowEntry r : t.rules) if (gone.contains(r)) return true;
            return false;
        });
        FlowRemovedListener l = flowRemovedListener;
        for (FlowEntry e : targets) l.flowRemoved(e, reason, now);
        return targets.size();
    }

    /**
     * Removes entries whose idle or hard timeout has passed. Caches must have flushed their hit counts first
     * (an entry's last use is updated by those flushes).
     */
    public int expire(long now) {
        List<FlowEntry> idle = new ArrayList<>(), hard = new ArrayList<>();
        tables.collectExpired(now, idle, hard); // a cheap first look, so an idle second takes no write lock
        if (idle.isEmpty() && hard.isEmpty()) return 0;
        // Collected again under the write lock: an entry replaced, removed or used meanwhile is not expired by a
        // stale scan, and removeEntries announces only entries it actually removed (concurrent expiries report once).
        long stamp = lock.writeLock();
        try {
            idle.clear();
            hard.clear();
            tables.collectExpired(now, idle, hard);
            if (idle.isEmpty() && hard.isEmpty()) return 0;
            return removeEntries(hard, FlowRemovedListener.HARD_TIMEOUT, now)
                    + removeEntries(idle, FlowRemovedListener.IDLE_TIMEOUT, now);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ------------------------------------------------------------------------------------------ groups, meters

    public void groupMod(GroupMod mod) {
        long now = clock.getAsLong();
        long stamp = lock.writeLock();
        try {
            groups.validate(mod);
            if (mod.command() == GroupMod.Command.DELETE) {
                List<Integer> ids = new ArrayList<>();
                if (mod.groupId() == GroupMod.ALL) for (Group g : groups.all()) ids.add(g.id);
                else ids.add(mod.groupId());
                // Flows that forward to a deleted group go with it (OpenFlow 1.3, OFPGC_DELETE).
                for (int id : ids) {
                    removeEntries(tables.usingGroup(id), FlowRemovedListener.GROUP_DELETE, now);
                }
            }
            List<Integer> touched = new ArrayList<>();
            if (mod.command() == GroupMod.Command.DELETE && mod.groupId() == GroupMod.ALL) {
                for (Group g : groups.all()) touched.add(g.id);
            } else {
                touched.add(mod.groupId());
            }
            groups.apply(mod, now);
            // By id, not by object: a translation that found a group missing, chained to it or watched it is
            // affected by its addition, modification and deletion alike.
            invalidateWhere(t -> {
                for (int id : touched) if (t.dependsOnGroup(id)) return true;
                return false;
            });
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public void meterMod(MeterMod mod) {
        long now = clock.getAsLong();
        long stamp = lock.writeLock();
        try {
            meters.validate(mod);
            if (mod.command() == MeterMod.Command.DELETE) {
                List<Integer> ids = new ArrayList<>();
                if (mod.meterId() == MeterMod.ALL) for (Meter m : meters.all()) ids.add(m.id);
                else ids.add(mod.meterId());
                for (int id : ids) removeEntries(tables.usingMeter(id), FlowRemovedListener.METER_DELETE, now);
            }
            Collection<Meter> replaced = meters.apply(mod, now);
            invalidateWhere(t -> {
                for (Meter m : replaced) if (t.usesMeter(m)) return true;
                return false;
            });
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ------------------------------------------------------------------------------------------ ports

    public Ports.Port addPort(int number, String name, boolean linkUp) {
        long stamp = lock.writeLock();
        try {
            Ports.Port p = ports.add(number, name, linkUp);
            invalidateWhere(t -> t.usesPorts || t.usesLiveness);
            return p;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public void removePort(int number) {
        long stamp = lock.writeLock();
        try {
            ports.remove(number);
            invalidateWhere(t -> t.usesPorts || t.usesLiveness);
        } finally {
            lock.unlockWrite(stamp);
        }
        macs.flushPort(number);
    }

    /** Link went up or down (carrier); fast-failover groups and flooding follow. */
    public void setLinkUp(int number, boolean up) {
        long stamp = lock.writeLock();
        try {
            Ports.Port p = ports.get(number);
            if (p == null || p.linkUp == up) return;
            p.linkUp = up;
            invalidateWhere(t -> t.usesPorts || t.usesLiveness);
        } finally {
            lock.unlockWrite(stamp);
        }
        if (!up) macs.flushPort(number);
    }

    /** OpenFlow port-mod: sets the config bits selected by {@code mask}. */
    /**
     * Makes a port an access port of VLAN {@code tag} for NORMAL (1-4095), or a trunk again (0), as Open vSwitch's
     * port {@code tag}: NORMAL then takes untagged frames from it as VLAN {@code tag}, refuses tagged ones, and
     * sends it only that VLAN's frames, untagged. OpenFlow actions (output, FLOOD, ALL) ignore it.
     */
    public void setPortTag(int number, int tag) {
        if (tag < 0 || tag > 4095) throw new IllegalArgumentException("VLAN tag must be 0-4095, not " + tag);
        long stamp = lock.writeLock();
        try {
            Ports.Port p = ports.get(number);
            if (p == null) throw new IllegalArgumentException("port " + Integer.toUnsignedString(number) + " does not exist");
            p.tag = tag;
            invalidateWhere(t -> t.usesPorts);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public void setPortConfig(int number, int config, int mask) {
        long stamp = lock.writeLock();
        try {
            Ports.Port p = ports.get(number);
            if (p == null) throw new OpenFlowException(OfError.PORT_MOD_FAILED_BAD_PORT, "port " + Integer.toUnsignedString(number) + " does not exist");
            p.config = (p.config & ~mask) | (config & mask);
            invalidateWhere(t -> t.usesPorts || t.usesLiveness);
        } finally {
            lock.unlockWrite(stamp);
        }
    }
}
