package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * Test fixture: a veth pair in the root namespace named {@code lfT<pid><n>a}/{@code ...b}, IPv6
 * off (no router solicitations or MLD reports in the receives), both ends up with carrier.
 * {@link #close} deletes exactly this pair (deleting one end deletes both). The fixture runs
 * {@code ip} as a process; the library under test never forks.
 */
final class VethPair implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final String PREFIX = "lfT" + ProcessHandle.current().pid();

    final String a;
    final String b;
    private boolean closed;

    private VethPair(String a, String b) {
        this.a = a;
        this.b = b;
    }

    /** Skips the calling test unless we are root on Linux with {@code ip}. */
    static void assumeRoot() {
        boolean root;
        try {
            root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            root = false;
        }
        Assumptions.assumeTrue(root, "needs root (CAP_NET_ADMIN) to create veth pairs");
    }

    static VethPair create() throws Exception {
        assumeRoot();
        int n = SEQ.incrementAndGet();
        VethPair pair = new VethPair(PREFIX + n + "a", PREFIX + n + "b");
        ip("link", "add", pair.a, "type", "veth", "peer", "name", pair.b);
        try {
            for (String end : List.of(pair.a, pair.b)) {
                Path sysctl = Path.of("/proc/sys/net/ipv6/conf", end, "disable_ipv6");
                if (Files.exists(sysctl)) {
                    Files.writeString(sysctl, "1");
                }
            }
            ip("link", "set", pair.a, "up");
            ip("link", "set", pair.b, "up");
            pair.awaitOperstate(pair.a, "up");
            pair.awaitOperstate(pair.b, "up");
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    /** Waits up to 3 s for {@code /sys/class/net/<dev>/operstate} to read {@code state}. */
    void awaitOperstate(String dev, String state) throws Exception {
        Path p = Path.of("/sys/class/net", dev, "operstate");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        String now = "";
        while (System.nanoTime() < deadline) {
            now = Files.readString(p).trim();
            if (now.equals(state)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(dev + " operstate is '" + now + "', not '" + state + "' after 3 s");
    }

    static String sysfs(String dev, String attribute) throws IOException {
        return Files.readString(Path.of("/sys/class/net", dev, attribute)).trim();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (Files.exists(Path.of("/sys/class/net", a))) {
            ip("link", "del", a);
        }
    }

    /** Fails if an interface this JVM's fixtures created is still there. */
    static void assertNoneLeft() throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).forEach(left::add);
        }
        assertEquals(List.of(), left, "test interfaces left behind");
    }

    /**
     * Makes the kernel stack transmit out of {@code dev} (one of this pair's ends): gives it an address of a /30 of
     * {@code firstOctets} (e.g. "198.18") unique to this pair and sends a UDP datagram to the unresolved other
     * host of that /30, so the kernel broadcasts ARP requests out of {@code dev}.
     */
    void provokeArpFrom(String dev, String firstOctets) throws IOException {
        String net = firstOctets + "." + (ProcessHandle.current().pid() % 250) + ".";
        int host = (int) (4 * (Long.parseLong(a.substring(PREFIX.length(), a.length() - 1)) % 60));
        ip("addr", "add", net + (host + 1) + "/30", "dev", dev);
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
            byte[] payload = {1, 2, 3};
            udp.send(new java.net.DatagramPacket(payload, payload.length, java.net.InetAddress.getByName(net + (host + 2)), 9));
        }
    }

    static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        boolean exited;
        try {
            exited = p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        if (!exited) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": no exit after 10 s");
        }
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        }
    }
}
