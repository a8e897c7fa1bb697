package io.vswitch.vethbridge.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.vswitch.vethbridge.ip.Cidr;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Address management in the manner of the reference {@code host-local} IPAM plugin, built in (ipam type
 * {@code vswitch-ipam}): one range of one subnet per network, allocations kept as files so they survive restarts
 * of anything, released on DEL.
 *
 * <h2>Store</h2>
 * {@code DATA_DIR/NETWORK/} holds one file per allocated address (named after it, e.g. {@code 10.22.0.12}) whose
 * content is {@code CONTAINER_ID\nIFNAME\n}, a {@code last_reserved} file (where the next search starts, so
 * addresses are not reused at once), and a {@code lock} file: every operation holds an exclusive lock on it, so
 * concurrent ADDs (runtimes start pods in parallel) never hand out one address twice. A file is created with
 * CREATE_NEW, so even without the lock an address cannot be taken twice.
 *
 * <h2>Rules</h2>
 * ADD for a container and interface that already hold an address returns that address (a retried ADD is
 * harmless); the network address, the IPv4 broadcast address and the gateway are never handed out.
 */
final class HostLocalIpam {
    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/vswitch/cni/networks");

    /** A route to put in the container: {@code dst} via {@code gw} (null: the network's gateway). */
    record RouteSpec(Cidr dst, InetAddress gw) { }

    record Allocation(Cidr address, InetAddress gateway, List<RouteSpec> routes) { }

    private final Path dir;
    private final Cidr subnet;
    private final BigInteger first, last;
    private final InetAddress gateway;
    private final List<RouteSpec> routes;

    HostLocalIpam(Path dir, Cidr subnet, InetAddress rangeStart, InetAddress rangeEnd, InetAddress gateway, List<RouteSpec> routes) {
        this.dir = dir;
        this.subnet = subnet.network();
        this.gateway = gateway;
        this.routes = List.copyOf(routes);
        BigInteger net = number(this.subnet.address());
        int bits = subnet.isIpv4() ? 32 : 128;
        BigInteger size = BigInteger.ONE.shiftLeft(bits - subnet.prefix());
        BigInteger lowest = size.compareTo(BigInteger.TWO) > 0 ? net.add(BigInteger.ONE) : net;
        BigInteger highest = net.add(size).subtract(subnet.isIpv4() && size.compareTo(BigInteger.TWO) > 0 ? BigInteger.TWO : BigInteger.ONE);
        this.first = rangeStart == null ? lowest : number(rangeStart);
        this.last = rangeEnd == null ? highest : number(rangeEnd);
        if (first.compareTo(lowest) < 0 || last.compareTo(highest) > 0 || first.compareTo(last) > 0) {
            throw new IllegalArgumentException("range " + rangeStart + " - " + rangeEnd + " is not inside the usable addresses of " + this.subnet);
        }
    }

    /** From an {@code ipam} object (type {@code vswitch-ipam}) of network {@code network}. */
    static HostLocalIpam fromConfig(String network, JsonNode ipam) throws CniException {
        try {
            JsonNode s = ipam.get("subnet");
            if (s == null || !s.isTextual()) throw new CniException(CniException.INVALID_CONFIG, "ipam.subnet is required, e.g. \"10.22.0.0/16\"");
            Cidr subnet = Cidr.parse(s.asText());
            InetAddress gw = ipam.hasNonNull("gateway") ? address(ipam, "gateway", subnet)
                    : at(number(subnet.network().address()).add(BigInteger.ONE), subnet.isIpv4());
            List<RouteSpec> routes = new ArrayList<>();
            for (JsonNode r : ipam.path("routes")) {
                if (!r.path("dst").isTextual()) throw new CniException(CniException.INVALID_CONFIG, "ipam.routes entries need a dst, e.g. {\"dst\": \"0.0.0.0/0\"}");
                routes.add(new RouteSpec(Cidr.parse(r.get("dst").asText()), r.hasNonNull("gw") ? Cidr.parseAddress(r.get("gw").asText(), "ipam.routes gw") : null));
            }
            Path data = ipam.hasNonNull("dataDir") ? Path.of(ipam.get("dataDir").asText()) : DEFAULT_DATA_DIR;
            return new HostLocalIpam(data.resolve(network), subnet,
                    ipam.hasNonNull("rangeStart") ? address(ipam, "rangeStart", subnet) : null,
                    ipam.hasNonNull("rangeEnd") ? address(ipam, "rangeEnd", subnet) : null, gw, routes);
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.INVALID_CONFIG, "ipam: " + e.getMessage());
        }
    }

    private static InetAddress address(JsonNode ipam, String key, Cidr subnet) {
        InetAddress a = Cidr.parseAddress(ipam.get(key).asText(), "invalid ipam." + key + " " + ipam.get(key).asText());
        if (!new Cidr(a, subnet.prefix()).network().equals(subnet.network())) {
            throw new IllegalArgumentException(key + " " + a.getHostAddress() + " is not in " + subnet.network());
        }
        return a;
    }

    InetAddress gateway() { return gateway; }

    Cidr subnet() { return subnet; }

    /** An address for {@code containerId}/{@code ifname}: the one it holds already, or the next free one. */
    Allocation allocate(String containerId, String ifname) throws CniException, IOException {
        try (StoreLock lock = lock()) {
            Optional<Allocation> held = findLocked(containerId, ifname);
            if (held.isPresent()) return held.get();
            BigInteger span = last.subtract(first).add(BigInteger.ONE);
            BigInteger start = lastReserved().map(n -> n.add(BigInteger.ONE)).orElse(first);
            if (start.compareTo(first) < 0 || start.compareTo(last) > 0) start = first;
            BigInteger gw = number(gateway);
            for (BigInteger i = BigInteger.ZERO; i.compareTo(span) < 0; i = i.add(BigInteger.ONE)) {
                BigInteger n = start.add(i);
                if (n.compareTo(last) > 0) n = n.subtract(span);
                if (n.equals(gw)) continue;
                InetAddress a = at(n, subnet.isIpv4());
                try {
                    Files.writeString(dir.resolve(a.getHostAddress()), containerId + "\n" + ifname + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                Files.writeString(dir.resolve("last_reserved"), a.getHostAddress());
                return new Allocation(new Cidr(a, subnet.prefix()), gateway, routes);
            }
            throw new CniException(CniException.NO_FREE_ADDRESS, "no free address left in " + at(first, subnet.isIpv4()).getHostAddress()
                    + " - " + at(last, subnet.isIpv4()).getHostAddress() + " of network " + dir.getFileName());
        }
    }

    /** Releases what {@code containerId}/{@code ifname} holds; nothing held is not an error (DEL may repeat). */
    void release(String containerId, String ifname) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (StoreLock lock = lock()) {
            for (Path p : allocations()) {
                if (owner(p).equals(List.of(containerId, ifname))) Files.deleteIfExists(p);
            }
        }
    }

    Optional<Allocation> find(String containerId, String ifname) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (StoreLock lock = lock()) {
            return findLocked(containerId, ifname);
        }
    }

    private Optional<Allocation> findLocked(String containerId, String ifname) throws IOException {
        for (Path p : allocations()) {
            if (owner(p).equals(List.of(containerId, ifname))) {
                InetAddress a = Cidr.parseAddress(p.getFileName().toString(), "allocation file " + p);
                return Optional.of(new Allocation(new Cidr(a, subnet.prefix()), gateway, routes));
            }
        }
        return Optional.empty();
    }

    private List<Path> allocations() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return !n.equals("lock") && !n.equals("last_reserved");
            }).toList();
        }
    }

    private static List<String> owner(Path p) throws IOException {
        try {
            return Arrays.asList(Files.readString(p, StandardCharsets.UTF_8).strip().split("\n"));
        } catch (NoSuchFileException gone) {
            return List.of();
        }
    }

    private Optional<BigInteger> lastReserved() throws IOException {
        Path p = dir.resolve("last_reserved");
        if (!Files.exists(p)) return Optional.empty();
        try {
            return Optional.of(number(Cidr.parseAddress(Files.readString(p).strip(), "last_reserved")));
        } catch (IllegalArgumentException corrupt) {
            return Optional.empty();
        }
    }

    /** The store's exclusive lock, held for the whole of one operation. */
    private record StoreLock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close(); // releases the lock
        }
    }

    private StoreLock lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            ch.lock();
            return new StoreLock(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static BigInteger number(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    static InetAddress at(BigInteger n, boolean v4) {
        byte[] raw = n.toByteArray();
        byte[] b = new byte[v4 ? 4 : 16];
        int copy = Math.min(raw.length, b.length);
        System.arraycopy(raw, raw.length - copy, b, b.length - copy, copy);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isV4(InetAddress a) { return a instanceof Inet4Address; }
}
