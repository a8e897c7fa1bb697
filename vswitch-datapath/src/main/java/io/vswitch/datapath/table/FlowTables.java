package io.vswitch.datapath.table;

import io.vswitch.datapath.action.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All flow tables of a pipeline, and the OpenFlow semantics of selecting, adding, modifying and removing entries
 * (strict and non-strict, cookie masks, out_port/out_group filters, timeouts). Validation and cache invalidation
 * are the pipeline's job; callers hold its write lock.
 */
public final class FlowTables {
    private final FlowTable[] tables;
    /** Entries with an idle or hard timeout: what {@link #collectExpired} scans. */
    private final Set<FlowEntry> timed = ConcurrentHashMap.newKeySet();
    private long nextSequence;

    public FlowTables(int count) {
        if (count < 1 || count > 254) throw new IllegalArgumentException("table count must be 1-254, not " + count);
        tables = new FlowTable[count];
        for (int i = 0; i < count; i++) tables[i] = new FlowTable(i);
    }

    public int count() { return tables.length; }

    public FlowTable get(int id) { return tables[id]; }

    public int totalEntries() {
        int n = 0;
        for (FlowTable t : tables) n += t.size();
        return n;
    }

    /** Adds the entry a validated ADD describes, replacing {@code old} (same match and priority) if not null. */
    public FlowEntry insert(FlowMod mod, FlowEntry old, long now) {
        FlowTable t = tables[mod.tableId()];
        // An identical ADD takes the old entry's place in the tie order among equal-priority overlapping entries.
        FlowEntry e = new FlowEntry(mod, now, old != null ? old.sequence : nextSequence++);
        if (old != null) {
            remove(old);
            if ((mod.flags() & FlowMod.FLAG_RESET_COUNTS) == 0) {
                e.credit(Math.max(0, old.packets()), Math.max(0, old.bytes()), now);
                old.successorEpoch = e.epoch();
                old.successor = e;
            }
        }
        t.classifier.insert(e);
        if (e.idleTimeout > 0 || e.hardTimeout > 0) timed.add(e);
        return e;
    }

    public void modify(FlowEntry e, List<Instruction> instructions, boolean resetCounts) {
        e.modify(instructions, 0, resetCounts, false);
    }

    /** Removes {@code e}; false when it had already left its table (so callers notify only once). */
    public boolean remove(FlowEntry e) {
        if (tables[e.tableId].classifier.remove(e)) {
            e.removed = true;
            timed.remove(e);
            return true;
        }
        return false;
    }

    /** The entries a modify/delete selects: strict (same match and priority) or every entry the match covers. */
    public List<FlowEntry> select(FlowMod mod, boolean strict) {
        List<FlowEntry> out = new ArrayList<>();
        int first = mod.tableId() == FlowMod.ALL_TABLES ? 0 : mod.tableId();
        int last = mod.tableId() == FlowMod.ALL_TABLES ? tables.length - 1 : mod.tableId();
        for (int i = first; i <= last; i++) {
            Classifier c = tables[i].classifier;
            if (strict) {
                FlowEntry e = c.findExact(mod.match(), mod.priority());
                if (e != null && e.match.sameAs(mod.match()) && filtersPass(e, mod)) out.add(e);
            } else {
                for (FlowEntry e : c.coveredBy(mod.match())) if (filtersPass(e, mod)) out.add(e);
            }
        }
        return out;
    }

    private static boolean filtersPass(FlowEntry e, FlowMod mod) {
        if (((e.cookie() ^ mod.cookie()) & mod.cookieMask()) != 0) return false;
        boolean delete = mod.command() == FlowMod.Command.DELETE || mod.command() == FlowMod.Command.DELETE_STRICT;
        if (delete) {
            if (!e.outputsTo(mod.outPort())) return false;
            if (!e.usesGroup(mod.outGroup())) return false;
        }
        return true;
    }

    public List<FlowEntry> usingGroup(int groupId) {
        List<FlowEntry> out = new ArrayList<>();
        for (FlowTable t : tables) t.classifier.forEach(e -> { if (e.usesGroup(groupId)) out.add(e); });
        return out;
    }

    public List<FlowEntry> usingMeter(int meterId) {
        List<FlowEntry> out = new ArrayList<>();
        for (FlowTable t : tables) t.classifier.forEach(e -> { if (e.program().meterId() == meterId) out.add(e); });
        return out;
    }

    /** Every entry, table by table (for dump-flows and stats). */
    public List<FlowEntry> entries(int tableId) {
        List<FlowEntry> out = new ArrayList<>();
        int first = tableId == FlowMod.ALL_TABLES ? 0 : tableId;
        int last = tableId == FlowMod.ALL_TABLES ? tables.length - 1 : tableId;
        for (int i = first; i <= last; i++) tables[i].classifier.forEach(out::add);
        return out;
    }

    public void collectExpired(long now, List<FlowEntry> idle, List<FlowEntry> hard) {
        for (FlowEntry e : timed) {
            if (e.hardTimeout > 0 && now - e.installedNanos >= e.hardTimeout * 1_000_000_000L) hard.add(e);
            else if (e.idleTimeout > 0 && now - e.lastUsedNanos() >= e.idleTimeout * 1_000_000_000L) idle.add(e);
        }
    }
}
