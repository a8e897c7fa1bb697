package io.vswitch.datapath.flow;

import java.util.Arrays;

/**
 * A packet's flow key: every header field the pipeline can match, packed into {@link #WORDS} 64-bit words.
 *
 * <p>The layout (bit 0 is the least significant bit of a word; multi-byte fields hold their network-order
 * value as a number, so a MAC address 01:02:03:04:05:06 is {@code 0x010203040506L}):
 * <pre>
 *  word  bits     contents
 *   0    0-31     in_port               32-63  in_phy_port
 *   1    0-63     metadata (OpenFlow metadata register)
 *   2    0-63     tunnel_id
 *   3    0-47     eth_dst               48-63  eth_type (of the innermost parsed L2.5/L3 header)
 *   4    0-47     eth_src               48-63  outer VLAN TCI: vid 48-59, present bit 60 (OFPVID_PRESENT), pcp 61-63
 *   5    0-31     top MPLS label stack entry (ttl 0-7, bos 8, tc 9-11, label 12-31)
 *        32-55    pbb_isid              56     pbb_uca
 *   6    0-7      ip_proto (ARP: low byte of the opcode is NOT kept here, see word 8)
 *        8-13     ip_dscp     14-15 ip_ecn     16-23 nw_ttl (IPv4 TTL / IPv6 hop limit)
 *        24-31    nw_frag (bit 24: any fragment, bit 25: a later fragment)
 *        32-51    ipv6_flabel           52-60  ipv6_exthdr pseudo-field bits
 *   7    0-31     ipv4_src / arp_spa    32-63  ipv4_dst / arp_tpa
 *   8    0-15     tp_src (TCP/UDP/SCTP source port; ICMP type in 0-7)
 *        16-31    tp_dst (destination port; ICMP code in 16-23)
 *        32-43    tcp_flags             48-63  arp_op
 *  9-10  ipv6_src (high word first)     11-12  ipv6_dst       13-14  ipv6_nd_target
 *  15    0-47     arp_sha / ipv6_nd_sll 48-63  inner (customer) VLAN TCI of a double-tagged frame
 *  16    0-47     arp_tha / ipv6_nd_tll
 * </pre>
 * Fields that share bits (tcp_src/udp_src/sctp_src/icmp type, arp_spa/ipv4_src, ...) are told apart by their
 * prerequisites, which every match must carry (see {@link Field#prerequisites()}), exactly as in Open vSwitch.
 *
 * <p>A key is a mutable flyweight: the parser fills it in place, so a thread reuses one key per packet slot
 * and nothing is allocated per packet. Absent fields are zero.
 */
public final class FlowKey {
    public static final int WORDS = 17;

    public static final int W_PORT = 0, W_METADATA = 1, W_TUNNEL = 2, W_ETH_DST = 3, W_ETH_SRC = 4, W_MPLS_PBB = 5,
            W_L3 = 6, W_IPV4 = 7, W_L4 = 8, W_IPV6_SRC = 9, W_IPV6_DST = 11, W_ND_TARGET = 13, W_SHA = 15, W_THA = 16;

    /**
     * Bit positions of the fields that share a word, as compile-time constants: {@link Field} is built from them,
     * and the parser composes whole words with them (one store per word instead of a read-modify-write per field,
     * which the JIT cannot fold through an enum's fields).
     */
    public static final int ETH_TYPE_SHIFT = 48, TCI_SHIFT = 48, PBB_ISID_SHIFT = 32, PBB_UCA_SHIFT = 56,
            IP_DSCP_SHIFT = 8, IP_ECN_SHIFT = 14, NW_TTL_SHIFT = 16, NW_FRAG_SHIFT = 24, FLABEL_SHIFT = 32,
            EXTHDR_SHIFT = 52, IPV4_DST_SHIFT = 32, TP_DST_SHIFT = 16, TCP_FLAGS_SHIFT = 32, ARP_OP_SHIFT = 48,
            CVLAN_SHIFT = 48, IN_PHY_PORT_SHIFT = 32;

    /** nw_frag bits, as stored in word 6 after shifting by {@link Field#NW_FRAG}'s shift. */
    public static final int FRAG_ANY = 1, FRAG_LATER = 2;

    public final long[] words = new long[WORDS];

    public void clear() {
        Arrays.fill(words, 0L);
    }

    public void copyFrom(FlowKey other) {
        System.arraycopy(other.words, 0, words, 0, WORDS);
    }

    /** Value of a field of at most 64 bits. For 128-bit fields use {@link #getHigh}/{@link #getLow}. */
    public long get(Field f) {
        return (words[f.word] >>> f.shift) & f.valueMask;
    }

    public void set(Field f, long value) {
        long m = f.valueMask << f.shift;
        words[f.word] = (words[f.word] & ~m) | ((value << f.shift) & m);
    }

    public long getHigh(Field f) { return words[f.word]; }

    public long getLow(Field f) { return words[f.word + 1]; }

    public void set128(Field f, long high, long low) {
        words[f.word] = high;
        words[f.word + 1] = low;
    }

    public int inPort() { return (int) words[W_PORT]; }

    public int ethType() { return (int) (words[W_ETH_DST] >>> 48); }

    public int ipProto() { return (int) (words[W_L3] & 0xff); }

    public boolean sameAs(FlowKey other) {
        return Arrays.equals(words, other.words);
    }

    /** Hash of the whole key (exact-match cache index). */
    public int hash() {
        long h = 0;
        for (int i = 0; i < WORDS; i++) h += words[i] * HASH_MULTIPLIERS[i];
        return finishHash(h);
    }

    /**
     * Odd multipliers, one per word, for a multilinear hash: {@code sum(word[i] * M[i])} then one avalanche. The
     * products are independent, so the CPU overlaps them; a chain of dependent multiply-xorshift rounds costs
     * ~5 cycles a word instead (measured: 17 words took ~30 ns, most of an exact-match hit).
     */
    public static final long[] HASH_MULTIPLIERS = new long[WORDS];

    static {
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < WORDS; i++) {
            x += 0x9E3779B97F4A7C15L; // splitmix64: well-spread, odd after |1
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            HASH_MULTIPLIERS[i] = (z ^ (z >>> 31)) | 1;
        }
    }

    /** The final avalanche of a multilinear hash (murmur3's fmix64), folded to an int. */
    public static int finishHash(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && sameAs(k);
    }

    @Override
    public int hashCode() {
        return hash();
    }

    @Override
    public String toString() {
        return io.vswitch.datapath.ofctl.FlowFormatter.formatKey(this);
    }
}
