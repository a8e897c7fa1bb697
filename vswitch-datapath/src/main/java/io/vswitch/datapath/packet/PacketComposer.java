package io.vswitch.datapath.packet;

import io.vswitch.datapath.flow.FlowKey;

/** STUB: replaced by the real composer. */
public final class PacketComposer {
    /** Builds in {@code out} a frame whose parse gives {@code key} back (for trace from fields). */
    public static void compose(FlowKey key, Packet out) {
        out.load(new byte[60], 0, 60);
    }

    private PacketComposer() {}
}
