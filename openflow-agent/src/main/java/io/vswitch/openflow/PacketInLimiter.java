package io.vswitch.openflow;

/**
 * A token bucket for packet-ins (Open vSwitch's {@code controller_rate_limit} and {@code controller_burst_limit}):
 * a flood of table misses must not drown the controller or the channel. {@code rate} tokens a second accrue up
 * to {@code burst}; each packet-in takes one. Time is a parameter, so the arithmetic is tested without a clock.
 * Thread-safe (datapath threads offer packet-ins concurrently; this is the slow path, a lock is fine).
 */
final class PacketInLimiter {
    private static final long NANOS = 1_000_000_000L;
    private final long rate, burst;
    /** Tokens in units of 1/rate of a token-second, i.e. nanoseconds worth of accrual (no floating point). */
    private long credit;
    private long last;

    /**
     * @param rate  packet-ins per second, at least 1
     * @param burst bucket size, at least 1
     */
    PacketInLimiter(long rate, long burst, long now) {
        if (rate < 1 || burst < 1) throw new IllegalArgumentException("packet-in rate and burst must be >= 1");
        this.rate = rate;
        this.burst = burst;
        this.credit = burst * NANOS;
        this.last = now;
    }

    long rate() { return rate; }

    long burst() { return burst; }

    /** Takes a token if there is one at {@code now} (nanoseconds, monotonic). */
    synchronized boolean tryAcquire(long now) {
        long elapsed = Math.max(0, now - last);
        last = now;
        // credit grows by rate per nanosecond, capped at burst tokens; saturate before multiplying to avoid overflow
        long cap = burst * NANOS;
        credit = elapsed >= cap / rate ? cap : Math.min(cap, credit + elapsed * rate);
        if (credit < NANOS) return false;
        credit -= NANOS;
        return true;
    }
}
