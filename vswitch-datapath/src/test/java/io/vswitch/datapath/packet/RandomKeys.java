package io.vswitch.datapath.packet;

import static io.vswitch.datapath.flow.Field.*;
import static io.vswitch.datapath.packet.PacketParser.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import java.util.SplittableRandom;

/**
 * Random flow keys that a real packet could produce: protocol fields consistent with eth_type and ip_proto,
 * IPv6 extension headers in RFC order, no L4 in later fragments, and in_phy_port/metadata/tunnel_id zero.
 * Also random editing actions.
 */
final class RandomKeys {
    private static final int[] SPECIAL_PROTOS = {0, 1, 6, 17, 43, 44, 50, 51, 58, 59, 60, 132};
    private static final int[] SPECIAL_TYPES = {0x0800, 0x0806, 0x86dd, 0x8847, 0x8848, 0x88e7, 0x8100, 0x88a8};

    private final SplittableRandom rnd;

    RandomKeys(long seed) {
        rnd = new SplittableRandom(seed);
    }

    SplittableRandom random() {
        return rnd;
    }

    FlowKey next() {
        FlowKey k = new FlowKey();
        k.set(IN_PORT, rnd.nextLong() & 0xffffffffL);
        k.set(ETH_DST, rnd.nextLong());
        k.set(ETH_SRC, rnd.nextLong());
        int tags = rnd.nextInt(4); // 0, 1, 2 tags (3 counts as 0)
        if (tags == 1 || tags == 2) k.set(VLAN_TCI, (rnd.nextInt(0x10000) & 0xefff) | VID_PRESENT);
        if (tags == 2) k.set(CVLAN_TCI, (rnd.nextInt(0x10000) & 0xefff) | VID_PRESENT);
        int pick = rnd.nextInt(100);
        if (pick < 35) ipv4(k);
        else if (pick < 70) ipv6(k);
        else if (pick < 78) arp(k);
        else if (pick < 86) {
            k.set(ETH_TYPE, rnd.nextBoolean() ? ETH_TYPE_MPLS : ETH_TYPE_MPLS_MC);
            k.words[FlowKey.W_MPLS_PBB] = rnd.nextLong() & 0xffffffffL;
        } else if (pick < 92) {
            k.set(ETH_TYPE, ETH_TYPE_PBB);
            k.set(PBB_ISID, rnd.nextLong());
            k.set(PBB_UCA, rnd.nextLong());
        } else if (pick < 95) {
            k.set(ETH_TYPE, ETH_TYPE_NONE);
        } else {
            k.set(ETH_TYPE, otherEthType());
        }
        return k;
    }

    int otherEthType() {
        while (true) {
            int t = rnd.nextInt(ETH_TYPE_MIN, 0x10000);
            if (!contains(SPECIAL_TYPES, t)) return t;
        }
    }

    int otherProto() {
        while (true) {
            int p = rnd.nextInt(256);
            if (!contains(SPECIAL_PROTOS, p)) return p;
        }
    }

    private void arp(FlowKey k) {
        k.set(ETH_TYPE, ETH_TYPE_ARP);
        k.set(ARP_OP, rnd.nextInt(4) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(1, 3));
        k.set(ARP_SPA, rnd.nextLong());
        k.set(ARP_TPA, rnd.nextLong());
        k.set(ARP_SHA, rnd.nextLong());
        k.set(ARP_THA, rnd.nextLong());
    }

    private void ipCommon(FlowKey k) {
        k.set(IP_DSCP, rnd.nextLong());
        k.set(IP_ECN, rnd.nextLong());
        k.set(NW_TTL, rnd.nextInt(4) == 0 ? rnd.nextInt(3) : rnd.nextInt(256));
    }

    private void ipv4(FlowKey k) {
        k.set(ETH_TYPE, ETH_TYPE_IPV4);
        ipCommon(k);
        k.set(IPV4_SRC, rnd.nextLong());
        k.set(IPV4_DST, rnd.nextLong());
        int frag = rnd.nextInt(10);
        int nwFrag = frag < 7 ? 0 : frag < 9 ? FlowKey.FRAG_ANY : FlowKey.FRAG_ANY | FlowKey.FRAG_LATER;
        k.set(NW_FRAG, nwFrag);
        int[] protos = {6, 17, 132, 1};
        int proto = rnd.nextInt(5) == 0 ? otherProto() : protos[rnd.nextInt(protos.length)];
        k.set(IP_PROTO, proto);
        if ((nwFrag & FlowKey.FRAG_LATER) == 0) l4(k, proto);
    }

    private void ipv6(FlowKey k) {
        k.set(ETH_TYPE, ETH_TYPE_IPV6);
        ipCommon(k);
        k.set128(IPV6_SRC, rnd.nextLong(), rnd.nextLong());
        k.set128(IPV6_DST, rnd.nextLong(), rnd.nextLong());
        k.set(IPV6_FLABEL, rnd.nextLong());
        int ext = 0;
        if (rnd.nextInt(3) == 0) {
            ext = rnd.nextInt(64) & (EXTHDR_HOP | EXTHDR_DEST | EXTHDR_ROUTER | EXTHDR_FRAG | EXTHDR_AUTH | EXTHDR_ESP);
        }
        int nwFrag = 0;
        if ((ext & EXTHDR_FRAG) != 0) {
            nwFrag = FlowKey.FRAG_ANY;
            if (rnd.nextBoolean()) {
                nwFrag |= FlowKey.FRAG_LATER;
                ext &= ~(EXTHDR_AUTH | EXTHDR_ESP); // after a later fragment's header comes payload
            }
        }
        k.set(NW_FRAG, nwFrag);
        int proto;
        if ((ext & EXTHDR_ESP) != 0) {
            proto = IPPROTO_ESP;
        } else {
            int[] protos = {6, 17, 132, 58, 58, 59};
            proto = rnd.nextInt(6) == 0 ? otherProto() : protos[rnd.nextInt(protos.length)];
            if (proto == IPPROTO_NONE) {
                if ((nwFrag & FlowKey.FRAG_LATER) == 0) ext |= EXTHDR_NONEXT;
            }
        }
        k.set(IPV6_EXTHDR, ext);
        k.set(IP_PROTO, proto);
        if ((nwFrag & FlowKey.FRAG_LATER) == 0 && proto != IPPROTO_ESP && proto != IPPROTO_NONE) l4(k, proto);
    }

    private void l4(FlowKey k, int proto) {
        switch (proto) {
            case 6 -> {
                k.set(TCP_SRC, rnd.nextLong());
                k.set(TCP_DST, rnd.nextLong());
                k.set(TCP_FLAGS, rnd.nextLong());
            }
            case 17, 132 -> {
                k.set(UDP_SRC, rnd.nextLong());
                k.set(UDP_DST, rnd.nextLong());
            }
            case 1 -> {
                k.set(ICMPV4_TYPE, rnd.nextLong());
                k.set(ICMPV4_CODE, rnd.nextInt(3) == 0 ? rnd.nextLong() : 0);
            }
            case 58 -> {
                int t = rnd.nextInt(3);
                if (t == 0) {
                    k.set(ICMPV6_TYPE, rnd.nextLong());
                    k.set(ICMPV6_CODE, rnd.nextInt(3) == 0 ? rnd.nextLong() : 0);
                } else {
                    int type = t == 1 ? ND_NEIGHBOR_SOLICIT : ND_NEIGHBOR_ADVERT;
                    k.set(ICMPV6_TYPE, type);
                    if (rnd.nextInt(8) == 0) {
                        k.set(ICMPV6_CODE, rnd.nextInt(1, 256)); // not ND: no target
                    } else {
                        k.set128(IPV6_ND_TARGET, rnd.nextLong(), rnd.nextLong());
                        long ll = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong() & 0xffffffffffffL;
                        k.set(type == ND_NEIGHBOR_SOLICIT ? IPV6_ND_SLL : IPV6_ND_TLL, ll);
                    }
                }
            }
            default -> { }
        }
    }

    /** A random editing action (mostly set-fields, some on fields the key lacks). */
    Action action() {
        int pick = rnd.nextInt(100);
        if (pick < 55) {
            Field[] fields = Field.values();
            Field f = fields[rnd.nextInt(fields.length)];
            long v = rnd.nextLong();
            if (f == ETH_TYPE && rnd.nextInt(4) == 0) v = SPECIAL_TYPES[rnd.nextInt(SPECIAL_TYPES.length)];
            if (f == IP_PROTO && rnd.nextBoolean()) v = SPECIAL_PROTOS[rnd.nextInt(SPECIAL_PROTOS.length)];
            if ((f == ICMPV6_TYPE) && rnd.nextBoolean()) v = rnd.nextBoolean() ? 135 : 136;
            if ((f == ICMPV6_CODE || f == MPLS_TTL || f == NW_TTL) && rnd.nextBoolean()) v = rnd.nextInt(3);
            return new Action.SetField(f, v, rnd.nextLong());
        }
        return switch (pick) {
            case 55, 56, 57 -> new Action.PushVlan(rnd.nextInt(5) == 0 ? ETH_TYPE_QINQ : ETH_TYPE_VLAN);
            case 58, 59, 60 -> new Action.PopVlan();
            case 61, 62, 63 -> new Action.PushMpls(rnd.nextInt(4) == 0 ? ETH_TYPE_MPLS_MC : ETH_TYPE_MPLS);
            case 64, 65 -> new Action.PopMpls(rnd.nextBoolean() ? ETH_TYPE_IPV4 : ETH_TYPE_MPLS);
            case 66, 67 -> new Action.PushPbb(ETH_TYPE_PBB);
            case 68, 69 -> new Action.PopPbb();
            case 70, 71, 72 -> new Action.SetMplsTtl(rnd.nextInt(256));
            case 73, 74, 75, 76 -> new Action.DecMplsTtl();
            case 77, 78, 79 -> new Action.SetNwTtl(rnd.nextInt(256));
            case 80, 81, 82, 83, 84 -> new Action.DecNwTtl();
            case 85, 86, 87 -> new Action.CopyTtlOut();
            case 88, 89, 90 -> new Action.CopyTtlIn();
            case 91, 92 -> new Action.PushVlan(rnd.nextInt(0x10000)); // odd TPIDs: the key editor must say so
            case 93, 94 -> new Action.Output(rnd.nextInt(10));
            case 95 -> new Action.Group(rnd.nextInt(10));
            case 96 -> new Action.SetQueue(rnd.nextInt(10));
            default -> new Action.PushMpls(rnd.nextInt(0x10000));
        };
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
