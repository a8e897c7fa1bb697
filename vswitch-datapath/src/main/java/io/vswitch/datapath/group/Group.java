package io.vswitch.datapath.group;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A group table entry (OpenFlow 1.3 section 5.6): id, type, buckets and counters. Immutable but for counters. */
public final class Group {
    public enum Type {
        ALL(0), SELECT(1), INDIRECT(2), FAST_FAILOVER(3);

        public final int code;

        Type(int code) { this.code = code; }
    }

    public final int id;
    public final Type type;
    public final List<Bucket> buckets;
    public final long createdNanos;
    private final AtomicLong packets = new AtomicLong(), bytes = new AtomicLong();

    public Group(int id, Type type, List<Bucket> buckets, long createdNanos) {
        this.id = id;
        this.type = type;
        this.buckets = List.copyOf(buckets);
        this.createdNanos = createdNanos;
    }

    public void credit(long n, long b) {
        packets.addAndGet(n);
        bytes.addAndGet(b);
    }

    public long packets() { return packets.get(); }

    public long bytes() { return bytes.get(); }
}
