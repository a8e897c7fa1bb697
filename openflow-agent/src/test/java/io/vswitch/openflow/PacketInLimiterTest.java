package io.vswitch.openflow;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PacketInLimiterTest {
    static final long S = 1_000_000_000L;

    @Test
    void burstThenRate() {
        PacketInLimiter l = new PacketInLimiter(100, 25, 0);
        int burst = 0;
        while (l.tryAcquire(0)) burst++;
        assertEquals(25, burst, "a full bucket at start");
        int second = 0;
        for (long t = 1; t <= S; t += S / 1000) if (l.tryAcquire(t)) second++;
        assertTrue(second >= 99 && second <= 101, "100 a second after the burst: " + second);
    }

    @Test
    void idleTimeRefillsOnlyUpToTheBurst() {
        PacketInLimiter l = new PacketInLimiter(1000, 50, 0);
        while (l.tryAcquire(0)) { }
        int after = 0;
        while (l.tryAcquire(3600 * S)) after++; // an hour idle: no overflow, no more than the burst
        assertEquals(50, after);
        assertFalse(l.tryAcquire(3600 * S));
    }

    @Test
    void clockGoingBackwardsGrantsNothing() {
        PacketInLimiter l = new PacketInLimiter(100, 1, 10 * S);
        assertTrue(l.tryAcquire(10 * S));
        assertFalse(l.tryAcquire(5 * S));
        assertFalse(l.tryAcquire(5 * S + S / 200), "5 ms after the backwards step: half a token");
        assertTrue(l.tryAcquire(5 * S + S / 100));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new PacketInLimiter(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new PacketInLimiter(10, 0, 0));
    }
}
