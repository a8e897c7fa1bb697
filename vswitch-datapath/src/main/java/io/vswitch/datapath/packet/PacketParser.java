package io.vswitch.datapath.packet;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;

/**
 * Turns a frame into its {@link FlowKey} and records where each layer starts (the equivalent of Open vSwitch's
 * {@code miniflow_extract}).
 *
 * <h2>How</h2>
 * One forward pass over the frame with a cursor {@code off} and a limit {@code end}: Ethernet, up to two VLAN
 * tags, then one of MPLS (top label only), PBB (I-TAG only), ARP, IPv4 or IPv6 (with its extension-header chain),
 * then TCP/UDP/SCTP/ICMP/ICMPv6 (with the neighbour-discovery target and link-layer options). Every read is
 * preceded by a bounds check against {@code end}; the IP total/payload length lowers {@code end} so Ethernet
 * padding is never parsed as L4 data.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>No allocation, no exception on any input (length 0, random bytes, lying length fields).</li>
 *   <li>A header's fields are written to the key only once the whole header is known to be present, so a
 *       truncated frame yields a prefix of the fields of the full frame: every key field is either the full
 *       frame's value or zero. Multi-header results (IPv6 ip_proto, ipv6_exthdr, nw_frag) are written when the
 *       extension-header chain has been walked to its end.</li>
 *   <li>On truncation or a malformed header, {@link Packet#truncated} is set and the result is false; what was
 *       parsed before stays in the key and in the offsets.</li>
 *   <li>Offsets are absolute positions in the packet's buffer; absent layers are -1. {@link Packet#l4} is -1 for
 *       later fragments and for protocols whose header we do not parse.</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>802.3 frames (type/length field below 0x600) get eth_type {@link #ETH_TYPE_NONE} 0x05ff like OVS's
 *       FLOW_DL_TYPE_NONE; unlike OVS we do not look into LLC/SNAP. ethTypeOffset points at the length field.</li>
 *   <li>VLAN TCIs are stored in the OVS layout (vid | 0x1000 present | pcp&lt;&lt;13): the wire DEI bit is dropped.
 *       Both 0x8100 and 0x88a8 are accepted in either position; a third tag stops parsing, eth_type is then its
 *       TPID.</li>
 *   <li>IPv6 extension headers set the OpenFlow 1.3 {@code ofp_ipv6exthdr_flags}: NONEXT (1) means "next header 59
 *       (no next header) was encountered", as in the OpenFlow spec. UNSEQ follows RFC 8200's recommended order
 *       (hop-by-hop first; destination options before routing, i.e. followed by another extension header, or
 *       final); UNREP is set when a header of the same rank appears twice.</li>
 *   <li>Neighbour discovery: the target and options are parsed only for code 0; a zero-length or duplicate
 *       option invalidates all ND fields (they are zeroed), as in OVS. Only an 8-byte SLL option of a solicitation
 *       and an 8-byte TLL option of an advertisement are read (OVS also stores a TLL found in a solicitation, in
 *       a key field that no match can then use).</li>
 * </ul>
 */
public final class PacketParser {
    /** eth_type given to 802.3 frames (OVS FLOW_DL_TYPE_NONE). */
    public static final int ETH_TYPE_NONE = 0x05ff;
    /** Smallest value of the type/length field that is an Ethernet type. */
    public static final int ETH_TYPE_MIN = 0x0600;

    public static final int ETH_TYPE_IPV4 = 0x0800, ETH_TYPE_ARP = 0x0806, ETH_TYPE_IPV6 = 0x86dd,
            ETH_TYPE_MPLS = 0x8847, ETH_TYPE_MPLS_MC = 0x8848, ETH_TYPE_PBB = 0x88e7, ETH_TYPE_VLAN = 0x8100,
            ETH_TYPE_QINQ = 0x88a8;

    public static final int IPPROTO_HOPOPTS = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17,
            IPPROTO_ROUTING = 43, IPPROTO_FRAGMENT = 44, IPPROTO_ESP = 50, IPPROTO_AH = 51, IPPROTO_ICMPV6 = 58,
            IPPROTO_NONE = 59, IPPROTO_DSTOPTS = 60, IPPROTO_SCTP = 132;

    /** OpenFlow 1.3 ofp_ipv6exthdr_flags. */
    public static final int EXTHDR_NONEXT = 1, EXTHDR_ESP = 2, EXTHDR_AUTH = 4, EXTHDR_DEST = 8, EXTHDR_FRAG = 16,
            EXTHDR_ROUTER = 32, EXTHDR_HOP = 64, EXTHDR_UNREP = 128, EXTHDR_UNSEQ = 256;

    public static final int ND_NEIGHBOR_SOLICIT = 135, ND_NEIGHBOR_ADVERT = 136;
    public static final int ND_OPT_SOURCE_LL = 1, ND_OPT_TARGET_LL = 2;

    /*
     * Ethernet II, optionally tagged:
     *   0                   1                   2                   3
     *  +-------------------------------+-------------------------------+
     *  |                     destination MAC (6)                       |
     *  +                               +-------------------------------+
     *  |                               |                               |
     *  +-------------------------------+                               +
     *  |                       source MAC (6)                          |
     *  +-------------------------------+-------------------------------+
     *  |  TPID 0x8100/0x88a8 (opt.)    | PCP |D|        VID            |  (0..2 tags)
     *  +-------------------------------+-------------------------------+
     *  |     EtherType / length        |  payload ...
     */
    public static final int ETH_DST_OFFSET = 0, ETH_SRC_OFFSET = 6, ETH_TYPE_OFFSET = 12, ETH_HEADER_LEN = 14;
    public static final int VLAN_TAG_LEN = 4, VLAN_TCI_OFFSET = 2;

    /*
     * MPLS label stack entry:
     *  +---------------------------------------+-----+-+---------------+
     *  |            label (20)                 | TC  |S|     TTL       |
     *  +---------------------------------------+-----+-+---------------+
     * Stored in key word 5 bits 0-31 exactly as on the wire.
     */
    public static final int MPLS_LSE_LEN = 4, MPLS_TTL_OFFSET = 3;

    /*
     * PBB I-TAG (IEEE 802.1ah), after the backbone header's EtherType 0x88e7:
     *  +-----+-+-+-----+-----------------------------------------------+
     *  |I-PCP|D|U| res |                 I-SID (24)                    |
     *  +-----+-+-+-----+-----------------------------------------------+
     *  |                  customer DA (6), customer SA (6), ...
     */
    public static final int PBB_ITAG_LEN = 4, PBB_UCA_SHIFT = 27, PBB_CUSTOMER_OFFSET = 4;

    /*
     * ARP for Ethernet/IPv4 (28 bytes):
     *  +-------------------------------+-------------------------------+
     *  |      hardware type = 1        |    protocol type = 0x0800     |
     *  +---------------+---------------+-------------------------------+
     *  |  hlen = 6     |   plen = 4    |           opcode              |
     *  +---------------+---------------+-------------------------------+
     *  | sender MAC (6) | sender IP (4) | target MAC (6) | target IP (4) |
     */
    public static final int ARP_HTYPE_OFFSET = 0, ARP_PTYPE_OFFSET = 2, ARP_HLEN_OFFSET = 4, ARP_PLEN_OFFSET = 5,
            ARP_OP_OFFSET = 6, ARP_SHA_OFFSET = 8, ARP_SPA_OFFSET = 14, ARP_THA_OFFSET = 18, ARP_TPA_OFFSET = 24,
            ARP_LEN = 28;

    /*
     * IPv4 (RFC 791):
     *  +-------+-------+-----------+---+-------------------------------+
     *  |Version|  IHL  |   DSCP    |ECN|         Total Length          |
     *  +-------+-------+-----------+---+-----+-------------------------+
     *  |        Identification         |Flags|    Fragment Offset      |
     *  +---------------+---------------+-----+-------------------------+
     *  |      TTL      |   Protocol    |        Header Checksum        |
     *  +---------------+---------------+-------------------------------+
     *  |                        Source Address                         |
     *  +---------------------------------------------------------------+
     *  |                      Destination Address                      |
     *  +---------------------------------------------------------------+
     *  |                    Options (IHL > 5) ...                      |
     */
    public static final int IPV4_VIHL_OFFSET = 0, IPV4_TOS_OFFSET = 1, IPV4_TOTLEN_OFFSET = 2,
            IPV4_FRAG_OFFSET = 6, IPV4_TTL_OFFSET = 8, IPV4_PROTO_OFFSET = 9, IPV4_CSUM_OFFSET = 10,
            IPV4_SRC_OFFSET = 12, IPV4_DST_OFFSET = 16, IPV4_MIN_LEN = 20;
    public static final int IPV4_MF = 0x2000, IPV4_FRAG_OFF_MASK = 0x1fff;

    /*
     * IPv6 (RFC 8200):
     *  +-------+---------------+---------------------------------------+
     *  |Version| Traffic Class |           Flow Label                  |
     *  +-------+---------------+-------+---------------+---------------+
     *  |         Payload Length        |  Next Header  |   Hop Limit   |
     *  +-------------------------------+---------------+---------------+
     *  |                   Source Address (16)                         |
     *  |                   Destination Address (16)                    |
     *  +---------------------------------------------------------------+
     * Extension headers: [next header | length | ...]; fragment header: [nh | 0 | offset(13) res(2) M | id(4)].
     */
    public static final int IPV6_PLEN_OFFSET = 4, IPV6_NEXT_OFFSET = 6, IPV6_HLIM_OFFSET = 7,
            IPV6_SRC_OFFSET = 8, IPV6_DST_OFFSET = 24, IPV6_HEADER_LEN = 40, IPV6_FRAG_HDR_LEN = 8;

    /*
     * L4 headers (offsets from the L4 start):
     *  TCP:  src(2) dst(2) seq(4) ack(4) | off(4) flags(12) | win(2) csum(2) urg(2)    (20 bytes)
     *  UDP:  src(2) dst(2) len(2) csum(2)                                               (8 bytes)
     *  SCTP: src(2) dst(2) vtag(4) crc32c(4, stored little-endian)                      (12 bytes)
     *  ICMP / ICMPv6: type(1) code(1) csum(2) rest(4)
     *  ICMPv6 ND: type code csum | reserved(4) | target(16) | options: [type(1) len(1, units of 8) data]
     */
    public static final int L4_SRC_OFFSET = 0, L4_DST_OFFSET = 2, TCP_FLAGS_OFFSET = 12, TCP_CSUM_OFFSET = 16,
            TCP_MIN_LEN = 20, UDP_LEN_OFFSET = 4, UDP_CSUM_OFFSET = 6, UDP_LEN = 8, SCTP_CSUM_OFFSET = 8,
            SCTP_MIN_LEN = 12, ICMP_TYPE_OFFSET = 0, ICMP_CODE_OFFSET = 1, ICMP_CSUM_OFFSET = 2, ICMP_MIN_LEN = 4,
            ND_TARGET_OFFSET = 8, ND_OPTIONS_OFFSET = 24;
    public static final int TCP_FLAGS_MASK = 0x0fff;

    /**
     * Parses the frame in {@code p} into {@code key} (cleared first; in_port set to {@code inPort}) and records
     * the layer offsets in {@code p}. Allocates nothing and never throws: a truncated or malformed frame yields
     * the fields of its valid prefix, sets {@link Packet#truncated} and returns false.
     */
    public static boolean parse(Packet p, int inPort, FlowKey key) {
        long[] w = key.words;
        key.clear();
        w[FlowKey.W_PORT] = inPort & 0xffffffffL;
        p.resetOffsets();

        int off = p.start;
        int end = p.end();
        if (p.length < ETH_HEADER_LEN || off < 0 || end > p.capacity()) return truncated(p);

        long dst = p.u48(off + ETH_DST_OFFSET);
        long src = p.u48(off + ETH_SRC_OFFSET);
        off += ETH_TYPE_OFFSET;
        int type = p.u16(off);

        // VLAN tags: the outer into VLAN_TCI, the inner into CVLAN_TCI (OVS layout, present bit set).
        long outerTci = 0;
        for (int tags = 0; tags < 2 && (type == ETH_TYPE_VLAN || type == ETH_TYPE_QINQ); tags++) {
            if (off + VLAN_TAG_LEN + 2 > end) {
                w[FlowKey.W_ETH_DST] = dst;
                w[FlowKey.W_ETH_SRC] = src | outerTci << FlowKey.TCI_SHIFT;
                return truncated(p);
            }
            long tci = (p.u16(off + VLAN_TCI_OFFSET) & 0xefff) | Field.VID_PRESENT;
            if (tags == 0) outerTci = tci;
            else w[FlowKey.W_SHA] = tci << FlowKey.CVLAN_SHIFT;
            off += VLAN_TAG_LEN;
            type = p.u16(off);
        }
        p.ethTypeOffset = off;
        off += 2;
        if (type < ETH_TYPE_MIN) type = ETH_TYPE_NONE;
        // Whole words, one store each (see FlowKey's shift constants).
        w[FlowKey.W_ETH_DST] = dst | (long) type << FlowKey.ETH_TYPE_SHIFT;
        w[FlowKey.W_ETH_SRC] = src | outerTci << FlowKey.TCI_SHIFT;

        switch (type) {
            case ETH_TYPE_IPV4: return parseIpv4(p, off, end, key);
            case ETH_TYPE_IPV6: return parseIpv6(p, off, end, key);
            case ETH_TYPE_ARP: return parseArp(p, off, end, key);
            case ETH_TYPE_MPLS, ETH_TYPE_MPLS_MC: {
                if (off + MPLS_LSE_LEN > end) return truncated(p);
                p.l2_5 = off;
                w[FlowKey.W_MPLS_PBB] = p.u32(off);
                return true;
            }
            case ETH_TYPE_PBB: {
                if (off + PBB_ITAG_LEN > end) return truncated(p);
                p.l2_5 = off;
                long itag = p.u32(off);
                key.set(Field.PBB_ISID, itag & 0xffffff);
                key.set(Field.PBB_UCA, (itag >>> PBB_UCA_SHIFT) & 1);
                return true;
            }
            default: return true;
        }
    }

    private static boolean truncated(Packet p) {
        p.truncated = true;
        return false;
    }

    private static boolean parseArp(Packet p, int off, int end, FlowKey key) {
        if (off + ARP_LEN > end) return truncated(p);
        if (p.u16(off + ARP_HTYPE_OFFSET) != 1 || p.u16(off + ARP_PTYPE_OFFSET) != ETH_TYPE_IPV4
                || p.u8(off + ARP_HLEN_OFFSET) != 6 || p.u8(off + ARP_PLEN_OFFSET) != 4) {
            return true; // Not Ethernet/IPv4 ARP: only eth_type is known, like OVS.
        }
        p.l3 = off;
        long[] w = key.words;
        key.set(Field.ARP_OP, p.u16(off + ARP_OP_OFFSET));
        w[FlowKey.W_IPV4] = p.u32(off + ARP_SPA_OFFSET) | (p.u32(off + ARP_TPA_OFFSET) << 32);
        key.set(Field.ARP_SHA, p.u48(off + ARP_SHA_OFFSET));
        key.set(Field.ARP_THA, p.u48(off + ARP_THA_OFFSET));
        return true;
    }

    private static boolean parseIpv4(Packet p, int off, int end, FlowKey key) {
        if (off + IPV4_MIN_LEN > end) return truncated(p);
        int vihl = p.u8(off + IPV4_VIHL_OFFSET);
        int hlen = (vihl & 0x0f) * 4;
        int totLen = p.u16(off + IPV4_TOTLEN_OFFSET);
        if ((vihl >>> 4) != 4 || hlen < IPV4_MIN_LEN || totLen < hlen) return truncated(p); // malformed
        if (off + hlen > end) return truncated(p);
        boolean cut = false;
        if (off + totLen < end) end = off + totLen; // Ethernet padding is not IP payload
        else if (off + totLen > end) cut = true;

        p.l3 = off;
        long[] w = key.words;
        int tos = p.u8(off + IPV4_TOS_OFFSET);
        int frag = p.u16(off + IPV4_FRAG_OFFSET);
        int proto = p.u8(off + IPV4_PROTO_OFFSET);
        int nwFrag = 0;
        if ((frag & (IPV4_MF | IPV4_FRAG_OFF_MASK)) != 0) {
            nwFrag = FlowKey.FRAG_ANY;
            if ((frag & IPV4_FRAG_OFF_MASK) != 0) nwFrag |= FlowKey.FRAG_LATER;
        }
        w[FlowKey.W_L3] = proto | (long) (tos >>> 2) << FlowKey.IP_DSCP_SHIFT | (long) (tos & 3) << FlowKey.IP_ECN_SHIFT
                | (long) p.u8(off + IPV4_TTL_OFFSET) << FlowKey.NW_TTL_SHIFT | (long) nwFrag << FlowKey.NW_FRAG_SHIFT;
        w[FlowKey.W_IPV4] = p.u32(off + IPV4_SRC_OFFSET) | (p.u32(off + IPV4_DST_OFFSET) << FlowKey.IPV4_DST_SHIFT);

        boolean ok = (nwFrag & FlowKey.FRAG_LATER) != 0 || parseL4(p, off + hlen, end, proto, false, key);
        if (cut) p.truncated = true;
        return ok && !cut;
    }

    private static boolean parseIpv6(Packet p, int off, int end, FlowKey key) {
        if (off + IPV6_HEADER_LEN > end) return truncated(p);
        long first = p.u32(off);
        if ((first >>> 28) != 6) return truncated(p); // malformed
        int plen = p.u16(off + IPV6_PLEN_OFFSET);
        boolean cut = false;
        int ipEnd = off + IPV6_HEADER_LEN + plen;
        if (ipEnd < end) end = ipEnd;
        else if (ipEnd > end) cut = true;

        p.l3 = off;
        long[] w = key.words;
        int tc = (int) (first >>> 20) & 0xff;
        key.set(Field.IP_DSCP, tc >>> 2);
        key.set(Field.IP_ECN, tc & 3);
        key.set(Field.IPV6_FLABEL, first & 0xfffff);
        key.set(Field.NW_TTL, p.u8(off + IPV6_HLIM_OFFSET));
        w[FlowKey.W_IPV6_SRC] = p.u64(off + IPV6_SRC_OFFSET);
        w[FlowKey.W_IPV6_SRC + 1] = p.u64(off + IPV6_SRC_OFFSET + 8);
        w[FlowKey.W_IPV6_DST] = p.u64(off + IPV6_DST_OFFSET);
        w[FlowKey.W_IPV6_DST + 1] = p.u64(off + IPV6_DST_OFFSET + 8);

        // Walk the extension-header chain; results go to the key only once the chain is complete.
        int nh = p.u8(off + IPV6_NEXT_OFFSET);
        int at = off + IPV6_HEADER_LEN;
        int exthdr = 0, nwFrag = 0, lastRank = -1, seenRanks = 0;
        boolean more = true, l4 = true;
        while (more) {
            int len, rank, bit;
            switch (nh) {
                case IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS -> {
                    if (at + 2 > end) return truncated(p);
                    len = (p.u8(at + 1) + 1) * 8;
                    if (nh == IPPROTO_HOPOPTS) {
                        rank = 0;
                        bit = EXTHDR_HOP;
                    } else if (nh == IPPROTO_ROUTING) {
                        rank = 2;
                        bit = EXTHDR_ROUTER;
                    } else {
                        rank = isExtension(p.u8(at)) ? 1 : 6;
                        bit = EXTHDR_DEST;
                    }
                }
                case IPPROTO_FRAGMENT -> {
                    if (at + IPV6_FRAG_HDR_LEN > end) return truncated(p);
                    len = IPV6_FRAG_HDR_LEN;
                    rank = 3;
                    bit = EXTHDR_FRAG;
                    nwFrag = FlowKey.FRAG_ANY;
                    if ((p.u16(at + 2) & 0xfff8) != 0) {
                        nwFrag |= FlowKey.FRAG_LATER;
                        more = false; // a later fragment: what follows is payload
                        l4 = false;
                    }
                }
                case IPPROTO_AH -> {
                    if (at + 2 > end) return truncated(p);
                    len = (p.u8(at + 1) + 2) * 4;
                    rank = 4;
                    bit = EXTHDR_AUTH;
                }
                case IPPROTO_ESP -> {
                    len = 0;
                    rank = 5;
                    bit = EXTHDR_ESP;
                    more = false; // encrypted from here on
                    l4 = false;
                }
                case IPPROTO_NONE -> {
                    exthdr |= EXTHDR_NONEXT;
                    more = false;
                    l4 = false;
                    continue;
                }
                default -> {
                    more = false;
                    continue;
                }
            }
            if (rank == 0 ? at != off + IPV6_HEADER_LEN : rank < lastRank) exthdr |= EXTHDR_UNSEQ;
            if ((seenRanks & (1 << rank)) != 0) exthdr |= EXTHDR_UNREP;
            seenRanks |= 1 << rank;
            lastRank = Math.max(lastRank, rank);
            exthdr |= bit;
            if (nh != IPPROTO_ESP) {
                if (at + len > end) return truncated(p);
                nh = p.u8(at);
                at += len;
            }
        }
        key.set(Field.IP_PROTO, nh);
        key.set(Field.IPV6_EXTHDR, exthdr);
        key.set(Field.NW_FRAG, nwFrag);
        boolean ok = !l4 || parseL4(p, at, end, nh, true, key);
        if (cut) p.truncated = true;
        return ok && !cut;
    }

    /** Whether {@code nh} is an IPv6 extension header that the parser walks (or stops at: ESP). */
    static boolean isExtension(int nh) {
        return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT
                || nh == IPPROTO_AH || nh == IPPROTO_ESP;
    }

    private static boolean parseL4(Packet p, int off, int end, int proto, boolean v6, FlowKey key) {
        long[] w = key.words;
        switch (proto) {
            case IPPROTO_TCP: {
                if (off + TCP_MIN_LEN > end) return truncated(p);
                p.l4 = off;
                w[FlowKey.W_L4] = p.u32(off) >>> 16 | (p.u32(off) & 0xffff) << 16
                        | (long) (p.u16(off + TCP_FLAGS_OFFSET) & TCP_FLAGS_MASK) << 32;
                return true;
            }
            case IPPROTO_UDP, IPPROTO_SCTP: {
                if (off + (proto == IPPROTO_UDP ? UDP_LEN : SCTP_MIN_LEN) > end) return truncated(p);
                p.l4 = off;
                w[FlowKey.W_L4] = p.u32(off) >>> 16 | (p.u32(off) & 0xffff) << 16;
                return true;
            }
            case IPPROTO_ICMP: {
                if (v6) return true; // ICMPv4 only in IPv4, ICMPv6 only in IPv6, as in OVS
                if (off + ICMP_MIN_LEN > end) return truncated(p);
                p.l4 = off;
                w[FlowKey.W_L4] = p.u8(off + ICMP_TYPE_OFFSET) | (long) p.u8(off + ICMP_CODE_OFFSET) << 16;
                return true;
            }
            case IPPROTO_ICMPV6: {
                if (!v6) return true;
                if (off + ICMP_MIN_LEN > end) return truncated(p);
                p.l4 = off;
                int type = p.u8(off + ICMP_TYPE_OFFSET);
                int code = p.u8(off + ICMP_CODE_OFFSET);
                w[FlowKey.W_L4] = type | (long) code << 16;
                if (code != 0 || (type != ND_NEIGHBOR_SOLICIT && type != ND_NEIGHBOR_ADVERT)) return true;
                return parseNd(p, off, end, type, key);
            }
            default:
                return true;
        }
    }

    private static boolean parseNd(Packet p, int off, int end, int type, FlowKey key) {
        if (off + ND_OPTIONS_OFFSET > end) return truncated(p);
        long sll = 0, tll = 0;
        boolean seenSll = false, seenTll = false;
        int at = off + ND_OPTIONS_OFFSET;
        while (at + 2 <= end) {
            int optType = p.u8(at);
            int optLen = p.u8(at + 1) * 8;
            if (optLen == 0) return true; // invalid: no ND fields, like OVS
            if (at + optLen > end) return truncated(p);
            if (optLen == 8) {
                if (optType == ND_OPT_SOURCE_LL && type == ND_NEIGHBOR_SOLICIT) {
                    if (seenSll) return true;
                    seenSll = true;
                    sll = p.u48(at + 2);
                } else if (optType == ND_OPT_TARGET_LL && type == ND_NEIGHBOR_ADVERT) {
                    if (seenTll) return true;
                    seenTll = true;
                    tll = p.u48(at + 2);
                }
            }
            at += optLen;
        }
        if (at != end) return truncated(p); // a lone byte of an option
        long[] w = key.words;
        w[FlowKey.W_ND_TARGET] = p.u64(off + ND_TARGET_OFFSET);
        w[FlowKey.W_ND_TARGET + 1] = p.u64(off + ND_TARGET_OFFSET + 8);
        key.set(Field.IPV6_ND_SLL, sll);
        key.set(Field.IPV6_ND_TLL, tll);
        return true;
    }

    private PacketParser() {}
}
