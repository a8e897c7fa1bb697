package io.vswitch.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code NETLINK_ROUTE} socket: requests answered by an ack (or an error the kernel explains
 * through NETLINK_EXT_ACK), and dumps. See {@link io.vswitch.linux.netlink} for the design.
 *
 * <p>A netlink socket talks to the network namespace it was <em>created</em> in, whatever thread
 * uses it later: {@link #openRoute()} on a thread that entered a namespace (see
 * {@link Namespaces#callIn}) gives a handle on that namespace usable from anywhere.
 *
 * <p>Thread-safe: one request or dump at a time (the methods are synchronized).
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int RX_SIZE = 64 * 1024;
    private static final int DUMP_RETRIES = 5;

    private final int fd;
    /**
     * Automatic, not shared: closing a shared arena costs a handshake with every thread of the JVM
     * (measurable when an emulator opens and closes a socket per namespace); these few buffers are
     * freed by the GC once the socket is unreachable.
     */
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment rx;
    private final MemorySegment cap;
    private final byte[] rxHeap = new byte[RX_SIZE];
    private MemorySegment tx;
    private int seq;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
        this.rx = arena.allocate(RX_SIZE, 8);
        this.cap = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.tx = arena.allocate(4096, 8);
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace, with extended acks on. */
    public static NetlinkSocket openRoute() throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(Libc.CAPTURE_LAYOUT);
            int fd = Libc.socket(c, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
            if (fd < 0) {
                throw new LinuxException("open", "NETLINK_ROUTE socket", Libc.errno(c));
            }
            MemorySegment one = a.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            for (int opt : new int[] {Libc.NETLINK_EXT_ACK, Libc.NETLINK_CAP_ACK}) {
                if (Libc.setsockopt(c, fd, Libc.SOL_NETLINK, opt, one, 4) < 0) {
                    int e = Libc.errno(c);
                    Libc.close(fd);
                    throw new LinuxException("setsockopt " + opt + " on", "NETLINK_ROUTE socket", e);
                }
            }
            return new NetlinkSocket(fd);
        }
    }

    /**
     * Sends {@code request} (NLM_F_REQUEST|NLM_F_ACK added) and waits for its ack.
     *
     * @param operation what the request does, for the message, e.g. "create veth"
     * @param object    what it applies to, e.g. "h1-eth0"
     * @throws LinuxException with the kernel's errno and extended-ack text
     */
    public synchronized void execute(NlRequest request, String operation, String object) throws LinuxException {
        int s = send(request, Rtnl.NLM_F_ACK, operation, object);
        while (true) {
            for (NlMessage m : receive(operation, object)) {
                if (m.seq() != s) {
                    continue; // a late answer to an abandoned request
                }
                if (m.type() == Rtnl.NLMSG_ERROR) {
                    if (m.error() == 0) {
                        return;
                    }
                    throw new LinuxException(operation, object, -m.error(), m.extAckMessage());
                }
            }
        }
    }

    /**
     * Sends a request that is answered by messages (e.g. RTM_GETLINK naming one link) and returns
     * them; the ack that follows ends the answer.
     */
    public synchronized List<NlMessage> query(NlRequest request, String operation, String object) throws LinuxException {
        int s = send(request, Rtnl.NLM_F_ACK, operation, object);
        List<NlMessage> out = new ArrayList<>();
        while (true) {
            for (NlMessage m : receive(operation, object)) {
                if (m.seq() != s) {
                    continue;
                }
                if (m.type() == Rtnl.NLMSG_ERROR) {
                    if (m.error() == 0) {
                        return out;
                    }
                    throw new LinuxException(operation, object, -m.error(), m.extAckMessage());
                }
                out.add(m);
            }
        }
    }

    /**
     * Sends several requests back to back, then collects their acks: one system call pair per
     * request saved over {@link #execute}. All are applied in order; the first failure is thrown
     * after every ack was read (so the socket stays in step), naming {@code objects[i]}.
     */
    public synchronized void executeAll(List<NlRequest> requests, String operation, List<String> objects)
            throws LinuxException {
        int first = seq + 1;
        for (int i = 0; i < requests.size(); i++) {
            send(requests.get(i), Rtnl.NLM_F_ACK, operation, objects.get(i));
        }
        int pending = requests.size();
        LinuxException failure = null;
        while (pending > 0) {
            for (NlMessage m : receive(operation, objects.get(0))) {
                int i = m.seq() - first;
                if (m.type() != Rtnl.NLMSG_ERROR || i < 0 || i >= requests.size()) {
                    continue;
                }
                pending--;
                if (m.error() != 0 && failure == null) {
                    failure = new LinuxException(operation, objects.get(i), -m.error(), m.extAckMessage());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Opens a socket that receives the kernel's link notifications (RTM_NEWLINK, RTM_DELLINK: created, deleted, up,
     * down, carrier, renamed) of the calling thread's network namespace; read them with {@link #awaitEvents}.
     * Waits block at most one second, so a reader thread can notice it should stop.
     */
    public static NetlinkSocket openLinkEvents() throws LinuxException {
        NetlinkSocket s = openRoute();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment addr = a.allocate(Libc.SOCKADDR_NL_SIZE, 4);
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            addr.set(JAVA_INT, Libc.NL_GROUPS, Rtnl.RTMGRP_LINK);
            if (Libc.bind(c, s.fd, addr, (int) Libc.SOCKADDR_NL_SIZE) < 0) {
                int e = Libc.errno(c);
                s.close();
                throw new LinuxException("subscribe to link notifications on", "NETLINK_ROUTE socket", e);
            }
            MemorySegment timeval = a.allocate(16, 8); // struct timeval {tv_sec = 1, tv_usec = 0}
            timeval.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1);
            if (Libc.setsockopt(c, s.fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, 16) < 0) {
                int e = Libc.errno(c);
                s.close();
                throw new LinuxException("set receive timeout on", "NETLINK_ROUTE socket", e);
            }
        }
        return s;
    }

    /**
     * Waits up to a second for notifications on a socket from {@link #openLinkEvents}: returns them, or nothing
     * when none came. When the kernel dropped some (the socket's buffer overflowed: ENOBUFS), the list holds one
     * message of type {@link Rtnl#NLMSG_OVERRUN}, and the caller should re-read the state it tracks.
     */
    public synchronized List<NlMessage> awaitEvents() throws LinuxException {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        long n = Libc.recv(cap, fd, rx, RX_SIZE, 0);
        if (n < 0) {
            int e = Libc.errno(cap);
            if (e == Errno.EAGAIN || e == Errno.EINTR) {
                return List.of();
            }
            if (e == Errno.ENOBUFS) {
                return List.of(new NlMessage(Rtnl.NLMSG_OVERRUN, 0, 0, java.nio.ByteBuffer.allocate(0)));
            }
            throw new LinuxException("receive link notifications (netlink)", "NETLINK_ROUTE socket", e);
        }
        MemorySegment.copy(rx, JAVA_BYTE, 0, rxHeap, 0, (int) Math.min(n, RX_SIZE));
        return NlMessage.split(java.util.Arrays.copyOf(rxHeap, (int) Math.min(n, RX_SIZE)), (int) Math.min(n, RX_SIZE));
    }

    /**
     * Runs a dump ({@code NLM_F_DUMP} added) and returns every answer message. A dump the kernel
     * marks as interrupted (NLM_F_DUMP_INTR: the table changed meanwhile) is repeated.
     */
    public synchronized List<NlMessage> dump(NlRequest request, String operation, String object) throws LinuxException {
        for (int attempt = 0; ; attempt++) {
            int s = send(request, Rtnl.NLM_F_DUMP, operation, object);
            List<NlMessage> out = new ArrayList<>();
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                for (NlMessage m : receive(operation, object)) {
                    if (m.seq() != s) {
                        continue;
                    }
                    interrupted |= (m.flags() & Rtnl.NLM_F_DUMP_INTR) != 0;
                    if (m.type() == Rtnl.NLMSG_DONE || m.type() == Rtnl.NLMSG_ERROR) {
                        if (m.error() != 0) {
                            throw new LinuxException(operation, object, -m.error(), m.extAckMessage());
                        }
                        done = true;
                    } else if (m.type() != Rtnl.NLMSG_NOOP) {
                        out.add(m);
                    }
                }
            }
            if (!interrupted || attempt >= DUMP_RETRIES) {
                return out;
            }
        }
    }

    private int send(NlRequest request, int extraFlags, String operation, String object) throws LinuxException {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        byte[] b = request.bytes();
        if (b.length > tx.byteSize()) {
            tx = arena.allocate(Math.max(b.length, tx.byteSize() * 2), 8);
        }
        int s = ++seq;
        MemorySegment.copy(b, 0, tx, JAVA_BYTE, 0, b.length);
        tx.set(JAVA_INT, 8, s);
        short flags = (short) (request.flags() | Rtnl.NLM_F_REQUEST | extraFlags);
        tx.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, flags);
        while (true) {
            long n = Libc.send(cap, fd, tx, b.length, 0);
            if (n == b.length) {
                return s;
            }
            int e = Libc.errno(cap);
            if (n < 0 && e == Errno.EINTR) {
                continue;
            }
            throw new LinuxException(operation + " (netlink send)", object, n < 0 ? e : Errno.EMSGSIZE);
        }
    }

    private List<NlMessage> receive(String operation, String object) throws LinuxException {
        while (true) {
            long n = Libc.recv(cap, fd, rx, RX_SIZE, Libc.MSG_TRUNC);
            if (n < 0) {
                int e = Libc.errno(cap);
                if (e == Errno.EINTR) {
                    continue;
                }
                throw new LinuxException(operation + " (netlink receive)", object, e);
            }
            if (n > RX_SIZE) {
                throw new LinuxException(operation + " (netlink answer of " + n + " bytes truncated)", object,
                        Errno.EMSGSIZE);
            }
            MemorySegment.copy(rx, JAVA_BYTE, 0, rxHeap, 0, (int) n);
            // Copy out of the shared buffer: the messages outlive the next receive.
            return NlMessage.split(java.util.Arrays.copyOf(rxHeap, (int) n), (int) n);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
