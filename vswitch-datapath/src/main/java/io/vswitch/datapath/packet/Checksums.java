package io.vswitch.datapath.packet;

/**
 * Internet checksum (RFC 1071) and CRC32c (RFC 4960 appendix B) over a {@link Packet}, plus the incremental
 * update of RFC 1624 eqn. 3: {@code HC' = ~(~HC + ~m + m')}. All arithmetic is on 16-bit words aligned to the
 * start of the checksummed header, which callers guarantee by passing offsets of even distance from it.
 * No allocation; the CRC table is built once.
 */
final class Checksums {
    private static final int[] CRC32C_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            CRC32C_TABLE[i] = c;
        }
    }

    /** One's-complement sum (not yet complemented, folded to 16 bits) of {@code [from, to)}, odd tail padded. */
    static int sum(Packet p, int from, int to, int initial) {
        long s = initial & 0xffffffffL;
        int i = from;
        for (; i + 1 < to; i += 2) s += p.u16(i);
        if (i < to) s += p.u8(i) << 8;
        return fold(s);
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    /** Pseudo-header sum for IPv4 ({@code ip} is the IPv4 header) and the given upper-layer length/protocol. */
    static int pseudoIpv4(Packet p, int ip, int proto, int l4Len) {
        long s = p.u16(ip + 12) + p.u16(ip + 14) + p.u16(ip + 16) + p.u16(ip + 18) + proto + l4Len;
        return fold(s);
    }

    /** Pseudo-header sum for IPv6. */
    static int pseudoIpv6(Packet p, int ip, int proto, int l4Len) {
        long s = proto + (l4Len & 0xffff) + (l4Len >>> 16);
        for (int i = 8; i < 40; i += 2) s += p.u16(ip + i);
        return fold(s);
    }

    /** RFC 1624 eqn. 3: the checksum after one 16-bit word changed from {@code oldWord} to {@code newWord}. */
    static int update(int csum, int oldWord, int newWord) {
        long s = (~csum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(s) & 0xffff;
    }

    /** CRC32c of {@code [from, to)}, pre- and post-inverted as SCTP and iSCSI use it. */
    static int crc32c(Packet p, int from, int to) {
        int c = 0xffffffff;
        for (int i = from; i < to; i++) c = CRC32C_TABLE[(c ^ p.u8(i)) & 0xff] ^ (c >>> 8);
        return ~c;
    }

    private Checksums() {}
}
