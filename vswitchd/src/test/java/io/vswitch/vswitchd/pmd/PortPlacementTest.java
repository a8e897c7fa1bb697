package io.vswitch.vswitchd.pmd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PortPlacementTest {
    /** No port pinned to thread 0. */
    private static boolean[] nonePinned(int n) {
        return new boolean[n];
    }

    @Test
    void twoLoadedPortsOnOneBusyThreadAreSpread() {
        // A TCP stream: data on port 0, ACKs on port 1, both on thread 0 which is saturated.
        int[] next = PortPlacement.plan(2, new double[] {0.7, 0.3}, new int[] {0, 0}, nonePinned(2));
        assertArrayEquals(new int[] {0, 1}, next, "the lighter port moves, the heavier stays");
    }

    @Test
    void oneHotPortIsNotSpreadAway() {
        // 64-byte flood in one direction: moving the idle reverse port would change nothing.
        assertNull(PortPlacement.plan(2, new double[] {0.98, 0.0}, new int[] {0, 0}, nonePinned(2)));
        assertNull(PortPlacement.plan(2, new double[] {0.95, 0.005}, new int[] {0, 0}, nonePinned(2)));
    }

    @Test
    void aBusyThreadBelowTheThresholdStays() {
        assertNull(PortPlacement.plan(2, new double[] {0.35, 0.3}, new int[] {0, 0}, nonePinned(2)));
    }

    @Test
    void aSpreadThatGainsTooLittleIsNotMade() {
        // 0.9 + 0.05 on thread 0: the best placement still leaves 0.9 there (> 90 % of 0.95).
        assertNull(PortPlacement.plan(2, new double[] {0.9, 0.05}, new int[] {0, 0}, nonePinned(2)));
    }

    @Test
    void lowTotalLoadConsolidatesOnThreadZero() {
        assertArrayEquals(new int[] {0, 0, 0}, PortPlacement.plan(2, new double[] {0.01, 0.02, 0.0}, new int[] {0, 1, 1}, nonePinned(3)));
        assertNull(PortPlacement.plan(2, new double[] {0.01, 0.02}, new int[] {0, 0}, nonePinned(2)), "already together");
    }

    @Test
    void aSpreadPlacementIsNotUndoneByTheLoadThatCausedIt() {
        // After spreading {0.7, 0.3} the same load must neither consolidate nor re-spread.
        assertNull(PortPlacement.plan(2, new double[] {0.7, 0.3}, new int[] {0, 1}, nonePinned(2)));
    }

    @Test
    void pinnedPortsStayOnThreadZeroAndComeBackThere() {
        boolean[] pinned = {true, false, false};
        int[] next = PortPlacement.plan(2, new double[] {0.5, 0.4, 0.3}, new int[] {0, 0, 0}, pinned);
        assertNotNull(next);
        assertArrayEquals(new int[] {0, 1, 1}, next, "the pinned port stays, the others spread");
        assertArrayEquals(new int[] {0, 1}, PortPlacement.plan(2, new double[] {0.9, 0.9}, new int[] {1, 1}, new boolean[] {true, false}),
                "a pinned port found elsewhere comes back to thread 0, whatever the load");
        assertNull(PortPlacement.plan(2, new double[] {0.9, 0.9}, new int[] {0, 1}, new boolean[] {true, false}));
    }

    @Test
    void oneThreadMeansNoPlan() {
        assertNull(PortPlacement.plan(1, new double[] {0.9, 0.9}, new int[] {0, 0}, nonePinned(2)));
    }

    @Test
    void randomLoadsNeverMakeTheBusiestThreadBusierAndAreStable() {
        Random r = new Random(42);
        for (int round = 0; round < 10_000; round++) {
            int threads = 2 + r.nextInt(4), n = 1 + r.nextInt(8);
            double[] load = new double[n];
            int[] current = new int[n];
            boolean[] pinned = new boolean[n];
            boolean pinnedAway = false;
            for (int i = 0; i < n; i++) {
                load[i] = r.nextInt(4) == 0 ? 0 : r.nextDouble();
                current[i] = r.nextInt(threads);
                pinned[i] = r.nextInt(5) == 0;
                pinnedAway |= pinned[i] && current[i] != 0;
            }
            int[] next = PortPlacement.plan(threads, load, current, pinned);
            if (next == null) {
                org.junit.jupiter.api.Assertions.assertFalse(pinnedAway, "a pinned port left off thread 0");
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (pinned[i]) org.junit.jupiter.api.Assertions.assertEquals(0, next[i], "pinned port not on thread 0");
            }
            // Applying a plan and asking again under the same load changes nothing (no ping-pong).
            assertNull(PortPlacement.plan(threads, load, next, pinned), "a second plan under the same load");
            double total = 0;
            for (double l : load) total += l;
            if (total >= PortPlacement.CONSOLIDATE_BELOW && !pinnedAway) {
                org.junit.jupiter.api.Assertions.assertTrue(max(threads, load, next) <= max(threads, load, current) * PortPlacement.MIN_GAIN + 1e-9);
            }
        }
    }

    private static double max(int threads, double[] load, int[] placement) {
        double[] per = new double[threads];
        for (int i = 0; i < load.length; i++) per[placement[i]] += load[i];
        double m = 0;
        for (double l : per) m = Math.max(m, l);
        return m;
    }
}
