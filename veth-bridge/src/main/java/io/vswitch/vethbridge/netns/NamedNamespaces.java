package io.vswitch.vethbridge.netns;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.Namespaces;
import io.vswitch.vethbridge.Names;
import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.VethBridgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Named network namespaces exactly as iproute2 keeps them, so {@code ip netns exec NAME ...}
 * and {@code ip netns list} work on ours: a namespace is bind-mounted onto the empty file
 * {@code /var/run/netns/NAME}, and {@code /var/run/netns} is made a shared mount point first
 * (bind-mounted onto itself if it is none), so the mount propagates to mount namespaces created
 * later. Delete is umount (lazy) + unlink.
 *
 * <h2>Ownership</h2>
 * Before anything is created, a marker file {@code /run/vswitch/netns/NAME} records the owner tag
 * ("owner=TAG"); it is removed last on delete. A crash in between leaves a marker, and
 * {@code Cleanup} finishes the job. Namespaces without a marker are never touched by cleanup.
 */
public final class NamedNamespaces {
    public static final Path NETNS_DIR = Path.of("/var/run/netns");
    public static final Path REGISTRY_DIR = Path.of("/run/vswitch/netns");

    private static volatile boolean sharedMountReady;

    private NamedNamespaces() {
    }

    /**
     * Creates the named namespace {@code name} owned by {@code owner}, with its loopback up, and
     * returns a handle on it (with a netlink socket inside; close the handle when done, the
     * namespace stays).
     *
     * @throws VethBridgeException "namespace NAME already exists"
     */
    public static Netns create(String name, Owner owner) throws IOException {
        return create(name, owner, NetnsOptions.DEFAULT);
    }

    /** As {@link #create(String, Owner)}, started as {@code options} say (e.g. IPv6 off). */
    public static Netns create(String name, Owner owner, NetnsOptions options) throws IOException {
        Names.checkNamespace(name);
        Path path = NETNS_DIR.resolve(name);
        prepareRunDir();
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new VethBridgeException("namespace " + name + " already exists");
        }
        Files.createDirectories(REGISTRY_DIR);
        Path marker = REGISTRY_DIR.resolve(name);
        writeMarker(marker, owner);
        try {
            Namespaces.createMountPoint(path.toString());
        } catch (LinuxException e) {
            Files.deleteIfExists(marker);
            if (e.errno() == Errno.EEXIST) {
                throw new VethBridgeException("namespace " + name + " already exists", e);
            }
            throw e;
        }
        try {
            return Netns.createNew(name, name, options,
                    () -> Namespaces.bindMount("/proc/thread-self/ns/net", path.toString()));
        } catch (Exception e) {
            removeQuietly(name);
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("create namespace " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing named namespace (ours or anybody's).
     *
     * @throws VethBridgeException "namespace NAME not found"
     */
    public static Netns open(String name) throws IOException {
        Names.checkNamespace(name);
        Path path = NETNS_DIR.resolve(name);
        try {
            return new Netns(name, name, Namespaces.open(path.toString()), null);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new VethBridgeException("namespace " + name + " not found", e);
            }
            throw e;
        }
    }

    public static boolean exists(String name) {
        return Files.exists(NETNS_DIR.resolve(Names.checkNamespace(name)), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Deletes the named namespace {@code name} as {@code ip netns del} does (lazy umount, unlink)
     * and its ownership marker. Links inside it go with it.
     *
     * @throws VethBridgeException "namespace NAME not found"
     */
    public static void delete(String name) throws IOException {
        Names.checkNamespace(name);
        if (!exists(name) && !Files.exists(REGISTRY_DIR.resolve(name))) {
            throw new VethBridgeException("namespace " + name + " not found");
        }
        removeQuietly(name);
    }

    /** Every named namespace (ours and others'), sorted. */
    public static List<String> list() throws IOException {
        return names(NETNS_DIR);
    }

    /** The named namespaces whose marker names {@code owner} (null: any owner of ours), sorted. */
    public static List<String> owned(Owner owner) throws IOException {
        removeStaleTemporaries();
        List<String> out = new ArrayList<>();
        for (String n : names(REGISTRY_DIR)) {
            if (n.startsWith(TMP_PREFIX)) continue;
            Optional<String> tag = ownerOf(n);
            if (tag.isPresent() && (owner == null || owner.tag().equals(tag.get()))) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Writes a marker whole or not at all (a temporary file renamed into place): a process killed while writing
     * must not leave an empty marker that no cleanup could attribute. A temporary file a killed process left is
     * named after its pid, and {@link #owned} removes it once that process is gone.
     */
    private static void writeMarker(Path marker, Owner owner) throws IOException {
        Path tmp = marker.resolveSibling(TMP_PREFIX + ProcessHandle.current().pid() + "." + marker.getFileName());
        Files.writeString(tmp, "owner=" + owner.tag() + "\n");
        Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static final String TMP_PREFIX = ".tmp.";

    /** Removes the temporary markers of processes that died while writing one. */
    private static void removeStaleTemporaries() throws IOException {
        for (String n : names(REGISTRY_DIR)) {
            if (!n.startsWith(TMP_PREFIX)) continue;
            String rest = n.substring(TMP_PREFIX.length());
            int dot = rest.indexOf('.');
            try {
                long pid = Long.parseLong(dot < 0 ? rest : rest.substring(0, dot));
                if (ProcessHandle.of(pid).isEmpty()) Files.deleteIfExists(REGISTRY_DIR.resolve(n));
            } catch (NumberFormatException notOurs) {
                // not a name we write
            }
        }
    }

    /** The owner tag in the marker of {@code name}, if we made it. */
    public static Optional<String> ownerOf(String name) throws IOException {
        try {
            String s = Files.readString(REGISTRY_DIR.resolve(name)).trim();
            return s.startsWith("owner=") ? Optional.of(s.substring(6)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** umount (if mounted), unlink, remove marker; each step tolerates "already gone". */
    static void removeQuietly(String name) throws IOException {
        Path path = NETNS_DIR.resolve(name);
        try {
            Namespaces.umountDetach(path.toString());
        } catch (LinuxException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        Files.deleteIfExists(path);
        Files.deleteIfExists(REGISTRY_DIR.resolve(name));
    }

    /** mkdir /var/run/netns and make it a shared mount point, once per process (as `ip netns add` does each time). */
    private static void prepareRunDir() throws IOException {
        if (sharedMountReady) {
            return;
        }
        synchronized (NamedNamespaces.class) {
            if (!sharedMountReady) {
                Files.createDirectories(NETNS_DIR);
                Namespaces.makeSharedMountPoint(NETNS_DIR.toString());
                sharedMountReady = true;
            }
        }
    }
}
