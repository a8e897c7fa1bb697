package io.vswitch.vethbridge.link;

import java.time.Duration;

/**
 * Settings of a Linux bridge (IFLA_BR_*).
 *
 * @param stp           spanning tree on (kernel STP) or off
 * @param ageing        how long learned MAC addresses live; null for the kernel default (300 s)
 * @param vlanFiltering 802.1Q VLAN filtering on the bridge ports
 */
public record BridgeOptions(boolean stp, Duration ageing, boolean vlanFiltering) {
    /** STP off, default ageing, no VLAN filtering: what an emulator or CNI bridge wants. */
    public static final BridgeOptions DEFAULTS = new BridgeOptions(false, null, false);

    public BridgeOptions {
        if (ageing != null && (ageing.isNegative() || ageing.toSeconds() > 1_000_000)) {
            throw new IllegalArgumentException("bridge ageing time " + ageing + " is out of range (0 to 1000000 s)");
        }
    }

    /** The ageing time in the kernel's unit (centiseconds, USER_HZ). */
    int ageingCentis() {
        return (int) (ageing.toMillis() / 10);
    }
}
