package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vswitch.vswitchd.control.CommandHandler;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the real-system vswitchd tests: a daemon with one datapath thread and its configuration in a
 * temporary directory, driven through the same command handler vsctl talks to, and the {@link Netns} hosts a
 * test makes. Everything is torn down after each test (subclasses' own {@code @AfterEach} run first), and each
 * class ends by checking that no namespace or interface of ours is left.
 */
abstract class DaemonTestBase {
    @TempDir
    Path dir;
    Netns net;
    Daemon daemon;
    CommandHandler ctl;

    @BeforeEach
    void startDaemon() throws Exception {
        net = new Netns();
        daemon = new Daemon(dir.resolve("vswitchd.conf"), 1, probeSeconds());
        ctl = new CommandHandler(daemon);
    }

    /** The daemon's OpenFlow inactivity probe (fail-open comes after three). */
    int probeSeconds() { return 5; }

    /** Polls {@code condition} every 50 ms until it holds or {@code seconds} pass; returns whether it held. */
    static boolean await(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(50);
        }
        return true;
    }

    @AfterEach
    void stopDaemon() {
        if (daemon != null) daemon.close();
        net.close();
    }

    @AfterAll
    static void nothingLeft() {
        assertEquals(List.of(), Netns.leftovers(), "namespaces or interfaces left behind");
    }

    /** Runs a vsctl command that must succeed; returns its output. */
    String ok(String... args) {
        CommandHandler.Response r = ctl.handle(List.of(args));
        assertEquals(0, r.status(), String.join(" ", args) + " -> " + r.output());
        return r.output();
    }

    /** Runs a vsctl command that must be refused; returns the refusal. */
    CommandHandler.Response fail(String... args) {
        CommandHandler.Response r = ctl.handle(List.of(args));
        assertNotEquals(0, r.status(), String.join(" ", args) + " should have failed: " + r.output());
        return r;
    }
}
