package io.vswitch.datapath.packet;

import static io.vswitch.datapath.packet.PacketParser.*;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;

/**
 * Builds the smallest well-formed frame whose {@link PacketParser#parse} gives back a given key: the inverse of
 * the parser, used by {@code trace} to turn "in_port=1,tcp,nw_dst=10.0.0.1" into a packet.
 *
 * <h2>What it writes</h2>
 * Ethernet (one 0x8100 tag, or 0x88a8 + 0x8100 when the key has an inner TCI; the DEI bit is 0), then by
 * eth_type: the top MPLS label stack entry; the PBB I-TAG (followed by zero padding as the customer frame);
 * Ethernet/IPv4 ARP; IPv4 (20-byte header, valid checksum, MF set for a first fragment, offset 8 for a later
 * one); IPv6 with the extension headers named by ipv6_exthdr in RFC 8200 order (hop-by-hop, destination options
 * when another extension header follows, routing, fragment, AH, ESP, otherwise a final destination options
 * header); then TCP, UDP, SCTP (CRC32c), ICMP or ICMPv6 with the ND target and an SLL/TLL option when the key's
 * address is non-zero. Every checksum is valid, TTL/hop limit come from nw_ttl, and the frame is zero-padded to
 * 60 bytes; IP lengths do not count the padding. An 802.3 key (eth_type 0x05ff) gets the payload length in the
 * type/length field.
 *
 * <h2>Limits</h2>
 * The round trip {@code parse(compose(k)) == k} holds for keys a real packet can produce (protocol fields
 * consistent with eth_type and ip_proto, in_phy_port/metadata/tunnel_id zero). Not reproduced: the UNREP and
 * UNSEQ ipv6_exthdr bits (the composer writes one header of each kind, in order), and the TPIDs of the tags,
 * which the key does not record. Not a hot path: it zeroes the buffer region it writes.
 */
public final class PacketComposer {
    /** Minimum Ethernet frame without FCS. */
    public static final int MIN_FRAME = 60;
    /** Upper bound of what the composer writes (tags, IPv6, all extension headers, ND with an option). */
    private static final int MAX_COMPOSED = 256;

    /** Builds in {@code out} a frame whose parse gives {@code key} back (for trace from fields). */
    public static void compose(FlowKey key, Packet out) {
        int base = Packet.HEADROOM;
        out.start = base;
        out.resetOffsets();
        int limit = Math.min(out.capacity(), base + MAX_COMPOSED);
        for (int i = base; i < limit; i++) out.put8(i, 0);

        int at = base;
        out.put48(at + ETH_DST_OFFSET, key.get(Field.ETH_DST));
        out.put48(at + ETH_SRC_OFFSET, key.get(Field.ETH_SRC));
        at += ETH_TYPE_OFFSET;
        long tci = key.get(Field.VLAN_TCI);
        if ((tci & Field.VID_PRESENT) != 0) {
            long ctci = key.get(Field.CVLAN_TCI);
            boolean inner = (ctci & Field.VID_PRESENT) != 0;
            out.put16(at, inner ? ETH_TYPE_QINQ : ETH_TYPE_VLAN);
            out.put16(at + VLAN_TCI_OFFSET, (int) tci & 0xefff);
            at += VLAN_TAG_LEN;
            if (inner) {
                out.put16(at, ETH_TYPE_VLAN);
                out.put16(at + VLAN_TCI_OFFSET, (int) ctci & 0xefff);
                at += VLAN_TAG_LEN;
            }
        }
        int et = key.ethType();
        int typeAt = at;
        out.put16(typeAt, et);
        at += 2;
        switch (et) {
            case ETH_TYPE_MPLS, ETH_TYPE_MPLS_MC -> {
                out.put32(at, key.words[FlowKey.W_MPLS_PBB]);
                at += MPLS_LSE_LEN;
            }
            case ETH_TYPE_PBB -> {
                out.put32(at, key.get(Field.PBB_ISID) | key.get(Field.PBB_UCA) << PBB_UCA_SHIFT);
                at += PBB_ITAG_LEN;
            }
            case ETH_TYPE_ARP -> {
                out.put16(at + ARP_HTYPE_OFFSET, 1);
                out.put16(at + ARP_PTYPE_OFFSET, ETH_TYPE_IPV4);
                out.put8(at + ARP_HLEN_OFFSET, 6);
                out.put8(at + ARP_PLEN_OFFSET, 4);
                out.put16(at + ARP_OP_OFFSET, (int) key.get(Field.ARP_OP));
                out.put48(at + ARP_SHA_OFFSET, key.get(Field.ARP_SHA));
                out.put32(at + ARP_SPA_OFFSET, key.get(Field.ARP_SPA));
                out.put48(at + ARP_THA_OFFSET, key.get(Field.ARP_THA));
                out.put32(at + ARP_TPA_OFFSET, key.get(Field.ARP_TPA));
                at += ARP_LEN;
            }
            case ETH_TYPE_IPV4 -> at = composeIpv4(key, out, at);
            case ETH_TYPE_IPV6 -> at = composeIpv6(key, out, at);
            default -> { }
        }
        int len = Math.max(at - base, MIN_FRAME);
        if (et < ETH_TYPE_MIN) out.put16(typeAt, len - (typeAt + 2 - base)); // 802.3 length field
        out.length = len;
        PacketParser.parse(out, key.inPort(), SCRATCH.get()); // sets the offsets
    }

    private static final ThreadLocal<FlowKey> SCRATCH = ThreadLocal.withInitial(FlowKey::new);

    private static int composeIpv4(FlowKey key, Packet out, int ip) {
        int proto = key.ipProto();
        int frag = (int) key.get(Field.NW_FRAG);
        boolean later = (frag & FlowKey.FRAG_LATER) != 0;
        int l4 = ip + IPV4_MIN_LEN;
        int l4Len = later ? 0 : writeL4(key, out, l4, proto, false);
        int tos = (int) (key.get(Field.IP_DSCP) << 2 | key.get(Field.IP_ECN));
        out.put8(ip + IPV4_VIHL_OFFSET, 0x45);
        out.put8(ip + IPV4_TOS_OFFSET, tos);
        out.put16(ip + IPV4_TOTLEN_OFFSET, IPV4_MIN_LEN + l4Len);
        out.put16(ip + IPV4_FRAG_OFFSET, later ? 1 : (frag & FlowKey.FRAG_ANY) != 0 ? IPV4_MF : 0);
        out.put8(ip + IPV4_TTL_OFFSET, (int) key.get(Field.NW_TTL));
        out.put8(ip + IPV4_PROTO_OFFSET, proto);
        out.put32(ip + IPV4_SRC_OFFSET, key.get(Field.IPV4_SRC));
        out.put32(ip + IPV4_DST_OFFSET, key.get(Field.IPV4_DST));
        out.put16(ip + IPV4_CSUM_OFFSET, ~Checksums.sum(out, ip, ip + IPV4_MIN_LEN, 0) & 0xffff);
        if (l4Len > 0) fillL4Checksum(out, ip, l4, l4 + l4Len, proto, false);
        return l4 + l4Len;
    }

    private static int composeIpv6(FlowKey key, Packet out, int ip) {
        int proto = key.ipProto();
        int ext = (int) key.get(Field.IPV6_EXTHDR);
        boolean later = (key.get(Field.NW_FRAG) & FlowKey.FRAG_LATER) != 0;
        boolean frag = (ext & EXTHDR_FRAG) != 0 || key.get(Field.NW_FRAG) != 0;
        boolean dest = (ext & EXTHDR_DEST) != 0;
        boolean destFirst = dest && (ext & (EXTHDR_ROUTER | EXTHDR_FRAG | EXTHDR_AUTH | EXTHDR_ESP)) != 0;
        int nhAt = ip + IPV6_NEXT_OFFSET;
        int at = ip + IPV6_HEADER_LEN;
        boolean stop = false;
        if ((ext & EXTHDR_HOP) != 0) {
            out.put8(nhAt, IPPROTO_HOPOPTS);
            nhAt = at;
            at = optionsHeader(out, at);
        }
        if (destFirst) {
            out.put8(nhAt, IPPROTO_DSTOPTS);
            nhAt = at;
            at = optionsHeader(out, at);
        }
        if ((ext & EXTHDR_ROUTER) != 0) {
            out.put8(nhAt, IPPROTO_ROUTING);
            nhAt = at;
            at += 8; // type 0, segments left 0
        }
        if (frag) {
            out.put8(nhAt, IPPROTO_FRAGMENT);
            nhAt = at;
            out.put16(at + 2, later ? 1 << 3 : 1); // offset 8 bytes, or offset 0 with M set
            out.put32(at + 4, 1);                  // identification
            at += IPV6_FRAG_HDR_LEN;
            stop = later;
        }
        if (!stop && (ext & EXTHDR_AUTH) != 0) {
            out.put8(nhAt, IPPROTO_AH);
            nhAt = at;
            out.put8(at + 1, 2); // (2 + 2) * 4 = 16 bytes: SPI, sequence number, 4 bytes of ICV
            at += 16;
        }
        if (!stop && (ext & EXTHDR_ESP) != 0) {
            out.put8(nhAt, IPPROTO_ESP);
            at += 8; // SPI and sequence number; the rest is ciphertext
            stop = true;
        }
        if (!stop && dest && !destFirst) {
            out.put8(nhAt, IPPROTO_DSTOPTS);
            nhAt = at;
            at = optionsHeader(out, at);
        }
        int l4Len = 0;
        if (!stop || later) out.put8(nhAt, proto);
        if (!stop && proto != IPPROTO_NONE) l4Len = writeL4(key, out, at, proto, true);

        long tc = key.get(Field.IP_DSCP) << 2 | key.get(Field.IP_ECN);
        out.put32(ip, 6L << 28 | tc << 20 | key.get(Field.IPV6_FLABEL));
        out.put16(ip + IPV6_PLEN_OFFSET, at + l4Len - ip - IPV6_HEADER_LEN);
        out.put8(ip + IPV6_HLIM_OFFSET, (int) key.get(Field.NW_TTL));
        long[] w = key.words;
        out.put64(ip + IPV6_SRC_OFFSET, w[FlowKey.W_IPV6_SRC]);
        out.put64(ip + IPV6_SRC_OFFSET + 8, w[FlowKey.W_IPV6_SRC + 1]);
        out.put64(ip + IPV6_DST_OFFSET, w[FlowKey.W_IPV6_DST]);
        out.put64(ip + IPV6_DST_OFFSET + 8, w[FlowKey.W_IPV6_DST + 1]);
        if (l4Len > 0) fillL4Checksum(out, ip, at, at + l4Len, proto, true);
        return at + l4Len;
    }

    /** An 8-byte hop-by-hop or destination options header holding one PadN option. */
    private static int optionsHeader(Packet out, int at) {
        out.put8(at + 2, 1); // PadN
        out.put8(at + 3, 4); // 4 bytes of padding
        return at + 8;
    }

    /** Writes the L4 header (checksum left 0) and returns its length, 0 for protocols we do not compose. */
    private static int writeL4(FlowKey key, Packet out, int l4, int proto, boolean v6) {
        int src = (int) key.get(Field.TCP_SRC), dst = (int) key.get(Field.TCP_DST);
        switch (proto) {
            case IPPROTO_TCP -> {
                out.put16(l4 + L4_SRC_OFFSET, src);
                out.put16(l4 + L4_DST_OFFSET, dst);
                out.put16(l4 + TCP_FLAGS_OFFSET, 5 << 12 | (int) key.get(Field.TCP_FLAGS));
                out.put16(l4 + 14, 0xffff); // window
                return TCP_MIN_LEN;
            }
            case IPPROTO_UDP -> {
                out.put16(l4 + L4_SRC_OFFSET, src);
                out.put16(l4 + L4_DST_OFFSET, dst);
                out.put16(l4 + UDP_LEN_OFFSET, UDP_LEN);
                return UDP_LEN;
            }
            case IPPROTO_SCTP -> {
                out.put16(l4 + L4_SRC_OFFSET, src);
                out.put16(l4 + L4_DST_OFFSET, dst);
                return SCTP_MIN_LEN;
            }
            case IPPROTO_ICMP -> {
                if (v6) return 0;
                out.put8(l4 + ICMP_TYPE_OFFSET, (int) key.get(Field.ICMPV4_TYPE));
                out.put8(l4 + ICMP_CODE_OFFSET, (int) key.get(Field.ICMPV4_CODE));
                return 8;
            }
            case IPPROTO_ICMPV6 -> {
                if (!v6) return 0;
                int type = (int) key.get(Field.ICMPV6_TYPE), code = (int) key.get(Field.ICMPV6_CODE);
                out.put8(l4 + ICMP_TYPE_OFFSET, type);
                out.put8(l4 + ICMP_CODE_OFFSET, code);
                if (code != 0 || (type != ND_NEIGHBOR_SOLICIT && type != ND_NEIGHBOR_ADVERT)) return 8;
                long[] w = key.words;
                out.put64(l4 + ND_TARGET_OFFSET, w[FlowKey.W_ND_TARGET]);
                out.put64(l4 + ND_TARGET_OFFSET + 8, w[FlowKey.W_ND_TARGET + 1]);
                int len = ND_OPTIONS_OFFSET;
                long ll = type == ND_NEIGHBOR_SOLICIT ? key.get(Field.IPV6_ND_SLL) : key.get(Field.IPV6_ND_TLL);
                if (ll != 0) {
                    out.put8(l4 + len, type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LL : ND_OPT_TARGET_LL);
                    out.put8(l4 + len + 1, 1);
                    out.put48(l4 + len + 2, ll);
                    len += 8;
                }
                return len;
            }
            default -> {
                return 0;
            }
        }
    }

    /** Fills the checksum of the L4 message {@code [l4, end)} carried in the IP header at {@code ip}. */
    static void fillL4Checksum(Packet p, int ip, int l4, int end, int proto, boolean v6) {
        int len = end - l4;
        int pseudo = v6 ? Checksums.pseudoIpv6(p, ip, proto, len) : Checksums.pseudoIpv4(p, ip, proto, len);
        switch (proto) {
            case IPPROTO_TCP -> {
                p.put16(l4 + TCP_CSUM_OFFSET, 0);
                p.put16(l4 + TCP_CSUM_OFFSET, ~Checksums.sum(p, l4, end, pseudo) & 0xffff);
            }
            case IPPROTO_UDP -> {
                p.put16(l4 + UDP_CSUM_OFFSET, 0);
                int c = ~Checksums.sum(p, l4, end, pseudo) & 0xffff;
                p.put16(l4 + UDP_CSUM_OFFSET, c == 0 ? 0xffff : c);
            }
            case IPPROTO_ICMP -> {
                p.put16(l4 + ICMP_CSUM_OFFSET, 0);
                p.put16(l4 + ICMP_CSUM_OFFSET, ~Checksums.sum(p, l4, end, 0) & 0xffff);
            }
            case IPPROTO_ICMPV6 -> {
                p.put16(l4 + ICMP_CSUM_OFFSET, 0);
                p.put16(l4 + ICMP_CSUM_OFFSET, ~Checksums.sum(p, l4, end, pseudo) & 0xffff);
            }
            case IPPROTO_SCTP -> {
                p.put32(l4 + SCTP_CSUM_OFFSET, 0);
                p.put32(l4 + SCTP_CSUM_OFFSET, Integer.reverseBytes(Checksums.crc32c(p, l4, end)) & 0xffffffffL);
            }
            default -> { }
        }
    }

    private PacketComposer() {}
}
