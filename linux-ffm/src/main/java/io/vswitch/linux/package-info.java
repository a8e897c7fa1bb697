/**
 * Linux through the FFM API ({@code java.lang.foreign}) only: the bottom layer that vswitchd,
 * veth-bridge and the SR-IOV model share. No JNI, no processes, no dependency on other modules.
 *
 * <h2>What</h2>
 * <ul>
 *   <li>{@link io.vswitch.linux.AfPacketSocket}: raw frames on an interface, one
 *       {@code recvmmsg}/{@code sendmmsg} per batch, VLAN tags put back on receive.</li>
 *   <li>{@link io.vswitch.linux.TapDevice}: a TAP interface owned by the process.</li>
 *   <li>{@link io.vswitch.linux.Epoll}: readiness by {@code int} token, with a cross-thread
 *       {@code wakeup()}.</li>
 *   <li>{@link io.vswitch.linux.NetDevice}: index, flags, carrier, MTU, MAC; up/down.</li>
 *   <li>{@link io.vswitch.linux.NetlinkSocket}: NETLINK_ROUTE requests, acks with the kernel's
 *       extended-ack text, dumps; messages in {@link io.vswitch.linux.netlink}.</li>
 *   <li>{@link io.vswitch.linux.Namespaces}: setns/unshare on dedicated worker threads (never the
 *       caller's), bind mounts and the shared mount point that named namespaces need.</li>
 *   <li>{@link io.vswitch.linux.LinuxException}: errno plus "operation object: error (ENAME)",
 *       and the kernel's explanation when netlink gave one.</li>
 * </ul>
 *
 * <h2>How</h2>
 * {@code Libc} holds one {@code static final MethodHandle} per glibc function, so the JIT
 * inlines the downcall stubs. Data-path objects allocate their {@code mmsghdr}/{@code iovec}/
 * {@code cmsg} arrays once, in an arena they own and free on close; a batch then allocates
 * nothing (AfPacketOptionsAndAllocationTest measures it). Control-path calls ({@code NetDevice},
 * open, epoll_ctl) allocate freely in confined arenas.
 *
 * <h2>errno</h2>
 * Read only through {@code Linker.Option.captureCallState("errno")}: after a plain downcall the
 * JVM may already have overwritten it. But a capturing downcall allocates 40 bytes per call on
 * JDK 25 (measured), so the per-batch handles do not capture: they treat -1 as "nothing now"
 * (EAGAIN; ENOBUFS on send) and every 64th consecutive -1 repeat the non-blocking call through a
 * capturing twin to learn why. A persistent error (ENETDOWN, EBADF) is thrown within 64 calls;
 * the idle poll costs under a byte per call on average; the busy path allocates nothing.
 * {@code Epoll.wait} repeats a failed wait once with timeout 0 through its capturing twin.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every struct size, offset and constant is a named constant in {@code Libc}, {@code Errno} or
 *       {@code netlink.Rtnl}, checked against the C headers: {@code LayoutDriftTest} compiles
 *       {@code src/test/c/layout.c} and fails on any difference or unchecked constant.</li>
 *   <li>Sockets are created with protocol 0 and bound with {@code htons(ETH_P_ALL)} afterwards,
 *       so nothing is queued before the bind picks the interface.</li>
 *   <li>A receiving socket never sees frames transmitted on its own interface
 *       ({@code PACKET_IGNORE_OUTGOING}): no loops between ports of one switch.</li>
 *   <li>Frames handed up look as they did on the wire: the tag the kernel moved to
 *       {@code PACKET_AUXDATA} is re-inserted into 4 bytes of caller headroom.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * One receiving thread and one sending thread per socket; counters readable from anywhere;
 * {@code Epoll.wakeup()} from anywhere. {@code close()} must not race with I/O on the same
 * object (the arena behind the batch arrays is freed).
 *
 * <h2>Measured context</h2>
 * See shared/notes/af-packet-io.md: recvmmsg/sendmmsg gave the best latency; a TPACKET_V3 ring
 * gives ~30 % more throughput at ~1 ms latency and may be added beside {@code AfPacketSocket}.
 * Checked on x86_64 (where {@code epoll_event} is packed to 12 bytes); {@code Libc} refuses to
 * load elsewhere until the numbers are checked there.
 */
package io.vswitch.linux;
