package io.vswitch.datapath.packet;

import static io.vswitch.datapath.packet.PacketParser.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import java.lang.foreign.MemorySegment;

/**
 * Edits a parsed packet in place: set-field for every {@link Field}, VLAN/MPLS/PBB push and pop, TTL actions.
 *
 * <h2>Contract</h2>
 * The packet has been parsed ({@link PacketParser#parse}) and its offsets are current; every method leaves them
 * current, equal to what a re-parse of the edited frame would give, so edits can be chained. A field whose
 * header is absent from the packet is left alone (OpenFlow validates set-field prerequisites when the flow is
 * added, so this only happens for inconsistent flows); fields that are not in the frame (in_port, metadata,
 * tunnel_id) and the derived fields nw_frag and ipv6_exthdr are no-ops here. {@link FlowKeyEditor} applies the
 * same semantics to a key; the tests hold the two to "edit then re-parse == edit the key".
 *
 * <h2>Checksums</h2>
 * Every rewrite of a 16-bit word that a checksum covers updates that checksum incrementally (RFC 1624 eqn. 3):
 * the IPv4 header checksum, and the TCP, UDP and ICMPv6 checksums whose pseudo-header covers addresses. A UDP
 * checksum of 0 means "none" and stays 0 (we apply the rule to IPv6 too, for RFC 6936 zero-checksum tunnels).
 * A checksum that was wrong before the edit is still wrong by the same amount after it. SCTP's CRC32c is not
 * incrementally updatable, so after a port change it is recomputed over the SCTP packet (as far as the IP
 * length and the frame go); Open vSwitch instead patches it by XOR, which preserves bad checksums but assumes
 * the whole SCTP packet is in one buffer.
 * Setting ip_proto leaves the L4 bytes and their checksum field where they are, the checksum updated for the
 * pseudo-header's new protocol number.
 *
 * <h2>Push and pop</h2>
 * Pushes move the bytes before the insertion point back into the headroom (the MACs for VLAN, MACs and tags for
 * MPLS) and never touch the payload, so absolute offsets of later headers stay valid. Pops move them forward.
 * After pop_mpls and pop_pbb the revealed headers are re-parsed to find the new offsets. Semantics (OpenFlow
 * 1.3 section 5.12 / 7.2.5):
 * <ul>
 *   <li>push_vlan: the new outer tag's TCI is copied from the existing outer tag, else 0.</li>
 *   <li>push_mpls: goes after the VLAN tags; a copy of the existing top label with BOS cleared, else label 0,
 *       TC 0, BOS 1 and the TTL of the IP header (64 when there is none). Open vSwitch differs slightly: label
 *       2 (IPv6 explicit null) for IPv6, TC from the DSCP, and 64 when the IP TTL is 0.</li>
 *   <li>push_pbb: an 18-byte backbone header B-DA, B-SA (copied from the customer MACs), the given EtherType
 *       and an I-TAG copied from an existing I-TAG, else all zero (I-SID 0); the customer frame follows
 *       unchanged, VLAN tags included.</li>
 *   <li>dec_mpls_ttl / dec_nw_ttl: when the TTL is 0 or 1 the packet is left unchanged and false is returned:
 *       the packet must not be forwarded (dropped, or sent to the controller with reason INVALID_TTL). Otherwise
 *       the TTL is decremented and true returned. On a packet without the header they do nothing and return
 *       true. {@link FlowKeyEditor} leaves the key unchanged in the same case.</li>
 *   <li>copy_ttl_out: next-to-outermost to outermost (second label, or the IP header under a bottom label, to
 *       the top label); copy_ttl_in: outermost to next-to-outermost. Only with MPLS; IP-in-IP is not handled.</li>
 * </ul>
 * No method allocates, except that a push without headroom throws {@link IllegalStateException}.
 */
public final class PacketEditor {
    /**
     * TTL of a pushed MPLS label when there is neither an IP header nor a label to copy it from: 0, as OpenFlow
     * sets fields a push has no source for (and the OpenFlow 1.3 conformance suite expects; Open vSwitch uses 64).
     */
    public static final int DEFAULT_MPLS_TTL = 0;
    /** Size of the backbone header pushed by push_pbb: B-DA, B-SA, EtherType, I-TAG. */
    public static final int PBB_PUSH_LEN = 18;

    private static final ThreadLocal<FlowKey> SCRATCH = ThreadLocal.withInitial(FlowKey::new);

    /**
     * Sets {@code f} to {@code value} (for 128-bit fields: high word {@code value}, low word {@code valueLow}),
     * in the layout of the flow key (e.g. VLAN_VID with or without the present bit, IP_DSCP as 6 bits).
     */
    public static void setField(Packet p, Field f, long value, long valueLow) {
        int et = ethType(p);
        switch (f) {
            case IN_PORT, IN_PHY_PORT, METADATA, TUNNEL_ID, NW_FRAG, IPV6_EXTHDR -> { }
            case ETH_DST -> { if (p.length >= ETH_HEADER_LEN) p.put48(p.start + ETH_DST_OFFSET, value); }
            case ETH_SRC -> { if (p.length >= ETH_HEADER_LEN) p.put48(p.start + ETH_SRC_OFFSET, value); }
            case ETH_TYPE -> {
                if (p.ethTypeOffset >= 0) {
                    p.put16(p.ethTypeOffset, (int) value);
                    reparse(p);
                }
            }
            case VLAN_VID, VLAN_PCP, VLAN_TCI -> {
                if (vlanTags(p) == 0) return;
                int at = p.start + ETH_TYPE_OFFSET + VLAN_TCI_OFFSET;
                int tci = p.u16(at);
                if (f == Field.VLAN_VID) tci = (tci & 0xf000) | (int) (value & 0x0fff);
                else if (f == Field.VLAN_PCP) tci = (tci & 0x1fff) | (int) (value & 7) << 13;
                else tci = (int) value & 0xefff;
                p.put16(at, tci);
            }
            case CVLAN_TCI -> {
                if (vlanTags(p) < 2) return;
                p.put16(p.start + ETH_TYPE_OFFSET + VLAN_TAG_LEN + VLAN_TCI_OFFSET, (int) value & 0xefff);
            }
            case MPLS_LABEL, MPLS_TC, MPLS_BOS, MPLS_TTL -> {
                if (!isMpls(et) || p.l2_5 < 0) return;
                long m = f.valueMask << f.shift; // the key's word 5 holds the label stack entry as on the wire
                p.put32(p.l2_5, (p.u32(p.l2_5) & ~m) | ((value << f.shift) & m));
            }
            case PBB_ISID, PBB_UCA -> {
                if (et != ETH_TYPE_PBB || p.l2_5 < 0) return;
                long itag = p.u32(p.l2_5);
                if (f == Field.PBB_ISID) itag = (itag & ~0xffffffL) | (value & 0xffffff);
                else itag = (itag & ~(1L << PBB_UCA_SHIFT)) | (value & 1) << PBB_UCA_SHIFT;
                p.put32(p.l2_5, itag);
            }
            case IP_DSCP, IP_ECN -> setTos(p, et, f, (int) value);
            case NW_TTL -> setNwTtl(p, (int) value);
            case IP_PROTO -> setIpProto(p, et, (int) value & 0xff);
            case IPV4_SRC, IPV4_DST -> {
                if (et != ETH_TYPE_IPV4 || p.l3 < 0) return;
                int at = p.l3 + (f == Field.IPV4_SRC ? IPV4_SRC_OFFSET : IPV4_DST_OFFSET);
                int proto = l4Proto(p, et);
                int l4c = pseudoChecksumOffset(p, proto);
                boolean udp = proto == IPPROTO_UDP;
                replace16(p, at, (int) (value >>> 16) & 0xffff, p.l3 + IPV4_CSUM_OFFSET, l4c, udp);
                replace16(p, at + 2, (int) value & 0xffff, p.l3 + IPV4_CSUM_OFFSET, l4c, udp);
            }
            case IPV6_SRC, IPV6_DST -> {
                if (et != ETH_TYPE_IPV6 || p.l3 < 0) return;
                int at = p.l3 + (f == Field.IPV6_SRC ? IPV6_SRC_OFFSET : IPV6_DST_OFFSET);
                int proto = l4Proto(p, et);
                int l4c = pseudoChecksumOffset(p, proto);
                replace128(p, at, value, valueLow, l4c, proto == IPPROTO_UDP);
            }
            case IPV6_FLABEL -> {
                if (et != ETH_TYPE_IPV6 || p.l3 < 0) return;
                p.put32(p.l3, (p.u32(p.l3) & ~0xfffffL) | (value & 0xfffff));
            }
            case TCP_SRC, TCP_DST, UDP_SRC, UDP_DST, SCTP_SRC, SCTP_DST -> {
                int proto = l4Proto(p, et);
                int want = f == Field.TCP_SRC || f == Field.TCP_DST ? IPPROTO_TCP
                        : f == Field.UDP_SRC || f == Field.UDP_DST ? IPPROTO_UDP : IPPROTO_SCTP;
                if (proto != want) return;
                int at = p.l4 + (f.shift == 0 ? L4_SRC_OFFSET : L4_DST_OFFSET);
                if (proto == IPPROTO_SCTP) {
                    p.put16(at, (int) value);
                    fixSctp(p, et);
                } else {
                    replace16(p, at, (int) value & 0xffff, -1, pseudoChecksumOffset(p, proto), proto == IPPROTO_UDP);
                }
            }
            case TCP_FLAGS -> {
                if (l4Proto(p, et) != IPPROTO_TCP) return;
                int at = p.l4 + TCP_FLAGS_OFFSET;
                replace16(p, at, (p.u16(at) & ~TCP_FLAGS_MASK) | (int) (value & TCP_FLAGS_MASK), -1,
                        p.l4 + TCP_CSUM_OFFSET, false);
            }
            case ICMPV4_TYPE, ICMPV4_CODE, ICMPV6_TYPE, ICMPV6_CODE -> {
                boolean v4 = f == Field.ICMPV4_TYPE || f == Field.ICMPV4_CODE;
                if (l4Proto(p, et) != (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) return;
                int word = p.u16(p.l4 + ICMP_TYPE_OFFSET);
                word = f.shift == 0 ? (word & 0xff) | (int) (value & 0xff) << 8 : (word & 0xff00) | (int) (value & 0xff);
                int c = p.l4 + ICMP_CSUM_OFFSET;
                replace16(p, p.l4 + ICMP_TYPE_OFFSET, word, -1, c, false);
                if (v4 && p.u16(c) == 0 && !p.csumPartial) {
                    // RFC 1624 eqn. 3 yields 0x0000 when the message sums to zero; that is right unless the message
                    // is all zeros (ICMPv4 has no pseudo-header, so it can be), where only 0xffff verifies.
                    p.put16(c, ~Checksums.sum(p, p.l4, ipEnd(p, et), 0) & 0xffff);
                }
            }
            case ARP_OP, ARP_SPA, ARP_TPA, ARP_SHA, ARP_THA -> {
                if (et != ETH_TYPE_ARP || p.l3 < 0) return;
                switch (f) {
                    case ARP_OP -> p.put16(p.l3 + ARP_OP_OFFSET, (int) value);
                    case ARP_SPA -> p.put32(p.l3 + ARP_SPA_OFFSET, value);
                    case ARP_TPA -> p.put32(p.l3 + ARP_TPA_OFFSET, value);
                    case ARP_SHA -> p.put48(p.l3 + ARP_SHA_OFFSET, value);
                    default -> p.put48(p.l3 + ARP_THA_OFFSET, value);
                }
            }
            case IPV6_ND_TARGET -> {
                if (!isNd(p, et, -1)) return;
                replace128(p, p.l4 + ND_TARGET_OFFSET, value, valueLow, p.l4 + ICMP_CSUM_OFFSET, false);
            }
            case IPV6_ND_SLL, IPV6_ND_TLL -> {
                boolean sll = f == Field.IPV6_ND_SLL;
                if (!isNd(p, et, sll ? ND_NEIGHBOR_SOLICIT : ND_NEIGHBOR_ADVERT)) return;
                int opt = findNdOption(p, et, sll ? ND_OPT_SOURCE_LL : ND_OPT_TARGET_LL);
                if (opt < 0) return; // like OVS, we rewrite an existing option but do not add one
                int c = p.l4 + ICMP_CSUM_OFFSET;
                replace16(p, opt + 2, (int) (value >>> 32) & 0xffff, -1, c, false);
                replace16(p, opt + 4, (int) (value >>> 16) & 0xffff, -1, c, false);
                replace16(p, opt + 6, (int) value & 0xffff, -1, c, false);
            }
        }
    }

    /**
     * Executes a packet-editing action on {@code p}. Returns false when the packet must not be forwarded (a TTL
     * decrement found the TTL at 0 or 1); output, group and set_queue are not edits and return true.
     */
    public static boolean execute(Action action, Packet p) {
        switch (action) {
            case Action.SetField sf -> setField(p, sf.field(), sf.value(), sf.valueLow());
            case Action.PushVlan a -> pushVlan(p, a.ethType());
            case Action.PopVlan a -> popVlan(p);
            case Action.PushMpls a -> pushMpls(p, a.ethType());
            case Action.PopMpls a -> popMpls(p, a.ethType());
            case Action.PushPbb a -> pushPbb(p, a.ethType());
            case Action.PopPbb a -> popPbb(p);
            case Action.SetMplsTtl a -> setMplsTtl(p, a.ttl());
            case Action.DecMplsTtl a -> { return decMplsTtl(p); }
            case Action.SetNwTtl a -> setNwTtl(p, a.ttl());
            case Action.DecNwTtl a -> { return decNwTtl(p); }
            case Action.CopyTtlOut a -> copyTtlOut(p);
            case Action.CopyTtlIn a -> copyTtlIn(p);
            case Action.Output a -> { }
            case Action.SetQueue a -> { }
            case Action.Group a -> { }
        }
        return true;
    }

    /** Inserts an 802.1Q/802.1ad tag with EtherType {@code tpid} right after the MACs. */
    public static void pushVlan(Packet p, int tpid) {
        if (p.length < ETH_HEADER_LEN || p.ethTypeOffset < 0) return;
        needHeadroom(p, VLAN_TAG_LEN);
        int tci = vlanTags(p) > 0 ? p.u16(p.start + ETH_TYPE_OFFSET + VLAN_TCI_OFFSET) : 0;
        move(p, p.start, p.start - VLAN_TAG_LEN, ETH_TYPE_OFFSET);
        p.start -= VLAN_TAG_LEN;
        p.length += VLAN_TAG_LEN;
        p.put16(p.start + ETH_TYPE_OFFSET, tpid);
        p.put16(p.start + ETH_TYPE_OFFSET + VLAN_TCI_OFFSET, tci);
        // Everything after the MACs kept its absolute position, so l2_5/l3/l4/ethTypeOffset are still right,
        // unless this was a third tag (the parser stops at it) or the TPID is not one the parser knows.
        if (vlanTags(p) > 2 || (tpid != ETH_TYPE_VLAN && tpid != ETH_TYPE_QINQ)) reparse(p);
    }

    /** Removes the outer VLAN tag, if any. */
    public static void popVlan(Packet p) {
        int tags = vlanTags(p);
        if (tags == 0) return;
        move(p, p.start, p.start + VLAN_TAG_LEN, ETH_TYPE_OFFSET);
        p.start += VLAN_TAG_LEN;
        p.length -= VLAN_TAG_LEN;
        keepMinimumLength(p, p.length + VLAN_TAG_LEN);
        int t = p.u16(p.ethTypeOffset);
        if (t == ETH_TYPE_VLAN || t == ETH_TYPE_QINQ) reparse(p); // a third tag becomes the inner one
    }

    /** Pushes an MPLS label stack entry after the VLAN tags; the EtherType becomes {@code ethType}. */
    public static void pushMpls(Packet p, int ethType) {
        if (p.ethTypeOffset < 0) return;
        needHeadroom(p, MPLS_LSE_LEN);
        int et = ethType(p);
        long lse;
        if (isMpls(et) && p.l2_5 >= 0) {
            lse = p.u32(p.l2_5) & ~0x100L; // a copy of the top entry, but not the bottom of the stack
        } else {
            int ttl = ipTtl(p, et);
            lse = 1 << 8 | (ttl < 0 ? DEFAULT_MPLS_TTL : ttl); // label 0, TC 0, bottom of stack
        }
        int insertAt = p.ethTypeOffset + 2;
        move(p, p.start, p.start - MPLS_LSE_LEN, insertAt - p.start);
        p.start -= MPLS_LSE_LEN;
        p.length += MPLS_LSE_LEN;
        p.ethTypeOffset -= MPLS_LSE_LEN;
        p.put16(p.ethTypeOffset, ethType);
        p.put32(p.ethTypeOffset + 2, lse);
        p.l2_5 = p.ethTypeOffset + 2;
        p.l3 = p.l4 = -1;
        if (!isMpls(ethType)) reparse(p);
    }

    /** Pops the top MPLS label; {@code ethType} is the EtherType of what follows. */
    public static void popMpls(Packet p, int ethType) {
        if (!isMpls(ethType(p)) || p.l2_5 < 0) return;
        move(p, p.start, p.start + MPLS_LSE_LEN, p.l2_5 - p.start);
        p.start += MPLS_LSE_LEN;
        p.length -= MPLS_LSE_LEN;
        keepMinimumLength(p, p.length + MPLS_LSE_LEN);
        p.ethTypeOffset += MPLS_LSE_LEN;
        p.put16(p.ethTypeOffset, ethType);
        reparse(p);
    }

    /** Prepends a backbone header (B-DA, B-SA, {@code ethType}, I-TAG) to the frame. */
    public static void pushPbb(Packet p, int ethType) {
        if (p.length < ETH_HEADER_LEN) return;
        needHeadroom(p, PBB_PUSH_LEN);
        long itag = ethType(p) == ETH_TYPE_PBB && p.l2_5 >= 0 ? p.u32(p.l2_5) : 0;
        long da = p.u48(p.start + ETH_DST_OFFSET), sa = p.u48(p.start + ETH_SRC_OFFSET);
        p.start -= PBB_PUSH_LEN;
        p.length += PBB_PUSH_LEN;
        p.put48(p.start + ETH_DST_OFFSET, da);
        p.put48(p.start + ETH_SRC_OFFSET, sa);
        p.put16(p.start + ETH_TYPE_OFFSET, ethType);
        p.put32(p.start + ETH_HEADER_LEN, itag);
        if (ethType == ETH_TYPE_PBB) {
            p.ethTypeOffset = p.start + ETH_TYPE_OFFSET;
            p.l2_5 = p.start + ETH_HEADER_LEN;
            p.l3 = p.l4 = -1;
            p.truncated = false;
        } else {
            reparse(p);
        }
    }

    /** Removes the backbone header: the customer frame after the I-TAG becomes the frame. */
    public static void popPbb(Packet p) {
        if (ethType(p) != ETH_TYPE_PBB || p.l2_5 < 0) return;
        int customer = p.l2_5 + PBB_CUSTOMER_OFFSET, before = p.length;
        p.length -= customer - p.start;
        p.start = customer;
        keepMinimumLength(p, before);
        reparse(p);
    }

    /**
     * A pop that takes a frame below Ethernet's minimum (60 bytes without FCS) pads it back with zeros to what it
     * was, at most 60 bytes: a minimum-size frame stays one, as if its sender's NIC had padded it (the IP and ARP
     * parsers read their own lengths, so the padding changes no field). Short frames that arrive stay short.
     */
    private static void keepMinimumLength(Packet p, int before) {
        int want = Math.min(before, PacketComposer.MIN_FRAME);
        if (p.length >= want || p.end() + want - p.length > p.capacity()) return;
        p.buffer().asSlice(p.end(), want - p.length).fill((byte) 0);
        p.length = want;
    }

    public static void setMplsTtl(Packet p, int ttl) {
        if (isMpls(ethType(p)) && p.l2_5 >= 0) p.put8(p.l2_5 + MPLS_TTL_OFFSET, ttl);
    }

    /** Decrements the top label's TTL; false (packet unchanged) when it was 0 or 1: do not forward. */
    public static boolean decMplsTtl(Packet p) {
        if (!isMpls(ethType(p)) || p.l2_5 < 0) return true;
        int ttl = p.u8(p.l2_5 + MPLS_TTL_OFFSET);
        if (ttl <= 1) return false;
        p.put8(p.l2_5 + MPLS_TTL_OFFSET, ttl - 1);
        return true;
    }

    public static void setNwTtl(Packet p, int ttl) {
        int et = ethType(p);
        if (p.l3 < 0) return;
        if (et == ETH_TYPE_IPV4) setIpv4Ttl(p, p.l3, ttl & 0xff);
        else if (et == ETH_TYPE_IPV6) p.put8(p.l3 + IPV6_HLIM_OFFSET, ttl);
    }

    /** Decrements the IPv4 TTL / IPv6 hop limit; false (packet unchanged) when it was 0 or 1: do not forward. */
    public static boolean decNwTtl(Packet p) {
        int ttl = ipTtl(p, ethType(p));
        if (ttl < 0) return true;
        if (ttl <= 1) return false;
        setNwTtl(p, ttl - 1);
        return true;
    }

    /** Copies the TTL from the next-to-outermost header (second label or IP under the bottom label) outwards. */
    public static void copyTtlOut(Packet p) {
        if (!isMpls(ethType(p)) || p.l2_5 < 0) return;
        int ttl = innerTtl(p);
        if (ttl >= 0) p.put8(p.l2_5 + MPLS_TTL_OFFSET, ttl);
    }

    /** Copies the top label's TTL inwards (to the second label, or to the IP header under the bottom label). */
    public static void copyTtlIn(Packet p) {
        if (!isMpls(ethType(p)) || p.l2_5 < 0) return;
        int ttl = p.u8(p.l2_5 + MPLS_TTL_OFFSET);
        int next = p.l2_5 + MPLS_LSE_LEN;
        if ((p.u8(p.l2_5 + 2) & 1) == 0) {
            if (next + MPLS_LSE_LEN <= p.end()) p.put8(next + MPLS_TTL_OFFSET, ttl);
            return;
        }
        int version = next < p.end() ? p.u8(next) >>> 4 : 0;
        if (version == 4 && next + IPV4_MIN_LEN <= p.end()) setIpv4Ttl(p, next, ttl);
        else if (version == 6 && next + IPV6_HEADER_LEN <= p.end()) p.put8(next + IPV6_HLIM_OFFSET, ttl);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The TTL of the header under the top label (second label or IP), or -1 if unknown. */
    static int innerTtl(Packet p) {
        int next = p.l2_5 + MPLS_LSE_LEN;
        if ((p.u8(p.l2_5 + 2) & 1) == 0) {
            return next + MPLS_LSE_LEN <= p.end() ? p.u8(next + MPLS_TTL_OFFSET) : -1;
        }
        int version = next < p.end() ? p.u8(next) >>> 4 : 0;
        if (version == 4 && next + IPV4_MIN_LEN <= p.end()) return p.u8(next + IPV4_TTL_OFFSET);
        if (version == 6 && next + IPV6_HEADER_LEN <= p.end()) return p.u8(next + IPV6_HLIM_OFFSET);
        return -1;
    }

    private static void setIpv4Ttl(Packet p, int ip, int ttl) {
        int word = ttl << 8 | p.u8(ip + IPV4_PROTO_OFFSET);
        replace16(p, ip + IPV4_TTL_OFFSET, word, ip + IPV4_CSUM_OFFSET, -1, false);
    }

    private static void setTos(Packet p, int et, Field f, int value) {
        if (p.l3 < 0) return;
        int tos;
        if (et == ETH_TYPE_IPV4) tos = p.u8(p.l3 + IPV4_TOS_OFFSET);
        else if (et == ETH_TYPE_IPV6) tos = (int) (p.u32(p.l3) >>> 20) & 0xff;
        else return;
        tos = f == Field.IP_DSCP ? (tos & 3) | (value & 0x3f) << 2 : (tos & 0xfc) | (value & 3);
        if (et == ETH_TYPE_IPV4) {
            replace16(p, p.l3, p.u8(p.l3) << 8 | tos, p.l3 + IPV4_CSUM_OFFSET, -1, false);
        } else {
            p.put32(p.l3, (p.u32(p.l3) & ~0x0ff00000L) | (long) tos << 20);
        }
    }

    /**
     * Rewrites the IP protocol / IPv6 next header. The L4 bytes stay as they are, and so does the checksum field
     * they carry: if it covers the pseudo-header (TCP, UDP, ICMPv6 of the protocol that was there), it is updated
     * for the pseudo-header's new protocol word, exactly as a sender that wrote those bytes under the new protocol
     * number would have computed it (what the OpenFlow conformance suite expects too).
     */
    private static void setIpProto(Packet p, int et, int proto) {
        if (p.l3 < 0) return;
        int oldProto = l4Proto(p, et);
        int l4c = pseudoChecksumOffset(p, oldProto);
        if (et == ETH_TYPE_IPV4) {
            int ttl = p.u8(p.l3 + IPV4_TTL_OFFSET);
            replace16(p, p.l3 + IPV4_TTL_OFFSET, ttl << 8 | proto, p.l3 + IPV4_CSUM_OFFSET, -1, false);
        } else if (et == ETH_TYPE_IPV6) {
            int at = ipv6ProtoOffset(p);
            if (at < 0) return;
            p.put8(at, proto);
        } else {
            return;
        }
        // The pseudo-header's (zero, protocol) word: only the L4 checksum covers it.
        if (l4c >= 0 && oldProto >= 0 && oldProto != proto) updateL4Checksum(p, p.l3, l4c, oldProto == IPPROTO_UDP, oldProto, proto);
        reparse(p);
    }

    /**
     * Offset of the byte that holds the IPv6 upper-layer protocol (the last next-header field of the chain the
     * parser walks), or -1.
     */
    static int ipv6ProtoOffset(Packet p) {
        int at = p.l3 + IPV6_NEXT_OFFSET;
        int hdr = p.l3 + IPV6_HEADER_LEN;
        int end = p.end();
        for (int i = 0; i < 64; i++) { // bounded: a chain longer than this is not what the parser saw either
            int nh = p.u8(at);
            if (nh == IPPROTO_ESP || nh == IPPROTO_NONE || !isExtension(nh)) return at;
            if (hdr + 8 > end) return -1;
            int len = nh == IPPROTO_FRAGMENT ? IPV6_FRAG_HDR_LEN
                    : nh == IPPROTO_AH ? (p.u8(hdr + 1) + 2) * 4 : (p.u8(hdr + 1) + 1) * 8;
            if (nh == IPPROTO_FRAGMENT && (p.u16(hdr + 2) & 0xfff8) != 0) return hdr; // later fragment
            at = hdr;
            hdr += len;
        }
        return -1;
    }

    /** Ethernet type at {@link Packet#ethTypeOffset} (a length for 802.3 frames), or -1. */
    static int ethType(Packet p) {
        return p.ethTypeOffset >= 0 ? p.u16(p.ethTypeOffset) : -1;
    }

    static boolean isMpls(int ethType) {
        return ethType == ETH_TYPE_MPLS || ethType == ETH_TYPE_MPLS_MC;
    }

    /** Number of VLAN tags the parser walked (0..2). */
    static int vlanTags(Packet p) {
        return p.ethTypeOffset < 0 ? 0 : (p.ethTypeOffset - p.start - ETH_TYPE_OFFSET) / VLAN_TAG_LEN;
    }

    /** IPv4 TTL / IPv6 hop limit of the parsed L3 header, or -1. */
    static int ipTtl(Packet p, int et) {
        if (p.l3 < 0) return -1;
        if (et == ETH_TYPE_IPV4) return p.u8(p.l3 + IPV4_TTL_OFFSET);
        if (et == ETH_TYPE_IPV6) return p.u8(p.l3 + IPV6_HLIM_OFFSET);
        return -1;
    }

    /** Protocol of the parsed L4 header, or -1 when there is none. */
    static int l4Proto(Packet p, int et) {
        if (p.l4 < 0 || p.l3 < 0) return -1;
        if (et == ETH_TYPE_IPV4) return p.u8(p.l3 + IPV4_PROTO_OFFSET);
        if (et == ETH_TYPE_IPV6) {
            int at = ipv6ProtoOffset(p);
            return at < 0 ? -1 : p.u8(at);
        }
        return -1;
    }

    /** Offset of the L4 checksum that covers the IP pseudo-header (TCP, UDP, ICMPv6), or -1. */
    private static int pseudoChecksumOffset(Packet p, int proto) {
        if (p.l4 < 0) return -1;
        return switch (proto) {
            case IPPROTO_TCP -> p.l4 + TCP_CSUM_OFFSET;
            case IPPROTO_UDP -> p.l4 + UDP_CSUM_OFFSET;
            case IPPROTO_ICMPV6 -> p.l4 + ICMP_CSUM_OFFSET;
            default -> -1;
        };
    }

    /** End of the IP datagram (total/payload length, bounded by the frame). */
    static int ipEnd(Packet p, int et) {
        int end = p.end();
        if (p.l3 < 0) return end;
        int ipEnd = et == ETH_TYPE_IPV4 ? p.l3 + p.u16(p.l3 + IPV4_TOTLEN_OFFSET)
                : p.l3 + IPV6_HEADER_LEN + p.u16(p.l3 + IPV6_PLEN_OFFSET);
        return Math.min(ipEnd, end);
    }

    private static void fixSctp(Packet p, int et) {
        int end = ipEnd(p, et);
        p.put32(p.l4 + SCTP_CSUM_OFFSET, 0);
        int crc = Checksums.crc32c(p, p.l4, end);
        p.put32(p.l4 + SCTP_CSUM_OFFSET, Integer.reverseBytes(crc) & 0xffffffffL); // CRC32c goes little-endian
    }

    private static boolean isNd(Packet p, int et, int type) {
        if (l4Proto(p, et) != IPPROTO_ICMPV6) return false;
        int t = p.u8(p.l4 + ICMP_TYPE_OFFSET);
        if (p.u8(p.l4 + ICMP_CODE_OFFSET) != 0) return false;
        if (type >= 0 ? t != type : t != ND_NEIGHBOR_SOLICIT && t != ND_NEIGHBOR_ADVERT) return false;
        return p.l4 + ND_OPTIONS_OFFSET <= ipEnd(p, et);
    }

    /** Offset of the first 8-byte ND option of {@code optType}, or -1. */
    private static int findNdOption(Packet p, int et, int optType) {
        int end = ipEnd(p, et);
        int at = p.l4 + ND_OPTIONS_OFFSET;
        while (at + 2 <= end) {
            int len = p.u8(at + 1) * 8;
            if (len == 0 || at + len > end) return -1;
            if (len == 8 && p.u8(at) == optType) return at;
            at += len;
        }
        return -1;
    }

    /**
     * Writes the 16-bit word at {@code at} and updates up to two checksums that cover it ({@code -1}: none).
     * {@code udp2}: the second checksum is UDP's, where 0 means "no checksum" and a computed 0 is sent as 0xffff.
     */
    private static void replace16(Packet p, int at, int word, int csum1, int csum2, boolean udp2) {
        int old = p.u16(at);
        if (old == word) return;
        p.put16(at, word);
        if (csum1 >= 0 && !partialUpdate(p, at, csum1, old, word)) p.put16(csum1, Checksums.update(p.u16(csum1), old, word));
        if (csum2 >= 0) updateL4Checksum(p, at, csum2, udp2, old, word);
    }

    /** Updates the L4 checksum at {@code csum} for the 16-bit word at {@code at} changed from {@code old} to {@code word}. */
    private static void updateL4Checksum(Packet p, int at, int csum, boolean udp, int old, int word) {
        if (partialUpdate(p, at, csum, old, word)) return;
        int c = p.u16(csum);
        if (udp && c == 0) return;
        c = Checksums.update(c, old, word);
        if (udp && c == 0) c = 0xffff;
        p.put16(csum, c);
    }

    /**
     * Handles a change covered by a partial (offloaded) L4 checksum, returning true if it did: that field holds the
     * plain pseudo-header sum, not a complemented checksum. A word inside the coverage needs nothing (the sum is
     * computed later over the new bytes); a pseudo-header word (an address) updates the seed: S' = S + ~m + m'.
     */
    private static boolean partialUpdate(Packet p, int at, int csum, int old, int word) {
        if (!p.csumPartial || csum != p.csumStart + p.csumOffset) return false;
        if (at < p.csumStart) p.put16(csum, ~Checksums.update(~p.u16(csum) & 0xffff, old, word) & 0xffff);
        return true;
    }

    private static void replace128(Packet p, int at, long high, long low, int csum, boolean udp) {
        for (int i = 0; i < 4; i++) replace16(p, at + 2 * i, (int) (high >>> (48 - 16 * i)) & 0xffff, -1, csum, udp);
        for (int i = 0; i < 4; i++) replace16(p, at + 8 + 2 * i, (int) (low >>> (48 - 16 * i)) & 0xffff, -1, csum, udp);
    }

    private static void needHeadroom(Packet p, int bytes) {
        if (p.start < bytes) throw new IllegalStateException("no headroom for a " + bytes + "-byte push: start=" + p.start);
    }

    private static void move(Packet p, int from, int to, int len) {
        MemorySegment b = p.buffer();
        MemorySegment.copy(b, from, b, to, len);
    }

    /** Re-derives the offsets after an edit that changed how the frame reads (pops, eth_type, ip_proto). */
    private static FlowKey reparse(Packet p) {
        FlowKey k = SCRATCH.get();
        PacketParser.parse(p, 0, k);
        return k;
    }

    /**
     * Completes a partial (offloaded) L4 checksum in software: adds the sum over the coverage to the pseudo-header
     * seed already in the field and stores the checksum. Afterwards the frame is an ordinary one.
     */
    public static void completePartialChecksum(Packet p) {
        if (!p.csumPartial) return;
        int field = p.csumStart + p.csumOffset;
        if (p.csumStart >= p.start && field + 2 <= p.end()) {
            int c = ~Checksums.sum(p, p.csumStart, p.end(), 0) & 0xffff;
            // UDP sends a computed 0 as 0xffff (0 means "no checksum"); TCP/ICMPv6 never produce 0 from a seed.
            p.put16(field, c == 0 ? 0xffff : c);
        }
        p.csumPartial = false;
        p.csumStart = -1;
        p.csumOffset = 0;
    }

    private PacketEditor() {}
}
