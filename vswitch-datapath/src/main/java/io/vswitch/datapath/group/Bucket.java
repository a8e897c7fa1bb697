package io.vswitch.datapath.group;

import io.vswitch.datapath.action.Action;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A group bucket: actions applied to (a copy of) the packet, a weight for select groups and the port/group whose
 * liveness decides whether a fast-failover bucket may be used.
 */
public final class Bucket {
    public static final int WATCH_ANY = 0xffffffff;

    public final int weight;
    public final int watchPort;
    public final int watchGroup;
    public final List<Action> actions;
    private final AtomicLong packets = new AtomicLong(), bytes = new AtomicLong();

    public Bucket(int weight, int watchPort, int watchGroup, List<Action> actions) {
        this.weight = weight;
        this.watchPort = watchPort;
        this.watchGroup = watchGroup;
        this.actions = List.copyOf(actions);
    }

    public static Bucket of(List<Action> actions) {
        return new Bucket(0, WATCH_ANY, WATCH_ANY, actions);
    }

    public void credit(long n, long b) {
        packets.addAndGet(n);
        bytes.addAndGet(b);
    }

    public long packets() { return packets.get(); }

    public long bytes() { return bytes.get(); }

    /** Same configuration (counters aside). */
    public boolean sameAs(Bucket o) {
        return weight == o.weight && watchPort == o.watchPort && watchGroup == o.watchGroup && actions.equals(o.actions);
    }
}
