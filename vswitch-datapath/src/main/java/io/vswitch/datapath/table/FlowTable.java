package io.vswitch.datapath.table;

import java.util.concurrent.atomic.AtomicLong;

/** One OpenFlow table: its entries (in a {@link Classifier}) and its lookup/match counters. */
public final class FlowTable {
    public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

    public final int id;
    final Classifier classifier = new Classifier();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong matches = new AtomicLong();
    private volatile int maxEntries = DEFAULT_MAX_ENTRIES;
    private volatile String name;

    public FlowTable(int id) {
        this.id = id;
        this.name = "table" + id;
    }

    public Classifier classifier() { return classifier; }

    public int size() { return classifier.size(); }

    public void credit(long lookedUp, long matched) {
        if (lookedUp != 0) lookups.addAndGet(lookedUp);
        if (matched != 0) matches.addAndGet(matched);
    }

    public long lookups() { return lookups.get(); }

    public long matches() { return matches.get(); }

    public int maxEntries() { return maxEntries; }

    public void setMaxEntries(int maxEntries) { this.maxEntries = maxEntries; }

    public String name() { return name; }

    public void setName(String name) { this.name = name; }
}
