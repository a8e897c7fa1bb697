package io.vswitch.benchmarks.openflow;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of the OpenFlow benchmarks' programs: unknown names and bad values are refused. */
final class Args {
    private Args() {
    }

    static Map<String, String> parse(String[] args, String... known) {
        Set<String> names = Set.of(known);
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !names.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown argument " + a + " (known: --" + String.join(", --", known) + ")");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            o.put(a.substring(2), args[++i]);
        }
        return o;
    }

    static String req(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) throw new IllegalArgumentException("missing --" + key);
        return v;
    }

    static int intArg(Map<String, String> o, String key, int dflt, int min, int max) {
        double d = doubleArg(o, key, dflt, min, max);
        if (d != Math.rint(d)) throw new IllegalArgumentException("--" + key + " must be an integer, got " + o.get(key));
        return (int) d;
    }

    static double doubleArg(Map<String, String> o, String key, double dflt, double min, double max) {
        String v = o.get(key);
        if (v == null) return dflt;
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got " + v);
        }
        if (!(d >= min && d <= max)) throw new IllegalArgumentException("--" + key + " must be " + min + ".." + max + ", got " + v);
        return d;
    }
}
