package io.vswitch.vethbridge.ip;

import java.net.InetAddress;

/**
 * A route of the main table.
 *
 * @param destination the prefix (0.0.0.0/0 or ::/0 for a default route)
 * @param gateway     the next hop, or null for a directly connected route
 * @param device      the output interface name, or null when the kernel chose none
 */
public record Route(Cidr destination, InetAddress gateway, String device) {
    public boolean isDefault() {
        return destination.prefix() == 0;
    }
}
