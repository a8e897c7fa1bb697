package io.vswitch.vswitchd.pmd;

/**
 * Which datapath thread serves which port, re-decided from measured load (Open vSwitch's pmd-auto-lb, with a
 * consolidating half it lacks). Pure policy: the daemon measures, asks {@link #plan}, and moves ports.
 *
 * <h2>Why both directions</h2>
 * Ports that talk to each other on one thread forward a request and its answer without waking a second thread:
 * the answer is usually already waiting when the thread finishes sending the request (the receiving namespace
 * runs in softirq inside our sendmmsg). On this VM a cross-vCPU wake-up costs ~30-70 us, so two threads made ping
 * through the switch ~1.3-1.6x slower on average than one (forwarding benchmark, 2026-11-22). Under load the
 * opposite holds: a TCP stream's data and its ACKs on two threads carried ~1.5x what one thread carried.
 * So: at low load every movable port sits on thread 0; when a thread is busy with more than one loaded port, the
 * ports are spread if that cuts the busiest thread's load enough.
 *
 * <h2>No flapping</h2>
 * Spreading needs a thread above {@link #SPREAD_ABOVE} of a CPU; consolidating needs the whole daemon below
 * {@link #CONSOLIDATE_BELOW}, so a spread placement is not undone by the load that caused it. The caller also
 * waits a while after each change before the next.
 */
public final class PortPlacement {
    /** A thread busier than this (fraction of one CPU) with more than one loaded port is a reason to spread. */
    public static final double SPREAD_ABOVE = 0.70;
    /** A spread is applied only if it takes at least a tenth off the busiest thread's load. */
    public static final double MIN_GAIN = 0.90;
    /** Below this total load (fraction of one CPU, all ports) every movable port goes back to thread 0. */
    public static final double CONSOLIDATE_BELOW = 0.30;
    /** A port with less load than this is left where it is when spreading (moving it gains nothing). */
    public static final double IDLE_PORT = 0.01;

    private PortPlacement() { }

    /**
     * The placement to move to, or null to keep {@code current}.
     *
     * @param threads number of datapath threads
     * @param load    each port's measured load over the last interval, as a fraction of one CPU
     * @param current each port's thread now
     * @param pinned  ports that belong on thread 0 whatever the load (the daemon pins the ports of bridges with
     *                patch ports there: thread 0 alone drains patches); one found elsewhere is brought back
     * @return each port's thread (a new array), or null if nothing should change
     */
    public static int[] plan(int threads, double[] load, int[] current, boolean[] pinned) {
        int n = load.length;
        if (threads < 2 || n == 0) return null;
        int[] home = current.clone();
        boolean[] movable = new boolean[n];
        for (int i = 0; i < n; i++) {
            movable[i] = !pinned[i];
            if (pinned[i]) home[i] = 0;
        }
        int[] next = byLoad(threads, load, home, movable);
        if (next == null) next = home;
        return java.util.Arrays.equals(next, current) ? null : next;
    }

    /** The placement the load calls for starting from {@code current}, or null to keep it. */
    private static int[] byLoad(int threads, double[] load, int[] current, boolean[] movable) {
        int n = load.length;
        double total = 0;
        double[] perThread = new double[threads];
        for (int i = 0; i < n; i++) {
            total += load[i];
            perThread[current[i]] += load[i];
        }
        if (total < CONSOLIDATE_BELOW) {
            int[] next = current.clone();
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (movable[i] && next[i] != 0) {
                    next[i] = 0;
                    changed = true;
                }
            }
            return changed ? next : null;
        }
        int busiest = 0;
        for (int t = 1; t < threads; t++) if (perThread[t] > perThread[busiest]) busiest = t;
        if (perThread[busiest] <= SPREAD_ABOVE) return null;
        int loadedThere = 0;
        for (int i = 0; i < n; i++) if (current[i] == busiest && load[i] >= IDLE_PORT) loadedThere++;
        if (loadedThere < 2) return null; // one hot port: no placement makes its thread less busy

        // Longest processing time first: the heaviest movable port to the least loaded thread, preferring the
        // port's own thread on a tie so equal placements do not churn. Idle and pinned ports stay.
        int[] next = current.clone();
        double[] planned = new double[threads];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (!movable[i] || load[i] < IDLE_PORT) planned[current[i]] += load[i];
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(load[b], load[a]));
        for (int i : order) {
            if (!movable[i] || load[i] < IDLE_PORT) continue;
            int best = current[i];
            for (int t = 0; t < threads; t++) if (planned[t] < planned[best]) best = t;
            next[i] = best;
            planned[best] += load[i];
        }
        double newMax = 0;
        for (double l : planned) newMax = Math.max(newMax, l);
        if (newMax > perThread[busiest] * MIN_GAIN) return null;
        return java.util.Arrays.equals(next, current) ? null : next;
    }
}
