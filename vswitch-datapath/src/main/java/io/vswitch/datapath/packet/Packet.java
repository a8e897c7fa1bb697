package io.vswitch.datapath.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A frame in a reusable buffer, with the offsets of its layers as found by the parser. A flyweight: ports and
 * tests fill it in place, the parser records where each header starts, and the actions edit it in place.
 *
 * <pre>
 *   buffer:  | headroom ... | frame (start .. start+length) | tailroom |
 *                           ^ start = l2
 * </pre>
 * Pushing a header (VLAN, MPLS, PBB) moves {@link #start} back into the headroom instead of moving the payload,
 * so a push costs a 12..22-byte move. Offsets are absolute positions in {@link #buffer()}; -1 means "absent".
 *
 * <p>Not thread-safe; owned by one datapath thread at a time.
 */
public final class Packet {
    /** Room left before the frame for pushed headers (a PBB push adds 18 bytes; MPLS/VLAN 4 each). */
    public static final int HEADROOM = 128;
    public static final int DEFAULT_CAPACITY = 2048;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment buffer;
    /** Absolute offset of the first byte of the frame (the Ethernet destination). */
    public int start;
    /** Frame length in bytes. */
    public int length;
    /** Offset of the MPLS label stack (or the PBB I-TAG for eth_type 0x88e7), or -1. */
    public int l2_5 = -1;
    /** Offset of the L3 header (IPv4, IPv6, ARP), or -1. */
    public int l3 = -1;
    /** Offset of the L4 header (TCP, UDP, SCTP, ICMP, ICMPv6), or -1 (also for non-first fragments). */
    public int l4 = -1;
    /** Offset of the Ethernet type field that announces {@link #l2_5}/{@link #l3} (after any VLAN tags). */
    public int ethTypeOffset = -1;
    /** Set by the parser when the frame ended before a header it announced, or a header was malformed. */
    public boolean truncated;

    /*
     * Offload state, as a port with checksum/segmentation offloads (PACKET_VNET_HDR, tap) delivers it. Offsets are
     * absolute like the layer offsets, so pushing or popping headers in front of them (which moves only start)
     * leaves them valid.
     */
    /** The L4 checksum field holds only the pseudo-header sum; the sum over [csumStart, end) is still to be added. */
    public boolean csumPartial;
    /** Absolute offset where a partial checksum's coverage starts; the checksum field is at csumStart + csumOffset. */
    public int csumStart = -1, csumOffset;
    /** A GSO super-frame: virtio gso_type (TCPv4 1, UDP 3, TCPv6 4) and segment size; 0 for ordinary frames. */
    public int gsoType, gsoSize;
    /** Absolute end of the headers that every segment of a GSO frame repeats. */
    public int gsoHeaderEnd;

    public Packet(MemorySegment buffer) {
        this.buffer = buffer;
        this.start = HEADROOM;
    }

    /** A packet with its own native buffer of the given capacity (headroom included). */
    public static Packet allocate(int capacity) {
        return new Packet(Arena.ofAuto().allocate(capacity, 64));
    }

    public static Packet allocate() {
        return allocate(DEFAULT_CAPACITY);
    }

    /** A packet holding a copy of {@code frame} (tests, packet-out, trace). */
    public static Packet of(byte[] frame) {
        Packet p = allocate(Math.max(DEFAULT_CAPACITY, frame.length + HEADROOM + 64));
        p.load(frame, 0, frame.length);
        return p;
    }

    /** Replaces the contents with a copy of {@code frame[off..off+len)} and forgets parsed offsets. */
    public void load(byte[] frame, int off, int len) {
        start = HEADROOM;
        length = len;
        MemorySegment.copy(frame, off, buffer, ValueLayout.JAVA_BYTE, start, len);
        resetOffsets();
        clearOffloads();
    }

    /** Forgets offload state: the frame is complete, with valid checksums. */
    public void clearOffloads() {
        csumPartial = false;
        csumStart = -1;
        csumOffset = 0;
        gsoType = gsoSize = gsoHeaderEnd = 0;
    }

    /** Copies another packet's frame and offsets into this one (e.g. to run a group bucket on a copy). */
    public void copyFrom(Packet other) {
        int shift = HEADROOM - other.start;
        start = HEADROOM;
        length = other.length;
        MemorySegment.copy(other.buffer, other.start, buffer, start, other.length);
        l2_5 = other.l2_5 < 0 ? -1 : other.l2_5 + shift;
        l3 = other.l3 < 0 ? -1 : other.l3 + shift;
        l4 = other.l4 < 0 ? -1 : other.l4 + shift;
        ethTypeOffset = other.ethTypeOffset < 0 ? -1 : other.ethTypeOffset + shift;
        truncated = other.truncated;
        csumPartial = other.csumPartial;
        csumStart = other.csumStart < 0 ? -1 : other.csumStart + shift;
        csumOffset = other.csumOffset;
        gsoType = other.gsoType;
        gsoSize = other.gsoSize;
        gsoHeaderEnd = other.gsoHeaderEnd == 0 ? 0 : other.gsoHeaderEnd + shift;
    }

    public void resetOffsets() {
        l2_5 = l3 = l4 = ethTypeOffset = -1;
        truncated = false;
    }

    public MemorySegment buffer() { return buffer; }

    public int capacity() { return (int) buffer.byteSize(); }

    /** End of the frame (exclusive), absolute. */
    public int end() { return start + length; }

    /** The frame as a new array (slow paths, tests, packet-in). */
    public byte[] toBytes() {
        byte[] out = new byte[length];
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, start, out, 0, length);
        return out;
    }

    // Big-endian accessors at absolute offsets. Callers check bounds against end() first.
    public int u8(int at) { return buffer.get(ValueLayout.JAVA_BYTE, at) & 0xff; }

    public int u16(int at) { return buffer.get(U16, at) & 0xffff; }

    public long u32(int at) { return buffer.get(U32, at) & 0xffffffffL; }

    public long u48(int at) { return ((long) u16(at) << 32) | u32(at + 2); }

    public long u64(int at) { return buffer.get(U64, at); }

    public void put8(int at, int v) { buffer.set(ValueLayout.JAVA_BYTE, at, (byte) v); }

    public void put16(int at, int v) { buffer.set(U16, at, (short) v); }

    public void put32(int at, long v) { buffer.set(U32, at, (int) v); }

    public void put48(int at, long v) {
        put16(at, (int) (v >>> 32));
        put32(at + 2, v);
    }

    public void put64(int at, long v) { buffer.set(U64, at, v); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++) sb.append(String.format("%02x", u8(start + i)));
        return sb.toString();
    }
}
