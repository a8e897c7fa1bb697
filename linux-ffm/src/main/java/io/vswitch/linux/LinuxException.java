package io.vswitch.linux;

import java.io.IOException;

/**
 * A system call failed. Carries the errno and a message that names the operation, the object it
 * was applied to and the error, e.g. {@code "bind AF_PACKET socket to veth0: No such device (ENODEV)"}.
 */
public final class LinuxException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * @param operation what was attempted, e.g. {@code "bind AF_PACKET socket to"}
     * @param object    what it was applied to, e.g. an interface name or {@code "fd 7"}
     * @param errno     the errno the call left
     */
    public LinuxException(String operation, String object, int errno) {
        super(operation + " " + object + ": " + Libc.strerror(errno) + " (" + Errno.name(errno) + ")");
        this.errno = errno;
    }

    /**
     * As {@link #LinuxException(String, String, int)}, followed by {@code ": " + detail} when the
     * kernel explained itself (a netlink extended ack message, e.g. "Unknown device type").
     */
    public LinuxException(String operation, String object, int errno, String detail) {
        super(operation + " " + object + ": " + Libc.strerror(errno) + " (" + Errno.name(errno) + ")"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.errno = errno;
    }

    /** The errno of the failed call (e.g. 19 for ENODEV). */
    public int errno() {
        return errno;
    }
}
