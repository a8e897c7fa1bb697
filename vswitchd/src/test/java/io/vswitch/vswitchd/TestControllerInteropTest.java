package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Open vSwitch's {@code ovs-testcontroller} (a learning switch; package openvswitch-testcontroller) as the only
 * controller of a line of three secure bridges joined by patch ports, with a host at each end and one in the
 * middle: every host reaches every other through the flows and packet-outs the controller sends.
 */
class TestControllerInteropTest extends DaemonTestBase {
    Process controller;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Netns.exit("ovs-testcontroller", "--version") == 0,
                "ovs-testcontroller is not installed (apt-get install openvswitch-testcontroller)");
    }

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
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("ovs-testcontroller", "-O", protocols,
                "--unixctl=" + dir.resolve("controller.ctl"), "ptcp:" + port + ":127.0.0.1"));
        controller = new ProcessBuilder(cmd).redirectErrorStream(true)
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

        // The switches connect in the background (the controller may still be starting: retried after 1 s).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String br : List.of(s1, s2, s3)) all &= daemon.bridge(br).openflow.connectedCount() == 1;
            if (all) break;
            Thread.sleep(50);
        }
        for (String br : List.of(s1, s2, s3)) assertEquals(1, daemon.bridge(br).openflow.connectedCount(), br + " connected");

        String log = dir.resolve("controller.log").toString();
        assertTrue(net.ping("h1", "10.0.0.3", 3), "h1 -> h3 across three switches; controller log: " + readLog(log));
        assertTrue(net.ping("h3", "10.0.0.2", 3), "h3 -> h2: " + readLog(log));
        assertTrue(net.ping("h2", "10.0.0.1", 3), "h2 -> h1: " + readLog(log));
        assertTrue(daemon.bridge(s2).pipeline().tables().totalEntries() > 0, "the controller installed flows: " + readLog(log));
    }

    private static String readLog(String file) {
        try {
            return java.nio.file.Files.readString(Path.of(file));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
