package io.vswitch.vethbridge.shaping;

import java.time.Duration;

/** tc-style quantities: rates, sizes, times, percentages. */
final class Units {
    private Units() {
    }

    static long rate(String v) {
        String[][] units = {{"gbit", "1000000000"}, {"mbit", "1000000"}, {"kbit", "1000"}, {"bit", "1"},
            {"gbps", "8000000000"}, {"mbps", "8000000"}, {"kbps", "8000"}, {"bps", "8"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                return scaled(v.substring(0, v.length() - u[0].length()), Long.parseLong(u[1]), "rate " + v);
            }
        }
        return scaled(v, 1, "rate " + v);
    }

    static long size(String v) {
        String[][] units = {{"mb", "1048576"}, {"m", "1048576"}, {"kb", "1024"}, {"k", "1024"}, {"b", "1"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                return scaled(v.substring(0, v.length() - u[0].length()), Long.parseLong(u[1]), "size " + v);
            }
        }
        return scaled(v, 1, "size " + v);
    }

    static Duration time(String v) {
        String[][] units = {{"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                return Duration.ofNanos(scaled(v.substring(0, v.length() - u[0].length()), Long.parseLong(u[1]),
                        "time " + v));
            }
        }
        throw new IllegalArgumentException("time '" + v + "' needs a unit (us, ms, s)");
    }

    static double percent(String v, String what) {
        String n = v.endsWith("%") ? v.substring(0, v.length() - 1) : v;
        try {
            double d = Double.parseDouble(n);
            if (!(d >= 0 && d <= 100)) {
                throw new IllegalArgumentException(what + " " + v + " is out of range (0-100%)");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + v + "' is no percentage");
        }
    }

    static long number(String v, String what, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < 0 || n > max) {
                throw new IllegalArgumentException(what + " " + v + " is out of range (0-" + max + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + v + "' is no number");
        }
    }

    private static long scaled(String number, long unit, String what) {
        try {
            double d = Double.parseDouble(number);
            if (!(d >= 0) || d * unit > Long.MAX_VALUE / 2) {
                throw new IllegalArgumentException(what + " is out of range");
            }
            return Math.round(d * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is no number with a unit");
        }
    }
}
