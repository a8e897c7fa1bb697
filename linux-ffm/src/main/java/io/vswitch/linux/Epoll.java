package io.vswitch.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An epoll instance reporting readable file descriptors as caller-chosen {@code int} tokens, with
 * a built-in eventfd so another thread can interrupt {@link #wait} through {@link #wakeup}.
 *
 * <p>Tokens travel in {@code epoll_event.data} as {@code 1L << 32 | token}; the eventfd's data is
 * 0, so every {@code int} is a valid token and the wakeup is never reported as one.
 * Registration is level-triggered for {@code EPOLLIN}.
 *
 * <p>Threading: one thread calls {@link #wait}; {@link #wakeup} may be called from any thread;
 * {@link #add}/{@link #remove} from any thread (they are synchronized; epoll itself allows changes
 * while another thread waits). {@link #close} must not race with {@code wait}.
 * {@code wait} allocates nothing.
 */
public final class Epoll implements AutoCloseable {
    /** Most events one {@link #wait} returns unless {@link #open(int)} says otherwise. */
    public static final int DEFAULT_MAX_EVENTS = 64;
    private static final long TOKEN_TAG = 1L << 32;

    private final int epfd;
    private final int eventFd;
    private final int maxEvents;
    private final Arena arena;
    private final MemorySegment events;
    private final MemorySegment waitCapture;
    private final MemorySegment drain;
    private final MemorySegment one;
    private final MemorySegment ctlEvent;
    private final MemorySegment ctlCapture;
    private volatile boolean closed;

    private Epoll(int epfd, int eventFd, int maxEvents, Arena arena) {
        this.epfd = epfd;
        this.eventFd = eventFd;
        this.maxEvents = maxEvents;
        this.arena = arena;
        this.events = arena.allocate(Libc.EPOLL_EVENT_SIZE * (maxEvents + 1), 8);
        this.waitCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.drain = arena.allocate(JAVA_LONG);
        this.one = arena.allocateFrom(JAVA_LONG, 1L); // never written again: safe to share across threads
        this.ctlEvent = arena.allocate(Libc.EPOLL_EVENT_SIZE, 8);
        this.ctlCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
    }

    /** Opens an epoll instance reporting up to {@link #DEFAULT_MAX_EVENTS} tokens per wait. */
    public static Epoll open() throws LinuxException {
        return open(DEFAULT_MAX_EVENTS);
    }

    /** Opens an epoll instance reporting up to {@code maxEvents} tokens per wait. */
    public static Epoll open(int maxEvents) throws LinuxException {
        if (maxEvents < 1 || maxEvents > 65536) {
            throw new IllegalArgumentException("maxEvents must be 1..65536, not " + maxEvents);
        }
        int epfd;
        int efd;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
            epfd = Libc.epollCreate1(cap, Libc.EPOLL_CLOEXEC);
            if (epfd < 0) {
                throw new LinuxException("create", "epoll instance", Libc.errno(cap));
            }
            efd = Libc.eventfd(cap, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (efd < 0) {
                int errno = Libc.errno(cap);
                Libc.close(epfd);
                throw new LinuxException("create", "eventfd for epoll wakeups", errno);
            }
        }
        Epoll epoll = new Epoll(epfd, efd, maxEvents, Arena.ofShared());
        try {
            epoll.ctl(Libc.EPOLL_CTL_ADD, efd, 0L, "eventfd " + efd);
        } catch (LinuxException e) {
            epoll.close();
            throw e;
        }
        return epoll;
    }

    /** Reports {@code fd} as {@code token} whenever it is readable (level-triggered). */
    public void add(int fd, int token) throws LinuxException {
        ctl(Libc.EPOLL_CTL_ADD, fd, TOKEN_TAG | Integer.toUnsignedLong(token), "fd " + fd);
    }

    /** Stops watching {@code fd}. */
    public void remove(int fd) throws LinuxException {
        ctl(Libc.EPOLL_CTL_DEL, fd, 0L, "fd " + fd);
    }

    private synchronized void ctl(int op, int fd, long data, String what) throws LinuxException {
        if (closed) {
            throw new LinuxException("epoll_ctl on closed epoll for", what, Errno.EBADF);
        }
        ctlEvent.set(JAVA_INT, Libc.EPOLL_EVENTS, Libc.EPOLLIN);
        ctlEvent.set(JAVA_LONG_UNALIGNED, Libc.EPOLL_DATA, data);
        if (Libc.epollCtl(ctlCapture, epfd, op, fd, ctlEvent) < 0) {
            throw new LinuxException(op == Libc.EPOLL_CTL_ADD ? "epoll_ctl ADD" : "epoll_ctl DEL", what,
                    Libc.errno(ctlCapture));
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever, 0: poll) for readable descriptors and writes
     * their tokens into {@code tokensOut}.
     *
     * @return the number of tokens written; 0 on timeout, on {@link #wakeup} or on EINTR
     */
    public int wait(int[] tokensOut, int timeoutMillis) throws LinuxException {
        // One slot more than the caller can take, so the eventfd never crowds out a token. A
        // surplus user token is skipped this round; level-triggered, it is reported next wait.
        int max = Math.min(tokensOut.length, maxEvents) + 1;
        int n = Libc.epollWait(epfd, events, max, timeoutMillis);
        if (n < 0) {
            // Capturing errno allocates (see Libc), so the plain call runs first; on -1 (rare:
            // EINTR, or a broken epoll fd) a zero-timeout capturing repeat says which. After an
            // EINTR it just polls, and its events are as good as any.
            n = Libc.epollWait(waitCapture, epfd, events, max, 0);
            if (n < 0) {
                int errno = Libc.errno(waitCapture);
                if (errno == Errno.EINTR) {
                    return 0;
                }
                throw new LinuxException("epoll_wait on", "epoll fd " + epfd, errno);
            }
        }
        int out = 0;
        for (int i = 0; i < n; i++) {
            long data = events.get(JAVA_LONG_UNALIGNED, Libc.EPOLL_EVENT_SIZE * i + Libc.EPOLL_DATA);
            if (data == 0L) {
                Libc.read(eventFd, drain, 8); // resets the counter; EAGAIN if already drained is fine
            } else if (out < tokensOut.length) {
                tokensOut[out++] = (int) data;
            }
        }
        return out;
    }

    /** Makes a current or the next {@link #wait} return. Safe from any thread. */
    public void wakeup() throws LinuxException {
        if (closed) {
            return;
        }
        if (Libc.write(eventFd, one, 8) < 0) {
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
                // Repeat to learn why; EAGAIN means the counter is saturated: a wakeup is pending anyway.
                if (Libc.write(cap, eventFd, one, 8) < 0 && Libc.errno(cap) != Errno.EAGAIN) {
                    throw new LinuxException("write wakeup to", "eventfd " + eventFd, Libc.errno(cap));
                }
            }
        }
    }

    /** Closes the epoll instance and its eventfd. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(eventFd);
        Libc.close(epfd);
        arena.close();
    }
}
