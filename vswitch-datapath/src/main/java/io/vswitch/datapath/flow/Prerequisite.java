package io.vswitch.datapath.flow;

/**
 * What a match must already pin down before it may match a field (OpenFlow 1.3 section 7.2.3.6):
 * e.g. tcp_src needs ip_proto=6 and eth_type 0x0800 or 0x86dd. A match that lacks them is rejected with
 * OFPBMC_BAD_PREREQ; a set-field on a packet that lacks the header is rejected with OFPBAC_MATCH_INCONSISTENT.
 *
 * @param ethTypes     eth_type values of which the match must carry exactly one (empty: no requirement)
 * @param ipProto      required ip_proto, or -1
 * @param icmpv6Types  icmpv6_type values of which the match must carry one (empty: no requirement)
 * @param vlanPresent  whether the match must require a VLAN tag (vlan_vid with OFPVID_PRESENT)
 */
public record Prerequisite(int[] ethTypes, int ipProto, int[] icmpv6Types, boolean vlanPresent) {
    public static final int ETH_IPV4 = 0x0800, ETH_ARP = 0x0806, ETH_IPV6 = 0x86dd, ETH_MPLS = 0x8847,
            ETH_MPLS_MC = 0x8848, ETH_PBB = 0x88e7, ETH_VLAN = 0x8100, ETH_QINQ = 0x88a8;

    private static final int[] NO_INTS = {};

    static final Prerequisite NONE = new Prerequisite(NO_INTS, -1, NO_INTS, false);
    static final Prerequisite VLAN = new Prerequisite(NO_INTS, -1, NO_INTS, true);
    static final Prerequisite IP_ANY = new Prerequisite(new int[] {ETH_IPV4, ETH_IPV6}, -1, NO_INTS, false);
    static final Prerequisite IPV4 = new Prerequisite(new int[] {ETH_IPV4}, -1, NO_INTS, false);
    static final Prerequisite IPV6 = new Prerequisite(new int[] {ETH_IPV6}, -1, NO_INTS, false);
    static final Prerequisite ARP = new Prerequisite(new int[] {ETH_ARP}, -1, NO_INTS, false);
    static final Prerequisite TCP = new Prerequisite(new int[] {ETH_IPV4, ETH_IPV6}, 6, NO_INTS, false);
    static final Prerequisite UDP = new Prerequisite(new int[] {ETH_IPV4, ETH_IPV6}, 17, NO_INTS, false);
    static final Prerequisite SCTP = new Prerequisite(new int[] {ETH_IPV4, ETH_IPV6}, 132, NO_INTS, false);
    static final Prerequisite ICMPV4 = new Prerequisite(new int[] {ETH_IPV4}, 1, NO_INTS, false);
    static final Prerequisite ICMPV6 = new Prerequisite(new int[] {ETH_IPV6}, 58, NO_INTS, false);
    static final Prerequisite ND_ANY = new Prerequisite(new int[] {ETH_IPV6}, 58, new int[] {135, 136}, false);
    static final Prerequisite ND_SOLICIT = new Prerequisite(new int[] {ETH_IPV6}, 58, new int[] {135}, false);
    static final Prerequisite ND_ADVERT = new Prerequisite(new int[] {ETH_IPV6}, 58, new int[] {136}, false);
    static final Prerequisite MPLS = new Prerequisite(new int[] {ETH_MPLS, ETH_MPLS_MC}, -1, NO_INTS, false);
    static final Prerequisite PBB = new Prerequisite(new int[] {ETH_PBB}, -1, NO_INTS, false);

    /** Whether a packet with this key has the header the field belongs to. */
    public boolean heldBy(FlowKey key) {
        if (vlanPresent && (key.get(Field.VLAN_VID) & Field.VID_PRESENT) == 0) return false;
        if (ethTypes.length > 0 && !contains(ethTypes, key.ethType())) return false;
        if (ipProto >= 0 && key.ipProto() != ipProto) return false;
        if (icmpv6Types.length > 0 && !contains(icmpv6Types, (int) key.get(Field.ICMPV6_TYPE))) return false;
        return true;
    }

    static boolean contains(int[] values, int v) {
        for (int x : values) if (x == v) return true;
        return false;
    }
}
