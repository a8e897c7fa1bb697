package io.vswitch.openflow;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.pipeline.Ports;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortMod;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.List;
import java.util.Set;

/**
 * Port-mod and the queue requests. The switch has no queues (shaping is per port, not per queue), so queue
 * requests get empty answers for existing ports and the specification's errors otherwise, as Open vSwitch answers
 * for a port without QoS.
 */
final class OfPortRequests {
    static final int PORT_MOD_FAILED = 7, PMFC_BAD_PORT = 0, PMFC_BAD_HW_ADDR = 1, PMFC_BAD_CONFIG = 2;
    static final int QUEUE_OP_FAILED = 9, QOFC_BAD_PORT = 0, QOFC_BAD_QUEUE = 1;
    private static final long ALL_QUEUES = 0xffffffffL;

    private OfPortRequests() { }

    /**
     * Applies OFPT_PORT_MOD's config bits (port_down, no_recv, no_fwd, no_packet_in, no_flood) to the datapath and
     * returns the port as it now is (for the OFPT_PORT_STATUS the caller sends). The hardware address must be the
     * port's, as the specification requires, so a request meant for another port is refused.
     */
    static SwitchBackend.PortInfo portMod(OFPortMod pm, SwitchBackend backend) {
        int number = pm.getPortNo().getPortNumber();
        SwitchBackend.PortInfo port = find(backend, number);
        if (port == null) throw new Rejection(PORT_MOD_FAILED, PMFC_BAD_PORT, "no port " + pm.getPortNo());
        if (!MacAddress.of(port.mac()).equals(pm.getHwAddr())) {
            throw new Rejection(PORT_MOD_FAILED, PMFC_BAD_HW_ADDR, "port " + number + " has address "
                    + MacAddress.of(port.mac()) + ", not " + pm.getHwAddr());
        }
        int config = bits(pm.getConfig(), pm.getVersion()), mask = bits(pm.getMask(), pm.getVersion());
        backend.pipeline().setPortConfig(number, config, mask);
        return find(backend, number);
    }

    private static int bits(Set<OFPortConfig> set, OFVersion v) {
        int b = 0;
        for (OFPortConfig c : set) {
            b |= switch (c) {
                case PORT_DOWN -> Ports.CONFIG_PORT_DOWN;
                case NO_RECV -> Ports.CONFIG_NO_RECV;
                case NO_FLOOD -> Ports.CONFIG_NO_FLOOD;
                case NO_FWD -> Ports.CONFIG_NO_FWD;
                case NO_PACKET_IN -> Ports.CONFIG_NO_PACKET_IN;
                default -> throw new Rejection(PORT_MOD_FAILED, PMFC_BAD_CONFIG, c + " is not supported in " + v);
            };
        }
        return b;
    }

    private static SwitchBackend.PortInfo find(SwitchBackend backend, int number) {
        for (SwitchBackend.PortInfo p : backend.ports()) if (p.number() == number) return p;
        return null;
    }

    /** Checks a queue request's port (ANY or an existing port) and queue (ALL; this switch has no queues). */
    static void checkQueueRequest(SwitchBackend backend, OFPort port, long queueId) {
        int n = port.getPortNumber();
        if (!port.equals(OFPort.ANY) && !port.equals(OFPort.ALL) && n != OfPort.LOCAL && find(backend, n) == null) {
            throw new Rejection(QUEUE_OP_FAILED, QOFC_BAD_PORT, "no port " + port);
        }
        if (queueId != ALL_QUEUES) throw new Rejection(QUEUE_OP_FAILED, QOFC_BAD_QUEUE, "no queue " + queueId);
    }

    static OFMessage queueStats(OFFactory f, long xid) {
        return f.buildQueueStatsReply().setXid(xid).setEntries(List.of()).build();
    }

    static OFMessage queueConfig(OFFactory f, long xid, OFPort port) {
        return f.buildQueueGetConfigReply().setXid(xid).setPort(port).setQueues(List.of()).build();
    }
}
