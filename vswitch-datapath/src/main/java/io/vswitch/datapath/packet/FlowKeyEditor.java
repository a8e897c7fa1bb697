package io.vswitch.datapath.packet;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.FlowKey;

/** STUB: replaced by the real key-level action semantics. */
public final class FlowKeyEditor {
    /**
     * Applies the effect of a packet-editing action to a flow key, exactly as {@link PacketEditor} applies it to
     * the packet (so that re-parsing the edited packet gives the edited key). Returns false when the key can no
     * longer be known without re-parsing the packet (pop_mpls, pop_pbb: the revealed headers are not in the key).
     * Output, group, set_queue and other non-editing actions leave the key alone and return true.
     */
    public static boolean apply(Action action, FlowKey key) {
        return true;
    }

    private FlowKeyEditor() {}
}
