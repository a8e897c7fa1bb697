package io.vswitch.vethbridge.netns;

/**
 * How a new namespace starts.
 *
 * @param ipv6 false: IPv6 disabled in the namespace (net.ipv6.conf.all and .default
 *             disable_ipv6 = 1) before any link exists -- no link-local addresses, DAD, MLD or
 *             router solicitations when links come up: the fast start an emulator of IPv4 hosts
 *             wants. Written by the same worker task that creates the namespace, so it costs no
 *             extra namespace entry.
 */
public record NetnsOptions(boolean ipv6) {
    /** As `ip netns add` makes it. */
    public static final NetnsOptions DEFAULT = new NetnsOptions(true);
    /** IPv6 off. */
    public static final NetnsOptions FAST_START = new NetnsOptions(false);

    /** Runs inside the new namespace, on the worker. */
    void applyInside() throws java.io.IOException {
        if (!ipv6) {
            for (String c : new String[] {"all", "default"}) {
                java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", c, "disable_ipv6"), "1");
            }
        }
    }
}
