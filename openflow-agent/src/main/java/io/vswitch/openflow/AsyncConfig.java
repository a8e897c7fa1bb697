package io.vswitch.openflow;

import org.projectfloodlight.openflow.protocol.OFAsyncConfigProp;
import org.projectfloodlight.openflow.protocol.OFAsyncConfigPropFlowRemovedMaster;
import org.projectfloodlight.openflow.protocol.OFAsyncConfigPropFlowRemovedSlave;
import org.projectfloodlight.openflow.protocol.OFAsyncConfigPropPacketInMaster;
import org.projectfloodlight.openflow.protocol.OFAsyncConfigPropPacketInSlave;
import org.projectfloodlight.openflow.protocol.OFAsyncConfigPropPortStatusMaster;
import org.projectfloodlight.openflow.protocol.OFAsyncConfigPropPortStatusSlave;
import org.projectfloodlight.openflow.protocol.OFAsyncSet;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.util.List;

/**
 * One connection's asynchronous-message filter (OFPT_SET_ASYNC / GET_ASYNC): for each of packet-in, port-status and
 * flow-removed, a bitmap of reasons wanted while master or equal, and one while slave. Bit n stands for reason n
 * (packet-in: NO_MATCH 0, ACTION 1, INVALID_TTL 2; port-status: ADD 0, DELETE 1, MODIFY 2; flow-removed: IDLE 0,
 * HARD 1, DELETE 2, GROUP_DELETE 3, METER_DELETE 4).
 *
 * <p>The defaults are the specification's (and Open vSwitch's): masters and equals get packet-ins for table misses
 * and actions, every port-status and every flow-removed; slaves get port-status only.
 */
final class AsyncConfig {
    static final int PACKET_IN = 0, PORT_STATUS = 1, FLOW_REMOVED = 2;

    /** [kind][0 = master/equal, 1 = slave]. */
    private final long[][] masks = {{0b11, 0}, {0b111, 0b111}, {0b11111, 0}};

    boolean wants(int kind, OFControllerRole role, int reason) {
        long mask = masks[kind][role == OFControllerRole.ROLE_SLAVE ? 1 : 0];
        return reason >= 0 && reason < 64 && (mask >>> reason & 1) != 0;
    }

    /** Applies an OFPT_SET_ASYNC: OpenFlow 1.3 sends all six masks, 1.4+ only the properties it changes. */
    void set(OFAsyncSet m) {
        if (m.getVersion() == OFVersion.OF_13) {
            masks[PACKET_IN][0] = m.getPacketInMaskEqualMaster();
            masks[PACKET_IN][1] = m.getPacketInMaskSlave();
            masks[PORT_STATUS][0] = m.getPortStatusMaskEqualMaster();
            masks[PORT_STATUS][1] = m.getPortStatusMaskSlave();
            masks[FLOW_REMOVED][0] = m.getFlowRemovedMaskEqualMaster();
            masks[FLOW_REMOVED][1] = m.getFlowRemovedMaskSlave();
            return;
        }
        for (OFAsyncConfigProp p : m.getProperties()) {
            switch (p) {
                case OFAsyncConfigPropPacketInMaster x -> masks[PACKET_IN][0] = x.getMask();
                case OFAsyncConfigPropPacketInSlave x -> masks[PACKET_IN][1] = x.getMask();
                case OFAsyncConfigPropPortStatusMaster x -> masks[PORT_STATUS][0] = x.getMask();
                case OFAsyncConfigPropPortStatusSlave x -> masks[PORT_STATUS][1] = x.getMask();
                case OFAsyncConfigPropFlowRemovedMaster x -> masks[FLOW_REMOVED][0] = x.getMask();
                case OFAsyncConfigPropFlowRemovedSlave x -> masks[FLOW_REMOVED][1] = x.getMask();
                default -> { } // role/table/requestforward status: messages this switch never sends
            }
        }
    }

    /** OFPT_GET_ASYNC_REPLY with the current masks. */
    OFMessage reply(OFFactory f, long xid) {
        if (f.getVersion() == OFVersion.OF_13) {
            return f.buildAsyncGetReply().setXid(xid)
                    .setPacketInMaskEqualMaster(masks[PACKET_IN][0]).setPacketInMaskSlave(masks[PACKET_IN][1])
                    .setPortStatusMaskEqualMaster(masks[PORT_STATUS][0]).setPortStatusMaskSlave(masks[PORT_STATUS][1])
                    .setFlowRemovedMaskEqualMaster(masks[FLOW_REMOVED][0]).setFlowRemovedMaskSlave(masks[FLOW_REMOVED][1])
                    .build();
        }
        return f.buildAsyncGetReply().setXid(xid).setProperties(List.of(
                f.asyncConfigPropPacketInSlave(masks[PACKET_IN][1]),
                f.asyncConfigPropPacketInMaster(masks[PACKET_IN][0]),
                f.asyncConfigPropPortStatusSlave(masks[PORT_STATUS][1]),
                f.asyncConfigPropPortStatusMaster(masks[PORT_STATUS][0]),
                f.asyncConfigPropFlowRemovedSlave(masks[FLOW_REMOVED][1]),
                f.asyncConfigPropFlowRemovedMaster(masks[FLOW_REMOVED][0]))).build();
    }
}
