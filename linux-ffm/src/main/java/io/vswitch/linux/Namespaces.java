package io.vswitch.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Network namespaces and the mount calls that pin them: setns, unshare, bind mounts.
 *
 * <h2>Threading</h2>
 * A Linux thread's network namespace is its own ({@code setns}/{@code unshare(CLONE_NEWNET)}
 * change the calling thread only). A Java thread that switched would carry the namespace into
 * whatever runs on it next, so nothing here switches the caller: {@link #callIn} and
 * {@link #callInNew} run their task on a <em>new platform thread</em> made for it (never a
 * virtual thread, whose carrier is shared, nor a pool thread), restore the thread's namespace
 * afterwards, and let the thread end. Sockets and files opened by the task keep the namespace
 * they were opened in, so the usual pattern is: open a netlink socket there, use it from here.
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
     * Runs {@code task} on a new platform thread that has entered the network namespace
     * {@code nsFd}; the thread returns to its namespace afterwards and ends. Exceptions of the
     * task are rethrown here (checked ones wrapped in an {@link ExecutionException}'s cause chain
     * only when they are no {@link Exception} subclass we can rethrow as is).
     */
    public static <T> T callIn(int nsFd, Callable<T> task) throws Exception {
        return onFreshThread(() -> {
            int home = open("/proc/thread-self/ns/net");
            try {
                setns(nsFd, "enter network namespace", "fd " + nsFd);
                try {
                    return task.call();
                } finally {
                    setns(home, "return to network namespace", "fd " + home);
                }
            } finally {
                close(home);
            }
        });
    }

    /**
     * Runs {@code task} on a new platform thread that has just unshared into a brand-new network
     * namespace; inside, {@code /proc/thread-self/ns/net} is that namespace (bind-mount it or open
     * it to keep it). The thread returns to its previous namespace afterwards and ends; a new
     * namespace nobody holds then disappears.
     */
    public static <T> T callInNew(Callable<T> task) throws Exception {
        return onFreshThread(() -> {
            int home = open("/proc/thread-self/ns/net");
            try {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
                    if (Libc.unshare(cap, Libc.CLONE_NEWNET) < 0) {
                        throw new LinuxException("unshare", "network namespace", Libc.errno(cap));
                    }
                }
                try {
                    return task.call();
                } finally {
                    setns(home, "return to network namespace", "fd " + home);
                }
            } finally {
                close(home);
            }
        });
    }

    private static void setns(int fd, String what, String object) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            if (Libc.setns(cap, fd, Libc.CLONE_NEWNET) < 0) {
                throw new LinuxException(what, object, Libc.errno(cap));
            }
        }
    }

    private static <T> T onFreshThread(Callable<T> task) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("netns-op").daemon(true).unstarted(() -> {
            try {
                result.set(task.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the task is short; finish it so no namespace state is left half-done
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable e = failure.get();
        if (e instanceof Exception ex) {
            throw ex;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new ExecutionException(e);
        }
        return result.get();
    }
}
