package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.packet.Packet;

/**
 * Where the datapath's decisions go: frames to ports and packet-ins to the controller channel. Implemented by
 * vswitchd's port layer (queueing into transmit batches), by the trace facility and by tests. Calls happen on the
 * datapath thread, in action order; the packet is only valid during the call (copy what must outlive it).
 */
public interface PacketSink {
    void output(int port, Packet packet, int queueId);

    void packetIn(Packet packet, PacketIn packetIn);
}
