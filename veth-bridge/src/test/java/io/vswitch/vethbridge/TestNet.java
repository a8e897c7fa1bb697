package io.vswitch.vethbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.cleanup.Cleanup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Test fixture: every object a test makes is named {@code vbt<pid><suffix>} and owned by
 * {@code vbt<pid>}, so {@link #cleanupAll} removes exactly this JVM's leftovers -- ours through
 * {@link Cleanup}, those a test made with `ip` (foreign on purpose) by prefix. The tests use `ip`
 * and `tc` as independent witnesses; the library under test never forks.
 */
public final class TestNet {
    public static final String P = "vbt" + ProcessHandle.current().pid();
    public static final Owner OWNER = new Owner(P);

    private TestNet() {
    }

    /** {@code P + suffix}, checked to fit an interface name. */
    public static String name(String suffix) {
        String n = P + suffix;
        assertTrue(n.length() <= 15, n + " too long for an interface name");
        return n;
    }

    public static void assumeRoot() {
        boolean root;
        try {
            root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            root = false;
        }
        Assumptions.assumeTrue(root, "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)");
    }

    /** Runs a command, returns its output (stdout+stderr); fails the test on a non-zero exit. */
    public static String sh(String... cmd) throws IOException {
        Result r = run(cmd);
        assertEquals(0, r.rc, String.join(" ", cmd) + ": " + r.out);
        return r.out;
    }

    public record Result(int rc, String out) {
    }

    public static Result run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + ": no exit after 20 s");
            }
            return new Result(p.exitValue(), out.trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(e);
        }
    }

    /** Polls {@code condition} every 5 ms for up to {@code seconds}; fails with {@code what}. */
    public static void await(String what, double seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    public static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** Removes everything of this JVM: ours by owner, foreign test objects by name prefix. */
    public static void cleanupAll() throws IOException {
        Cleanup.Report r = Cleanup.run(OWNER);
        assertTrue(r.problems().isEmpty(), r.toString());
        for (String l : links()) {
            run("ip", "link", "del", l);
        }
        for (String n : namespaces()) {
            run("ip", "netns", "del", n);
        }
    }

    /** Fails if anything named with this JVM's prefix is still there. */
    public static void assertNothingLeft() throws IOException {
        List<String> left = new ArrayList<>(links());
        left.addAll(namespaces());
        try (Stream<Path> s = Files.exists(Path.of("/run/vswitch/netns")) ? Files.list(Path.of("/run/vswitch/netns"))
                : Stream.empty()) {
            s.map(p -> "marker " + p.getFileName()).filter(n -> n.contains(P)).forEach(left::add);
        }
        assertEquals(List.of(), left, "left behind");
    }

    static List<String> links() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(P)).sorted().toList();
        }
    }

    static List<String> namespaces() throws IOException {
        Path dir = Path.of("/var/run/netns");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(P)).sorted().toList();
        }
    }
}
