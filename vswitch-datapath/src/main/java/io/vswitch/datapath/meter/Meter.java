package io.vswitch.datapath.meter;

import java.util.List;

/**
 * A meter (OpenFlow 1.3 section 5.7): token buckets, one per band, refilled at the band's rate.
 *
 * <p>Each packet takes its cost (bits or 1 packet) from every band's bucket that holds enough; the bands whose
 * bucket is short are "exceeded", and of those the one with the highest rate applies. A band's bucket holds its
 * burst size, or one second of its rate when no burst is configured (what Open vSwitch does too; the configured
 * burst is still reported as sent). Shared by all datapath threads, so {@link #apply} is synchronized: meters are
 * per-flow-group rate limiters, and an uncontended monitor costs a few nanoseconds.
 */
public final class Meter {
    public final int id;
    public final int flags;
    public final List<MeterBand> bands;
    public final long createdNanos;
    private final double[] tokens;
    private final double[] capacity;
    private final double[] refillPerNano;
    private final long[] bandPackets, bandBytes;
    private long lastRefill;
    private long packetsIn, bytesIn;

    public Meter(int id, int flags, List<MeterBand> bands, long nowNanos) {
        this.id = id;
        this.flags = flags;
        this.bands = List.copyOf(bands);
        this.createdNanos = nowNanos;
        int n = bands.size();
        tokens = new double[n];
        capacity = new double[n];
        refillPerNano = new double[n];
        bandPackets = new long[n];
        bandBytes = new long[n];
        boolean pktps = (flags & MeterMod.FLAG_PKTPS) != 0;
        for (int i = 0; i < n; i++) {
            MeterBand b = bands.get(i);
            double perSecond = pktps ? b.rate() : b.rate() * 1000.0; // packets/s or bits/s
            boolean burst = (flags & MeterMod.FLAG_BURST) != 0 && b.burstSize() > 0;
            capacity[i] = burst ? (pktps ? b.burstSize() : b.burstSize() * 1000.0) : Math.max(perSecond, pktps ? 1 : 12_000);
            refillPerNano[i] = perSecond / 1e9;
            tokens[i] = capacity[i];
        }
        lastRefill = nowNanos;
    }

    /** Meters one packet: returns the index of the band that applies, or -1 to let the packet through unchanged. */
    public synchronized int apply(int frameBytes, long nowNanos) {
        long elapsed = nowNanos - lastRefill;
        if (elapsed > 0) {
            lastRefill = nowNanos;
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = Math.min(capacity[i], tokens[i] + elapsed * refillPerNano[i]);
            }
        }
        packetsIn++;
        bytesIn += frameBytes;
        double cost = (flags & MeterMod.FLAG_PKTPS) != 0 ? 1 : frameBytes * 8.0;
        int band = -1;
        long bandRate = -1;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] >= cost) {
                tokens[i] -= cost;
            } else if (bands.get(i).rate() > bandRate) {
                band = i;
                bandRate = bands.get(i).rate();
            }
        }
        if (band >= 0) {
            bandPackets[band]++;
            bandBytes[band] += frameBytes;
        }
        return band;
    }

    public synchronized long packetsIn() { return packetsIn; }

    public synchronized long bytesIn() { return bytesIn; }

    public synchronized long bandPackets(int band) { return bandPackets[band]; }

    public synchronized long bandBytes(int band) { return bandBytes[band]; }

    /** Carries counters over from the meter this one replaces (OFPMC_MODIFY keeps statistics). */
    synchronized void inheritCounters(Meter old) {
        synchronized (old) {
            packetsIn = old.packetsIn;
            bytesIn = old.bytesIn;
            for (int i = 0; i < Math.min(bandPackets.length, old.bandPackets.length); i++) {
                bandPackets[i] = old.bandPackets[i];
                bandBytes[i] = old.bandBytes[i];
            }
        }
    }
}
