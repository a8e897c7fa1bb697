package io.vswitch.linux.netlink;

/**
 * The rtnetlink numbers this layer and veth-bridge use: message types, flags, attribute types and
 * the sizes and offsets of the fixed headers that follow {@code struct nlmsghdr}. Each one is
 * checked against the C headers by {@code LayoutDriftTest} ({@code src/test/c/layout.c}).
 */
public final class Rtnl {
    private Rtnl() {
    }

    // ---- netlink (linux/netlink.h) ----
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    /** Not from the kernel: {@link io.vswitch.linux.NetlinkSocket#awaitEvents} reports lost notifications so. */
    public static final int NLMSG_OVERRUN = 4;
    /** Multicast group of link notifications (RTM_NEWLINK/RTM_DELLINK), a bind-time bit. */
    public static final int RTMGRP_LINK = 1;
    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_MULTI = 2;
    public static final int NLM_F_ACK = 4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_DUMP = 0x300;
    /** In an NLMSG_ERROR: the request was capped to its header / extended ack TLVs follow. */
    public static final int NLM_F_CAPPED = 0x100;
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;
    public static final int NLMSGERR_ATTR_OFFS = 2;

    // ---- message types (linux/rtnetlink.h) ----
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;
    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_DELQDISC = 37;
    public static final int RTM_GETQDISC = 38;

    // ---- address families (sys/socket.h) ----
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_BRIDGE = 7;
    public static final int AF_INET6 = 10;

    // ---- struct ifinfomsg: family u8 @0, type u16 @2, index i32 @4, flags u32 @8, change u32 @12 ----
    public static final int IFINFOMSG_SIZE = 16;
    public static final int IFI_TYPE = 2;
    public static final int IFI_INDEX = 4;
    public static final int IFI_FLAGS = 8;
    public static final int IFI_CHANGE = 12;
    public static final int IFF_UP = 1;
    public static final int IFF_LOOPBACK = 8;

    // ---- link attributes (linux/if_link.h, linux/veth.h) ----
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_LINK = 5;
    public static final int IFLA_MASTER = 10;
    public static final int IFLA_OPERSTATE = 16;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_NET_NS_PID = 19;
    public static final int IFLA_IFALIAS = 20;
    public static final int IFLA_NET_NS_FD = 28;
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    public static final int VETH_INFO_PEER = 1;
    public static final int IFLA_BR_FORWARD_DELAY = 1;
    public static final int IFLA_BR_AGEING_TIME = 4;
    public static final int IFLA_BR_STP_STATE = 5;
    public static final int IFLA_BR_VLAN_FILTERING = 7;

    // ---- struct ifaddrmsg: family u8 @0, prefixlen u8 @1, flags u8 @2, scope u8 @3, index u32 @4 ----
    public static final int IFADDRMSG_SIZE = 8;
    public static final int IFA_PREFIXLEN = 1;
    public static final int IFA_SCOPE = 3;
    public static final int IFA_INDEX = 4;
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_FLAGS = 8;
    public static final int IFA_F_NODAD = 0x02;

    // ---- struct rtmsg: family @0, dst_len @1, src_len @2, tos @3, table @4, protocol @5, scope @6, type @7, flags u32 @8 ----
    public static final int RTMSG_SIZE = 12;
    public static final int RTM_DST_LEN = 1;
    public static final int RTM_TABLE = 4;
    public static final int RTM_PROTOCOL = 5;
    public static final int RTM_SCOPE = 6;
    public static final int RTM_TYPE = 7;
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PRIORITY = 6;
    public static final int RTA_TABLE = 15;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RTPROT_KERNEL = 2;
    public static final int RTPROT_BOOT = 3;
    public static final int RTPROT_STATIC = 4;
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RT_SCOPE_LINK = 253;
    public static final int RTN_UNICAST = 1;

    // ---- struct ndmsg: family u8 @0, ifindex i32 @4, state u16 @8, flags u8 @10, type u8 @11 ----
    public static final int NDMSG_SIZE = 12;
    public static final int NDM_IFINDEX = 4;
    public static final int NDM_STATE = 8;
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    public static final int NUD_PERMANENT = 0x80;

    // ---- struct tcmsg: family u8 @0, ifindex i32 @4, handle u32 @8, parent u32 @12, info u32 @16 ----
    public static final int TCMSG_SIZE = 20;
    public static final int TCM_IFINDEX = 4;
    public static final int TCM_HANDLE = 8;
    public static final int TCM_PARENT = 12;
    public static final int TCA_KIND = 1;
    public static final int TCA_OPTIONS = 2;
    public static final long TC_H_ROOT = 0xFFFFFFFFL;
    public static final int TC_LINKLAYER_ETHERNET = 1;
    /** struct tc_ratespec: cell_log u8 @0, linklayer u8 @1, overhead u16 @2, cell_align i16 @4, mpu u16 @6, rate u32 @8. */
    public static final int TC_RATESPEC_SIZE = 12;
    public static final int RS_LINKLAYER = 1;
    public static final int RS_RATE = 8;
    /** struct tc_tbf_qopt: rate @0, peakrate @12, limit u32 @24, buffer u32 @28, mtu u32 @32. */
    public static final int TC_TBF_QOPT_SIZE = 36;
    public static final int TBF_RATE = 0;
    public static final int TBF_LIMIT = 24;
    public static final int TBF_BUFFER = 28;
    public static final int TBF_MTU = 32;
    public static final int TCA_TBF_PARMS = 1;
    public static final int TCA_TBF_RATE64 = 4;
    public static final int TCA_TBF_BURST = 6;
    /** struct tc_netem_qopt: latency @0, limit @4, loss @8, gap @12, duplicate @16, jitter @20 (all u32). */
    public static final int TC_NETEM_QOPT_SIZE = 24;
    public static final int NETEM_LIMIT = 4;
    public static final int NETEM_LOSS = 8;
    public static final int NETEM_GAP = 12;
    public static final int NETEM_DUPLICATE = 16;
    public static final int TCA_NETEM_CORR = 1;
    public static final int TCA_NETEM_REORDER = 3;
    public static final int TCA_NETEM_LATENCY64 = 10;
    public static final int TCA_NETEM_JITTER64 = 11;
}
