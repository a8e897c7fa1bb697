package io.vswitch.vswitchd.netem;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one direction of an emulated link does to frames, in netem's terms: a fixed delay plus jitter, random
 * loss (optionally correlated with the previous decision), a rate limit and a queue limit.
 *
 * <p>Text form, as vsctl takes it: {@code delay=10ms jitter=1ms loss=1% loss-corr=25% rate=100mbit limit=1000}
 * (units: s, ms, us, ns; bit, kbit, mbit, gbit per second; any subset, in any order).
 *
 * @param rateBitsPerSecond 0: unlimited
 * @param limit             most frames waiting in the link at once (netem's default is 1000)
 */
public record LinkParams(long delayNanos, long jitterNanos, double lossPercent, double lossCorrelationPercent,
                         long rateBitsPerSecond, int limit) {
    public static final int DEFAULT_LIMIT = 1000;

    public LinkParams {
        if (delayNanos < 0 || jitterNanos < 0) throw new IllegalArgumentException("delay and jitter must not be negative");
        if (jitterNanos > delayNanos) throw new IllegalArgumentException("jitter (" + fmtTime(jitterNanos) + ") must not exceed delay (" + fmtTime(delayNanos) + ")");
        if (lossPercent < 0 || lossPercent > 100) throw new IllegalArgumentException("loss must be 0-100%, not " + lossPercent + "%");
        if (lossCorrelationPercent < 0 || lossCorrelationPercent > 100) throw new IllegalArgumentException("loss-corr must be 0-100%");
        if (rateBitsPerSecond < 0) throw new IllegalArgumentException("rate must not be negative");
        if (limit < 1 || limit > 100_000) throw new IllegalArgumentException("limit must be 1-100000 frames, not " + limit);
    }

    public static LinkParams parse(List<String> settings) {
        long delay = 0, jitter = 0, rate = 0;
        double loss = 0, corr = 0;
        int limit = DEFAULT_LIMIT;
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("expected KEY=VALUE (delay, jitter, loss, loss-corr, rate, limit), got '" + s + "'");
            String k = s.substring(0, eq), v = s.substring(eq + 1).toLowerCase(Locale.ROOT);
            switch (k) {
                case "delay" -> delay = time(v, k);
                case "jitter" -> jitter = time(v, k);
                case "loss" -> loss = percent(v, k);
                case "loss-corr" -> corr = percent(v, k);
                case "rate" -> rate = rate(v);
                case "limit" -> limit = (int) number(v, k);
                default -> throw new IllegalArgumentException("unknown link setting '" + k + "' (delay, jitter, loss, loss-corr, rate, limit)");
            }
        }
        return new LinkParams(delay, jitter, loss, corr, rate, limit);
    }

    private static long time(String v, String key) {
        String[][] units = {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}};
        for (String[] u : units) {
            if (v.endsWith(u[0]) && !(u[0].equals("s") && (v.endsWith("ms") || v.endsWith("us") || v.endsWith("ns")))) {
                return Math.round(number(v.substring(0, v.length() - u[0].length()), key) * Long.parseLong(u[1]));
            }
        }
        throw new IllegalArgumentException(key + "=" + v + ": give a unit (s, ms, us, ns), e.g. 10ms");
    }

    private static long rate(String v) {
        String[][] units = {{"gbit", "1000000000"}, {"mbit", "1000000"}, {"kbit", "1000"}, {"bit", "1"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) return Math.round(number(v.substring(0, v.length() - u[0].length()), "rate") * Long.parseLong(u[1]));
        }
        throw new IllegalArgumentException("rate=" + v + ": give a unit (bit, kbit, mbit, gbit), e.g. 100mbit");
    }

    private static double percent(String v, String key) {
        if (!v.endsWith("%")) throw new IllegalArgumentException(key + "=" + v + ": give a percentage, e.g. 1%");
        return number(v.substring(0, v.length() - 1), key);
    }

    private static double number(String v, String key) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a number");
        }
    }

    static String fmtTime(long ns) {
        if (ns % 1_000_000 == 0) return ns / 1_000_000 + "ms";
        if (ns % 1000 == 0) return ns / 1000 + "us";
        return ns + "ns";
    }

    @Override
    public String toString() {
        List<String> p = new ArrayList<>();
        if (delayNanos > 0) p.add("delay=" + fmtTime(delayNanos));
        if (jitterNanos > 0) p.add("jitter=" + fmtTime(jitterNanos));
        if (lossPercent > 0) p.add("loss=" + lossPercent + "%");
        if (lossCorrelationPercent > 0) p.add("loss-corr=" + lossCorrelationPercent + "%");
        if (rateBitsPerSecond > 0) p.add("rate=" + rateBitsPerSecond / 1000 + "kbit");
        p.add("limit=" + limit);
        return String.join(" ", p);
    }
}
