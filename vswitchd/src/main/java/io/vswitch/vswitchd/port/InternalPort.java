package io.vswitch.vswitchd.port;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.NetDevice;
import io.vswitch.linux.TapDevice;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A bridge's own network interface (Open vSwitch's internal port, OpenFlow port LOCAL): a TAP device named after
 * the bridge, so the host can put an address on it and talk through the switch. Frames the host sends on it enter
 * the bridge; frames the bridge outputs to LOCAL reach the host's stack. The interface exists while the port does.
 */
public final class InternalPort extends Port {
    private final TapDevice tap;
    private final int frameCapacity;
    private Packet[] rxFor;
    private MemorySegment[] rxBuffers;
    private final int[] rxStarts = new int[AfPacketPort.BATCH], rxLengths = new int[AfPacketPort.BATCH];

    private InternalPort(String name, TapDevice tap, int frameCapacity) {
        super(OfPort.LOCAL, name);
        this.tap = tap;
        this.frameCapacity = frameCapacity;
    }

    /** Creates TAP interface {@code name} and brings it up. */
    public static InternalPort open(String name, int frameCapacity) throws LinuxException {
        TapDevice tap = TapDevice.open(name, AfPacketPort.BATCH);
        try {
            NetDevice.setUp(name, true);
        } catch (LinuxException e) {
            tap.close();
            throw e;
        }
        return new InternalPort(name, tap, frameCapacity);
    }

    @Override public Type type() { return Type.INTERNAL; }

    @Override public int pollFd() { return tap.fd(); }

    @Override
    public int receive(Packet[] packets) throws IOException {
        if (rxFor != packets) {
            rxFor = packets;
            rxBuffers = new MemorySegment[Math.min(packets.length, AfPacketPort.BATCH)];
            for (int i = 0; i < rxBuffers.length; i++) rxBuffers[i] = packets[i].buffer();
        }
        int n = tap.receive(rxBuffers, Packet.HEADROOM, Math.min(frameCapacity - Packet.HEADROOM, 65535), rxStarts, rxLengths);
        for (int i = 0; i < n; i++) {
            Packet p = packets[i];
            p.start = rxStarts[i];
            p.length = rxLengths[i];
            p.resetOffsets();
            p.clearOffloads();
            rxBytes += rxLengths[i];
        }
        rxPackets += n;
        return n;
    }

    @Override
    public synchronized void send(TxBatch tx) throws IOException {
        // The TAP runs without offloads: finish partial checksums; GSO super-frames cannot be delivered whole.
        for (int i = tx.count - 1; i >= 0; i--) {
            Packet p = tx.slots[i];
            if (p.gsoType != 0 || p.length > 65535) {
                tx.remove(i);
                txDropped++;
            } else if (p.csumPartial) {
                io.vswitch.datapath.packet.PacketEditor.completePartialChecksum(p);
            }
        }
        int n = tx.count;
        if (n == 0) return;
        tx.count = 0;
        int sent = tap.send(tx.buffers, tx.starts, tx.lengths, n);
        txPackets += sent;
        for (int i = 0; i < sent; i++) txBytes += tx.lengths[i];
        txDropped += n - sent;
    }

    @Override
    public boolean linkUp() {
        try {
            return NetDevice.isUp(name());
        } catch (LinuxException e) {
            return false;
        }
    }

    @Override
    public void close() {
        tap.close();
    }
}
