package io.vswitch.datapath.packet;

import static io.vswitch.datapath.packet.PacketParser.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;

/**
 * The effect of packet-editing actions on a {@link FlowKey}, for the slow path that translates a flow's actions
 * on keys instead of packets.
 *
 * <h2>Invariant</h2>
 * For a key {@code k} parsed from a packet {@code p}: if {@code apply(a, k)} returns true, then applying the same
 * action to {@code p} with {@link PacketEditor} and re-parsing gives {@code k} (fields that are not in the frame,
 * in_port, metadata and tunnel_id, are kept by the key and lost by a re-parse). It returns false when the edited
 * key cannot be known without looking at the packet: pop_mpls and pop_pbb (the revealed headers are not in the
 * key), copy_ttl_out on MPLS (the inner TTL is not in the key), set-fields that change how the rest of the frame
 * reads (eth_type or ip_proto to a value the parser interprets, ICMPv6 type/code to or from neighbour
 * discovery), push_vlan onto a double-tagged frame, setting an ND link-layer address whose option may be absent
 * (the key shows 0 for both "absent" and "00:00:00:00:00:00"), and pushes with an EtherType that does not
 * match the push. Then the key is partially updated and the caller must re-parse.
 *
 * <h2>Semantics</h2>
 * As in {@link PacketEditor}. In particular dec_nw_ttl / dec_mpls_ttl leave the key unchanged when the TTL is 0
 * or 1 (the packet editor returns false there: do not forward) and return true, since the key is still exact:
 * use {@link #ttlExpires} to learn whether the packet must be dropped or sent to the controller. Set-fields
 * whose prerequisites the key does not hold are no-ops, like on the packet.
 */
public final class FlowKeyEditor {
    /**
     * Applies the effect of a packet-editing action to a flow key, exactly as {@link PacketEditor} applies it to
     * the packet (so that re-parsing the edited packet gives the edited key). Returns false when the key can no
     * longer be known without re-parsing the packet (pop_mpls, pop_pbb: the revealed headers are not in the key).
     * Output, group, set_queue and other non-editing actions leave the key alone and return true.
     */
    public static boolean apply(Action action, FlowKey key) {
        return apply(action, key, null);
    }

    /**
     * As {@link #apply(Action, FlowKey)}, and ORs into {@code readMask} (laid out like {@link FlowKey#words}; may
     * be null) every key bit the edit's outcome depended on: whether the header is there (eth_type, ip_proto,
     * VLAN presence, ICMPv6 type), fragment flags, ND type/code, an ND address's old value. A slow path that
     * edits keys instead of packets un-wildcards these bits, since the edited key it goes on to match with was
     * computed from them.
     */
    public static boolean apply(Action action, FlowKey key, long[] readMask) {
        final long[] m = readMask;
        return switch (action) {
            case Action.SetField sf -> setField(key, sf.field(), sf.value(), sf.valueLow(), m);
            case Action.PushVlan pv -> {
                read(m, Field.VLAN_TCI);
                read(m, Field.CVLAN_TCI);
                yield pushVlan(key, pv.ethType());
            }
            case Action.PopVlan pv -> {
                read(m, Field.VLAN_TCI);
                read(m, Field.CVLAN_TCI);
                read(m, Field.ETH_TYPE);
                yield popVlan(key);
            }
            case Action.PushMpls pm -> {
                read(m, Field.ETH_TYPE);
                if (m != null) m[FlowKey.W_MPLS_PBB] = -1L;
                read(m, Field.NW_TTL);
                yield pushMpls(key, pm.ethType());
            }
            case Action.PopMpls pm -> { read(m, Field.ETH_TYPE); yield !isMpls(key); }
            case Action.PushPbb pp -> {
                read(m, Field.ETH_TYPE);
                if (m != null) m[FlowKey.W_MPLS_PBB] = -1L;
                yield pushPbb(key, pp.ethType());
            }
            case Action.PopPbb pp -> { read(m, Field.ETH_TYPE); yield key.ethType() != ETH_TYPE_PBB; }
            case Action.SetMplsTtl st -> {
                read(m, Field.ETH_TYPE);
                if (isMpls(key)) key.set(Field.MPLS_TTL, st.ttl());
                yield true;
            }
            case Action.DecMplsTtl d -> {
                read(m, Field.ETH_TYPE);
                read(m, Field.MPLS_TTL);
                long ttl = key.get(Field.MPLS_TTL);
                if (isMpls(key) && ttl > 1) key.set(Field.MPLS_TTL, ttl - 1);
                yield true;
            }
            case Action.SetNwTtl st -> {
                read(m, Field.ETH_TYPE);
                if (isIp(key)) key.set(Field.NW_TTL, st.ttl());
                yield true;
            }
            case Action.DecNwTtl d -> {
                read(m, Field.ETH_TYPE);
                read(m, Field.NW_TTL);
                long ttl = key.get(Field.NW_TTL);
                if (isIp(key) && ttl > 1) key.set(Field.NW_TTL, ttl - 1);
                yield true;
            }
            case Action.CopyTtlOut c -> { read(m, Field.ETH_TYPE); yield !isMpls(key); } // inner TTL not in the key
            case Action.CopyTtlIn c -> true;           // changes only headers below the top label
            case Action.Output o -> true;
            case Action.SetQueue q -> true;
            case Action.Group g -> true;
        };
    }

    /**
     * Whether {@code action} is a TTL decrement that finds the TTL at 0 or 1 in {@code key}: the packet must not be
     * forwarded (OpenFlow: dropped, or sent to the controller with reason OFPR_INVALID_TTL).
     */
    public static boolean ttlExpires(Action action, FlowKey key) {
        if (action instanceof Action.DecNwTtl) return isIp(key) && key.get(Field.NW_TTL) <= 1;
        if (action instanceof Action.DecMplsTtl) return isMpls(key) && key.get(Field.MPLS_TTL) <= 1;
        return false;
    }

    /** Sets a field in the key with the semantics of {@link PacketEditor#setField}. */
    public static boolean setField(FlowKey key, Field f, long value, long valueLow) {
        return setField(key, f, value, valueLow, null);
    }

    /** As {@link #setField(FlowKey, Field, long, long)}, recording the key bits read in {@code m} (may be null). */
    public static boolean setField(FlowKey key, Field f, long value, long valueLow, long[] m) {
        long[] w = key.words;
        switch (f) {
            case IN_PORT, IN_PHY_PORT, METADATA, TUNNEL_ID, NW_FRAG, IPV6_EXTHDR, ETH_DST, ETH_SRC -> { }
            case ETH_TYPE -> read(m, Field.ETH_TYPE);
            case VLAN_VID, VLAN_PCP, VLAN_TCI -> readVlanPresent(m);
            case CVLAN_TCI -> { if (m != null) m[Field.CVLAN_TCI.word] |= (long) Field.VID_PRESENT << Field.CVLAN_TCI.shift; }
            case IP_PROTO -> {
                read(m, Field.ETH_TYPE);
                read(m, Field.IP_PROTO);
                read(m, Field.NW_FRAG);
            }
            case ICMPV6_TYPE, ICMPV6_CODE, IPV6_ND_TARGET -> {
                readPrerequisites(m, f);
                read(m, Field.NW_FRAG);
                read(m, Field.ICMPV6_TYPE);
                read(m, Field.ICMPV6_CODE);
            }
            case IPV6_ND_SLL, IPV6_ND_TLL -> {
                readPrerequisites(m, f);
                read(m, Field.NW_FRAG);
                read(m, Field.ICMPV6_TYPE);
                read(m, Field.ICMPV6_CODE);
                read(m, f); // whether the old address was zero (maybe an absent option)
            }
            case TCP_SRC, TCP_DST, UDP_SRC, UDP_DST, SCTP_SRC, SCTP_DST, TCP_FLAGS, ICMPV4_TYPE, ICMPV4_CODE -> {
                readPrerequisites(m, f);
                read(m, Field.NW_FRAG);
            }
            default -> readPrerequisites(m, f);
        }
        switch (f) {
            case IN_PORT, IN_PHY_PORT, METADATA, TUNNEL_ID -> key.set(f, value);
            case NW_FRAG, IPV6_EXTHDR -> { } // derived from the headers: read-only
            case ETH_DST, ETH_SRC -> key.set(f, value);
            case ETH_TYPE -> {
                int v = (int) value & 0xffff;
                if (v == key.ethType()) return true;
                clearAboveL2(key);
                key.set(Field.ETH_TYPE, v);
                return !interpreted(v);
            }
            case VLAN_VID, VLAN_PCP, VLAN_TCI -> {
                long tci = key.get(Field.VLAN_TCI);
                if ((tci & Field.VID_PRESENT) == 0) return true;
                if (f == Field.VLAN_VID) tci = (tci & ~0xfffL) | (value & 0xfff);
                else if (f == Field.VLAN_PCP) tci = (tci & 0x1fff) | (value & 7) << 13;
                else tci = (value & 0xefff) | Field.VID_PRESENT;
                key.set(Field.VLAN_TCI, tci);
            }
            case CVLAN_TCI -> {
                if ((key.get(Field.CVLAN_TCI) & Field.VID_PRESENT) != 0) {
                    key.set(Field.CVLAN_TCI, (value & 0xefff) | Field.VID_PRESENT);
                }
            }
            case IP_PROTO -> {
                if (!isIp(key)) return true;
                int old = key.ipProto();
                int v = (int) value & 0xff;
                if (v == old) return true;
                key.set(Field.IP_PROTO, v);
                boolean later = (key.get(Field.NW_FRAG) & FlowKey.FRAG_LATER) != 0;
                if (!later) clearL4(key);
                if (key.ethType() == ETH_TYPE_IPV6) {
                    if (isExtension(v) || v == IPPROTO_NONE || isExtension(old) || old == IPPROTO_NONE) return false;
                    return later || (v != IPPROTO_TCP && v != IPPROTO_UDP && v != IPPROTO_SCTP && v != IPPROTO_ICMPV6);
                }
                return later || (v != IPPROTO_TCP && v != IPPROTO_UDP && v != IPPROTO_SCTP && v != IPPROTO_ICMP);
            }
            case TCP_SRC, TCP_DST, UDP_SRC, UDP_DST, SCTP_SRC, SCTP_DST, TCP_FLAGS, ICMPV4_TYPE, ICMPV4_CODE -> {
                if (f.prerequisites().heldBy(key) && !laterFragment(key)) key.set(f, value);
            }
            case ICMPV6_TYPE, ICMPV6_CODE -> {
                if (!f.prerequisites().heldBy(key) || laterFragment(key)) return true;
                boolean wasNd = isNd(key);
                long old = key.get(f);
                key.set(f, value);
                boolean nd = isNd(key);
                if ((wasNd || nd) && old != (value & 0xff)) {
                    w[FlowKey.W_ND_TARGET] = w[FlowKey.W_ND_TARGET + 1] = 0;
                    key.set(Field.IPV6_ND_SLL, 0);
                    key.set(Field.IPV6_ND_TLL, 0);
                    return false;
                }
            }
            case IPV6_ND_TARGET -> {
                if (f.prerequisites().heldBy(key) && isNd(key) && !laterFragment(key)) key.set128(f, value, valueLow);
            }
            case IPV6_ND_SLL, IPV6_ND_TLL -> {
                if (!f.prerequisites().heldBy(key) || !isNd(key) || laterFragment(key)) return true;
                long old = key.get(f);
                long v = value & f.valueMask;
                if (old == v) return true;
                key.set(f, v);
                return old != 0; // a zero in the key may be an absent option, which the packet editor cannot set
            }
            case IPV6_SRC, IPV6_DST -> {
                if (f.prerequisites().heldBy(key)) key.set128(f, value, valueLow);
            }
            default -> { // MPLS, PBB, IP (dscp, ecn, ttl, addresses, flow label), ARP: plain fields
                if (f.prerequisites().heldBy(key)) key.set(f, value);
            }
        }
        return true;
    }

    /** Records that the outcome read field {@code f} (all of it). */
    private static void read(long[] m, Field f) {
        if (m == null) return;
        if (f.is128()) {
            m[f.word] = -1L;
            m[f.word + 1] = -1L;
        } else {
            m[f.word] |= f.valueMask << f.shift;
        }
    }

    private static void readVlanPresent(long[] m) {
        if (m != null) m[Field.VLAN_TCI.word] |= (long) Field.VID_PRESENT << Field.VLAN_TCI.shift;
    }

    /** Records the fields {@link io.vswitch.datapath.flow.Prerequisite#heldBy} reads for {@code f}. */
    private static void readPrerequisites(long[] m, Field f) {
        if (m == null) return;
        var p = f.prerequisites();
        if (p.vlanPresent()) readVlanPresent(m);
        if (p.ethTypes().length > 0) read(m, Field.ETH_TYPE);
        if (p.ipProto() >= 0) read(m, Field.IP_PROTO);
        if (p.icmpv6Types().length > 0) read(m, Field.ICMPV6_TYPE);
    }

    private static boolean pushVlan(FlowKey key, int tpid) {
        if (tpid != ETH_TYPE_VLAN && tpid != ETH_TYPE_QINQ) return false;
        long tci = key.get(Field.VLAN_TCI);
        if ((tci & Field.VID_PRESENT) == 0) {
            key.set(Field.VLAN_TCI, Field.VID_PRESENT); // vid 0, pcp 0
            return true;
        }
        if ((key.get(Field.CVLAN_TCI) & Field.VID_PRESENT) != 0) return false; // a third tag stops the parser
        key.set(Field.CVLAN_TCI, tci); // the old outer tag becomes the inner one; the new one is a copy of it
        return true;
    }

    private static boolean popVlan(FlowKey key) {
        if ((key.get(Field.VLAN_TCI) & Field.VID_PRESENT) == 0) return true;
        int et = key.ethType();
        if ((key.get(Field.CVLAN_TCI) & Field.VID_PRESENT) != 0 && (et == ETH_TYPE_VLAN || et == ETH_TYPE_QINQ)) {
            return false; // a third tag that the parser did not walk becomes the inner tag
        }
        key.set(Field.VLAN_TCI, key.get(Field.CVLAN_TCI));
        key.set(Field.CVLAN_TCI, 0);
        return true;
    }

    private static boolean pushMpls(FlowKey key, int ethType) {
        long lse;
        if (isMpls(key)) {
            lse = key.words[FlowKey.W_MPLS_PBB] & 0xfffffeffL; // copy of the top entry, S cleared
        } else {
            long ttl = isIp(key) ? key.get(Field.NW_TTL) : PacketEditor.DEFAULT_MPLS_TTL;
            lse = 0x100 | ttl; // label 0, TC 0, bottom of stack
        }
        clearAboveL2(key);
        key.set(Field.ETH_TYPE, ethType);
        key.words[FlowKey.W_MPLS_PBB] = lse;
        return ethType == ETH_TYPE_MPLS || ethType == ETH_TYPE_MPLS_MC;
    }

    private static boolean pushPbb(FlowKey key, int ethType) {
        long itag = key.ethType() == ETH_TYPE_PBB ? key.words[FlowKey.W_MPLS_PBB] & 0x01ffffff00000000L : 0;
        clearAboveL2(key);
        key.set(Field.VLAN_TCI, 0);
        key.set(Field.CVLAN_TCI, 0);
        key.set(Field.ETH_TYPE, ethType);
        key.words[FlowKey.W_MPLS_PBB] = itag;
        return ethType == ETH_TYPE_PBB;
    }

    /** Clears everything the parser finds after the EtherType (MPLS/PBB, L3, L4), keeping the inner VLAN TCI. */
    private static void clearAboveL2(FlowKey key) {
        long[] w = key.words;
        w[FlowKey.W_MPLS_PBB] = 0;
        w[FlowKey.W_L3] = 0;
        w[FlowKey.W_IPV4] = 0;
        w[FlowKey.W_L4] = 0;
        for (int i = FlowKey.W_IPV6_SRC; i < FlowKey.W_SHA; i++) w[i] = 0;
        key.set(Field.ARP_SHA, 0);
        w[FlowKey.W_THA] = 0;
    }

    private static void clearL4(FlowKey key) {
        long[] w = key.words;
        w[FlowKey.W_L4] = 0;
        w[FlowKey.W_ND_TARGET] = w[FlowKey.W_ND_TARGET + 1] = 0;
        key.set(Field.IPV6_ND_SLL, 0);
        key.set(Field.IPV6_ND_TLL, 0);
    }

    /** EtherTypes after which the parser reads more headers (or which it treats as tags or lengths). */
    private static boolean interpreted(int ethType) {
        return ethType < ETH_TYPE_MIN || ethType == ETH_TYPE_IPV4 || ethType == ETH_TYPE_IPV6 || ethType == ETH_TYPE_ARP
                || ethType == ETH_TYPE_MPLS || ethType == ETH_TYPE_MPLS_MC || ethType == ETH_TYPE_PBB
                || ethType == ETH_TYPE_VLAN || ethType == ETH_TYPE_QINQ;
    }

    private static boolean isMpls(FlowKey key) {
        int et = key.ethType();
        return et == ETH_TYPE_MPLS || et == ETH_TYPE_MPLS_MC;
    }

    private static boolean isIp(FlowKey key) {
        int et = key.ethType();
        return et == ETH_TYPE_IPV4 || et == ETH_TYPE_IPV6;
    }

    private static boolean laterFragment(FlowKey key) {
        return (key.get(Field.NW_FRAG) & FlowKey.FRAG_LATER) != 0;
    }

    /** Whether the parser reads neighbour-discovery fields for this key (ICMPv6 NS/NA with code 0). */
    private static boolean isNd(FlowKey key) {
        if (key.ethType() != ETH_TYPE_IPV6 || key.ipProto() != IPPROTO_ICMPV6) return false;
        long type = key.get(Field.ICMPV6_TYPE);
        return (type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT) && key.get(Field.ICMPV6_CODE) == 0;
    }

    private FlowKeyEditor() {}
}
