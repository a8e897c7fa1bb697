package io.vswitch.datapath.ofctl;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Literal values of the text syntax: unsigned numbers (decimal or {@code 0x} hex), MAC addresses, dotted IPv4
 * and IPv6 literals, and their printed forms. Every parse error names the field and the accepted form.
 *
 * <p>Addresses are literals only: IPv4 is parsed here (exactly four decimal octets), IPv6 through
 * {@link InetAddress#ofLiteral}, which never consults DNS, after a character check, so a host name is rejected
 * rather than resolved.
 */
final class Values {
    private Values() {}

    /** An unsigned number no larger than {@code max} (unsigned), decimal or 0x-prefixed hex. */
    static long number(String s, int column, long max, String what) {
        long v;
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                if (s.length() == 2 || s.length() > 18) throw new NumberFormatException();
                v = Long.parseUnsignedLong(s.substring(2), 16);
            } else {
                if (s.isEmpty() || !Character.isDigit(s.charAt(0))) throw new NumberFormatException();
                v = Long.parseUnsignedLong(s);
            }
        } catch (NumberFormatException e) {
            throw notValid(s, column, what, max);
        }
        if (Long.compareUnsigned(v, max) > 0) throw notValid(s, column, what, max);
        return v;
    }

    static FlowSyntaxException notValid(String s, int column, String what, long max) {
        return new FlowSyntaxException(column, "'" + s + "' is not a valid " + what + " (0-" + Long.toUnsignedString(max) + ")");
    }

    static FlowSyntaxException notValid(String s, int column, String what) {
        return new FlowSyntaxException(column, "'" + s + "' is not a valid " + what);
    }

    /** A MAC address "01:23:45:67:89:ab" (also '-' separated) as a 48-bit number. */
    static long mac(String s, int column, String what) {
        String[] parts = s.split("[:-]", -1);
        if (parts.length != 6) throw notValid(s, column, what + " (expected a MAC address like 00:11:22:33:44:55)");
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) throw notValid(s, column, what + " (expected a MAC address like 00:11:22:33:44:55)");
            int b;
            try {
                b = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw notValid(s, column, what + " (expected a MAC address like 00:11:22:33:44:55)");
            }
            v = (v << 8) | b;
        }
        return v;
    }

    static String mac(long v) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) (v >>> (8 * i)) & 0xff;
            if (sb.length() > 0) sb.append(':');
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** A dotted-quad IPv4 address as an unsigned 32-bit number. */
    static long ipv4(String s, int column, String what) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) throw notIpv4(s, column, what);
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) throw notIpv4(s, column, what);
            for (int i = 0; i < p.length(); i++) if (!Character.isDigit(p.charAt(i))) throw notIpv4(s, column, what);
            int b = Integer.parseInt(p);
            if (b > 255) throw notIpv4(s, column, what);
            v = (v << 8) | b;
        }
        return v;
    }

    private static FlowSyntaxException notIpv4(String s, int column, String what) {
        return notValid(s, column, what + " (expected an IPv4 address like 10.0.0.1; host names are not resolved)");
    }

    static String ipv4(long v) {
        return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    /** Mask of the {@code prefix} leading bits of a {@code bits}-bit value (bits &lt;= 64). */
    static long prefixMask(int prefix, int bits) {
        if (prefix == 0) return 0;
        long ones = bits == 64 ? -1L : (1L << bits) - 1;
        return ones & ~((1L << (bits - prefix)) - 1);
    }

    /** The prefix length of a CIDR mask, or -1 if the mask is not a prefix. */
    static int prefixLength(long mask, int bits) {
        for (int p = 0; p <= bits; p++) if (prefixMask(p, bits) == mask) return p;
        return -1;
    }

    /** An IPv6 literal as {high, low} 64-bit words. */
    static long[] ipv6(String s, int column, String what) {
        boolean literal = s.indexOf(':') >= 0;
        for (int i = 0; i < s.length() && literal; i++) {
            char c = s.charAt(i);
            literal = Character.digit(c, 16) >= 0 || c == ':' || c == '.';
        }
        InetAddress a;
        try {
            if (!literal) throw new IllegalArgumentException();
            a = InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw notValid(s, column, what + " (expected an IPv6 address like 2001:db8::1; host names are not resolved)");
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) { // an IPv4-mapped literal (::ffff:a.b.c.d) comes back as IPv4
            byte[] m = new byte[16];
            m[10] = m[11] = (byte) 0xff;
            System.arraycopy(b, 0, m, 12, 4);
            b = m;
        }
        assert a instanceof Inet6Address || b.length == 16;
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) hi = (hi << 8) | (b[i] & 0xff);
        for (int i = 8; i < 16; i++) lo = (lo << 8) | (b[i] & 0xff);
        return new long[] {hi, lo};
    }

    /** RFC 5952 text of an IPv6 address (lower case, longest zero run compressed). */
    static String ipv6(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
