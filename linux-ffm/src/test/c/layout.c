/*
 * Prints, as "Class.NAME value" lines, every number io.vswitch.linux hard-codes (Libc, Errno, netlink.Rtnl), as
 * the C headers on this machine define them. LayoutDriftTest compiles and runs this with gcc and
 * fails on any difference, and on any constant in Libc/Errno this program does not print.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <sys/mount.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/veth.h>
#include <linux/pkt_sched.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000 /* uapi since Linux 6.5; older libc headers lack it */
#endif

#define L(name, value) printf("Libc.%s %ld\n", name, (long) (value))
#define R(name, value) printf("Rtnl.%s %ld\n", name, (long) (value))
#define E(name) printf("Errno.%s %ld\n", #name, (long) (name))

int main(void) {
    L("AF_INET", AF_INET); L("AF_PACKET", AF_PACKET); L("SOCK_DGRAM", SOCK_DGRAM); L("SOCK_RAW", SOCK_RAW);
    L("SOCK_NONBLOCK", SOCK_NONBLOCK); L("SOCK_CLOEXEC", SOCK_CLOEXEC); L("ETH_P_ALL", ETH_P_ALL);
    L("SOL_SOCKET", SOL_SOCKET); L("SOL_PACKET", SOL_PACKET); L("SO_SNDBUF", SO_SNDBUF); L("SO_RCVBUF", SO_RCVBUF);
    L("SO_SNDBUFFORCE", SO_SNDBUFFORCE); L("SO_RCVBUFFORCE", SO_RCVBUFFORCE);
    L("SO_MEMINFO", SO_MEMINFO); L("SK_MEMINFO_RMEM_ALLOC", SK_MEMINFO_RMEM_ALLOC);
    L("PACKET_STATISTICS", PACKET_STATISTICS); L("PACKET_AUXDATA", PACKET_AUXDATA);
    L("PACKET_QDISC_BYPASS", PACKET_QDISC_BYPASS); L("PACKET_IGNORE_OUTGOING", PACKET_IGNORE_OUTGOING);
    L("PACKET_VNET_HDR", PACKET_VNET_HDR);
    L("PACKET_FANOUT", PACKET_FANOUT); L("PACKET_FANOUT_DATA", PACKET_FANOUT_DATA);
    L("PACKET_FANOUT_CBPF", PACKET_FANOUT_CBPF); L("PACKET_FANOUT_FLAG_UNIQUEID", PACKET_FANOUT_FLAG_UNIQUEID);
    L("PACKET_FANOUT_FLAG_IGNORE_OUTGOING", PACKET_FANOUT_FLAG_IGNORE_OUTGOING);
    L("SO_ATTACH_FILTER", SO_ATTACH_FILTER); L("SO_DETACH_FILTER", SO_DETACH_FILTER);
    L("SOCK_FILTER_SIZE", sizeof(struct sock_filter)); L("SOCK_FPROG_SIZE", sizeof(struct sock_fprog));
    L("FPROG_FILTER", offsetof(struct sock_fprog, filter)); L("BPF_RET_K", BPF_RET | BPF_K);
    L("PACKET_VERSION", PACKET_VERSION); L("PACKET_RX_RING", PACKET_RX_RING); L("TPACKET_V3", TPACKET_V3);
    L("TP_STATUS_KERNEL", TP_STATUS_KERNEL); L("TP_STATUS_USER", TP_STATUS_USER); L("TP_STATUS_COPY", TP_STATUS_COPY);
    L("PROT_READ", PROT_READ); L("PROT_WRITE", PROT_WRITE); L("MAP_SHARED", MAP_SHARED);
    L("MSG_CTRUNC", MSG_CTRUNC); L("MSG_TRUNC", MSG_TRUNC); L("MSG_DONTWAIT", MSG_DONTWAIT);
    L("TP_STATUS_VLAN_VALID", TP_STATUS_VLAN_VALID); L("TP_STATUS_VLAN_TPID_VALID", TP_STATUS_VLAN_TPID_VALID);
    L("EPOLL_CLOEXEC", EPOLL_CLOEXEC); L("EPOLL_CTL_ADD", EPOLL_CTL_ADD); L("EPOLL_CTL_DEL", EPOLL_CTL_DEL);
    L("EPOLLIN", EPOLLIN); L("EFD_NONBLOCK", EFD_NONBLOCK); L("EFD_CLOEXEC", EFD_CLOEXEC);
    L("SIOCGIFFLAGS", SIOCGIFFLAGS); L("SIOCSIFFLAGS", SIOCSIFFLAGS); L("SIOCGIFMTU", SIOCGIFMTU);
    L("SIOCGIFHWADDR", SIOCGIFHWADDR); L("TUNSETIFF", TUNSETIFF); L("IFF_UP", IFF_UP); L("IFF_RUNNING", IFF_RUNNING);
    L("IFF_TAP", IFF_TAP); L("IFF_NO_PI", IFF_NO_PI); L("O_RDWR", O_RDWR); L("O_NONBLOCK", O_NONBLOCK);
    L("O_CLOEXEC", O_CLOEXEC); L("IFNAMSIZ", IFNAMSIZ);
    L("AF_NETLINK", AF_NETLINK); L("NETLINK_ROUTE", NETLINK_ROUTE); L("SOL_NETLINK", SOL_NETLINK);
    L("NETLINK_CAP_ACK", NETLINK_CAP_ACK); L("NETLINK_EXT_ACK", NETLINK_EXT_ACK);
    L("NETLINK_GET_STRICT_CHK", NETLINK_GET_STRICT_CHK);
    L("SOCKADDR_NL_SIZE", sizeof(struct sockaddr_nl)); L("NL_PID", offsetof(struct sockaddr_nl, nl_pid));
    L("NL_GROUPS", offsetof(struct sockaddr_nl, nl_groups)); L("SO_RCVTIMEO", SO_RCVTIMEO);
    L("CLONE_NEWNET", CLONE_NEWNET); L("MS_BIND", MS_BIND); L("MS_REC", MS_REC); L("MS_SHARED", MS_SHARED);
    L("MNT_DETACH", MNT_DETACH); L("O_RDONLY", O_RDONLY); L("O_CREAT", O_CREAT); L("O_EXCL", O_EXCL);

    L("SOCKADDR_LL_SIZE", sizeof(struct sockaddr_ll)); L("SLL_FAMILY", offsetof(struct sockaddr_ll, sll_family));
    L("SLL_PROTOCOL", offsetof(struct sockaddr_ll, sll_protocol)); L("SLL_IFINDEX", offsetof(struct sockaddr_ll, sll_ifindex));
    L("IOVEC_SIZE", sizeof(struct iovec)); L("IOV_BASE", offsetof(struct iovec, iov_base)); L("IOV_LEN", offsetof(struct iovec, iov_len));
    L("MMSGHDR_SIZE", sizeof(struct mmsghdr));
    L("MSG_NAME", offsetof(struct mmsghdr, msg_hdr.msg_name)); L("MSG_NAMELEN", offsetof(struct mmsghdr, msg_hdr.msg_namelen));
    L("MSG_IOV", offsetof(struct mmsghdr, msg_hdr.msg_iov)); L("MSG_IOVLEN", offsetof(struct mmsghdr, msg_hdr.msg_iovlen));
    L("MSG_CONTROL", offsetof(struct mmsghdr, msg_hdr.msg_control));
    L("MSG_CONTROLLEN", offsetof(struct mmsghdr, msg_hdr.msg_controllen));
    L("MSG_FLAGS", offsetof(struct mmsghdr, msg_hdr.msg_flags)); L("MSG_LEN", offsetof(struct mmsghdr, msg_len));
    L("CMSG_LEN_OFF", offsetof(struct cmsghdr, cmsg_len)); L("CMSG_LEVEL", offsetof(struct cmsghdr, cmsg_level));
    L("CMSG_TYPE", offsetof(struct cmsghdr, cmsg_type)); L("CMSG_DATA", CMSG_LEN(0));
    L("CMSG_SPACE_AUXDATA", CMSG_SPACE(sizeof(struct tpacket_auxdata)));
    L("AUX_STATUS", offsetof(struct tpacket_auxdata, tp_status));
    L("AUX_VLAN_TCI", offsetof(struct tpacket_auxdata, tp_vlan_tci));
    L("AUX_VLAN_TPID", offsetof(struct tpacket_auxdata, tp_vlan_tpid));
    L("TPACKET_STATS_SIZE", sizeof(struct tpacket_stats)); L("TP_PACKETS", offsetof(struct tpacket_stats, tp_packets));
    L("TP_DROPS", offsetof(struct tpacket_stats, tp_drops));
    L("TPACKET_REQ3_SIZE", sizeof(struct tpacket_req3));
    L("REQ3_BLOCK_SIZE", offsetof(struct tpacket_req3, tp_block_size)); L("REQ3_BLOCK_NR", offsetof(struct tpacket_req3, tp_block_nr));
    L("REQ3_FRAME_SIZE", offsetof(struct tpacket_req3, tp_frame_size)); L("REQ3_FRAME_NR", offsetof(struct tpacket_req3, tp_frame_nr));
    L("REQ3_RETIRE_BLK_TOV", offsetof(struct tpacket_req3, tp_retire_blk_tov));
    L("REQ3_SIZEOF_PRIV", offsetof(struct tpacket_req3, tp_sizeof_priv));
    L("REQ3_FEATURE_REQ_WORD", offsetof(struct tpacket_req3, tp_feature_req_word));
    L("BD_BLOCK_STATUS", offsetof(struct tpacket_block_desc, hdr.bh1.block_status));
    L("BD_NUM_PKTS", offsetof(struct tpacket_block_desc, hdr.bh1.num_pkts));
    L("BD_FIRST_PKT", offsetof(struct tpacket_block_desc, hdr.bh1.offset_to_first_pkt));
    L("TPACKET3_HDR_SIZE", sizeof(struct tpacket3_hdr)); L("T3_NEXT_OFFSET", offsetof(struct tpacket3_hdr, tp_next_offset));
    L("T3_SNAPLEN", offsetof(struct tpacket3_hdr, tp_snaplen)); L("T3_LEN", offsetof(struct tpacket3_hdr, tp_len));
    L("T3_STATUS", offsetof(struct tpacket3_hdr, tp_status)); L("T3_MAC", offsetof(struct tpacket3_hdr, tp_mac));
    L("T3_VLAN_TCI", offsetof(struct tpacket3_hdr, hv1.tp_vlan_tci)); L("T3_VLAN_TPID", offsetof(struct tpacket3_hdr, hv1.tp_vlan_tpid));
    L("EPOLL_EVENT_SIZE", sizeof(struct epoll_event)); L("EPOLL_EVENTS", offsetof(struct epoll_event, events));
    L("EPOLL_DATA", offsetof(struct epoll_event, data));
    L("IFREQ_SIZE", sizeof(struct ifreq)); L("IFR_UNION", offsetof(struct ifreq, ifr_flags));
    L("IFR_HWADDR_DATA", offsetof(struct ifreq, ifr_hwaddr.sa_data));

    R("NLMSG_HDRLEN", NLMSG_HDRLEN);
    R("NLA_HDRLEN", NLA_HDRLEN);
    R("NLA_F_NESTED", NLA_F_NESTED);
    R("NLMSG_NOOP", NLMSG_NOOP);
    R("NLMSG_ERROR", NLMSG_ERROR);
    R("NLMSG_DONE", NLMSG_DONE);
    R("NLMSG_OVERRUN", NLMSG_OVERRUN);
    R("RTMGRP_LINK", RTMGRP_LINK);
    R("NLM_F_REQUEST", NLM_F_REQUEST);
    R("NLM_F_MULTI", NLM_F_MULTI);
    R("NLM_F_ACK", NLM_F_ACK);
    R("NLM_F_DUMP_INTR", NLM_F_DUMP_INTR);
    R("NLM_F_REPLACE", NLM_F_REPLACE);
    R("NLM_F_EXCL", NLM_F_EXCL);
    R("NLM_F_CREATE", NLM_F_CREATE);
    R("NLM_F_DUMP", NLM_F_DUMP);
    R("NLM_F_CAPPED", NLM_F_CAPPED);
    R("NLM_F_ACK_TLVS", NLM_F_ACK_TLVS);
    R("NLMSGERR_ATTR_MSG", NLMSGERR_ATTR_MSG);
    R("NLMSGERR_ATTR_OFFS", NLMSGERR_ATTR_OFFS);
    R("RTM_NEWLINK", RTM_NEWLINK);
    R("RTM_DELLINK", RTM_DELLINK);
    R("RTM_GETLINK", RTM_GETLINK);
    R("RTM_SETLINK", RTM_SETLINK);
    R("RTM_NEWADDR", RTM_NEWADDR);
    R("RTM_DELADDR", RTM_DELADDR);
    R("RTM_GETADDR", RTM_GETADDR);
    R("RTM_NEWROUTE", RTM_NEWROUTE);
    R("RTM_DELROUTE", RTM_DELROUTE);
    R("RTM_GETROUTE", RTM_GETROUTE);
    R("RTM_NEWNEIGH", RTM_NEWNEIGH);
    R("RTM_DELNEIGH", RTM_DELNEIGH);
    R("RTM_GETNEIGH", RTM_GETNEIGH);
    R("RTM_NEWQDISC", RTM_NEWQDISC);
    R("RTM_DELQDISC", RTM_DELQDISC);
    R("RTM_GETQDISC", RTM_GETQDISC);
    R("AF_UNSPEC", AF_UNSPEC);
    R("AF_INET", AF_INET);
    R("AF_BRIDGE", AF_BRIDGE);
    R("AF_INET6", AF_INET6);
    R("IFINFOMSG_SIZE", sizeof(struct ifinfomsg));
    R("IFI_TYPE", offsetof(struct ifinfomsg, ifi_type));
    R("IFI_INDEX", offsetof(struct ifinfomsg, ifi_index));
    R("IFI_FLAGS", offsetof(struct ifinfomsg, ifi_flags));
    R("IFI_CHANGE", offsetof(struct ifinfomsg, ifi_change));
    R("IFF_UP", IFF_UP);
    R("IFF_LOOPBACK", IFF_LOOPBACK);
    R("IFLA_ADDRESS", IFLA_ADDRESS);
    R("IFLA_IFNAME", IFLA_IFNAME);
    R("IFLA_MTU", IFLA_MTU);
    R("IFLA_LINK", IFLA_LINK);
    R("IFLA_MASTER", IFLA_MASTER);
    R("IFLA_OPERSTATE", IFLA_OPERSTATE);
    R("IFLA_LINKINFO", IFLA_LINKINFO);
    R("IFLA_NET_NS_PID", IFLA_NET_NS_PID);
    R("IFLA_IFALIAS", IFLA_IFALIAS);
    R("IFLA_NET_NS_FD", IFLA_NET_NS_FD);
    R("IFLA_INFO_KIND", IFLA_INFO_KIND);
    R("IFLA_INFO_DATA", IFLA_INFO_DATA);
    R("VETH_INFO_PEER", VETH_INFO_PEER);
    R("IFLA_BR_FORWARD_DELAY", IFLA_BR_FORWARD_DELAY);
    R("IFLA_BR_AGEING_TIME", IFLA_BR_AGEING_TIME);
    R("IFLA_BR_STP_STATE", IFLA_BR_STP_STATE);
    R("IFLA_BR_VLAN_FILTERING", IFLA_BR_VLAN_FILTERING);
    R("IFADDRMSG_SIZE", sizeof(struct ifaddrmsg));
    R("IFA_PREFIXLEN", offsetof(struct ifaddrmsg, ifa_prefixlen));
    R("IFA_SCOPE", offsetof(struct ifaddrmsg, ifa_scope));
    R("IFA_INDEX", offsetof(struct ifaddrmsg, ifa_index));
    R("IFA_ADDRESS", IFA_ADDRESS);
    R("IFA_LOCAL", IFA_LOCAL);
    R("IFA_FLAGS", IFA_FLAGS);
    R("IFA_F_NODAD", IFA_F_NODAD);
    R("RTMSG_SIZE", sizeof(struct rtmsg));
    R("RTM_DST_LEN", offsetof(struct rtmsg, rtm_dst_len));
    R("RTM_TABLE", offsetof(struct rtmsg, rtm_table));
    R("RTM_PROTOCOL", offsetof(struct rtmsg, rtm_protocol));
    R("RTM_SCOPE", offsetof(struct rtmsg, rtm_scope));
    R("RTM_TYPE", offsetof(struct rtmsg, rtm_type));
    R("RTA_DST", RTA_DST);
    R("RTA_OIF", RTA_OIF);
    R("RTA_GATEWAY", RTA_GATEWAY);
    R("RTA_PRIORITY", RTA_PRIORITY);
    R("RTA_TABLE", RTA_TABLE);
    R("RT_TABLE_MAIN", RT_TABLE_MAIN);
    R("RTPROT_KERNEL", RTPROT_KERNEL);
    R("RTPROT_BOOT", RTPROT_BOOT);
    R("RTPROT_STATIC", RTPROT_STATIC);
    R("RT_SCOPE_UNIVERSE", RT_SCOPE_UNIVERSE);
    R("RT_SCOPE_LINK", RT_SCOPE_LINK);
    R("RTN_UNICAST", RTN_UNICAST);
    R("NDMSG_SIZE", sizeof(struct ndmsg));
    R("NDM_IFINDEX", offsetof(struct ndmsg, ndm_ifindex));
    R("NDM_STATE", offsetof(struct ndmsg, ndm_state));
    R("NDA_DST", NDA_DST);
    R("NDA_LLADDR", NDA_LLADDR);
    R("NUD_PERMANENT", NUD_PERMANENT);
    R("TCMSG_SIZE", sizeof(struct tcmsg));
    R("TCM_IFINDEX", offsetof(struct tcmsg, tcm_ifindex));
    R("TCM_HANDLE", offsetof(struct tcmsg, tcm_handle));
    R("TCM_PARENT", offsetof(struct tcmsg, tcm_parent));
    R("TCA_KIND", TCA_KIND);
    R("TCA_OPTIONS", TCA_OPTIONS);
    R("TC_H_ROOT", (unsigned long) TC_H_ROOT);
    R("TC_LINKLAYER_ETHERNET", TC_LINKLAYER_ETHERNET);
    R("TC_RATESPEC_SIZE", sizeof(struct tc_ratespec));
    R("RS_LINKLAYER", offsetof(struct tc_ratespec, linklayer));
    R("RS_RATE", offsetof(struct tc_ratespec, rate));
    R("TC_TBF_QOPT_SIZE", sizeof(struct tc_tbf_qopt));
    R("TBF_RATE", offsetof(struct tc_tbf_qopt, rate));
    R("TBF_LIMIT", offsetof(struct tc_tbf_qopt, limit));
    R("TBF_BUFFER", offsetof(struct tc_tbf_qopt, buffer));
    R("TBF_MTU", offsetof(struct tc_tbf_qopt, mtu));
    R("TCA_TBF_PARMS", TCA_TBF_PARMS);
    R("TCA_TBF_RATE64", TCA_TBF_RATE64);
    R("TCA_TBF_BURST", TCA_TBF_BURST);
    R("TC_NETEM_QOPT_SIZE", sizeof(struct tc_netem_qopt));
    R("NETEM_LIMIT", offsetof(struct tc_netem_qopt, limit));
    R("NETEM_LOSS", offsetof(struct tc_netem_qopt, loss));
    R("NETEM_GAP", offsetof(struct tc_netem_qopt, gap));
    R("NETEM_DUPLICATE", offsetof(struct tc_netem_qopt, duplicate));
    R("TCA_NETEM_CORR", TCA_NETEM_CORR);
    R("TCA_NETEM_REORDER", TCA_NETEM_REORDER);
    R("TCA_NETEM_LATENCY64", TCA_NETEM_LATENCY64);
    R("TCA_NETEM_JITTER64", TCA_NETEM_JITTER64);

    E(EPERM); E(ENOENT); E(EINTR); E(EIO); E(ENXIO); E(EBADF); E(EAGAIN); E(ENOMEM); E(EACCES); E(EFAULT);
    E(EBUSY); E(EEXIST); E(ENODEV); E(EINVAL); E(EMFILE); E(ENOSPC); E(EMSGSIZE); E(ENOPROTOOPT);
    E(EPROTONOSUPPORT); E(EOPNOTSUPP); E(EAFNOSUPPORT); E(ENETDOWN); E(ESRCH); E(ERANGE); E(EADDRNOTAVAIL); E(ENETUNREACH); E(ENOBUFS); E(ENOTCONN);
    return 0;
}
