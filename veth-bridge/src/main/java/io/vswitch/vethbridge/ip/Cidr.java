package io.vswitch.vethbridge.ip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address with a prefix length, "10.0.0.1/24" or "fd00::1/64". Parsed without
 * name resolution; a missing prefix means a host address (/32 or /128).
 */
public record Cidr(InetAddress address, int prefix) {
    public Cidr {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("invalid CIDR " + address.getHostAddress() + "/" + prefix
                    + ": prefix length must be 0-" + max);
        }
    }

    /**
     * Parses "A.B.C.D[/N]" or "IPV6[/N]".
     *
     * @throws IllegalArgumentException "invalid CIDR TEXT: why"
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("invalid CIDR '': empty");
        }
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        InetAddress a = parseAddress(addr, "invalid CIDR " + text);
        int max = a instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("invalid CIDR " + text + ": prefix length '" + p + "' is no number");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("invalid CIDR " + text + ": prefix length must be 0-" + max);
            }
        }
        return new Cidr(a, prefix);
    }

    /**
     * A literal IPv4 or IPv6 address (never a host name to resolve).
     *
     * @param context the start of the error message, e.g. "invalid gateway 10.0.0.x"
     */
    public static InetAddress parseAddress(String text, String context) {
        boolean v4 = text.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        boolean v6 = text.indexOf(':') >= 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (v4) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException(context + ": an IPv4 address has 4 numbers");
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                    throw new IllegalArgumentException(context + ": '" + parts[i] + "' is no number 0-255");
                }
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
            return byAddress(b, context);
        }
        if (v6) {
            try {
                InetAddress a = InetAddress.getByName(text); // a literal with ':' is never resolved
                if (a instanceof Inet6Address) {
                    return a;
                }
                return byAddress(a.getAddress(), context);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(context + ": not an IPv6 address");
            }
        }
        throw new IllegalArgumentException(context + ": not an IPv4 or IPv6 address");
    }

    private static InetAddress byAddress(byte[] b, String context) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(context, e);
        }
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** AF_INET or AF_INET6. */
    public int family() {
        return isIpv4() ? io.vswitch.linux.netlink.Rtnl.AF_INET : io.vswitch.linux.netlink.Rtnl.AF_INET6;
    }

    /** The network address (host bits cleared). */
    public Cidr network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        return new Cidr(byAddress(b, "network"), prefix);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
