package io.vswitch.datapath.flow;

import static io.vswitch.datapath.flow.FlowKey.*;

/**
 * Every matchable and settable field: the OpenFlow 1.3 OXM basic fields (plus 1.4's pbb_uca and 1.5's tcp_flags),
 * and a few pipeline-internal fields that are in the key but have no OXM id (nw_ttl, nw_frag, cvlan_tci,
 * mpls_ttl, vlan_tci as a whole).
 *
 * <p>Each field knows where it lives in a {@link FlowKey} (word, shift, width), its OXM wire length, whether
 * OpenFlow lets it carry a mask, and the prerequisites a match on it must satisfy. {@code FieldCoverageTest}
 * fails when a field is added here but not handled by the parser, the set-field editor or the text syntax.
 */
public enum Field {
    //            oxm  bytes bits word        shift maskable prerequisites
    IN_PORT(       0,  4,  32, W_PORT,      0,  false, Prerequisite.NONE),
    IN_PHY_PORT(   1,  4,  32, W_PORT,      IN_PHY_PORT_SHIFT, false, Prerequisite.NONE),
    METADATA(      2,  8,  64, W_METADATA,  0,  true,  Prerequisite.NONE),
    ETH_DST(       3,  6,  48, W_ETH_DST,   0,  true,  Prerequisite.NONE),
    ETH_SRC(       4,  6,  48, W_ETH_SRC,   0,  true,  Prerequisite.NONE),
    ETH_TYPE(      5,  2,  16, W_ETH_DST,   ETH_TYPE_SHIFT, false, Prerequisite.NONE),
    /** 12-bit VID plus the OFPVID_PRESENT bit (0x1000): 0 means "no VLAN tag". */
    VLAN_VID(      6,  2,  13, W_ETH_SRC,   TCI_SHIFT, true,  Prerequisite.NONE),
    VLAN_PCP(      7,  1,  3,  W_ETH_SRC,   61, false, Prerequisite.VLAN),
    IP_DSCP(       8,  1,  6,  W_L3,        IP_DSCP_SHIFT,  false, Prerequisite.IP_ANY),
    IP_ECN(        9,  1,  2,  W_L3,        IP_ECN_SHIFT, false, Prerequisite.IP_ANY),
    IP_PROTO(      10, 1,  8,  W_L3,        0,  false, Prerequisite.IP_ANY),
    IPV4_SRC(      11, 4,  32, W_IPV4,      0,  true,  Prerequisite.IPV4),
    IPV4_DST(      12, 4,  32, W_IPV4,      IPV4_DST_SHIFT, true,  Prerequisite.IPV4),
    TCP_SRC(       13, 2,  16, W_L4,        0,  false, Prerequisite.TCP),
    TCP_DST(       14, 2,  16, W_L4,        TP_DST_SHIFT, false, Prerequisite.TCP),
    UDP_SRC(       15, 2,  16, W_L4,        0,  false, Prerequisite.UDP),
    UDP_DST(       16, 2,  16, W_L4,        TP_DST_SHIFT, false, Prerequisite.UDP),
    SCTP_SRC(      17, 2,  16, W_L4,        0,  false, Prerequisite.SCTP),
    SCTP_DST(      18, 2,  16, W_L4,        TP_DST_SHIFT, false, Prerequisite.SCTP),
    ICMPV4_TYPE(   19, 1,  8,  W_L4,        0,  false, Prerequisite.ICMPV4),
    ICMPV4_CODE(   20, 1,  8,  W_L4,        TP_DST_SHIFT, false, Prerequisite.ICMPV4),
    ARP_OP(        21, 2,  16, W_L4,        ARP_OP_SHIFT, false, Prerequisite.ARP),
    ARP_SPA(       22, 4,  32, W_IPV4,      0,  true,  Prerequisite.ARP),
    ARP_TPA(       23, 4,  32, W_IPV4,      IPV4_DST_SHIFT, true,  Prerequisite.ARP),
    ARP_SHA(       24, 6,  48, W_SHA,       0,  true,  Prerequisite.ARP),
    ARP_THA(       25, 6,  48, W_THA,       0,  true,  Prerequisite.ARP),
    IPV6_SRC(      26, 16, 128, W_IPV6_SRC, 0,  true,  Prerequisite.IPV6),
    IPV6_DST(      27, 16, 128, W_IPV6_DST, 0,  true,  Prerequisite.IPV6),
    IPV6_FLABEL(   28, 4,  20, W_L3,        FLABEL_SHIFT, true,  Prerequisite.IPV6),
    ICMPV6_TYPE(   29, 1,  8,  W_L4,        0,  false, Prerequisite.ICMPV6),
    ICMPV6_CODE(   30, 1,  8,  W_L4,        TP_DST_SHIFT, false, Prerequisite.ICMPV6),
    IPV6_ND_TARGET(31, 16, 128, W_ND_TARGET, 0, false, Prerequisite.ND_ANY),
    IPV6_ND_SLL(   32, 6,  48, W_SHA,       0,  false, Prerequisite.ND_SOLICIT),
    IPV6_ND_TLL(   33, 6,  48, W_THA,       0,  false, Prerequisite.ND_ADVERT),
    MPLS_LABEL(    34, 4,  20, W_MPLS_PBB,  12, false, Prerequisite.MPLS),
    MPLS_TC(       35, 1,  3,  W_MPLS_PBB,  9,  false, Prerequisite.MPLS),
    MPLS_BOS(      36, 1,  1,  W_MPLS_PBB,  8,  false, Prerequisite.MPLS),
    PBB_ISID(      37, 3,  24, W_MPLS_PBB,  PBB_ISID_SHIFT, true,  Prerequisite.PBB),
    TUNNEL_ID(     38, 8,  64, W_TUNNEL,    0,  true,  Prerequisite.NONE),
    IPV6_EXTHDR(   39, 2,  9,  W_L3,        EXTHDR_SHIFT, true,  Prerequisite.IPV6),
    PBB_UCA(       41, 1,  1,  W_MPLS_PBB,  PBB_UCA_SHIFT, false, Prerequisite.PBB),
    TCP_FLAGS(     42, 2,  12, W_L4,        TCP_FLAGS_SHIFT, true,  Prerequisite.TCP),

    // Pipeline-internal fields: in the key (so caches and dec_ttl/frag handling see them) but without an OXM id.
    NW_TTL(        -1, 1,  8,  W_L3,        NW_TTL_SHIFT, false, Prerequisite.IP_ANY),
    NW_FRAG(       -1, 1,  8,  W_L3,        NW_FRAG_SHIFT, true,  Prerequisite.IP_ANY),
    MPLS_TTL(      -1, 1,  8,  W_MPLS_PBB,  0,  false, Prerequisite.MPLS),
    /** The whole outer 802.1Q TCI as OVS's vlan_tci: pcp(3) | present(1) | vid(12). */
    VLAN_TCI(      -1, 2,  16, W_ETH_SRC,   TCI_SHIFT, true,  Prerequisite.NONE),
    /** TCI of the inner (customer) tag of an 802.1ad double-tagged frame, 0 if none. */
    CVLAN_TCI(     -1, 2,  16, W_SHA,       CVLAN_SHIFT, true,  Prerequisite.NONE);

    /** OFPVID_PRESENT: set in VLAN_VID when the packet has a VLAN tag. */
    public static final int VID_PRESENT = 0x1000;

    /** OXM field number in class OFPXMC_OPENFLOW_BASIC (0x8000), or -1 for internal fields. */
    public final int oxmField;
    /** Length of the field's value on the wire (OXM payload without mask). */
    public final int wireBytes;
    /** Significant bits (128 for IPv6 addresses, which span two key words). */
    public final int bits;
    public final int word;
    public final int shift;
    /** Whether OpenFlow lets a match carry a mask for this field. */
    public final boolean maskable;
    private final Prerequisite prerequisites;
    /** All-ones over the field's width (-1 for fields of 64 bits or more). */
    public final long valueMask;
    /** Computed once: flow-mod validation asks for it per matched field (a profile showed the lower-casing). */
    private final String oxmName;

    Field(int oxmField, int wireBytes, int bits, int word, int shift, boolean maskable, Prerequisite prerequisites) {
        this.oxmField = oxmField;
        this.wireBytes = wireBytes;
        this.bits = bits;
        this.word = word;
        this.shift = shift;
        this.maskable = maskable;
        this.prerequisites = prerequisites;
        this.valueMask = bits >= 64 ? -1L : (1L << bits) - 1;
        this.oxmName = name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean is128() {
        return bits == 128;
    }

    public boolean isOxm() {
        return oxmField >= 0;
    }

    public Prerequisite prerequisites() {
        return prerequisites;
    }

    /** Lower-case name as in OpenFlow's OXM list ("eth_dst", "ipv6_nd_target"). */
    public String oxmName() {
        return oxmName;
    }

    private static final Field[] BY_OXM = new Field[64];

    static {
        for (Field f : values()) {
            if (f.oxmField >= 0) BY_OXM[f.oxmField] = f;
        }
    }

    /** The basic-class OXM field with this number, or null. */
    public static Field byOxm(int oxmField) {
        return oxmField >= 0 && oxmField < BY_OXM.length ? BY_OXM[oxmField] : null;
    }
}
