package io.vswitch.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Network interface queries and settings through the classic netdevice ioctls on an
 * {@code AF_INET} datagram socket (see netdevice(7)). Every call is a control-path call: it opens
 * and closes its own socket and allocates freely. Each failure names the ioctl and the device.
 *
 * <p>Carrier: {@code SIOCGIFFLAGS} returns the flags in a {@code short}, so {@code IFF_LOWER_UP}
 * (bit 16) never reaches user space through it; {@code IFF_RUNNING} (bit 6), which the kernel sets
 * from the operational state (carrier present and not dormant), is what {@link #hasCarrier} reads.
 */
public final class NetDevice {
    private NetDevice() {
    }

    /**
     * The interface index of {@code name}.
     *
     * @throws LinuxException naming the device when there is none (ENODEV)
     */
    public static int index(String name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = Libc.ifName(arena, name);
            MemorySegment cap = arena.allocate(Libc.CAPTURE_LAYOUT);
            int index = Libc.ifNameToIndex(cap, cName);
            if (index == 0) {
                throw new LinuxException("look up interface index of", name, Libc.errno(cap));
            }
            return index;
        }
    }

    /** Whether {@code name} is administratively up (IFF_UP). */
    public static boolean isUp(String name) throws LinuxException {
        return (flags(name) & Libc.IFF_UP) != 0;
    }

    /** Whether {@code name} is operationally up with a carrier (IFF_RUNNING; see class comment). */
    public static boolean hasCarrier(String name) throws LinuxException {
        return (flags(name) & Libc.IFF_RUNNING) != 0;
    }

    /** The MTU of {@code name}. */
    public static int mtu(String name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ioctl(arena, name, Libc.SIOCGIFMTU, "SIOCGIFMTU", null);
            return ifr.get(JAVA_INT, Libc.IFR_UNION);
        }
    }

    /** Brings {@code name} administratively up or down (SIOCSIFFLAGS; needs CAP_NET_ADMIN). */
    public static void setUp(String name, boolean up) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ioctl(arena, name, Libc.SIOCGIFFLAGS, "SIOCGIFFLAGS", null);
            short flags = ifr.get(JAVA_SHORT, Libc.IFR_UNION);
            short wanted = (short) (up ? flags | Libc.IFF_UP : flags & ~Libc.IFF_UP);
            ifr.set(JAVA_SHORT, Libc.IFR_UNION, wanted);
            ioctl(arena, name, Libc.SIOCSIFFLAGS, "SIOCSIFFLAGS", ifr);
        }
    }

    /** The hardware (MAC) address of {@code name}: 6 bytes for Ethernet devices. */
    public static byte[] macAddress(String name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ioctl(arena, name, Libc.SIOCGIFHWADDR, "SIOCGIFHWADDR", null);
            return ifr.asSlice(Libc.IFR_HWADDR_DATA, 6).toArray(JAVA_BYTE);
        }
    }

    /** The interface flags (the low 16 bits: see class comment). */
    static int flags(String name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ioctl(arena, name, Libc.SIOCGIFFLAGS, "SIOCGIFFLAGS", null);
            return Short.toUnsignedInt(ifr.get(JAVA_SHORT, Libc.IFR_UNION));
        }
    }

    /**
     * Runs one netdevice ioctl on a fresh AF_INET datagram socket with {@code ifr} (or a new
     * ifreq naming {@code name}) and returns the ifreq.
     */
    private static MemorySegment ioctl(Arena arena, String name, long request, String requestName,
                                       MemorySegment ifr) throws LinuxException {
        if (ifr == null) {
            ifr = arena.allocate(Libc.IFREQ_SIZE, 8);
            ifr.copyFrom(Libc.ifName(arena, name));
        }
        MemorySegment cap = arena.allocate(Libc.CAPTURE_LAYOUT);
        int fd = Libc.socket(cap, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new LinuxException("open AF_INET socket for " + requestName + " on", name, Libc.errno(cap));
        }
        try {
            if (Libc.ioctl(cap, fd, request, ifr) < 0) {
                throw new LinuxException(requestName, "on " + name, Libc.errno(cap));
            }
            return ifr;
        } finally {
            Libc.close(fd);
        }
    }
}
