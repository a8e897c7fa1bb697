package io.vswitch.vswitchd.netem;

import io.vswitch.datapath.packet.Packet;
import java.util.SplittableRandom;

/**
 * One direction of an emulated link, inside the datapath: frames enter with {@link #offer} and come out of
 * {@link #release} when their time has come.
 *
 * <h2>How</h2>
 * Each frame's fate is decided on entry, as netem does: lost (random, with netem-style correlation: the next
 * uniform draw leans towards the previous one by the correlation), dropped because the link already holds
 * {@code limit} frames (tail drop), or given a departure time. With a rate, a frame departs when the previous one
 * has finished serialising ({@code bytes * 8 / rate}); then it travels for {@code delay} plus a uniform jitter in
 * {@code [-jitter, +jitter]}. Frames never overtake each other (as netem with rate): a frame's release time is at
 * least its predecessor's, so the queue is a FIFO ring and release is a scan from its head.
 *
 * <h2>Cost</h2>
 * A port without emulation has none of this (a null check). With it, each frame is copied once into a
 * preallocated slot (slots grow to the largest frame seen, once). Time comes from the caller (the datapath
 * thread's clock for the batch) so that behaviour is testable with a fake clock. Owned by one datapath thread;
 * counters may be read from others.
 */
public final class LinkEmulator {
    /** Where released frames go. */
    public interface Sink {
        void deliver(Packet p);
    }

    private final LinkParams params;
    private final Packet[] slots;
    private final long[] releaseAt;
    private int head, count;
    private long lastDeparture, lastRelease;
    private final SplittableRandom random;
    private double lastLossDraw;

    private volatile long offered, delivered, lost, queueDrops;

    public LinkEmulator(LinkParams params, long seed) {
        this.params = params;
        this.slots = new Packet[params.limit()];
        this.releaseAt = new long[params.limit()];
        this.random = new SplittableRandom(seed);
    }

    public LinkParams params() { return params; }

    /** Takes a copy of {@code p} into the link (or drops it); returns false when it was dropped. */
    public boolean offer(Packet p, long now) {
        offered++;
        if (params.lossPercent() > 0 && lossDraw() < params.lossPercent() / 100.0) {
            lost++;
            return false;
        }
        if (count == slots.length) {
            queueDrops++;
            return false;
        }
        long departure = now;
        if (params.rateBitsPerSecond() > 0) {
            long start = Math.max(now, lastDeparture);
            departure = start + p.length * 8L * 1_000_000_000L / params.rateBitsPerSecond();
            lastDeparture = departure;
        }
        long release = departure + params.delayNanos();
        if (params.jitterNanos() > 0) release += random.nextLong(-params.jitterNanos(), params.jitterNanos() + 1);
        release = Math.max(release, lastRelease); // no reordering
        lastRelease = release;

        int tail = (head + count) % slots.length;
        Packet s = slots[tail];
        if (s == null || s.capacity() < p.capacity()) s = slots[tail] = Packet.allocate(p.capacity());
        s.copyFrom(p);
        releaseAt[tail] = release;
        count++;
        return true;
    }

    /** netem's correlated uniform: next = corr * previous + (1 - corr) * fresh. */
    private double lossDraw() {
        double corr = params.lossCorrelationPercent() / 100.0;
        double fresh = random.nextDouble();
        lastLossDraw = corr * lastLossDraw + (1 - corr) * fresh;
        return corr == 0 ? fresh : lastLossDraw;
    }

    /** Hands every frame whose time has come to {@code sink}, in order; returns how many. */
    public int release(long now, Sink sink) {
        int n = 0;
        while (count > 0 && releaseAt[head] <= now) {
            sink.deliver(slots[head]);
            head = (head + 1) % slots.length;
            count--;
            n++;
        }
        delivered += n;
        return n;
    }

    /** When the next frame is due, or {@link Long#MAX_VALUE} when the link is empty. */
    public long nextRelease() {
        return count == 0 ? Long.MAX_VALUE : releaseAt[head];
    }

    public int queued() { return count; }

    public String stats() {
        return String.format("offered %d, delivered %d, lost %d (random), dropped %d (queue full), in flight %d",
                offered, delivered, lost, queueDrops, count);
    }

    public long offered() { return offered; }

    public long delivered() { return delivered; }

    public long lost() { return lost; }

    public long queueDrops() { return queueDrops; }
}
