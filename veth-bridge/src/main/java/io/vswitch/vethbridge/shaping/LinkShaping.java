package io.vswitch.vethbridge.shaping;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a link should do to its traffic, independent of who does it: a rate limit with burst and
 * queue limit (as tbf/htb do), and delay, jitter, delay distribution, loss with correlation,
 * duplication and reordering (as netem does) -- the parameters of Mininet's TCLink. Either back
 * end may serve it: {@link KernelShaping} (qdiscs) or the vswitch port's own link emulation.
 * A back end that cannot do a requested parameter refuses the whole request
 * ({@link UnsupportedShapingException}); nothing is skipped silently.
 *
 * @param rateBitsPerSecond  0: no rate limit
 * @param burstBytes         0: back end's default (10 ms at the rate, at least two full frames)
 * @param queueLimitPackets  0: back end's default (1000)
 * @param delay              null or zero: none
 * @param jitter             null or zero: none (needs a delay)
 * @param distribution       null: uniform jitter (needs a jitter otherwise)
 * @param lossPercent        0-100
 * @param lossCorrelationPercent 0-100 (needs a loss)
 * @param duplicatePercent   0-100
 * @param reorderPercent     0-100: sent at once instead of delayed (needs a delay)
 */
public record LinkShaping(long rateBitsPerSecond, long burstBytes, int queueLimitPackets, Duration delay,
                          Duration jitter, Distribution distribution, double lossPercent,
                          double lossCorrelationPercent, double duplicatePercent, double reorderPercent) {

    /** Delay distributions (netem tables). */
    public enum Distribution { NORMAL, PARETO, PARETONORMAL }

    /** The parameters, for capability checks and messages. */
    public enum Param {
        RATE("rate"), BURST("burst"), QUEUE_LIMIT("limit"), DELAY("delay"), JITTER("jitter"),
        DISTRIBUTION("distribution"), LOSS("loss"), LOSS_CORRELATION("loss-corr"), DUPLICATE("duplicate"),
        REORDER("reorder");

        private final String key;

        Param(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** Nothing: the link as the kernel made it. */
    public static final LinkShaping NONE = new LinkShaping(0, 0, 0, null, null, null, 0, 0, 0, 0);

    public LinkShaping {
        if (rateBitsPerSecond < 0 || burstBytes < 0 || queueLimitPackets < 0) {
            throw new IllegalArgumentException("rate, burst and limit must not be negative");
        }
        if (burstBytes > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("burst " + burstBytes + " bytes is over 4 GiB");
        }
        checkPercent("loss", lossPercent);
        checkPercent("loss-corr", lossCorrelationPercent);
        checkPercent("duplicate", duplicatePercent);
        checkPercent("reorder", reorderPercent);
        if (delay != null && delay.isNegative() || jitter != null && jitter.isNegative()) {
            throw new IllegalArgumentException("delay and jitter must not be negative");
        }
        boolean hasDelay = delay != null && !delay.isZero();
        boolean hasJitter = jitter != null && !jitter.isZero();
        if (hasJitter && !hasDelay) {
            throw new IllegalArgumentException("jitter " + format(jitter) + " needs a delay");
        }
        if (distribution != null && !hasJitter) {
            throw new IllegalArgumentException("distribution " + distribution.name().toLowerCase(Locale.ROOT)
                    + " needs a jitter");
        }
        if (lossCorrelationPercent > 0 && lossPercent == 0) {
            throw new IllegalArgumentException("loss-corr needs a loss");
        }
        if (reorderPercent > 0 && !hasDelay) {
            throw new IllegalArgumentException("reorder needs a delay (reordered packets are the ones not delayed)");
        }
        if (burstBytes > 0 && rateBitsPerSecond == 0) {
            throw new IllegalArgumentException("burst needs a rate");
        }
    }

    private static void checkPercent(String what, double v) {
        if (!(v >= 0 && v <= 100)) {
            throw new IllegalArgumentException(what + " " + v + "% is out of range (0-100%)");
        }
    }

    /** The parameters this value asks for (non-default ones). */
    public Set<Param> requested() {
        Set<Param> s = EnumSet.noneOf(Param.class);
        if (rateBitsPerSecond > 0) s.add(Param.RATE);
        if (burstBytes > 0) s.add(Param.BURST);
        if (queueLimitPackets > 0) s.add(Param.QUEUE_LIMIT);
        if (delay != null && !delay.isZero()) s.add(Param.DELAY);
        if (jitter != null && !jitter.isZero()) s.add(Param.JITTER);
        if (distribution != null) s.add(Param.DISTRIBUTION);
        if (lossPercent > 0) s.add(Param.LOSS);
        if (lossCorrelationPercent > 0) s.add(Param.LOSS_CORRELATION);
        if (duplicatePercent > 0) s.add(Param.DUPLICATE);
        if (reorderPercent > 0) s.add(Param.REORDER);
        return s;
    }

    /** "key=value" for one parameter, in the syntax {@link #parse} reads. */
    public String describe(Param p) {
        return p.key() + "=" + switch (p) {
            case RATE -> rateBitsPerSecond + "bit";
            case BURST -> burstBytes + "b";
            case QUEUE_LIMIT -> String.valueOf(queueLimitPackets);
            case DELAY -> format(delay);
            case JITTER -> format(jitter);
            case DISTRIBUTION -> distribution.name().toLowerCase(Locale.ROOT);
            case LOSS -> percent(lossPercent);
            case LOSS_CORRELATION -> percent(lossCorrelationPercent);
            case DUPLICATE -> percent(duplicatePercent);
            case REORDER -> percent(reorderPercent);
        };
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Param p : requested()) {
            b.append(b.isEmpty() ? "" : " ").append(describe(p));
        }
        return b.isEmpty() ? "none" : b.toString();
    }

    /**
     * Parses "rate=10mbit burst=32kb limit=100 delay=10ms jitter=1ms distribution=normal
     * loss=1% loss-corr=25% duplicate=1% reorder=5%" (each optional, in any order). Rates: bit,
     * kbit, mbit, gbit (bits/s) or bps, kbps, mbps, gbps (bytes/s), as tc reads them; sizes: b, kb,
     * mb (1024); times: us, ms, s; percentages with or without '%'.
     */
    public static LinkShaping parse(String... words) {
        long rate = 0, burst = 0;
        int limit = 0;
        Duration delay = null, jitter = null;
        Distribution dist = null;
        double loss = 0, lossCorr = 0, dup = 0, reorder = 0;
        for (String w : words) {
            for (String item : w.trim().split("\\s+")) {
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("shaping parameter '" + item + "' is not key=value");
                }
                String k = item.substring(0, eq).toLowerCase(Locale.ROOT);
                String v = item.substring(eq + 1).toLowerCase(Locale.ROOT);
                switch (k) {
                    case "rate", "bw" -> rate = Units.rate(v);
                    case "burst" -> burst = Units.size(v);
                    case "limit", "queue", "max_queue_size" -> limit = (int) Units.number(v, "limit", Integer.MAX_VALUE);
                    case "delay" -> delay = Units.time(v);
                    case "jitter" -> jitter = Units.time(v);
                    case "distribution" -> dist = switch (v) {
                        case "normal" -> Distribution.NORMAL;
                        case "pareto" -> Distribution.PARETO;
                        case "paretonormal" -> Distribution.PARETONORMAL;
                        default -> throw new IllegalArgumentException("unknown distribution '" + v
                                + "' (normal, pareto, paretonormal)");
                    };
                    case "loss" -> loss = Units.percent(v, "loss");
                    case "loss-corr", "loss_corr" -> lossCorr = Units.percent(v, "loss-corr");
                    case "duplicate" -> dup = Units.percent(v, "duplicate");
                    case "reorder" -> reorder = Units.percent(v, "reorder");
                    default -> throw new IllegalArgumentException("unknown shaping parameter '" + k
                            + "' (rate burst limit delay jitter distribution loss loss-corr duplicate reorder)");
                }
            }
        }
        return new LinkShaping(rate, burst, limit, delay, jitter, dist, loss, lossCorr, dup, reorder);
    }

    static String format(Duration d) {
        long us = d.toNanos() / 1000;
        return us % 1000 == 0 ? us / 1000 + "ms" : us + "us";
    }

    private static String percent(double v) {
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v)) + "%";
    }
}
