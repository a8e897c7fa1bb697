package io.vswitch.vswitchd.port;

import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketEditor;
import io.vswitch.linux.AfPacketSocket;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.NetDevice;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A port on a Linux network device through an AF_PACKET socket: batches of up to {@link #BATCH} frames per
 * recvmmsg/sendmmsg, received straight into the datapath's packet buffers (the socket re-inserts VLAN tags the
 * kernel stripped), transmitted from this port's own batch.
 *
 * <h2>Receive path (port option rx=auto|mmsg|ring)</h2>
 * Default {@code rx=auto}: recvmmsg while the port receives little, a TPACKET_V3 ring under load, switched by the
 * measured rate without loss or reordering ({@link AfPacketSocket.RxMode#ADAPTIVE}). recvmmsg hands each frame
 * over at once; the ring takes fuller batches with fewer system calls but holds a partly filled block until the
 * kernel's retire timer fires (measured ~1.0-1.7 ms ping RTT through two ring ports against ~0.1-0.3 ms with
 * recvmmsg). {@code rx=mmsg} and {@code rx=ring} pin one of them. Sending is sendmmsg either way.
 *
 * <h2>Offloads</h2>
 * veths checksum and segment lazily (TX checksum and TSO/GSO on by default): a frame from a local TCP socket
 * arrives with only a pseudo-header checksum, often as a 64 KiB super-frame. The socket runs with
 * PACKET_VNET_HDR, so each frame comes with that state. An ordinary frame with a partial checksum gets it
 * completed here, so the datapath sees a finished frame. A GSO super-frame stays whole (segmenting it here would
 * multiply the work by ~45): its state rides in the {@link Packet} through the pipeline (header edits keep it
 * consistent) and goes out with it, and the receiving kernel segments it, or not at all if it stays local.
 */
public final class AfPacketPort extends Port {
    public static final int BATCH = 32;

    private final AfPacketSocket socket;
    private final int frameCapacity;
    private Packet[] rxFor;
    private MemorySegment[] rxBuffers;
    private final int[] rxStarts = new int[BATCH], rxLengths = new int[BATCH];
    private boolean linkUp;
    private long partialChecksumsCompleted;
    private volatile int mtu = 1500;
    private long mtuDrops;

    private AfPacketPort(int number, String name, AfPacketSocket socket, int frameCapacity) {
        super(number, name);
        this.socket = socket;
        this.frameCapacity = frameCapacity;
        this.linkUp = true;
    }

    /** Opens a port on device {@code ifname}; fails with the kernel's reason (no such device, permission). */
    public static AfPacketPort open(int number, String ifname, int frameCapacity) throws LinuxException {
        return open(number, ifname, frameCapacity, AfPacketSocket.RxMode.ADAPTIVE);
    }

    /** Like {@link #open(int, String, int)}, receiving as {@code rx} says. */
    public static AfPacketPort open(int number, String ifname, int frameCapacity, AfPacketSocket.RxMode rx)
            throws LinuxException {
        AfPacketSocket s = AfPacketSocket.open(ifname, BATCH, true, rx);
        AfPacketPort p = new AfPacketPort(number, ifname, s, frameCapacity);
        p.silenceIpv6();
        p.refreshLink();
        return p;
    }

    /**
     * A port's device must send nothing the datapath did not decide to send: with IPv6 on, the kernel would emit
     * router solicitations, DAD and MLD reports from it. So IPv6 is off on the device while it is a port, and put
     * back as it was when the port goes (a write to /proc/sys, no fork).
     */
    private void silenceIpv6() {
        java.nio.file.Path knob = java.nio.file.Path.of("/proc/sys/net/ipv6/conf", name(), "disable_ipv6");
        try {
            String before = java.nio.file.Files.readString(knob).strip();
            if (!before.equals("1")) {
                java.nio.file.Files.writeString(knob, "1");
                ipv6Restore = before;
            }
        } catch (java.io.IOException | SecurityException e) {
            // No IPv6 in this kernel, or no right to change it: nothing to silence or nothing we can do.
        }
    }

    private String ipv6Restore;

    @Override public Type type() { return Type.AFPACKET; }

    @Override public int pollFd() { return socket.fd(); }

    @Override public int[] pollFds() { return socket.pollFds(); }

    @Override
    public int receive(Packet[] packets) throws IOException {
        if (rxFor != packets) { // the owning thread passes the same array every time: map it once
            rxFor = packets;
            rxBuffers = new MemorySegment[Math.min(packets.length, BATCH)];
            for (int i = 0; i < rxBuffers.length; i++) rxBuffers[i] = packets[i].buffer();
        }
        int n = socket.receive(rxBuffers, Packet.HEADROOM, frameCapacity - Packet.HEADROOM, rxStarts, rxLengths);
        for (int i = 0; i < n; i++) {
            Packet p = packets[i];
            p.start = rxStarts[i];
            p.length = rxLengths[i];
            p.resetOffsets();
            p.clearOffloads();
            int flags = socket.rxVnetFlags(i), gso = socket.rxGsoType(i);
            if ((flags & AfPacketSocket.VNET_NEEDS_CSUM) != 0) {
                p.csumPartial = true;
                p.csumStart = p.start + socket.rxCsumStart(i);
                p.csumOffset = socket.rxCsumOffset(i);
            }
            if (gso != AfPacketSocket.VNET_GSO_NONE) {
                p.gsoType = gso;
                p.gsoSize = socket.rxGsoSize(i);
                p.gsoHeaderEnd = p.start + socket.rxHdrLen(i);
            } else if (p.csumPartial) {
                PacketEditor.completePartialChecksum(p);
                partialChecksumsCompleted++;
            }
            rxBytes += rxLengths[i];
        }
        rxPackets += n;
        return n;
    }

    @Override
    public synchronized void send(TxBatch tx) throws IOException {
        // The device's MTU bounds what it takes (GSO frames aside: they are cut to gso_size on the way). An
        // oversize frame would also stop sendmmsg for every frame behind it, so it is dropped here, counted.
        int maxFrame = mtu + 18; // Ethernet header and one VLAN tag
        for (int i = tx.count - 1; i >= 0; i--) {
            Packet p = tx.slots[i];
            if (p.gsoType == 0 && p.length > maxFrame) {
                tx.remove(i);
                txDropped++;
                mtuDrops++;
            }
        }
        int n = tx.count;
        if (n == 0) return;
        tx.count = 0;
        for (int i = 0; i < n; i++) {
            Packet p = tx.slots[i];
            if (p.csumPartial || p.gsoType != 0) {
                socket.setTxVnet(i, p.csumPartial ? AfPacketSocket.VNET_NEEDS_CSUM : 0, p.gsoType,
                        p.gsoHeaderEnd == 0 ? 0 : p.gsoHeaderEnd - p.start, p.gsoSize,
                        p.csumPartial ? p.csumStart - p.start : 0, p.csumOffset);
            } else {
                socket.setTxVnet(i, 0, 0, 0, 0, 0, 0);
            }
        }
        int sent = socket.send(tx.buffers, tx.starts, tx.lengths, n);
        txPackets += sent;
        for (int i = 0; i < sent; i++) txBytes += tx.lengths[i];
        txDropped += n - sent;
    }

    /** Called by the serving thread every housekeeping round: see {@link AfPacketSocket#idle}. */
    public void idle(long now) { socket.idle(now); }

    /** Re-reads the carrier state; returns whether it changed. */
    public boolean refreshLink() {
        boolean up;
        try {
            up = NetDevice.isUp(name()) && NetDevice.hasCarrier(name());
            mtu = NetDevice.mtu(name());
        } catch (LinuxException e) {
            up = false;
        }
        boolean changed = up != linkUp;
        linkUp = up;
        return changed;
    }

    @Override public boolean linkUp() { return linkUp; }

    @Override public long txDropped() { return txDropped; }

    /** Frames dropped because they were larger than the device's MTU. */
    public long mtuDrops() { return mtuDrops; }

    public int mtu() { return mtu; }

    /** Whether this port receives through a TPACKET_V3 ring right now (always with rx=ring) rather than recvmmsg. */
    public boolean rxRing() { return socket.rxRing(); }

    /** The port's receive option. */
    public AfPacketSocket.RxMode rxMode() { return socket.rxMode(); }

    /** How often an rx=auto port has switched between recvmmsg and the ring. */
    public long rxModeSwitches() { return socket.rxModeSwitches(); }

    @Override
    public long rxDropped() {
        try {
            return socket.kernelDrops();
        } catch (LinuxException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        socket.close();
        if (ipv6Restore != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", name(), "disable_ipv6"), ipv6Restore);
            } catch (java.io.IOException e) {
                // the device is gone: nothing to restore
            }
        }
    }
}
