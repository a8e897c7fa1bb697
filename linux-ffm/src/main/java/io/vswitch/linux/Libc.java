package io.vswitch.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into glibc, one {@code static final} {@link MethodHandle} per function, and the
 * constants and struct layouts this package uses.
 *
 * <h2>errno</h2>
 * A Java thread may run arbitrary JVM code between a downcall's return and a later read of
 * {@code errno}, so errno is only reliable when the linker captures it
 * ({@link Linker.Option#captureCallState}). Handles named {@code *_E} take a capture segment as
 * their first argument; read it with {@link #errno(MemorySegment)}.
 *
 * <p>Measured on JDK 25.0.3 (a 20,000-call loop after warm-up): a capturing downcall allocates
 * 40 bytes per call, whatever arena holds the capture segment; a plain one allocates nothing.
 * So the hot handles ({@link #RECVMMSG}, {@link #SENDMMSG}, {@link #READ_AT}, {@link #WRITE_AT},
 * epoll_wait) do not capture. Their callers treat -1 as "nothing now" (EAGAIN/ENOBUFS) and only
 * every {@link #ERRNO_CHECK_INTERVAL}-th consecutive -1 repeat the non-blocking call through
 * the capturing twin to learn why: a persistent error (ENETDOWN, EBADF) is thrown within that
 * many calls, and the idle poll costs 40 / 64 bytes per call on average.
 *
 * <h2>Verified numbers</h2>
 * Every constant, size and offset below was checked on this machine (x86_64, glibc 2.36,
 * kernel 6.18) with a C program printing {@code sizeof}/{@code offsetof}/the macro values; do
 * not change one without checking it the same way.
 */
final class Libc {
    private Libc() {
    }

    /**
     * Hot calls check errno on every this-many-th consecutive failure (a power of two); see the
     * class comment. A policy, not a kernel number.
     */
    static final int ERRNO_CHECK_INTERVAL = 64;
    static final int ERRNO_CHECK_MASK = ERRNO_CHECK_INTERVAL - 1;

    // ---- constants (checked with a C program: see class comment) ----
    static final int AF_INET = 2;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;    // 2048
    static final int SOCK_CLOEXEC = 0x80000;   // 524288
    static final int ETH_P_ALL = 3;
    static final int SOL_SOCKET = 1;
    static final int SOL_PACKET = 263;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_MEMINFO = 55;
    /** Index of sk_rmem_alloc (bytes queued for reading) in SO_MEMINFO's array of u32. */
    static final int SK_MEMINFO_RMEM_ALLOC = 0;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_AUXDATA = 8;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_FANOUT_DATA = 22;
    static final int PACKET_FANOUT_CBPF = 6;
    static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    /** Linux 6.5+; newer than this machine's libc headers (layout.c defines it when they lack it). */
    static final int PACKET_FANOUT_FLAG_IGNORE_OUTGOING = 0x4000;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_DETACH_FILTER = 27;
    /** struct sock_filter (8 bytes: code u16, jt u8, jf u8, k u32) and struct sock_fprog (len u16, filter ptr @8). */
    static final long SOCK_FILTER_SIZE = 8, SOCK_FPROG_SIZE = 16, FPROG_FILTER = 8;
    static final int BPF_RET_K = 0x06;
    /** linux/if_packet.h: prefix every frame with a struct virtio_net_hdr (checksum/GSO offload state). */
    static final int PACKET_VNET_HDR = 15;
    /** linux/if_packet.h: ring version (before PACKET_RX_RING) and the receive ring itself. */
    static final int PACKET_VERSION = 10;
    static final int PACKET_RX_RING = 5;
    static final int TPACKET_V3 = 2;
    /** Block status words of a TPACKET_V3 ring; TP_STATUS_COPY (2) in a frame header: snaplen was cut. */
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_COPY = 2;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MSG_CTRUNC = 8;
    static final int MSG_TRUNC = 32;
    static final int MSG_DONTWAIT = 64;
    static final int TP_STATUS_VLAN_VALID = 16;
    static final int TP_STATUS_VLAN_TPID_VALID = 64;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 1;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final long SIOCGIFFLAGS = 0x8913;   // 35091
    static final long SIOCSIFFLAGS = 0x8914;   // 35092
    static final long SIOCGIFMTU = 0x8921;     // 35105
    static final long SIOCGIFHWADDR = 0x8927;  // 35111
    static final long TUNSETIFF = 0x400454caL; // 1074025674
    static final int IFF_UP = 1;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_TAP = 2;
    static final int IFF_NO_PI = 0x1000;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int IFNAMSIZ = 16;
    /** Netlink (netlink(7)): the routing family, its socket option level and options. */
    static final int AF_NETLINK = 16;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int NETLINK_GET_STRICT_CHK = 12;
    /** struct sockaddr_nl: family u16 @0, pad u16, pid u32 @4, groups u32 @8; 12 bytes. */
    static final long SOCKADDR_NL_SIZE = 12;
    static final long NL_PID = 4;
    static final long NL_GROUPS = 8;
    /** Namespaces and mounts (setns(2), unshare(2), mount(2), umount2(2), open(2)). */
    static final int CLONE_NEWNET = 0x40000000;
    static final int MS_BIND = 4096;
    static final int MS_REC = 16384;
    static final int MS_SHARED = 1 << 20;
    static final int MNT_DETACH = 2;
    static final int O_RDONLY = 0;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;

    // ---- struct sizes and offsets (checked with a C program: see class comment) ----
    /** struct sockaddr_ll: family u16 @0, protocol be16 @2, ifindex int @4; 20 bytes. */
    static final long SOCKADDR_LL_SIZE = 20;
    static final long SLL_FAMILY = 0;
    static final long SLL_PROTOCOL = 2;
    static final long SLL_IFINDEX = 4;
    /** struct iovec: base ptr @0, len size_t @8; 16 bytes. */
    static final long IOVEC_SIZE = 16;
    static final long IOV_BASE = 0;
    static final long IOV_LEN = 8;
    /** struct mmsghdr: struct msghdr (56 bytes) then msg_len u32 @56; 64 bytes. */
    static final long MMSGHDR_SIZE = 64;
    static final long MSG_NAME = 0;
    static final long MSG_NAMELEN = 8;
    static final long MSG_IOV = 16;
    static final long MSG_IOVLEN = 24;
    static final long MSG_CONTROL = 32;
    static final long MSG_CONTROLLEN = 40;
    static final long MSG_FLAGS = 48;
    static final long MSG_LEN = 56;
    /** struct cmsghdr: len size_t @0, level int @8, type int @12, data @16 (CMSG_LEN(0) = 16). */
    static final long CMSG_LEN_OFF = 0;
    static final long CMSG_LEVEL = 8;
    static final long CMSG_TYPE = 12;
    static final long CMSG_DATA = 16;
    /** CMSG_SPACE(sizeof(struct tpacket_auxdata)) = 40. */
    static final long CMSG_SPACE_AUXDATA = 40;
    /** struct tpacket_auxdata: status u32 @0, len @4, snaplen @8, mac u16 @12, net u16 @14, vlan_tci u16 @16, vlan_tpid u16 @18; 20 bytes. */
    static final long AUX_STATUS = 0;
    static final long AUX_VLAN_TCI = 16;
    static final long AUX_VLAN_TPID = 18;
    /** struct tpacket_stats: tp_packets u32 @0, tp_drops u32 @4; 8 bytes. */
    static final long TPACKET_STATS_SIZE = 8;
    static final long TP_PACKETS = 0;
    static final long TP_DROPS = 4;
    /** struct tpacket_req3: block_size @0, block_nr @4, frame_size @8, frame_nr @12, retire_blk_tov @16, sizeof_priv @20, feature_req_word @24; 28 bytes. */
    static final long TPACKET_REQ3_SIZE = 28;
    static final long REQ3_BLOCK_SIZE = 0;
    static final long REQ3_BLOCK_NR = 4;
    static final long REQ3_FRAME_SIZE = 8;
    static final long REQ3_FRAME_NR = 12;
    static final long REQ3_RETIRE_BLK_TOV = 16;
    static final long REQ3_SIZEOF_PRIV = 20;
    static final long REQ3_FEATURE_REQ_WORD = 24;
    /** struct tpacket_block_desc (hdr.bh1): block_status u32 @8, num_pkts u32 @12, offset_to_first_pkt u32 @16. */
    static final long BD_BLOCK_STATUS = 8;
    static final long BD_NUM_PKTS = 12;
    static final long BD_FIRST_PKT = 16;
    /** struct tpacket3_hdr: next_offset u32 @0, snaplen u32 @12, len u32 @16, status u32 @20, mac u16 @24, hv1.vlan_tci u32 @32, hv1.vlan_tpid u16 @36; 48 bytes. */
    static final long TPACKET3_HDR_SIZE = 48;
    static final long T3_NEXT_OFFSET = 0;
    static final long T3_SNAPLEN = 12;
    static final long T3_LEN = 16;
    static final long T3_STATUS = 20;
    static final long T3_MAC = 24;
    static final long T3_VLAN_TCI = 32;
    static final long T3_VLAN_TPID = 36;
    /** struct epoll_event is packed on x86_64: events u32 @0, data u64 @4; 12 bytes. */
    static final long EPOLL_EVENT_SIZE = 12;
    static final long EPOLL_EVENTS = 0;
    static final long EPOLL_DATA = 4;
    /** struct ifreq: name[16] @0, union (flags short / mtu int / hwaddr sockaddr) @16; 40 bytes. */
    static final long IFREQ_SIZE = 40;
    static final long IFR_UNION = 16;
    /** sockaddr in ifr_hwaddr: sa_family u16 then sa_data: the MAC starts 2 bytes into the union. */
    static final long IFR_HWADDR_DATA = IFR_UNION + 2;

    static {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            // epoll_event is packed only on x86_64; the other numbers were checked there too.
            throw new ExceptionInInitializerError("io.vswitch.linux was checked on x86_64 only, not on "
                    + System.getProperty("os.arch"));
        }
    }

    // ---- errno capture ----
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    /** The errno a capturing downcall stored in {@code capture}. */
    static int errno(MemorySegment capture) {
        return capture.get(JAVA_INT, ERRNO_OFFSET);
    }

    // Restricted: this class is where the module's native access is concentrated; every handle's
    // descriptor matches the glibc prototype (checked against the man pages and headers).
    @SuppressWarnings("restricted")
    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    // ---- handles; *_E ones take a capture segment first ----
    static final MethodHandle SOCKET_E = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle BIND_E = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    static final MethodHandle SETSOCKOPT_E = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    static final MethodHandle GETSOCKOPT_E = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE);
    static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle RECVMMSG = handle("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle RECVMMSG_E = handle("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE);
    static final MethodHandle SENDMMSG = handle("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle SENDMMSG_E = handle("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle EPOLL_CREATE1_E = handle("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle EPOLL_CTL_E = handle("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE);
    static final MethodHandle EPOLL_WAIT = handle("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle EPOLL_WAIT_E = handle("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle EVENTFD_E = handle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle READ_E = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE);
    static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE_E = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE);
    /**
     * read/write with the buffer passed as a raw address ({@code long}): on x86_64 a pointer and a
     * 64-bit integer travel in the same register, and the caller (which checked bounds against a
     * live segment) need not create a segment view per frame.
     */
    static final MethodHandle READ_AT = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle READ_AT_E = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE);
    static final MethodHandle WRITE_AT = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle WRITE_AT_E = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE);
    /** ioctl(int, unsigned long, ...) is variadic: the third argument is the first variadic one. */
    static final MethodHandle IOCTL_E = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2), CAPTURE);
    /** open(const char *, int, ...) is variadic; we never pass a mode. */
    static final MethodHandle OPEN_E = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    static final MethodHandle IF_NAMETOINDEX_E = handle("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS), CAPTURE);
    /** mmap(void *, size_t, int, int, int, off_t) returning the address as a zero-length segment (MAP_FAILED = -1). */
    static final MethodHandle MMAP_E = handle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE);
    static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    /** open(path, flags, mode): the variadic mode passed (for O_CREAT). */
    static final MethodHandle OPEN3_E = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), CAPTURE);
    static final MethodHandle SEND_E = handle("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE);
    static final MethodHandle RECV_E = handle("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE);
    static final MethodHandle SETNS_E = handle("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle UNSHARE_E = handle("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE);
    static final MethodHandle MOUNT_E = handle("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), CAPTURE);
    static final MethodHandle UMOUNT2_E = handle("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    static final MethodHandle STRERROR = handle("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    // ---- typed wrappers (invokeExact through static finals: inlined by the JIT) ----

    static int socket(MemorySegment cap, int domain, int type, int protocol) {
        try {
            return (int) SOCKET_E.invokeExact(cap, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment cap, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND_E.invokeExact(cap, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT_E.invokeExact(cap, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT_E.invokeExact(cap, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int recvmmsg(int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(fd, msgs, vlen, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int recvmmsg(MemorySegment cap, int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) RECVMMSG_E.invokeExact(cap, fd, msgs, vlen, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int sendmmsg(int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(fd, msgs, vlen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int sendmmsg(MemorySegment cap, int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) SENDMMSG_E.invokeExact(cap, fd, msgs, vlen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCreate1(MemorySegment cap, int flags) {
        try {
            return (int) EPOLL_CREATE1_E.invokeExact(cap, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(MemorySegment cap, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL_E.invokeExact(cap, epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollWait(int epfd, MemorySegment events, int max, int timeout) {
        try {
            return (int) EPOLL_WAIT.invokeExact(epfd, events, max, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollWait(MemorySegment cap, int epfd, MemorySegment events, int max, int timeout) {
        try {
            return (int) EPOLL_WAIT_E.invokeExact(cap, epfd, events, max, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(MemorySegment cap, int initval, int flags) {
        try {
            return (int) EVENTFD_E.invokeExact(cap, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(MemorySegment cap, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ_E.invokeExact(cap, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(MemorySegment cap, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE_E.invokeExact(cap, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long readAt(int fd, long address, long count) {
        try {
            return (long) READ_AT.invokeExact(fd, address, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long readAt(MemorySegment cap, int fd, long address, long count) {
        try {
            return (long) READ_AT_E.invokeExact(cap, fd, address, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long writeAt(int fd, long address, long count) {
        try {
            return (long) WRITE_AT.invokeExact(fd, address, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long writeAt(MemorySegment cap, int fd, long address, long count) {
        try {
            return (long) WRITE_AT_E.invokeExact(cap, fd, address, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(MemorySegment cap, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_E.invokeExact(cap, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int open(MemorySegment cap, MemorySegment path, int flags) {
        try {
            return (int) OPEN_E.invokeExact(cap, path, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int open(MemorySegment cap, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPEN3_E.invokeExact(cap, path, flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long send(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SEND_E.invokeExact(cap, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recv(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV_E.invokeExact(cap, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setns(MemorySegment cap, int fd, int nstype) {
        try {
            return (int) SETNS_E.invokeExact(cap, fd, nstype);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int unshare(MemorySegment cap, int flags) {
        try {
            return (int) UNSHARE_E.invokeExact(cap, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int mount(MemorySegment cap, MemorySegment source, MemorySegment target, MemorySegment fstype,
                     long flags, MemorySegment data) {
        try {
            return (int) MOUNT_E.invokeExact(cap, source, target, fstype, flags, data);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int umount2(MemorySegment cap, MemorySegment target, int flags) {
        try {
            return (int) UMOUNT2_E.invokeExact(cap, target, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ifNameToIndex(MemorySegment cap, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX_E.invokeExact(cap, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment mmap(MemorySegment cap, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP_E.invokeExact(cap, MemorySegment.NULL, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int munmap(MemorySegment addr, long length) {
        try {
            return (int) MUNMAP.invokeExact(addr, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The C library's message for {@code errno}, e.g. "No such device". */
    @SuppressWarnings("restricted") // strerror returns a NUL-terminated string in static storage
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "Unknown error " + errno : s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * An interface name as a NUL-terminated C string in {@code arena}; rejects names the kernel
     * could never hold (empty, {@code >= IFNAMSIZ} bytes, '/', whitespace).
     */
    static MemorySegment ifName(Arena arena, String name) {
        checkIfName(name);
        MemorySegment s = arena.allocate(IFNAMSIZ);
        s.setString(0, name);
        return s;
    }

    static void checkIfName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("interface name is empty");
        }
        if (name.length() >= IFNAMSIZ || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' is longer than "
                    + (IFNAMSIZ - 1) + " bytes");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c == 0) {
                throw new IllegalArgumentException("interface name '" + name + "' contains '" + c + "'");
            }
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall failed", t);
    }
}
