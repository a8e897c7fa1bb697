package io.vswitch.vethbridge.link;

/**
 * One link as a dump reports it.
 *
 * @param index   ifindex (per namespace)
 * @param name    interface name
 * @param kind    IFLA_INFO_KIND ("veth", "bridge", ...), or "" for devices without one (lo, physical NICs)
 * @param mtu     MTU
 * @param mac     "aa:bb:cc:dd:ee:ff", or "" when the device has no link-layer address
 * @param up      administratively up (IFF_UP)
 * @param master  ifindex of the bridge this link is enslaved to, 0 when none
 * @param alias   IFLA_IFALIAS, or null (ours: {@code "vswitch:<owner>"})
 */
public record Link(int index, String name, String kind, int mtu, String mac, boolean up, int master, String alias) {
}
