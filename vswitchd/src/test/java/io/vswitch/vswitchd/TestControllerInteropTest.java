package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import io.vswitch.vswitchd.bridge.Bridge;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real controllers as the only controller of a line of three secure bridges joined by patch ports, with a host at
 * each end and one in the middle: every host reaches every other through the flows and packet-outs the controller
 * sends. The controllers: Open vSwitch's {@code ovs-testcontroller} (package openvswitch-testcontroller) and an
 * os-ken application (package python3-os-ken).
 */
class TestControllerInteropTest extends DaemonTestBase {
    Process controller;

    @AfterEach
    void stop() throws Exception {
        if (controller != null) {
            controller.destroy();
            if (!controller.waitFor(5, TimeUnit.SECONDS)) controller.destroyForcibly();
        }
    }

    @ParameterizedTest
    // OpenFlow 1.0 alone: table misses go to the controller without a table-miss flow, as 1.0 says.
    @ValueSource(strings = {"OpenFlow13", "OpenFlow10", "OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15"})
    void lineOfThreeSwitches(String protocols) throws Exception {
        Assumptions.assumeTrue(Netns.exit("ovs-testcontroller", "--version") == 0,
                "ovs-testcontroller is not installed (apt-get install openvswitch-testcontroller)");
        int port = freePort();
        lineOfThree(port, List.of("ovs-testcontroller", "-O", protocols,
                "--unixctl=" + dir.resolve("controller.ctl"), "ptcp:" + port + ":127.0.0.1"));
    }

    /**
     * An os-ken application (python3-os-ken, run by Debian's /usr/bin/python3 through osken-manager): the MAC
     * learning switch in src/test/resources/osken, at OpenFlow 1.3.
     */
    @Test
    void osKenLearningSwitch() throws Exception {
        Assumptions.assumeTrue(Netns.exit("osken-manager", "--version") == 0, "osken-manager is not installed (apt-get install python3-os-ken)");
        Path app = dir.resolve("learning_switch_13.py");
        try (var in = getClass().getResourceAsStream("/osken/learning_switch_13.py")) {
            java.nio.file.Files.copy(in, app);
        }
        int port = freePort();
        lineOfThree(port, List.of("/usr/bin/python3", "/usr/bin/osken-manager", "--ofp-listen-host", "127.0.0.1",
                "--ofp-tcp-listen-port", String.valueOf(port), app.toString()));
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code controllerCommand}, builds h1 - s1 - s2 - s3 - h3 with h2 on s2, and pings every pair. */
    void lineOfThree(int port, List<String> controllerCommand) throws Exception {
        controller = new ProcessBuilder(controllerCommand).redirectErrorStream(true)
                .redirectOutput(dir.resolve("controller.log").toFile()).start();

        String h1 = net.host("h1", "10.0.0.1"), h2 = net.host("h2", "10.0.0.2"), h3 = net.host("h3", "10.0.0.3");
        for (String br : List.of("s1", "s2", "s3")) ok("add-br", Netns.PREFIX + br, "fail-mode=secure");
        String s1 = Netns.PREFIX + "s1", s2 = Netns.PREFIX + "s2", s3 = Netns.PREFIX + "s3";
        ok("add-port", s1, h1);
        ok("add-port", s2, h2);
        ok("add-port", s3, h3);
        ok("add-port", s1, "p12", "type=patch", "peer=p21");
        ok("add-port", s2, "p21", "type=patch", "peer=p12");
        ok("add-port", s2, "p23", "type=patch", "peer=p32");
        ok("add-port", s3, "p32", "type=patch", "peer=p23");
        for (String br : List.of(s1, s2, s3)) ok("set-controller", br, "tcp:127.0.0.1:" + port);

        // The switches connect in the background (the controller may still be starting: retried with backoff).
        List<Bridge> bridges = List.of(daemon.bridge(s1), daemon.bridge(s2), daemon.bridge(s3));
        String log = dir.resolve("controller.log").toString();
        assertTrue(await(() -> bridges.stream().allMatch(b -> b.openflow.connectedCount() == 1), 20),
                "all three switches connected; controller log: " + readLog(log));

        // The first packets go through the controller (a Python one may answer slowly on a loaded machine).
        assertTrue(await(() -> net.ping("h1", "10.0.0.3", 3), 15), "h1 -> h3 across three switches; controller log: " + readLog(log));
        assertTrue(net.ping("h3", "10.0.0.2", 3), "h3 -> h2: " + readLog(log));
        assertTrue(net.ping("h2", "10.0.0.1", 3), "h2 -> h1: " + readLog(log));
        assertTrue(daemon.bridge(s2).pipeline().tables().totalEntries() > 1, "the controller installed flows: " + readLog(log));
    }

    private static String readLog(String file) {
        try {
            return java.nio.file.Files.readString(Path.of(file));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
