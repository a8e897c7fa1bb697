package io.vswitch.vswitchd.port;

import io.vswitch.datapath.packet.Packet;
import io.vswitch.vswitchd.pcap.PcapRecorder;
import java.io.IOException;

/**
 * A port of a bridge, as the datapath threads see it: frames come in in batches, frames go out in batches
 * ({@link TxBatch}) sent at the end of each receive batch. Implementations: {@link AfPacketPort} (any Linux
 * netdev, typically the root end of a veth), {@link InternalPort} (the bridge's own TAP interface),
 * {@link PatchPort} (to another bridge of the same daemon).
 *
 * <p>One datapath thread owns a port's receive side. Any datapath thread may send on it (a frame from a port of
 * thread 0 may leave on a port of thread 1): each thread fills its own {@link TxBatch} and {@link #send} is
 * serialised per port, one lock per batch. The control thread only reads counters and closes ports after the
 * threads let go of them.
 *
 * <p>A port may be recorded ({@link #recorder}): the datapath threads offer what the port receives (right after
 * {@link #receive}, before the pipeline edits it) and what they give it to send (when they add it to a {@link TxBatch}, as the
 * pipeline left it) to the recorder. They do that, not each implementation, so every kind of port is recordable.
 */
public abstract class Port implements AutoCloseable {
    public enum Type { AFPACKET, PATCH, INTERNAL }

    private final int number;
    private final String name;
    /**
     * Link emulation on this port (null: none, the common case, and then it costs one null check): egress shapes
     * what the switch sends out of the port, ingress what arrives on it. Set by the owning datapath thread.
     */
    public io.vswitch.vswitchd.netem.LinkEmulator egress, ingress;
    protected long rxPackets, rxBytes, txPackets, txBytes, txDropped, rxErrors;
    /**
     * Datapath-thread time spent on this port's received frames (receive, pipeline, and their share of the sends),
     * written by the thread serving the port, read by the daemon to place ports ({@code PortPlacement}). A plain
     * field: a slightly stale reading only delays a placement decision.
     */
    public long busyNanos;
    /** Set and cleared by the control thread, read by datapath threads once per batch and per output. */
    private volatile PcapRecorder recorder;

    protected Port(int number, String name) {
        this.number = number;
        this.name = name;
    }

    public final int number() { return number; }

    public final String name() { return name; }

    public abstract Type type();

    /** File descriptor to wait on for received frames, or -1 if the port is fed by another thread (patch). */
    public abstract int pollFd();

    /** Every descriptor to wait on for this port's frames (an adaptive AF_PACKET port has two); none for -1. */
    public int[] pollFds() {
        int fd = pollFd();
        return fd < 0 ? new int[0] : new int[] {fd};
    }

    /**
     * Receives up to {@code packets.length} frames into the given packets (their buffers, at their headroom);
     * returns how many. Never blocks.
     */
    public abstract int receive(Packet[] packets) throws IOException;

    /**
     * Sends the frames of {@code batch} and empties it; frames the device refuses are counted as tx drops.
     * May be called by several datapath threads (each with its own batch): implementations serialise.
     */
    public abstract void send(TxBatch batch) throws IOException;

    private static final java.util.concurrent.atomic.AtomicInteger NEXT_INDEX = new java.util.concurrent.atomic.AtomicInteger();
    /** A small daemon-wide number for this port: datapath threads index their per-port transmit batches by it. */
    public final int index = NEXT_INDEX.getAndIncrement();

    /** Link state (carrier) as the port last saw it. */
    public abstract boolean linkUp();

    /** The recording of this port, or null (the common case: a null check is all recording costs then). */
    public final PcapRecorder recorder() { return recorder; }

    public final void setRecorder(PcapRecorder r) { this.recorder = r; }

    public long rxPackets() { return rxPackets; }

    public long rxBytes() { return rxBytes; }

    public long txPackets() { return txPackets; }

    public long txBytes() { return txBytes; }

    public long txDropped() { return txDropped; }

    public long rxErrors() { return rxErrors; }

    /** Drops the kernel (or peer) counted that we never saw. */
    public long rxDropped() { return 0; }

    @Override
    public abstract void close();

    @Override
    public String toString() {
        return name + " (" + type().name().toLowerCase() + ", ofport " + number + ")";
    }
}
