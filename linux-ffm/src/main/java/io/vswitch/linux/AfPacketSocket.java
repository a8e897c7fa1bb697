package io.vswitch.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A raw {@code AF_PACKET} socket bound to one interface, moving frames in batches with one
 * {@code recvmmsg}/{@code sendmmsg} per call (or receiving from a mmap'd TPACKET_V3 ring, or both, adaptively).
 *
 * <h2>recvmmsg, a ring, or both</h2>
 * Measured here (shared/notes/af-packet-io.md): a TPACKET_V3 ring is ~30 % faster at saturation
 * but hands blocks over only when they fill or a timer retires them, ~1 ms of latency; recvmmsg
 * gave half OVS's latency. {@link RxMode#ADAPTIVE} keeps both: recvmmsg at low rates, the ring at high ones (see
 * the adaptive section in the code). {@link RxMode#RING} receives through the ring alone (same {@link #receive}
 * contract: frames are copied
 * out of the ring into the caller's buffers, VLAN tags re-inserted, vnet headers read from just before each
 * frame, and each block handed back once its last frame is copied). Measured through vswitchd (two ring ports
 * per ping): ~1.0-1.5 ms ping RTT against ~0.1-0.3 ms with recvmmsg, the 1 ms block retire timer at work.
 *
 * <h2>Setup</h2>
 * {@code socket(AF_PACKET, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, 0)}: protocol 0 so nothing is
 * queued before the bind; then {@code PACKET_AUXDATA} (VLAN tags), {@code PACKET_IGNORE_OUTGOING}
 * (a socket never sees its own or its siblings' transmissions), {@code PACKET_QDISC_BYPASS},
 * 4 MiB buffers with {@code SO_RCVBUFFORCE}/{@code SO_SNDBUFFORCE} (the 212,992-byte default
 * holds a few hundred frames; without CAP_NET_ADMIN the plain options, capped by the sysctls),
 * and last {@code bind} with {@code htons(ETH_P_ALL)} and the ifindex.
 *
 * <h2>Typical use</h2>
 * <pre>{@code
 * try (AfPacketSocket port = AfPacketSocket.open("veth0", 32); Epoll epoll = Epoll.open()) {
 *     epoll.add(port.fd(), 0);
 *     while (running) {
 *         if (epoll.wait(tokens, 100) == 0) continue;
 *         int n;
 *         while ((n = port.receive(bufs, 64, 2048, starts, lengths)) > 0) {
 *             // frame i: bufs[i] from starts[i], lengths[i] bytes, VLAN tag in place
 *         }
 *     }
 * }
 * }</pre>
 *
 * <h2>VLAN tags</h2>
 * The kernel strips an 802.1Q/802.1ad tag on receive and reports it in the
 * {@code PACKET_AUXDATA} control message. {@link #receive} puts it back: the 12 MAC bytes move 4
 * bytes into the caller's headroom and TPID+TCI are written after them, so the caller sees the
 * frame as it was sent. That is why {@code receive} needs 4 bytes of headroom before
 * {@code offset} and reports where each frame starts.
 *
 * <h2>Memory and threading</h2>
 * All {@code mmsghdr}/{@code iovec}/{@code cmsg} arrays are allocated once for {@code batchSize}
 * frames in an arena the socket owns and frees on {@link #close}: a batch allocates nothing.
 * Buffers passed in must be native segments. One thread at a time may call {@code receive}
 * and one (possibly another) {@code send}; {@code close} must not race with either. The counters
 * may be read from any thread.
 */
public final class AfPacketSocket implements AutoCloseable {
    /** Socket buffers asked for with the FORCE options (root only; the kernel doubles the value). */
    public static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /**
     * The receive buffer of a recvmmsg socket (doubled by the kernel, charged by skb truesize, ~1 KiB per small
     * frame): ~30,000 small frames, 200 ms at 150 kpps. Deep on purpose: on this shared VM the datapath thread
     * loses its CPU for up to ~200 ms at times, and with 4 MiB a paced 150 kpps stream lost 0.1-4 % of its frames
     * in most 3 s runs, with 16-32 MiB none (2026-11-22, rig of benchmarks/forwarding). Memory is used only while
     * frames wait; the price is queueing delay when a pinned rx=mmsg port is overloaded for long (rx=auto moves to
     * the ring then, see the adaptive section).
     */
    public static final int RX_BUFFER_BYTES = 16 << 20;
    /** Bytes of headroom {@link #receive} needs before {@code offset} to re-insert a VLAN tag. */
    public static final int VLAN_HEADROOM = 4;
    /** Control buffer per frame: CMSG_SPACE(tpacket_auxdata) = 40, rounded up for safety. */
    private static final long CMSG_BUF = 64;
    private static final int TPID_8021Q = 0x8100;
    private static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final String name;
    private final int ifindex;
    private final int fd;
    private final int batchSize;
    private final Arena arena;
    private final MemorySegment rxMsgs;
    private final MemorySegment rxIovs;
    private final MemorySegment rxCmsgs;
    private final MemorySegment txMsgs;
    private final MemorySegment txIovs;
    private final MemorySegment rxCapture;
    private final MemorySegment txCapture;
    private final MemorySegment stats;
    private final MemorySegment statsLen;
    private final MemorySegment statsCapture;
    /** SO_MEMINFO's first u32 (bytes queued for reading), read by the receiving thread only. */
    private final MemorySegment backlogInfo, backlogInfoLen, backlogCapture;
    /** Per-frame struct virtio_net_hdr slots (null without {@link Offloads#vnetHeaders}). */
    private final MemorySegment rxVnet, txVnet;
    private final int[] rxVnetShift;
    private final int iovPerMsg;
    /** The mmap'd TPACKET_V3 receive ring (null: recvmmsg), its current block and the walk through it. */
    private final MemorySegment ring;
    private int ringBlock;
    private int ringLeft;       // packets of the current block not yet handed out (0: block not entered)
    private long ringPkt;      // offset in ring of the next packet's tpacket3_hdr
    private boolean closed;
    private int rxFailures; // consecutive -1s from recvmmsg (receiving thread only)
    private int txFailures; // consecutive -1s from sendmmsg (sending thread only)

    private volatile long rxPackets;
    private volatile long txPackets;
    private volatile long txDrops;
    private volatile long truncated;
    private long kernelDrops; // guarded by this

    private AfPacketSocket(String name, int ifindex, int fd, int batchSize, Arena arena, boolean vnet,
                           MemorySegment ring) {
        this.ring = ring;
        this.name = name;
        this.ifindex = ifindex;
        this.fd = fd;
        this.batchSize = batchSize;
        this.arena = arena;
        this.iovPerMsg = vnet ? 2 : 1;
        this.rxVnet = vnet ? arena.allocate(VNET_SLOT * batchSize, 8) : null;
        this.txVnet = vnet ? arena.allocate(VNET_SLOT * batchSize, 8) : null;
        this.rxVnetShift = new int[batchSize];
        this.rxMsgs = arena.allocate(Libc.MMSGHDR_SIZE * batchSize, 8);
        this.rxIovs = arena.allocate(Libc.IOVEC_SIZE * iovPerMsg * batchSize, 8);
        this.rxCmsgs = arena.allocate(CMSG_BUF * batchSize, 8);
        this.txMsgs = arena.allocate(Libc.MMSGHDR_SIZE * batchSize, 8);
        this.txIovs = arena.allocate(Libc.IOVEC_SIZE * iovPerMsg * batchSize, 8);
        this.rxCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.txCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.stats = arena.allocate(Libc.TPACKET_STATS_SIZE, 8);
        this.statsLen = arena.allocate(JAVA_INT);
        this.statsCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.backlogInfo = arena.allocate((Libc.SK_MEMINFO_RMEM_ALLOC + 1) * Integer.BYTES, 4);
        this.backlogInfoLen = arena.allocate(JAVA_INT);
        this.backlogCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        // The parts of each msghdr that never change: no name (the socket is bound), one iovec.
        for (int i = 0; i < batchSize; i++) {
            long m = Libc.MMSGHDR_SIZE * i;
            long iovs = Libc.IOVEC_SIZE * iovPerMsg;
            rxMsgs.set(ADDRESS, m + Libc.MSG_IOV, rxIovs.asSlice(iovs * i, iovs));
            rxMsgs.set(JAVA_LONG, m + Libc.MSG_IOVLEN, iovPerMsg);
            rxMsgs.set(ADDRESS, m + Libc.MSG_CONTROL, rxCmsgs.asSlice(CMSG_BUF * i, CMSG_BUF));
            txMsgs.set(ADDRESS, m + Libc.MSG_IOV, txIovs.asSlice(iovs * i, iovs));
            txMsgs.set(JAVA_LONG, m + Libc.MSG_IOVLEN, iovPerMsg);
            if (vnet) {
                // iovec 0 of each message is that frame's virtio_net_hdr slot; iovec 1 is the frame.
                rxIovs.set(JAVA_LONG, iovs * i + Libc.IOV_BASE, rxVnet.address() + VNET_SLOT * i);
                rxIovs.set(JAVA_LONG, iovs * i + Libc.IOV_LEN, VNET_HDR_LEN);
                txIovs.set(JAVA_LONG, iovs * i + Libc.IOV_BASE, txVnet.address() + VNET_SLOT * i);
                txIovs.set(JAVA_LONG, iovs * i + Libc.IOV_LEN, VNET_HDR_LEN);
            }
        }
    }

    /**
     * Opens a raw socket on interface {@code ifname} moving up to {@code batchSize} frames per call.
     *
     * @throws LinuxException naming the step and the interface when a call fails (e.g. ENODEV)
     * @throws IllegalArgumentException for a bad name or a batch size outside 1..1024
     */
    public static AfPacketSocket open(String ifname, int batchSize) throws LinuxException {
        return open(ifname, batchSize, false);
    }

    /**
     * Like {@link #open(String, int)}; with {@code vnetHeaders} every frame carries its offload state (struct
     * virtio_net_hdr, PACKET_VNET_HDR): received frames may be GSO super-frames (up to 64 KiB) or have a partial
     * checksum ({@link #rxVnetFlags}), and each frame sent must be described with {@link #setTxVnet}.
     */
    public static AfPacketSocket open(String ifname, int batchSize, boolean vnetHeaders) throws LinuxException {
        return open(ifname, batchSize, vnetHeaders, false);
    }

    /*
     * The TPACKET_V3 receive ring (rxRing = true).
     *
     * Block size 128 KiB: a block must hold the largest frame whole (a 64 KiB GSO super-frame + Ethernet/VLAN
     * header + the 68-byte tpacket3 header, virtio_net_hdr and alignment, ~65.7 KiB), and the kernel hands a block
     * over only when it is full or its timer fires: 128 KiB holds one maximal GSO frame or ~820 64-byte frames
     * (each takes 160 ring bytes with the vnet header). Below ~200 kpps the timer, not the size, closes blocks, so
     * what the ring can hold while its reader is held up is the number of blocks times the retire timeout:
     * 32 x 1 ms (the first layout, 16 x 256 KiB, held half that and lost frames at 150 kpps where the deep recvmmsg
     * buffer lost none; rx=auto now leaves moderate rates to recvmmsg). 32 blocks = 4 MiB mapped. Frame size 2048
     * is only the kernel's sanity unit in V3 (frames may span it); frame_nr = blocks * (block / frame).
     * Retire timeout 1 ms. Older kernels rounded it up to a jiffy (4 ms at CONFIG_HZ=250); this one (6.18) runs it
     * on an hrtimer, so 1 ms is 1 ms: ~350-frame blocks under full load and a timer firing 1,000 times a second per
     * ring, idle or not (perf: ~2 % of all samples at full load, part of it the ring's lock taken against the
     * writer). 4 ms was tried once (full run 11:05): no difference the VM's noise would let us see, so the lower
     * latency of a pinned rx=ring port stays.
     */
    /** Bytes per ring block. */
    public static final int RING_BLOCK_SIZE = 128 << 10;
    /** Blocks in the ring. */
    public static final int RING_BLOCKS = 32;
    /** tp_frame_size: the V3 ring's nominal frame unit (TPACKET_ALIGNMENT multiple). */
    public static final int RING_FRAME_SIZE = 2048;
    /** tp_retire_blk_tov in milliseconds. */
    public static final int RING_RETIRE_MS = 1;
    private static final VarHandle RING_INT = JAVA_INT.varHandle();

    /**
     * Like {@link #open(String, int, boolean)}; with {@code rxRing} frames are received through a TPACKET_V3
     * ring mmap'd into this process ({@link #RING_BLOCKS} blocks of {@link #RING_BLOCK_SIZE} bytes) instead of
     * recvmmsg: fewer system calls at load, but a partly filled block is handed over only when its retire timer
     * fires ({@link #RING_RETIRE_MS}), which adds up to that much latency at low load.
     * {@link #receive} keeps its contract either way; sending is sendmmsg in both cases.
     */
    public static AfPacketSocket open(String ifname, int batchSize, boolean vnetHeaders, boolean rxRing)
            throws LinuxException {
        return open(ifname, batchSize, vnetHeaders, rxRing ? RxMode.RING : RxMode.MMSG);
    }

    /** How a socket receives: see {@link #open(String, int, boolean, RxMode)}. */
    public enum RxMode {
        /** recvmmsg: a frame is handed over as soon as it is queued. */
        MMSG,
        /** A TPACKET_V3 ring: fewer system calls, but up to RING_RETIRE_MS of block-retire delay at low load. */
        RING,
        /** recvmmsg while the rate is low, the ring while it is high, switched without loss or reordering. */
        ADAPTIVE
    }

    /**
     * Like {@link #open(String, int, boolean)}, receiving as {@code mode} says. {@link RxMode#ADAPTIVE} opens two
     * sockets on the device, a recvmmsg one (which also sends) and a ring one, joined in a fanout group whose
     * classic-BPF selector sends every frame to exactly one of them; {@link #receive} moves the selector by the
     * measured receive rate (see the adaptive section below). Both descriptors must be polled: {@link #pollFds}.
     *
     * @throws LinuxException naming the step and the interface when a call fails (e.g. ENODEV; EINVAL from the
     *         fanout join on kernels before 6.5, which lack PACKET_FANOUT_FLAG_IGNORE_OUTGOING)
     */
    public static AfPacketSocket open(String ifname, int batchSize, boolean vnetHeaders, RxMode mode)
            throws LinuxException {
        if (mode != RxMode.ADAPTIVE) return openOne(ifname, batchSize, vnetHeaders, mode == RxMode.RING, false);
        AfPacketSocket main = openOne(ifname, batchSize, vnetHeaders, false, false);
        AfPacketSocket ringSide = null;
        try {
            int group = main.createFanoutGroup();
            // Deaf (a drop-all filter) from its bind until it is in the group, so no frame reaches both sockets.
            ringSide = openOne(ifname, batchSize, vnetHeaders, true, true);
            ringSide.joinFanoutGroup(group);
            ringSide.detachFilter();
            main.ringSide = ringSide;
            main.windowStart = System.nanoTime();
            return main;
        } catch (LinuxException | RuntimeException e) {
            if (ringSide != null) ringSide.close();
            main.close();
            throw e;
        }
    }

    private static AfPacketSocket openOne(String ifname, int batchSize, boolean vnetHeaders, boolean rxRing,
                                          boolean deaf) throws LinuxException {
        Libc.checkIfName(ifname);
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize must be 1..1024 (UIO_MAXIOV), not " + batchSize);
        }
        int ifindex = NetDevice.index(ifname);
        int fd;
        MemorySegment ringAt = null;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
            fd = Libc.socket(cap, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new LinuxException("open AF_PACKET socket for", ifname, Libc.errno(cap));
            }
            try {
                MemorySegment one = tmp.allocateFrom(JAVA_INT, 1);
                setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_AUXDATA, one, "PACKET_AUXDATA", ifname);
                setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, one, "PACKET_IGNORE_OUTGOING", ifname);
                setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, one, "PACKET_QDISC_BYPASS", ifname);
                if (vnetHeaders) setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_VNET_HDR, one, "PACKET_VNET_HDR", ifname);
                MemorySegment bytes = tmp.allocateFrom(JAVA_INT, SOCKET_BUFFER_BYTES);
                if (!rxRing) setBuffer(cap, fd, Libc.SO_RCVBUFFORCE, Libc.SO_RCVBUF, tmp.allocateFrom(JAVA_INT, RX_BUFFER_BYTES), "SO_RCVBUF", ifname);
                setBuffer(cap, fd, Libc.SO_SNDBUFFORCE, Libc.SO_SNDBUF, bytes, "SO_SNDBUF", ifname);
                if (rxRing) {
                    // Version, then the ring (PACKET_VNET_HDR above must come before it: EBUSY after), then
                    // the mmap; all before the bind, so no frame is taken before the ring is there.
                    setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, tmp.allocateFrom(JAVA_INT, Libc.TPACKET_V3),
                            "PACKET_VERSION", ifname);
                    MemorySegment req = tmp.allocate(Libc.TPACKET_REQ3_SIZE, 8);
                    req.set(JAVA_INT, Libc.REQ3_BLOCK_SIZE, RING_BLOCK_SIZE);
                    req.set(JAVA_INT, Libc.REQ3_BLOCK_NR, RING_BLOCKS);
                    req.set(JAVA_INT, Libc.REQ3_FRAME_SIZE, RING_FRAME_SIZE);
                    req.set(JAVA_INT, Libc.REQ3_FRAME_NR, RING_BLOCKS * (RING_BLOCK_SIZE / RING_FRAME_SIZE));
                    req.set(JAVA_INT, Libc.REQ3_RETIRE_BLK_TOV, RING_RETIRE_MS);
                    req.set(JAVA_INT, Libc.REQ3_SIZEOF_PRIV, 0);
                    req.set(JAVA_INT, Libc.REQ3_FEATURE_REQ_WORD, 0);
                    setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, req, "PACKET_RX_RING", ifname);
                    long size = (long) RING_BLOCK_SIZE * RING_BLOCKS;
                    MemorySegment at = Libc.mmap(cap, size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
                    if (at.address() == -1L) {
                        throw new LinuxException("mmap the receive ring of AF_PACKET socket for", ifname, Libc.errno(cap));
                    }
                    ringAt = at;
                }

                if (deaf) {
                    MemorySegment prog = selectorProgram(tmp, 0); // "accept 0 bytes": drop every frame
                    setOption(cap, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, prog, "SO_ATTACH_FILTER", ifname);
                }
                MemorySegment sll = tmp.allocate(Libc.SOCKADDR_LL_SIZE, 8);
                sll.set(JAVA_SHORT, Libc.SLL_FAMILY, (short) Libc.AF_PACKET);
                sll.set(BE_SHORT, Libc.SLL_PROTOCOL, (short) Libc.ETH_P_ALL); // htons(ETH_P_ALL)
                sll.set(JAVA_INT, Libc.SLL_IFINDEX, ifindex);
                if (Libc.bind(cap, fd, sll, (int) Libc.SOCKADDR_LL_SIZE) < 0) {
                    throw new LinuxException("bind AF_PACKET socket to", ifname, Libc.errno(cap));
                }
            } catch (LinuxException | RuntimeException e) {
                if (ringAt != null) Libc.munmap(ringAt, (long) RING_BLOCK_SIZE * RING_BLOCKS);
                Libc.close(fd);
                throw e;
            }
        }
        Arena arena = Arena.ofShared();
        try {
            @SuppressWarnings("restricted") // the kernel mapped exactly this many bytes at ringAt
            MemorySegment ring = ringAt == null ? null : ringAt.reinterpret((long) RING_BLOCK_SIZE * RING_BLOCKS);
            return new AfPacketSocket(ifname, ifindex, fd, batchSize, arena, vnetHeaders, ring);
        } catch (RuntimeException | Error e) {
            arena.close();
            if (ringAt != null) Libc.munmap(ringAt, (long) RING_BLOCK_SIZE * RING_BLOCKS);
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * The FORCE variant needs CAP_NET_ADMIN; with only CAP_NET_RAW fall back to the plain option,
     * which the kernel caps at net.core.[rw]mem_max.
     */
    private static void setBuffer(MemorySegment cap, int fd, int forceOption, int plainOption, MemorySegment value,
                                  String optionName, String ifname) throws LinuxException {
        if (Libc.setsockopt(cap, fd, Libc.SOL_SOCKET, forceOption, value, (int) value.byteSize()) == 0) {
            return;
        }
        if (Libc.errno(cap) != Errno.EPERM) {
            throw new LinuxException("set " + optionName + "FORCE on AF_PACKET socket for", ifname, Libc.errno(cap));
        }
        setOption(cap, fd, Libc.SOL_SOCKET, plainOption, value, optionName, ifname);
    }

    private static void setOption(MemorySegment cap, int fd, int level, int option, MemorySegment value,
                                  String optionName, String ifname) throws LinuxException {
        if (Libc.setsockopt(cap, fd, level, option, value, (int) value.byteSize()) < 0) {
            throw new LinuxException("set " + optionName + " on AF_PACKET socket for", ifname, Libc.errno(cap));
        }
    }

    /** The socket's file descriptor (for {@link Epoll#add}). */
    public int fd() {
        return fd;
    }

    /** The interface index the socket is bound to. */
    public int ifindex() {
        return ifindex;
    }

    /** The interface name the socket is bound to. */
    public String name() {
        return name;
    }

    /** The most frames one {@link #receive} or {@link #send} moves. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Receives up to {@code min(buffers.length, batchSize)} frames with one non-blocking
     * {@code recvmmsg}. Frame {@code i} is written into {@code buffers[i]} at {@code offset}; if
     * it carried a VLAN tag, the tag is re-inserted and the frame then starts 4 bytes earlier.
     *
     * <p>Contract: every buffer is a native segment with {@code offset >= 4} bytes of headroom
     * and at least {@code offset + maxLen} bytes. Frames longer than {@code maxLen} are cut to
     * {@code maxLen} (plus the re-inserted tag) and counted in {@link #truncated()}.
     *
     * @param startsOut  receives where frame {@code i} starts in {@code buffers[i]}
     * @param lengthsOut receives the length of frame {@code i}
     * @return the number of frames received; 0 when none is waiting (never blocks)
     * @throws LinuxException for an error other than "nothing waiting" (EAGAIN); errno is
     *         sampled (see {@code Libc}), so a persistent error is thrown within 64 calls and
     *         those calls return 0
     */
    public int receive(MemorySegment[] buffers, int offset, int maxLen, int[] startsOut, int[] lengthsOut)
            throws LinuxException {
        int n = Math.min(buffers.length, batchSize);
        if (offset < VLAN_HEADROOM || maxLen <= 0 || startsOut.length < n || lengthsOut.length < n) {
            throw new IllegalArgumentException("receive needs offset >= " + VLAN_HEADROOM + " (is " + offset
                    + "), maxLen > 0 (is " + maxLen + ") and " + n + " output slots (have "
                    + startsOut.length + "/" + lengthsOut.length + ")");
        }
        for (int i = 0; i < n; i++) {
            MemorySegment b = buffers[i];
            if (!b.isNative() || b.byteSize() < (long) offset + maxLen) {
                throw new IllegalArgumentException("buffer " + i + " must be native and hold offset + maxLen = "
                        + ((long) offset + maxLen) + " bytes (is " + (b.isNative() ? "" : "heap, ")
                        + b.byteSize() + " bytes)");
            }
        }
        if (ring != null) {
            return receiveRing(buffers, n, offset, maxLen, startsOut, lengthsOut);
        }
        if (ringSide != null) {
            return receiveAdaptive(buffers, n, offset, maxLen, startsOut, lengthsOut);
        }
        return receiveMmsg(buffers, n, offset, maxLen, startsOut, lengthsOut);
    }

    private int receiveMmsg(MemorySegment[] buffers, int n, int offset, int maxLen, int[] startsOut, int[] lengthsOut)
            throws LinuxException {
        // Only here, not per receive: an adaptive socket reading its ring makes no recvmmsg.
        for (int i = 0; i < n; i++) {
            long m = Libc.MMSGHDR_SIZE * i;
            long v = Libc.IOVEC_SIZE * (iovPerMsg * i + iovPerMsg - 1);
            rxIovs.set(JAVA_LONG, v + Libc.IOV_BASE, buffers[i].address() + offset);
            rxIovs.set(JAVA_LONG, v + Libc.IOV_LEN, maxLen);
            // The kernel overwrites controllen and flags with what it used: reset both.
            rxMsgs.set(JAVA_LONG, m + Libc.MSG_CONTROLLEN, CMSG_BUF);
            rxMsgs.set(JAVA_INT, m + Libc.MSG_FLAGS, 0);
        }
        int got = Libc.recvmmsg(fd, rxMsgs, n, Libc.MSG_DONTWAIT);
        if (got < 0) {
            // Almost always EAGAIN. Capturing errno allocates (Libc class comment), so only every
            // ERRNO_CHECK_INTERVAL-th consecutive failure asks why, through the capturing twin:
            // non-blocking too, and if a frame arrived in between it simply receives it.
            if ((++rxFailures & Libc.ERRNO_CHECK_MASK) != 0) {
                return 0;
            }
            got = Libc.recvmmsg(rxCapture, fd, rxMsgs, n, Libc.MSG_DONTWAIT);
            if (got < 0) {
                int errno = Libc.errno(rxCapture);
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return 0;
                }
                throw new LinuxException("receive on AF_PACKET socket for", name, errno);
            }
        }
        rxFailures = 0;
        int cut = 0;
        for (int i = 0; i < got; i++) {
            long m = Libc.MMSGHDR_SIZE * i;
            int len = rxMsgs.get(JAVA_INT, m + Libc.MSG_LEN) - (iovPerMsg - 1) * VNET_HDR_LEN;
            int flags = rxMsgs.get(JAVA_INT, m + Libc.MSG_FLAGS);
            rxVnetShift[i] = 0;
            if ((flags & Libc.MSG_TRUNC) != 0 || len > maxLen) {
                cut++;
                len = Math.min(len, maxLen);
            }
            int start = offset;
            int tag = vlanTag(CMSG_BUF * i, rxMsgs.get(JAVA_LONG, m + Libc.MSG_CONTROLLEN));
            if (tag != 0 && len >= 12) {
                MemorySegment b = buffers[i];
                start = offset - VLAN_HEADROOM;
                MemorySegment.copy(b, offset, b, start, 12); // overlap-safe
                b.set(BE_SHORT, start + 12, (short) (tag >>> 16));
                b.set(BE_SHORT, start + 14, (short) tag);
                len += VLAN_HEADROOM;
                rxVnetShift[i] = VLAN_HEADROOM; // offsets in the vnet header count from the frame start
            }
            startsOut[i] = start;
            lengthsOut[i] = len;
        }
        if (got > 0) {
            rxPackets += got;
        }
        if (cut > 0) {
            truncated += cut;
        }
        return got;
    }

    /**
     * Whether frames arrive through the TPACKET_V3 ring (else recvmmsg); for an adaptive socket, where new frames
     * go right now (during a swap, the side swapped to, though the other may still be drained).
     */
    public boolean rxRing() {
        return ring != null || ringSide != null && rxState >= RX_SWAP_TO_RING && rxState <= RX_RING;
    }

    /** How this socket receives. */
    public RxMode rxMode() {
        return ring != null ? RxMode.RING : ringSide != null ? RxMode.ADAPTIVE : RxMode.MMSG;
    }

    /** The descriptors to poll for received frames: {@link #fd} and, when adaptive, the ring socket's. */
    public int[] pollFds() {
        return ringSide == null ? new int[] {fd} : new int[] {fd, ringSide.fd};
    }

    /*
     * Adaptive receive (RxMode.ADAPTIVE).
     *
     * recvmmsg hands a frame over at once but costs a system call per (often small) batch; the ring costs none
     * per frame but hands a block over only when it fills or its timer fires (RING_RETIRE_MS), and below
     * ~200 kpps its blocks close by time, so it holds less than the deep recvmmsg buffer (RX_BUFFER_BYTES) when
     * the reader is held up. So the ring is for overload only: recvmmsg until arrivals outrun it, at
     * RING_ABOVE_PPS or more -- its backlog (SO_MEMINFO's rmem) grew by GROWTH_BYTES or more in each of
     * GROWING_WINDOWS consecutive windows of normal length, or the socket overflowed -- then the ring; recvmmsg
     * again once the ring has dropped nothing for RING_CALM_NANOS and the rate is under nine tenths of what
     * recvmmsg was seen to take when its backlog grew (its capacity; trusted for ten calm seconds), or the rate
     * is below MMSG_BELOW_PPS.
     * A first version switched when recvmmsg calls kept returning full batches: a reader that lost its CPU for a
     * while then came back to a deep queue, switched, and while it drained that queue the ring (not read yet)
     * overflowed: a paced 150 kpps stream lost up to 5 % through rx=auto and nothing through rx=mmsg. The
     * second switched only on overflow: rates just above recvmmsg's capacity (~210 kpps here) then took seconds
     * to fill the 32 MiB buffer, lost frames when it overflowed, and more while the ring waited for the deep
     * socket queue to be drained (paced 225 kpps: 7.6 % lost; rx=ring: none up to 262 kpps; 2026-11-22). A
     * growing backlog is neither: after a stall the backlog shrinks while the reader catches up (and a window
     * that spans a stall does not count), and the switch comes while the backlog is still small. The rate is
     * judged over windows of receive calls (UP_WINDOW_NANOS on recvmmsg; DOWN_WINDOW_NANOS on the ring, which
     * delivers a block at a time), and the ring once taken is kept for MIN_DWELL_NANOS: a switch costs an RCU
     * grace period. (recvmmsg is not: its backlog grows while it is kept, and the ring has to take the arrivals
     * while that backlog is drained, so the switch to the ring must come early: paced 400 kpps after a pause lost
     * 1.4 % in a 200 ms dwell.)
     *
     * The two sockets are one fanout group (PACKET_FANOUT_CBPF): a one-instruction classic BPF program returns the
     * index of the member that gets each frame, 0 = this socket, 1 = the ring socket. PACKET_FANOUT_DATA swaps the
     * program; the new one steers frames at once, but the setsockopt returns only after an RCU grace period
     * (synchronize_net, ~10-15 ms on this VM), after which no frame can still reach the old member. That wait runs
     * on a helper thread, so the receiving thread goes on reading the old member meanwhile; once it is over, the
     * old member is drained before the new one is read, so frames keep their order: the socket's queue until
     * recvmmsg finds it empty; the ring until the kernel has retired its last partly filled block (its timer does
     * that within RING_RETIRE_MS; DRAIN_LIMIT_NANOS bounds the wait). The new member is not read during the grace
     * period, so at extreme rates a long one can fill the ring (4 MiB, ~26,000 small frames) and the kernel drops
     * (counted in kernelDrops), as for any reader that falls behind.
     * Cost: the ring is mmap'd for the socket's life (4 MiB per adaptive port) and its retire timer ticks every
     * RING_RETIRE_MS in the kernel even when idle; topologies of hundreds of ports may prefer RxMode.MMSG.
     * Membership is per frame, so PACKET_IGNORE_OUTGOING must be the group's flag (a member's own option is not
     * consulted inside a group), and the group id is the kernel's (PACKET_FANOUT_FLAG_UNIQUEID), never another
     * program's group.
     */
    /** The ring receives when the recvmmsg socket overflows at this many frames per second or more. */
    public static final long RING_ABOVE_PPS = 50_000;
    /** Below this many frames per second recvmmsg receives again. */
    public static final long MMSG_BELOW_PPS = 10_000;
    /** recvmmsg receives again after the ring has dropped nothing for this long (the overload is over). */
    public static final long RING_CALM_NANOS = 1_000_000_000L;
    /** recvmmsg's backlog must grow in this many consecutive windows, each by GROWTH_BYTES or more. */
    private static final int GROWING_WINDOWS = 3;
    /** 64 KiB: ~85 small frames (an skb's truesize is ~770 bytes), i.e. arrivals ~4 kpps over what is read. */
    private static final long GROWTH_BYTES = 64 << 10;
    private static final long UP_WINDOW_NANOS = 20_000_000, DOWN_WINDOW_NANOS = 50_000_000;
    private static final long MIN_DWELL_NANOS = 200_000_000;
    private static final long DRAIN_LIMIT_NANOS = 50_000_000;
    /** Steady states, swaps in flight (still reading the old member), and drains of the old member. */
    private static final int RX_MMSG = 0, RX_SWAP_TO_RING = 1, RX_TO_RING = 2, RX_RING = 3, RX_SWAP_TO_MMSG = 4,
            RX_TO_MMSG = 5;
    /** Runs the selector swaps (each waits out a grace period in the kernel); one daemon thread for all sockets. */
    private static final java.util.concurrent.ExecutorService SWAPPER = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("af-packet-rx-swap").unstarted(r));

    private AfPacketSocket ringSide;      // the ring member of the fanout group (adaptive only)
    private AfPacketSocket lastRx = this; // whose vnet headers describe the last batch
    private int rxState = RX_MMSG;
    private long windowStart, windowPackets, windowNanos, drainStart, dwellUntil;
    private long backlogSeen;     // recvmmsg's backlog (bytes) at the last window's end
    private int growingWindows;   // consecutive windows in which it grew
    private boolean quietBefore;  // the last window was under RING_ABOVE_PPS (its backlog and drops went unread)
    private boolean adapting = true; // false once the kernel refused a switch
    private long mmsgCapacity;    // frames/s recvmmsg took while its backlog grew (0: not seen)
    private long dropsSeen;  // kernelDrops() at the last window's end (both members)
    private long lastRingDrop; // when the ring was last seen dropping
    private long lastRingFrame; // when the ring last gave a frame
    private MemorySegment toSocket, toRing; // the two selector programs (struct sock_fprog)
    /** Result of the last swap: SWAP_PENDING while in flight, 0 done, else the errno it failed with. */
    private volatile int swapResult;
    private static final int SWAP_PENDING = -1;
    private volatile long rxModeSwitches;

    private int receiveAdaptive(MemorySegment[] buffers, int n, int offset, int maxLen, int[] startsOut,
                                int[] lengthsOut) throws LinuxException {
        long now = System.nanoTime();
        switch (rxState) {
            case RX_MMSG -> {
                int got = fromSocket(buffers, n, offset, maxLen, startsOut, lengthsOut);
                long pps = rateOver(now, got, UP_WINDOW_NANOS);
                if (pps >= RING_ABOVE_PPS) { // two getsockopts per busy window
                    boolean growing = backlogGrowing();
                    long drops = dropsSince();
                    // Drops counted while the port was quiet (read late, after quiet windows) prove nothing now.
                    boolean overflowed = drops > 0 && !quietBefore;
                    quietBefore = false;
                    if ((growing || overflowed) && adapting) {
                        if (growing) mmsgCapacity = pps;
                        swap(toRing, RX_SWAP_TO_RING);
                    }
                } else if (pps >= 0) {
                    // A quiet window reads nothing (these system calls were most of a ping's cost here) and breaks a
                    // run of growing windows: three busy ones in a row must show the growth.
                    growingWindows = 0;
                    quietBefore = true;
                }
                return got;
            }
            case RX_RING -> {
                int got = fromRing(buffers, n, offset, maxLen, startsOut, lengthsOut);
                if (got > 0) lastRingFrame = now;
                long pps = rateOver(now, got, DOWN_WINDOW_NANOS);
                if (pps >= 0) {
                    if (dropsSince() > 0) lastRingDrop = now;
                    // The capacity seen may be stale (the machine got faster): it is trusted for 10 calm seconds.
                    long calmFor = now - lastRingDrop;
                    boolean calm = calmFor >= RING_CALM_NANOS
                            && (mmsgCapacity == 0 || pps < mmsgCapacity / 10 * 9 || calmFor >= 10 * RING_CALM_NANOS);
                    if ((pps < MMSG_BELOW_PPS || calm) && now >= dwellUntil) swap(toSocket, RX_SWAP_TO_MMSG);
                }
                return got;
            }
            case RX_SWAP_TO_RING, RX_SWAP_TO_MMSG -> {
                boolean toRingNow = rxState == RX_SWAP_TO_RING;
                int result = swapResult;
                if (result == SWAP_PENDING) { // grace period still running: the old member is still the one to read
                    return toRingNow ? fromSocket(buffers, n, offset, maxLen, startsOut, lengthsOut)
                            : fromRing(buffers, n, offset, maxLen, startsOut, lengthsOut);
                }
                if (result != 0) { // the kernel refused: stay where we were, and stop adapting
                    rxState = toRingNow ? RX_MMSG : RX_RING;
                    adapting = false;
                    dwellUntil = Long.MAX_VALUE;
                    throw new LinuxException("switch the receive path (PACKET_FANOUT_DATA) of AF_PACKET socket for",
                            name, result);
                }
                rxModeSwitches++;
                rxState = toRingNow ? RX_TO_RING : RX_TO_MMSG;
                drainStart = now;
                return receiveAdaptive(buffers, n, offset, maxLen, startsOut, lengthsOut);
            }
            case RX_TO_RING -> {
                int got = fromSocket(buffers, n, offset, maxLen, startsOut, lengthsOut);
                if (got > 0) return got; // what reached the socket before the swap goes first
                settle(RX_RING, now);
                return fromRing(buffers, n, offset, maxLen, startsOut, lengthsOut);
            }
            default -> { // RX_TO_MMSG
                int got = fromRing(buffers, n, offset, maxLen, startsOut, lengthsOut);
                if (got > 0) return got;
                if (!ringSide.ringDrained() && now - drainStart < DRAIN_LIMIT_NANOS) return 0;
                settle(RX_MMSG, now);
                return fromSocket(buffers, n, offset, maxLen, startsOut, lengthsOut);
            }
        }
    }

    private int fromSocket(MemorySegment[] buffers, int n, int offset, int maxLen, int[] startsOut, int[] lengthsOut)
            throws LinuxException {
        lastRx = this;
        return receiveMmsg(buffers, n, offset, maxLen, startsOut, lengthsOut);
    }

    private int fromRing(MemorySegment[] buffers, int n, int offset, int maxLen, int[] startsOut, int[] lengthsOut) {
        lastRx = ringSide;
        return ringSide.receiveRing(buffers, n, offset, maxLen, startsOut, lengthsOut);
    }

    /** Counts {@code got}; once {@code window} has passed, returns the rate over it and starts a new one, else -1. */
    private long rateOver(long now, int got, long window) {
        windowPackets += got;
        long elapsed = now - windowStart;
        if (elapsed < window) return -1;
        long pps = windowPackets * 1_000_000_000L / elapsed;
        windowNanos = elapsed;
        windowStart = now;
        windowPackets = 0;
        return pps;
    }

    /**
     * Whether recvmmsg's backlog has now grown by GROWTH_BYTES or more in GROWING_WINDOWS consecutive windows of
     * normal length (one that took over twice UP_WINDOW_NANOS spanned a stall of this thread, and breaks the run).
     */
    private boolean backlogGrowing() throws LinuxException {
        backlogInfoLen.set(JAVA_INT, 0, (Libc.SK_MEMINFO_RMEM_ALLOC + 1) * Integer.BYTES);
        if (Libc.getsockopt(backlogCapture, fd, Libc.SOL_SOCKET, Libc.SO_MEMINFO, backlogInfo, backlogInfoLen) < 0) {
            throw new LinuxException("read SO_MEMINFO of AF_PACKET socket for", name, Libc.errno(backlogCapture));
        }
        long backlog = Integer.toUnsignedLong(backlogInfo.get(JAVA_INT, Libc.SK_MEMINFO_RMEM_ALLOC * Integer.BYTES));
        boolean grew = backlog - backlogSeen >= GROWTH_BYTES && windowNanos <= 2 * UP_WINDOW_NANOS;
        growingWindows = grew ? growingWindows + 1 : 0;
        backlogSeen = backlog;
        return growingWindows >= GROWING_WINDOWS;
    }

    /** Frames the kernel dropped on either member since the last call (PACKET_STATISTICS; no allocation). */
    private long dropsSince() throws LinuxException {
        long drops = kernelDrops();
        long d = drops - dropsSeen;
        dropsSeen = drops;
        return d;
    }

    private void settle(int state, long now) throws LinuxException {
        rxState = state;
        windowStart = now;
        windowPackets = 0;
        dwellUntil = now + MIN_DWELL_NANOS;
        lastRingDrop = lastRingFrame = now;
        growingWindows = 0;
        dropsSince(); // what was dropped before the switch does not count for the side just taken
    }

    /** Starts pointing the group's selector at the member {@code program} returns; the helper thread waits it out. */
    private void swap(MemorySegment program, int state) {
        swapResult = SWAP_PENDING;
        rxState = state;
        SWAPPER.execute(() -> {
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
                int rc = Libc.setsockopt(cap, fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT_DATA, program,
                        (int) Libc.SOCK_FPROG_SIZE);
                swapResult = rc == 0 ? 0 : Libc.errno(cap);
            } catch (RuntimeException e) {
                swapResult = Errno.EINVAL;
            }
        });
    }

    /**
     * For the receiving thread when it has not called {@link #receive} for a while (nothing arrived): an adaptive
     * socket still on the ring after its load stopped goes back to recvmmsg now, so the next frame is handed over
     * at once rather than after a block's retire timer. Nothing to do otherwise; cheap to call often.
     */
    public void idle(long now) {
        if (ringSide == null || rxState != RX_RING || now < dwellUntil) return;
        if (now - lastRingFrame >= DOWN_WINDOW_NANOS && ringSide.ringDrained()) swap(toSocket, RX_SWAP_TO_MMSG);
    }

    /** How often an adaptive socket has switched between recvmmsg and the ring. */
    public long rxModeSwitches() {
        return rxModeSwitches;
    }

    /**
     * Whether the ring holds no frame: the next block is the kernel's and has no packet in it. (Its count can be a
     * stale one until the kernel re-opens the block, which its timer does within RING_RETIRE_MS: then it reads 0.)
     */
    private boolean ringDrained() {
        long blk = (long) ringBlock * RING_BLOCK_SIZE;
        return ringLeft == 0 && ((int) RING_INT.getAcquire(ring, blk + Libc.BD_BLOCK_STATUS) & Libc.TP_STATUS_USER) == 0
                && (int) RING_INT.getAcquire(ring, blk + Libc.BD_NUM_PKTS) == 0;
    }

    /** struct sock_fprog of one instruction, "return k", allocated in {@code arena}. */
    private static MemorySegment selectorProgram(Arena arena, int k) {
        MemorySegment insn = arena.allocate(Libc.SOCK_FILTER_SIZE, 8);
        insn.set(JAVA_SHORT, 0, (short) Libc.BPF_RET_K);
        insn.set(JAVA_INT, 4, k);
        MemorySegment prog = arena.allocate(Libc.SOCK_FPROG_SIZE, 8);
        prog.set(JAVA_SHORT, 0, (short) 1);
        prog.set(ADDRESS, Libc.FPROG_FILTER, insn);
        return prog;
    }

    private static final int FANOUT_FLAGS = Libc.PACKET_FANOUT_CBPF | Libc.PACKET_FANOUT_FLAG_IGNORE_OUTGOING;

    /** Makes this (bound) socket member 0 of a new fanout group with a kernel-chosen id; returns the id. */
    private int createFanoutGroup() throws LinuxException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
            setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT,
                    tmp.allocateFrom(JAVA_INT, (FANOUT_FLAGS | Libc.PACKET_FANOUT_FLAG_UNIQUEID) << 16),
                    "PACKET_FANOUT", name);
            toSocket = selectorProgram(arena, 0);
            toRing = selectorProgram(arena, 1);
            setOption(cap, fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT_DATA, toSocket, "PACKET_FANOUT_DATA", name);
            return intOption(Libc.SOL_PACKET, Libc.PACKET_FANOUT) & 0xffff;
        }
    }

    private void joinFanoutGroup(int group) throws LinuxException {
        try (Arena tmp = Arena.ofConfined()) {
            setOption(tmp.allocate(Libc.CAPTURE_LAYOUT), fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT,
                    tmp.allocateFrom(JAVA_INT, group | FANOUT_FLAGS << 16), "PACKET_FANOUT", name);
        }
    }

    private void detachFilter() throws LinuxException {
        try (Arena tmp = Arena.ofConfined()) {
            setOption(tmp.allocate(Libc.CAPTURE_LAYOUT), fd, Libc.SOL_SOCKET, Libc.SO_DETACH_FILTER,
                    tmp.allocateFrom(JAVA_INT, 0), "SO_DETACH_FILTER", name);
        }
    }

    /**
     * Walks the ring from where the last call stopped: enters a block once the kernel has handed it over
     * (block_status has TP_STATUS_USER, read with acquire), copies its packets out one by one, and hands it back
     * (TP_STATUS_KERNEL, written with release) after its last packet, then goes on to the next block.
     */
    private int receiveRing(MemorySegment[] buffers, int n, int offset, int maxLen, int[] startsOut, int[] lengthsOut) {
        MemorySegment r = ring;
        int got = 0, cut = 0;
        while (got < n) {
            long blk = (long) ringBlock * RING_BLOCK_SIZE;
            if (ringLeft == 0) {
                if (((int) RING_INT.getAcquire(r, blk + Libc.BD_BLOCK_STATUS) & Libc.TP_STATUS_USER) == 0) {
                    break; // the kernel still fills it (or it is empty): nothing more now
                }
                ringLeft = r.get(JAVA_INT, blk + Libc.BD_NUM_PKTS);
                ringPkt = blk + Integer.toUnsignedLong(r.get(JAVA_INT, blk + Libc.BD_FIRST_PKT));
                if (ringLeft == 0) { // a retired empty block
                    releaseBlock(blk);
                    continue;
                }
            }
            long h = ringPkt;
            int snap = r.get(JAVA_INT, h + Libc.T3_SNAPLEN);
            int wire = r.get(JAVA_INT, h + Libc.T3_LEN);
            int status = r.get(JAVA_INT, h + Libc.T3_STATUS);
            long mac = h + Short.toUnsignedInt(r.get(JAVA_SHORT, h + Libc.T3_MAC));
            int len = snap;
            if (len > maxLen || wire > snap || (status & Libc.TP_STATUS_COPY) != 0) {
                cut++;
                len = Math.min(len, maxLen);
            }
            MemorySegment b = buffers[got];
            int start = offset;
            rxVnetShift[got] = 0;
            if ((status & Libc.TP_STATUS_VLAN_VALID) != 0 && len >= 12) {
                int tci = r.get(JAVA_INT, h + Libc.T3_VLAN_TCI) & 0xffff;
                int tpid = (status & Libc.TP_STATUS_VLAN_TPID_VALID) != 0
                        ? Short.toUnsignedInt(r.get(JAVA_SHORT, h + Libc.T3_VLAN_TPID)) : TPID_8021Q;
                start = offset - VLAN_HEADROOM;
                MemorySegment.copy(r, mac, b, start, 12);
                b.set(BE_SHORT, start + 12, (short) tpid);
                b.set(BE_SHORT, start + 14, (short) tci);
                MemorySegment.copy(r, mac + 12, b, offset + 12, len - 12);
                len += VLAN_HEADROOM;
                rxVnetShift[got] = VLAN_HEADROOM;
            } else {
                MemorySegment.copy(r, mac, b, offset, len);
            }
            if (rxVnet != null) {
                // PACKET_VNET_HDR: the kernel writes struct virtio_net_hdr just before the frame (tp_mac - 10).
                MemorySegment.copy(r, mac - VNET_HDR_LEN, rxVnet, VNET_SLOT * got, VNET_HDR_LEN);
            }
            startsOut[got] = start;
            lengthsOut[got] = len;
            got++;
            if (--ringLeft == 0) {
                releaseBlock(blk);
            } else {
                ringPkt = h + Integer.toUnsignedLong(r.get(JAVA_INT, h + Libc.T3_NEXT_OFFSET));
            }
        }
        if (got > 0) {
            rxPackets += got;
        }
        if (cut > 0) {
            truncated += cut;
        }
        return got;
    }

    private void releaseBlock(long blk) {
        RING_INT.setRelease(ring, blk + Libc.BD_BLOCK_STATUS, Libc.TP_STATUS_KERNEL);
        ringLeft = 0;
        ringBlock = ringBlock + 1 == RING_BLOCKS ? 0 : ringBlock + 1;
    }

    /**
     * The VLAN tag reported in the auxdata control message at {@code cmsgBase} as
     * {@code TPID << 16 | TCI}, or 0 when the frame had none (a present tag has a nonzero TPID).
     */
    private int vlanTag(long cmsgBase, long controlLen) {
        long pos = 0;
        while (pos + Libc.CMSG_DATA <= controlLen) {
            long clen = rxCmsgs.get(JAVA_LONG, cmsgBase + pos + Libc.CMSG_LEN_OFF);
            if (clen < Libc.CMSG_DATA || pos + clen > controlLen) {
                return 0;
            }
            if (rxCmsgs.get(JAVA_INT, cmsgBase + pos + Libc.CMSG_LEVEL) == Libc.SOL_PACKET
                    && rxCmsgs.get(JAVA_INT, cmsgBase + pos + Libc.CMSG_TYPE) == Libc.PACKET_AUXDATA) {
                long aux = cmsgBase + pos + Libc.CMSG_DATA;
                int status = rxCmsgs.get(JAVA_INT, aux + Libc.AUX_STATUS);
                if ((status & Libc.TP_STATUS_VLAN_VALID) == 0) {
                    return 0;
                }
                int tci = Short.toUnsignedInt(rxCmsgs.get(JAVA_SHORT, aux + Libc.AUX_VLAN_TCI));
                int tpid = (status & Libc.TP_STATUS_VLAN_TPID_VALID) != 0
                        ? Short.toUnsignedInt(rxCmsgs.get(JAVA_SHORT, aux + Libc.AUX_VLAN_TPID))
                        : TPID_8021Q;
                return tpid << 16 | tci;
            }
            pos += (clen + 7) & ~7L; // CMSG_ALIGN
        }
        return 0;
    }

    /**
     * Sends frames {@code 0..count-1} ({@code lengths[i]} bytes at {@code starts[i]} in
     * {@code buffers[i]}) with one {@code sendmmsg}.
     *
     * @return how many were sent, counted from the first; when the kernel has no room
     *         (EAGAIN/ENOBUFS) the rest are counted in {@link #txDrops()} and not retried
     * @throws LinuxException for another error on the first frame; errno is sampled (see
     *         {@code Libc}): a persistent error (e.g. ENETDOWN) is thrown within 64 calls,
     *         and the frames of the calls before count as drops
     * @throws IllegalArgumentException if {@code count > batchSize} or a frame lies outside its buffer
     */
    public int send(MemorySegment[] buffers, int[] starts, int[] lengths, int count) throws LinuxException {
        if (count < 0 || count > batchSize) {
            throw new IllegalArgumentException("send count must be 0.." + batchSize + ", not " + count);
        }
        if (count == 0) {
            return 0;
        }
        for (int i = 0; i < count; i++) {
            MemorySegment b = buffers[i];
            int start = starts[i];
            int len = lengths[i];
            if (!b.isNative() || start < 0 || len <= 0 || (long) start + len > b.byteSize()) {
                throw new IllegalArgumentException("frame " + i + " (start " + start + ", length " + len
                        + ") does not lie in its " + (b.isNative() ? "" : "heap ") + "buffer of "
                        + b.byteSize() + " bytes");
            }
            long v = Libc.IOVEC_SIZE * (iovPerMsg * i + iovPerMsg - 1);
            txIovs.set(JAVA_LONG, v + Libc.IOV_BASE, b.address() + start);
            txIovs.set(JAVA_LONG, v + Libc.IOV_LEN, len);
        }
        int sent = Libc.sendmmsg(fd, txMsgs, count, 0);
        if (sent < 0 && (++txFailures & Libc.ERRNO_CHECK_MASK) != 0) {
            sent = 0; // "no room" (EAGAIN/ENOBUFS) until a sampled check says otherwise
        } else if (sent < 0) {
            sent = Libc.sendmmsg(txCapture, fd, txMsgs, count, 0);
            if (sent < 0) {
                int errno = Libc.errno(txCapture);
                if (errno != Errno.EAGAIN && errno != Errno.ENOBUFS && errno != Errno.EINTR) {
                    throw new LinuxException("send on AF_PACKET socket for", name, errno);
                }
                sent = 0;
            }
        }
        if (sent > 0) {
            txFailures = 0;
            txPackets += sent;
        }
        if (sent < count) {
            txDrops += count - sent;
        }
        return sent;
    }

    /*
     * struct virtio_net_hdr (linux/virtio_net.h), little-endian (virtio 1.0) = native on x86-64 and arm64:
     *   flags u8 @0 (1 = NEEDS_CSUM, 2 = DATA_VALID) | gso_type u8 @1 (0 none, 1 TCPv4, 3 UDP, 4 TCPv6, 0x80 ECN)
     *   hdr_len u16 @2 | gso_size u16 @4 | csum_start u16 @6 | csum_offset u16 @8      (10 bytes)
     */
    public static final int VNET_NEEDS_CSUM = 1, VNET_DATA_VALID = 2;
    public static final int VNET_GSO_NONE = 0, VNET_GSO_TCPV4 = 1, VNET_GSO_UDP = 3, VNET_GSO_TCPV6 = 4, VNET_GSO_ECN = 0x80;
    private static final int VNET_HDR_LEN = 10;
    private static final long VNET_SLOT = 16;
    private static final ValueLayout.OfShort LE_SHORT = JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    public boolean vnetHeaders() { return rxVnet != null; }

    /** Offload flags of received frame {@code i} (after {@link #receive}). */
    public int rxVnetFlags(int i) { return Byte.toUnsignedInt(lastRx.rxVnet.get(ValueLayout.JAVA_BYTE, VNET_SLOT * i)); }

    public int rxGsoType(int i) { return Byte.toUnsignedInt(lastRx.rxVnet.get(ValueLayout.JAVA_BYTE, VNET_SLOT * i + 1)); }

    /** Header length of a GSO frame, counted from the frame start as returned (a re-inserted tag included). */
    public int rxHdrLen(int i) {
        AfPacketSocket s = lastRx;
        int v = Short.toUnsignedInt(s.rxVnet.get(LE_SHORT, VNET_SLOT * i + 2));
        return v == 0 ? 0 : v + s.rxVnetShift[i];
    }

    public int rxGsoSize(int i) { return Short.toUnsignedInt(lastRx.rxVnet.get(LE_SHORT, VNET_SLOT * i + 4)); }

    /** Where the partial checksum's coverage starts, counted from the frame start as returned. */
    public int rxCsumStart(int i) {
        AfPacketSocket s = lastRx;
        return Short.toUnsignedInt(s.rxVnet.get(LE_SHORT, VNET_SLOT * i + 6)) + s.rxVnetShift[i];
    }

    public int rxCsumOffset(int i) { return Short.toUnsignedInt(lastRx.rxVnet.get(LE_SHORT, VNET_SLOT * i + 8)); }

    /** Describes frame {@code i} of the next {@link #send} (offsets from the frame start); all zero: a plain frame. */
    public void setTxVnet(int i, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        long b = VNET_SLOT * i;
        txVnet.set(ValueLayout.JAVA_BYTE, b, (byte) flags);
        txVnet.set(ValueLayout.JAVA_BYTE, b + 1, (byte) gsoType);
        txVnet.set(LE_SHORT, b + 2, (short) hdrLen);
        txVnet.set(LE_SHORT, b + 4, (short) gsoSize);
        txVnet.set(LE_SHORT, b + 6, (short) csumStart);
        txVnet.set(LE_SHORT, b + 8, (short) csumOffset);
    }

    /**
     * Reads back an {@code int} socket option (for tests and diagnostics: proves the options set
     * at open took effect).
     */
    int intOption(int level, int option) throws LinuxException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment value = tmp.allocate(JAVA_INT);
            MemorySegment len = tmp.allocateFrom(JAVA_INT, 4);
            if (Libc.getsockopt(cap, fd, level, option, value, len) < 0) {
                throw new LinuxException("read option " + level + "/" + option + " of AF_PACKET socket for", name,
                        Libc.errno(cap));
            }
            return value.get(JAVA_INT, 0);
        }
    }

    /** Frames received. */
    public long rxPackets() {
        return ringSide == null ? rxPackets : rxPackets + ringSide.rxPackets;
    }

    /** Frames the kernel accepted for transmission. */
    public long txPackets() {
        return txPackets;
    }

    /** Frames {@link #send} was given but the kernel refused for want of room. */
    public long txDrops() {
        return txDrops;
    }

    /** Frames received longer than {@code maxLen} and cut. */
    public long truncated() {
        return ringSide == null ? truncated : truncated + ringSide.truncated;
    }

    /**
     * Frames the kernel dropped for this socket (receive queue full), since it was opened. Reading
     * {@code PACKET_STATISTICS} resets the kernel's counter, so this accumulates.
     *
     * @throws LinuxException if the socket is closed or the getsockopt fails
     */
    public synchronized long kernelDrops() throws LinuxException {
        if (closed) {
            throw new LinuxException("read PACKET_STATISTICS of closed AF_PACKET socket for", name, Errno.EBADF);
        }
        statsLen.set(JAVA_INT, 0, (int) Libc.TPACKET_STATS_SIZE);
        if (Libc.getsockopt(statsCapture, fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, stats, statsLen) < 0) {
            throw new LinuxException("read PACKET_STATISTICS of AF_PACKET socket for", name, Libc.errno(statsCapture));
        }
        kernelDrops += Integer.toUnsignedLong(stats.get(JAVA_INT, Libc.TP_DROPS));
        return ringSide == null ? kernelDrops : kernelDrops + ringSide.kernelDrops();
    }

    /** Closes the socket and frees its batch arrays. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ringSide != null) {
            // A selector swap in flight uses fd: let it finish (a grace period, milliseconds) before closing.
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (swapResult == SWAP_PENDING && System.nanoTime() < deadline) Thread.onSpinWait();
            ringSide.close();
        }
        Libc.close(fd);
        if (ring != null) Libc.munmap(ring, ring.byteSize());
        arena.close();
    }

    @Override
    public String toString() {
        return "AfPacketSocket[" + name + ", ifindex " + ifindex + ", fd " + fd + "]";
    }
}
