package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.flow.Prerequisite;

/**
 * The ovs-ofctl protocol shorthands: a bare word that stands for {@code dl_type} (and {@code nw_proto}).
 * {@code rarp} and {@code pbb} have no prerequisite table entries of their own; they only set the Ethernet type.
 */
enum ProtocolKeyword {
    IP("ip", Prerequisite.ETH_IPV4, -1),
    IPV6("ipv6", Prerequisite.ETH_IPV6, -1),
    TCP("tcp", Prerequisite.ETH_IPV4, 6),
    TCP6("tcp6", Prerequisite.ETH_IPV6, 6),
    UDP("udp", Prerequisite.ETH_IPV4, 17),
    UDP6("udp6", Prerequisite.ETH_IPV6, 17),
    SCTP("sctp", Prerequisite.ETH_IPV4, 132),
    SCTP6("sctp6", Prerequisite.ETH_IPV6, 132),
    ICMP("icmp", Prerequisite.ETH_IPV4, 1),
    ICMP6("icmp6", Prerequisite.ETH_IPV6, 58),
    ARP("arp", Prerequisite.ETH_ARP, -1),
    RARP("rarp", 0x8035, -1),
    MPLS("mpls", Prerequisite.ETH_MPLS, -1),
    MPLSM("mplsm", Prerequisite.ETH_MPLS_MC, -1),
    PBB("pbb", Prerequisite.ETH_PBB, -1);

    final String word;
    final int ethType;
    /** ip_proto the keyword implies, or -1. */
    final int ipProto;

    ProtocolKeyword(String word, int ethType, int ipProto) {
        this.word = word;
        this.ethType = ethType;
        this.ipProto = ipProto;
    }

    static ProtocolKeyword byWord(String word) {
        for (ProtocolKeyword k : values()) if (k.word.equals(word)) return k;
        return null;
    }

    /** The keyword that names exactly this (eth_type, ip_proto) pair; ipProto -1 means "no ip_proto". */
    static ProtocolKeyword of(int ethType, int ipProto) {
        for (ProtocolKeyword k : values()) if (k.ethType == ethType && k.ipProto == ipProto) return k;
        return null;
    }
}
