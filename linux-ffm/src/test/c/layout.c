/*
 * Prints, as "Class.NAME value" lines, every number io.vswitch.linux hard-codes (Libc, Errno), as
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

#define L(name, value) printf("Libc.%s %ld\n", name, (long) (value))
#define E(name) printf("Errno.%s %ld\n", #name, (long) (name))

int main(void) {
    L("AF_INET", AF_INET); L("AF_PACKET", AF_PACKET); L("SOCK_DGRAM", SOCK_DGRAM); L("SOCK_RAW", SOCK_RAW);
    L("SOCK_NONBLOCK", SOCK_NONBLOCK); L("SOCK_CLOEXEC", SOCK_CLOEXEC); L("ETH_P_ALL", ETH_P_ALL);
    L("SOL_SOCKET", SOL_SOCKET); L("SOL_PACKET", SOL_PACKET); L("SO_SNDBUF", SO_SNDBUF); L("SO_RCVBUF", SO_RCVBUF);
    L("SO_SNDBUFFORCE", SO_SNDBUFFORCE); L("SO_RCVBUFFORCE", SO_RCVBUFFORCE);
    L("PACKET_STATISTICS", PACKET_STATISTICS); L("PACKET_AUXDATA", PACKET_AUXDATA);
    L("PACKET_QDISC_BYPASS", PACKET_QDISC_BYPASS); L("PACKET_IGNORE_OUTGOING", PACKET_IGNORE_OUTGOING);
    L("PACKET_VNET_HDR", PACKET_VNET_HDR);
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

    E(EPERM); E(ENOENT); E(EINTR); E(EIO); E(ENXIO); E(EBADF); E(EAGAIN); E(ENOMEM); E(EACCES); E(EFAULT);
    E(EBUSY); E(EEXIST); E(ENODEV); E(EINVAL); E(EMFILE); E(ENOSPC); E(EMSGSIZE); E(ENOPROTOOPT);
    E(EPROTONOSUPPORT); E(EOPNOTSUPP); E(EAFNOSUPPORT); E(ENETDOWN); E(ENOBUFS); E(ENOTCONN);
    return 0;
}
