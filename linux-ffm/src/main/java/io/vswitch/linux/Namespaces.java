package io.vswitch.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;

/**
 * Network namespaces and the mount calls that pin them: setns, unshare, bind mounts.
 *
 * <h2>Threading</h2>
 * A Linux thread's network namespace is its own ({@code setns}/{@code unshare(CLONE_NEWNET)}
 * change the calling thread only). A Java thread that switched would carry the namespace into
 * whatever runs on it next, so nothing here switches the caller: {@link #callIn} and
 * {@link #callInNew} hand their task to one of a few <em>dedicated platform threads</em>
 * ({@link NsWorker}: never a virtual thread, whose carrier is shared, nor a pool thread others
 * use), which enters the namespace, runs the task, and returns to its own namespace before taking
 * the next task.
 * A worker that cannot return retires and a fresh one takes over. Sockets and files opened by
 * the task keep the namespace they were opened in, so the usual pattern is: open a netlink socket
 * there, use it from here.
 */
public final class Namespaces {
    private Namespaces() {
    }

    /** Opens a namespace file ({@code /var/run/netns/NAME}, {@code /proc/PID/ns/net}) read-only, close-on-exec. */
    public static int open(String path) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            int fd = Libc.open(cap, a.allocateFrom(path), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new LinuxException("open namespace", path, Libc.errno(cap));
            }
            return fd;
        }
    }

    public static void close(int fd) {
        if (fd >= 0) {
            Libc.close(fd);
        }
    }

    /** Creates an empty file ({@code O_CREAT|O_EXCL}, mode 0) as a mount point, as {@code ip netns add} does. */
    public static void createMountPoint(String path) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            int fd = Libc.open(cap, a.allocateFrom(path), Libc.O_RDONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0);
            if (fd < 0) {
                throw new LinuxException("create", path, Libc.errno(cap));
            }
            Libc.close(fd);
        }
    }

    /** {@code mount --bind source target}. */
    public static void bindMount(String source, String target) throws LinuxException {
        mount(source, target, "none", Libc.MS_BIND, "bind-mount " + source + " on");
    }

    /**
     * Makes {@code dir} a shared mount point, as iproute2 does for /var/run/netns: try to mark
     * it shared (recursively); if it is no mount point (EINVAL), bind-mount it onto itself first
     * and try again. Namespaces bind-mounted below it then propagate to mount namespaces that
     * are created later (e.g. by {@code ip netns exec}).
     */
    public static void makeSharedMountPoint(String dir) throws LinuxException {
        try {
            mount("", dir, "none", Libc.MS_SHARED | Libc.MS_REC, "make shared mount point");
        } catch (LinuxException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            mount(dir, dir, "none", Libc.MS_BIND | Libc.MS_REC, "bind-mount onto itself");
            mount("", dir, "none", Libc.MS_SHARED | Libc.MS_REC, "make shared mount point");
        }
    }

    /** {@code umount -l target} (MNT_DETACH): the namespace lives on while something still holds it. */
    public static void umountDetach(String target) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            if (Libc.umount2(cap, a.allocateFrom(target), Libc.MNT_DETACH) < 0) {
                throw new LinuxException("umount", target, Libc.errno(cap));
            }
        }
    }

    private static void mount(String source, String target, String fstype, long flags, String what)
            throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            if (Libc.mount(cap, a.allocateFrom(source), a.allocateFrom(target), a.allocateFrom(fstype), flags,
                    MemorySegment.NULL) < 0) {
                throw new LinuxException(what, target, Libc.errno(cap));
            }
        }
    }

    /**
     * Runs {@code task} on a namespace worker thread after it entered the network namespace
     * {@code nsFd}; the worker returns to its own namespace afterwards (see {@link NsWorker}).
     * The task's exception is rethrown here. Called from the worker itself (a nested call), it
     * runs inline with the same enter/restore.
     */
    public static <T> T callIn(int nsFd, Callable<T> task) throws Exception {
        return onWorker(() -> setns(nsFd, "enter network namespace", "fd " + nsFd), task);
    }

    /**
     * Runs {@code task} on a namespace worker thread after it unshared into a brand-new network
     * namespace; inside, {@code /proc/thread-self/ns/net} is that namespace (bind-mount it or open
     * it to keep it). The worker returns to its namespace afterwards; a new namespace nobody holds
     * then disappears.
     */
    public static <T> T callInNew(Callable<T> task) throws Exception {
        return onWorker(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
                if (Libc.unshare(cap, Libc.CLONE_NEWNET) < 0) {
                    throw new LinuxException("unshare", "network namespace", Libc.errno(cap));
                }
            }
        }, task);
    }

    private interface Enter {
        void enter() throws LinuxException;
    }

    /** On the worker: remember its namespace, {@code enter} another, run {@code task}, come back. */
    private static <T> T onWorker(Enter enter, Callable<T> task) throws Exception {
        return NsWorker.run(() -> {
            int home = open("/proc/thread-self/ns/net");
            try {
                enter.enter();
                try {
                    return task.call();
                } finally {
                    restore(home);
                }
            } finally {
                close(home);
            }
        });
    }

    /** Returns the worker to its namespace; if even that fails, the worker must not run anything else. */
    private static void restore(int home) throws LinuxException {
        try {
            setns(home, "return to network namespace", "fd " + home);
        } catch (LinuxException | RuntimeException e) {
            NsWorker.retireCurrent();
            throw e;
        }
    }

    private static void setns(int fd, String what, String object) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            if (Libc.setns(cap, fd, Libc.CLONE_NEWNET) < 0) {
                throw new LinuxException(what, object, Libc.errno(cap));
            }
        }
    }
}
