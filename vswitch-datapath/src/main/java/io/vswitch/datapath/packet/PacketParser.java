package io.vswitch.datapath.packet;

import io.vswitch.datapath.flow.FlowKey;

/** STUB: replaced by the real parser. */
public final class PacketParser {
    /**
     * Parses the frame in {@code p} into {@code key} (cleared first; in_port set to {@code inPort}) and records
     * the layer offsets in {@code p}. Allocates nothing and never throws: a truncated or malformed frame yields
     * the fields of its valid prefix, sets {@link Packet#truncated} and returns false.
     */
    public static boolean parse(Packet p, int inPort, FlowKey key) {
        key.clear();
        key.words[FlowKey.W_PORT] = inPort & 0xffffffffL;
        return true;
    }

    private PacketParser() {}
}
