package io.vswitch.datapath.packet;

import io.vswitch.datapath.flow.FlowKey;
import java.util.zip.CRC32C;

/**
 * Recomputes every checksum of a frame from scratch, on a copy of its bytes, with code that shares nothing with
 * the editor's incremental updates: IPv4 header, TCP, UDP (0 = none), ICMP, ICMPv6 and SCTP (with the JDK's
 * CRC32C). The L4 checksum of a fragment is not checked (it covers the whole datagram). Returns null when all are right, else a description of the first wrong one.
 */
final class ChecksumVerifier {
    static String check(Packet packet) {
        return check(packet, -1, -1);
    }

    /**
     * Like {@link #check(Packet)}, but reads the L4 checksum where protocol {@code layoutProto} keeps it, with the
     * pseudo-header of the protocol the IP header now names: what a set ip_proto must leave valid. Returns null
     * when the L4 header no longer starts {@code l4Offset} bytes into the frame (it reads as something else now).
     */
    static String check(Packet packet, int layoutProto, int l4Offset) {
        Packet p = Packet.of(packet.toBytes());
        FlowKey key = new FlowKey();
        PacketParser.parse(p, 0, key);
        byte[] b = p.toBytes();
        int s = p.start;
        int et = key.ethType();
        if (p.l3 < 0 || (et != 0x0800 && et != 0x86dd)) return null;
        int l3 = p.l3 - s;
        int ipEnd;
        if (et == 0x0800) {
            int hlen = (b[l3] & 0x0f) * 4;
            if (sum(b, l3, l3 + hlen, 0) != 0xffff) return "bad IPv4 header checksum";
            ipEnd = Math.min(b.length, l3 + u16(b, l3 + 2));
        } else {
            ipEnd = Math.min(b.length, l3 + 40 + u16(b, l3 + 4));
        }
        // A fragment's L4 checksum covers the reassembled datagram, which we do not have.
        if (p.l4 < 0 || key.get(io.vswitch.datapath.flow.Field.NW_FRAG) != 0) return null;
        int l4 = p.l4 - s;
        int proto = key.ipProto();
        if (layoutProto >= 0 && l4 != l4Offset) return null;
        int len = ipEnd - l4;
        long pseudo = 0;
        if (et == 0x0800) {
            for (int i = 12; i < 20; i += 2) pseudo += u16(b, l3 + i);
        } else {
            for (int i = 8; i < 40; i += 2) pseudo += u16(b, l3 + i);
        }
        pseudo += proto + (len & 0xffff) + (len >>> 16);
        switch (layoutProto >= 0 ? layoutProto : proto) {
            case 6: return sum(b, l4, ipEnd, pseudo) == 0xffff ? null : "bad TCP checksum";
            case 17:
                if (u16(b, l4 + 6) == 0) return null;
                return sum(b, l4, ipEnd, pseudo) == 0xffff ? null : "bad UDP checksum";
            case 1: return sum(b, l4, ipEnd, 0) == 0xffff ? null : "bad ICMP checksum";
            case 58: return sum(b, l4, ipEnd, pseudo) == 0xffff ? null : "bad ICMPv6 checksum";
            case 132: {
                byte[] copy = java.util.Arrays.copyOfRange(b, l4, ipEnd);
                long stored = (copy[8] & 0xffL) | (copy[9] & 0xffL) << 8 | (copy[10] & 0xffL) << 16 | (copy[11] & 0xffL) << 24;
                copy[8] = copy[9] = copy[10] = copy[11] = 0;
                CRC32C crc = new CRC32C();
                crc.update(copy);
                return crc.getValue() == stored ? null : "bad SCTP CRC32c";
            }
            default: return null;
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static int sum(byte[] b, int from, int to, long initial) {
        long s = initial;
        for (int i = from; i < to; i += 2) s += i + 1 < to ? u16(b, i) : (b[i] & 0xff) << 8;
        while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    private ChecksumVerifier() {}
}
