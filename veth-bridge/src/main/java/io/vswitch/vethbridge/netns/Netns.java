package io.vswitch.vethbridge.netns;

import io.vswitch.linux.LinuxException;
import io.vswitch.linux.Namespaces;
import io.vswitch.linux.NetlinkSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A handle on one network namespace: a file descriptor that keeps it reachable, and a
 * NETLINK_ROUTE socket created inside it, so link, address, route and qdisc operations on it need
 * no {@code setns} at all. Only what must run <em>in</em> the namespace (sysctls under
 * /proc/sys/net, creating sockets) goes through {@link #call}, on one of linux-ffm's namespace worker threads.
 *
 * <p>{@link #close()} releases the handle; a named namespace stays (delete it through
 * {@link NamedNamespaces}), an anonymous one disappears when nothing else holds it. Thread-safe.
 */
public final class Netns implements AutoCloseable {
    private final String name;
    private final String display;
    private final int fd;
    private NetlinkSocket rtnl;
    private boolean closed;

    Netns(String name, String display, int fd, NetlinkSocket rtnl) {
        this.name = name;
        this.display = display;
        this.fd = fd;
        this.rtnl = rtnl;
    }

    /** The namespace this process started in (that of /proc/self/ns/net). */
    public static Netns root() throws LinuxException {
        return new Netns(null, "root", Namespaces.open("/proc/self/ns/net"), null);
    }

    /**
     * A new anonymous namespace owned by this handle: nothing names it on the file system, and it
     * disappears (with every link inside it) when the handle is closed or the process dies,
     * unless something else (a process moved into it, a bind mount) holds it.
     */
    public static Netns anonymous() throws IOException {
        return anonymous(NetnsOptions.DEFAULT);
    }

    /** As {@link #anonymous()}, started as {@code options} say. */
    public static Netns anonymous(NetnsOptions options) throws IOException {
        try {
            return createNew(null, null, options, () -> { });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("create anonymous network namespace: " + e.getMessage(), e);
        }
    }

    /**
     * The namespace behind a namespace file -- what a container runtime hands a CNI plugin
     * ({@code /var/run/netns/NAME}, {@code /proc/PID/ns/net}, a runtime's own bind mount) --
     * held by this handle.
     */
    public static Netns open(java.nio.file.Path path) throws IOException {
        try {
            return new Netns(null, path.toString(), Namespaces.open(path.toString()), null);
        } catch (LinuxException e) {
            if (e.errno() == io.vswitch.linux.Errno.ENOENT) {
                throw new io.vswitch.vethbridge.VethBridgeException("namespace " + path + " not found", e);
            }
            throw e;
        }
    }

    /** What must happen inside a new namespace before anything else (e.g. pinning it with a bind mount). */
    interface Inside {
        void run() throws Exception;
    }

    /**
     * A new namespace: unshared on a namespace worker, {@code first} run inside it, {@code options}
     * applied, a netlink socket opened inside; loopback then brought up. {@code name} null:
     * anonymous (held by the returned handle only).
     */
    static Netns createNew(String name, String display, NetnsOptions options, Inside first) throws Exception {
        int[] fd = {-1};
        NetlinkSocket s = Namespaces.callInNew(() -> {
            first.run();
            options.applyInside();
            fd[0] = Namespaces.open("/proc/thread-self/ns/net");
            try {
                return NetlinkSocket.openRoute();
            } catch (LinuxException | RuntimeException e) {
                Namespaces.close(fd[0]);
                throw e;
            }
        });
        Netns ns = new Netns(name, display != null ? display : "anonymous netns fd " + fd[0], fd[0], s);
        try {
            new io.vswitch.vethbridge.link.Links(ns).setUp("lo", true);
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The namespace of process {@code pid} (e.g. a container's init), held by this handle. */
    public static Netns ofProcess(long pid) throws LinuxException {
        return new Netns(null, "netns of pid " + pid, Namespaces.open("/proc/" + pid + "/ns/net"), null);
    }

    /** The name under /var/run/netns, or null for the root and anonymous namespaces. */
    public String name() {
        return name;
    }

    /** For messages: the name, "root", or what an unnamed namespace is. */
    @Override
    public String toString() {
        return display;
    }

    /** The namespace file descriptor (valid until {@link #close()}), e.g. for IFLA_NET_NS_FD. */
    public int fd() {
        checkOpen();
        return fd;
    }

    /** The NETLINK_ROUTE socket of this namespace, created inside it on first use. */
    public synchronized NetlinkSocket rtnl() throws IOException {
        checkOpen();
        if (rtnl == null) {
            rtnl = call(NetlinkSocket::openRoute);
        }
        return rtnl;
    }

    /** Runs {@code task} on a namespace worker thread, inside this namespace (see {@link Namespaces#callIn}). */
    public <T> T call(Callable<T> task) throws IOException {
        try {
            return Namespaces.callIn(fd(), task);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Writes a sysctl as seen from inside the namespace, e.g. {@code sysctl("net.ipv4.ip_forward", "1")}
     * or {@code sysctl("net/ipv6/conf/all/disable_ipv6", "1")} (the slash form for keys holding dots).
     */
    public void sysctl(String key, String value) throws IOException {
        Path p = sysctlPath(key);
        call(() -> Files.writeString(p, value));
    }

    /** Reads a sysctl as seen from inside the namespace (trimmed). */
    public String readSysctl(String key) throws IOException {
        Path p = sysctlPath(key);
        return call(() -> Files.readString(p).trim());
    }

    static Path sysctlPath(String key) {
        if (key.isEmpty() || key.contains("..") || key.startsWith("/")) {
            throw new IllegalArgumentException("invalid sysctl key '" + key + "'");
        }
        return Path.of("/proc/sys", key.contains("/") ? key : key.replace('.', '/'));
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("namespace handle " + display + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (rtnl != null) {
                rtnl.close();
            }
            Namespaces.close(fd);
        }
    }
}
