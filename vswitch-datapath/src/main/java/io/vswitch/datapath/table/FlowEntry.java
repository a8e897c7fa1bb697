package io.vswitch.datapath.table;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.flow.FlowMatch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One entry of a flow table: match, priority, instructions, timeouts, flags, cookie and counters.
 *
 * <p>The instruction list is decoded once, at install time, into the fields the translator reads
 * ({@link #applyActions}, {@link #gotoTable}, ...), so translation does not walk the list.
 *
 * <p>Counters are credited from several threads (the slow path of each datapath thread, and the caches when they
 * flush the hits they took on the entry's behalf), so they are updated atomically. Entries are immutable except
 * for counters, last-use time and, for MODIFY, the instructions (replaced as one object).
 */
public final class FlowEntry {
    private static final VarHandle PACKETS, BYTES, LAST_USED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PACKETS = l.findVarHandle(FlowEntry.class, "packets", long.class);
            BYTES = l.findVarHandle(FlowEntry.class, "bytes", long.class);
            LAST_USED = l.findVarHandle(FlowEntry.class, "lastUsedNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public final int tableId;
    public final FlowMatch match;
    public final int priority;
    public final int idleTimeout, hardTimeout, flags, importance;
    public final long installedNanos;
    /**
     * Installation order, pipeline-wide. Among overlapping entries of equal priority the earliest installed wins,
     * so a lookup's answer depends on the set of entries alone, never on how the classifier happens to lay them
     * out (OpenFlow leaves the choice undefined; caches need it to be a function).
     */
    public final long sequence;
    private volatile long cookie;
    private volatile Program program;

    @SuppressWarnings("unused") private volatile long packets;
    @SuppressWarnings("unused") private volatile long bytes;
    @SuppressWarnings("unused") private volatile long lastUsedNanos;
    /** Set once the entry has left its table (deleted, expired, replaced): caches drop what refers to it. */
    volatile boolean removed;
    /**
     * Bumped when counters are reset (OFPFF_RESET_COUNTS): hits a cache took before the reset, and flushes later,
     * must not count. Translations record the epoch they saw.
     */
    private volatile int epoch;
    /** The entry that replaced this one by an identical ADD keeping counters: late cached hits go there. */
    volatile FlowEntry successor;
    /**
     * The successor's counter epoch when it replaced this entry (written before {@link #successor}): late hits
     * are forwarded only while the successor's counters have not been reset since.
     */
    volatile int successorEpoch;

    /** The instructions, decoded. Replaced as a whole by MODIFY. */
    public record Program(List<Instruction> instructions, int meterId, List<Action> applyActions, boolean clearActions,
                          List<Action> writeActions, long writeMetadata, long writeMetadataMask, int gotoTable) {
        public static final int NONE = -1;

        static Program of(List<Instruction> instructions) {
            int meter = NONE, gotoTable = NONE;
            List<Action> apply = List.of(), write = List.of();
            boolean clear = false;
            long md = 0, mdMask = 0;
            for (Instruction i : instructions) {
                switch (i) {
                    case Instruction.Meter m -> meter = m.meterId();
                    case Instruction.ApplyActions a -> apply = a.actions();
                    case Instruction.ClearActions c -> clear = true;
                    case Instruction.WriteActions w -> write = w.actions();
                    case Instruction.WriteMetadata w -> { md = w.metadata(); mdMask = w.mask(); }
                    case Instruction.GotoTable g -> gotoTable = g.tableId();
                }
            }
            return new Program(List.copyOf(instructions), meter, apply, clear, write, md, mdMask, gotoTable);
        }
    }

    FlowEntry(FlowMod mod, long nowNanos, long sequence) {
        this.sequence = sequence;
        this.tableId = mod.tableId();
        this.match = mod.match();
        this.priority = mod.priority();
        this.idleTimeout = mod.idleTimeout();
        this.hardTimeout = mod.hardTimeout();
        this.flags = mod.flags();
        this.importance = mod.importance();
        this.cookie = mod.cookie();
        this.installedNanos = nowNanos;
        this.program = Program.of(mod.instructions());
        this.lastUsedNanos = nowNanos;
    }

    public Program program() { return program; }

    public List<Instruction> instructions() { return program.instructions; }

    public long cookie() { return cookie; }

    void modify(List<Instruction> instructions, long newCookie, boolean resetCounts, boolean updateCookie) {
        this.program = Program.of(instructions);
        if (updateCookie) this.cookie = newCookie;
        if (resetCounts) {
            epoch++;
            PACKETS.setVolatile(this, 0L);
            BYTES.setVolatile(this, 0L);
        }
    }

    public int epoch() { return epoch; }

    /**
     * Credits {@code n} packets of {@code b} bytes taken by a translation made at {@code seenEpoch}: dropped if the
     * counters were reset since, forwarded to the successor if this entry was replaced.
     */
    public void credit(long n, long b, long nowNanos, int seenEpoch) {
        if (seenEpoch != epoch) return;
        FlowEntry s = successor;
        if (s != null) {
            s.credit(n, b, nowNanos, successorEpoch);
            return;
        }
        credit(n, b, nowNanos);
    }

    /** Credits {@code n} packets of {@code b} bytes, honouring no_pkt_counts/no_byt_counts. */
    void credit(long n, long b, long nowNanos) {
        if ((flags & FlowMod.FLAG_NO_PKT_COUNTS) == 0) PACKETS.getAndAdd(this, n);
        if ((flags & FlowMod.FLAG_NO_BYT_COUNTS) == 0) BYTES.getAndAdd(this, b);
        if (nowNanos - (long) LAST_USED.getOpaque(this) > 0) LAST_USED.setOpaque(this, nowNanos);
    }

    /** Packet count; {@code -1} (all ones, as OpenFlow reports it) when no_pkt_counts is set. */
    public long packets() { return (flags & FlowMod.FLAG_NO_PKT_COUNTS) != 0 ? -1 : packets; }

    public long bytes() { return (flags & FlowMod.FLAG_NO_BYT_COUNTS) != 0 ? -1 : bytes; }

    public long lastUsedNanos() { return lastUsedNanos; }

    public boolean isRemoved() { return removed; }

    /** Whether this entry beats {@code other} for a key both match. */
    boolean outranks(FlowEntry other) {
        return priority > other.priority || (priority == other.priority && sequence < other.sequence);
    }

    public boolean isTableMiss() { return priority == 0 && match.isCatchAll(); }

    public boolean hasFlag(int flag) { return (flags & flag) != 0; }

    /** Whether this entry outputs to {@code port} (for out_port filters); {@code OFPP_ANY} matches all. */
    public boolean outputsTo(int port) {
        if (port == io.vswitch.datapath.action.OfPort.ANY) return true;
        Program p = program;
        return containsOutput(p.applyActions, port) || containsOutput(p.writeActions, port);
    }

    public boolean usesGroup(int group) {
        if (group == FlowMod.ANY_GROUP) return true;
        Program p = program;
        return containsGroup(p.applyActions, group) || containsGroup(p.writeActions, group);
    }

    private static boolean containsOutput(List<Action> actions, int port) {
        for (Action a : actions) if (a instanceof Action.Output o && o.port() == port) return true;
        return false;
    }

    private static boolean containsGroup(List<Action> actions, int group) {
        for (Action a : actions) if (a instanceof Action.Group g && g.groupId() == group) return true;
        return false;
    }

    @Override
    public String toString() {
        return "table=" + tableId + ",priority=" + priority + "," + match + " " + program.instructions;
    }
}
