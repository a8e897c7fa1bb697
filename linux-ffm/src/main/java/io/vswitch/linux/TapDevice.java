package io.vswitch.linux;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A TAP interface owned by this process: {@code /dev/net/tun} opened non-blocking,
 * {@code TUNSETIFF} with {@code IFF_TAP | IFF_NO_PI}. Reading the descriptor yields frames the
 * kernel transmitted on the interface; writing injects frames as if received on it. The device
 * is not persistent: it disappears when {@link #close} closes the descriptor.
 *
 * <p>A tun descriptor has no {@code recvmmsg}: a batch is a loop of {@code read}/{@code write}
 * calls, stopping at the first EAGAIN. Frames keep their VLAN tags (tun writes the tag back into
 * the data), so frames always start at {@code offset}. The hot calls do not capture errno
 * (capturing allocates); a -1 means "nothing now", and only every 64th consecutive one is
 * repeated through the capturing twin to tell EAGAIN from an error (see {@code Libc}).
 * Threading as {@link AfPacketSocket}: one receiver, one sender, counters readable anywhere.
 */
public final class TapDevice implements AutoCloseable {
    private final String name;
    private final int fd;
    private final int ifindex;
    private final int batchSize;
    private final Arena arena;
    private final MemorySegment rxCapture;
    private final MemorySegment txCapture;
    private boolean closed;
    private int rxFailures; // consecutive empty receive calls (receiving thread only)
    private int txFailures; // consecutive failed writes (sending thread only)

    private volatile long rxPackets;
    private volatile long txPackets;
    private volatile long txDrops;
    private volatile long truncated;

    private TapDevice(String name, int fd, int ifindex, int batchSize) {
        this.name = name;
        this.fd = fd;
        this.ifindex = ifindex;
        this.batchSize = batchSize;
        this.arena = Arena.ofShared();
        this.rxCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.txCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
    }

    /**
     * Creates TAP interface {@code name} (a {@code %d} in it lets the kernel pick a number) and
     * attaches to it. The interface starts administratively down: see {@link NetDevice#setUp}.
     *
     * @throws LinuxException naming the step and the device (e.g. EBUSY when another process owns it)
     */
    public static TapDevice open(String name, int batchSize) throws LinuxException {
        Libc.checkIfName(name);
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize must be 1..1024, not " + batchSize);
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = tmp.allocate(Libc.CAPTURE_LAYOUT);
            int fd = Libc.open(cap, tmp.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new LinuxException("open /dev/net/tun for", name, Libc.errno(cap));
            }
            try {
                MemorySegment ifr = tmp.allocate(Libc.IFREQ_SIZE, 8);
                ifr.copyFrom(Libc.ifName(tmp, name));
                ifr.set(JAVA_SHORT, Libc.IFR_UNION, (short) (Libc.IFF_TAP | Libc.IFF_NO_PI));
                if (Libc.ioctl(cap, fd, Libc.TUNSETIFF, ifr) < 0) {
                    throw new LinuxException("TUNSETIFF (create TAP)", name, Libc.errno(cap));
                }
                String actual = ifr.getString(0); // the kernel's name, e.g. with %d filled in
                return new TapDevice(actual, fd, NetDevice.index(actual), batchSize);
            } catch (LinuxException | RuntimeException e) {
                Libc.close(fd);
                throw e;
            }
        }
    }

    /** The descriptor (for {@link Epoll#add}). */
    public int fd() {
        return fd;
    }

    /** The interface name the kernel gave the device. */
    public String name() {
        return name;
    }

    /** The interface index. */
    public int ifindex() {
        return ifindex;
    }

    /**
     * Reads up to {@code min(buffers.length, batchSize)} frames, each into {@code buffers[i]} at
     * {@code offset}; {@code startsOut[i] = offset} always (tags are kept in the data). Frames
     * longer than {@code maxLen} are cut; they are counted in {@link #truncated()} only when the
     * buffer has at least one byte beyond {@code offset + maxLen} (tun has no MSG_TRUNC, so the
     * read asks for that extra byte to detect it).
     *
     * @return the number of frames read; 0 when none is waiting
     */
    public int receive(MemorySegment[] buffers, int offset, int maxLen, int[] startsOut, int[] lengthsOut)
            throws LinuxException {
        int n = Math.min(buffers.length, batchSize);
        if (offset < 0 || maxLen <= 0 || startsOut.length < n || lengthsOut.length < n) {
            throw new IllegalArgumentException("receive needs offset >= 0 (is " + offset + "), maxLen > 0 (is "
                    + maxLen + ") and " + n + " output slots");
        }
        int got = 0;
        int cut = 0;
        while (got < n) {
            MemorySegment b = buffers[got];
            if (!b.isNative() || b.byteSize() < (long) offset + maxLen) {
                throw new IllegalArgumentException("buffer " + got + " must be native and hold offset + maxLen = "
                        + ((long) offset + maxLen) + " bytes (is " + b.byteSize() + ")");
            }
            long dst = b.address() + offset; // bounds checked just above; b stays alive meanwhile
            // tun cuts long frames silently (no MSG_TRUNC): ask for one byte more when the buffer
            // has it, and a read that fills it means the frame was longer than maxLen.
            long room = Math.min(b.byteSize() - offset, (long) maxLen + 1);
            long r = Libc.readAt(fd, dst, room);
            if (r < 0 && (got > 0 || (++rxFailures & Libc.ERRNO_CHECK_MASK) != 0)) {
                break; // queue empty (EAGAIN); errno is sampled only on empty calls, see Libc
            } else if (r < 0) {
                r = Libc.readAt(rxCapture, fd, dst, room);
                if (r < 0) {
                    int errno = Libc.errno(rxCapture);
                    if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                        break;
                    }
                    throw new LinuxException("read from TAP", name, errno);
                }
            }
            rxFailures = 0;
            if (r > maxLen) {
                cut++;
                r = maxLen;
            }
            startsOut[got] = offset;
            lengthsOut[got] = (int) r;
            got++;
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
     * Writes frames {@code 0..count-1} into the device (the kernel receives them on the
     * interface). Stops at the first EAGAIN/ENOBUFS and counts the rest in {@link #txDrops()}.
     *
     * @return how many were written
     */
    public int send(MemorySegment[] buffers, int[] starts, int[] lengths, int count) throws LinuxException {
        if (count < 0 || count > batchSize) {
            throw new IllegalArgumentException("send count must be 0.." + batchSize + ", not " + count);
        }
        int sent = 0;
        while (sent < count) {
            MemorySegment b = buffers[sent];
            int start = starts[sent];
            int len = lengths[sent];
            if (!b.isNative() || start < 0 || len <= 0 || (long) start + len > b.byteSize()) {
                throw new IllegalArgumentException("frame " + sent + " (start " + start + ", length " + len
                        + ") does not lie in its buffer of " + b.byteSize() + " bytes");
            }
            long src = b.address() + start; // bounds checked just above
            long w = Libc.writeAt(fd, src, len);
            if (w < 0 && (++txFailures & Libc.ERRNO_CHECK_MASK) != 0) {
                break; // no room (EAGAIN/ENOBUFS); errno is sampled, see Libc
            } else if (w < 0) {
                w = Libc.writeAt(txCapture, fd, src, len);
                if (w < 0) {
                    int errno = Libc.errno(txCapture);
                    if (errno == Errno.EAGAIN || errno == Errno.ENOBUFS || errno == Errno.EINTR) {
                        break;
                    }
                    throw new LinuxException("write to TAP", name, errno);
                }
            }
            txFailures = 0;
            sent++;
        }
        if (sent > 0) {
            txPackets += sent;
        }
        if (sent < count) {
            txDrops += count - sent;
        }
        return sent;
    }

    /** Frames read. */
    public long rxPackets() {
        return rxPackets;
    }

    /** Frames written. */
    public long txPackets() {
        return txPackets;
    }

    /** Frames {@link #send} could not write for want of room. */
    public long txDrops() {
        return txDrops;
    }

    /** Frames read longer than {@code maxLen} and cut. */
    public long truncated() {
        return truncated;
    }

    /** Closes the descriptor; the kernel then deletes the interface. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(fd);
        arena.close();
    }

    @Override
    public String toString() {
        return "TapDevice[" + name + ", ifindex " + ifindex + ", fd " + fd + "]";
    }
}
