package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TLS controller channels against Open vSwitch's own TLS peers, with certificates made by {@code openssl} for the
 * test: {@code ovs-ofctl} over {@code ssl:} to the switch's {@code pssl:} listener, and {@code ovs-testcontroller}
 * listening on {@code pssl:} with the switch connecting over {@code ssl:}. A peer whose certificate another CA
 * signed is refused both ways.
 */
class TlsControllerTest extends DaemonTestBase {
    Process controller;
    Path pki;

    @BeforeEach
    void makeCertificates() throws Exception {
        Assumptions.assumeTrue(Netns.exit("openssl", "version") == 0, "openssl is not installed");
        Assumptions.assumeTrue(Netns.exit("ovs-ofctl", "--version") == 0, "ovs-ofctl is not installed (apt-get install openvswitch-common)");
        pki = Files.createDirectories(dir.resolve("pki"));
        ca("ca");
        ca("rogue-ca");
        signed("switch", "ca");
        signed("controller", "ca");
        signed("intruder", "rogue-ca");
        ok("set-ssl", pem("switch-key"), pem("switch-cert"), pem("ca-cert"));
    }

    @AfterEach
    void stopController() throws Exception {
        if (controller != null) {
            controller.destroy();
            if (!controller.waitFor(5, TimeUnit.SECONDS)) controller.destroyForcibly();
        }
    }

    String pem(String name) { return pki.resolve(name + ".pem").toString(); }

    void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ":\n" + out);
    }

    void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", name + "-key.pem", "-out", name + "-cert.pem");
    }

    void signed(String name, String ca) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + "-key.pem", "-out", name + ".csr");
        openssl("x509", "-req", "-days", "2", "-in", name + ".csr", "-CA", ca + "-cert.pem", "-CAkey", ca + "-key.pem",
                "-CAcreateserial", "-out", name + "-cert.pem");
    }

    record Result(int exit, String output) { }

    Result ofctl(String who, int port, String command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13", "--timeout=10",
                "--private-key=" + pem(who + "-key"), "--certificate=" + pem(who + "-cert"), "--ca-cert=" + pem("ca-cert"),
                command, "ssl:127.0.0.1:" + port));
        cmd.addAll(List.of(args));
        Netns.Output o = Netns.output(cmd);
        return new Result(o.exit(), o.text());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void ovsOfctlOverSslToAPsslListener() throws Exception {
        int port = freePort();
        String p1 = net.host("h1", "10.0.0.1");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("set-controller", "br0", "pssl:" + port + ":127.0.0.1");

        Result show = ofctl("controller", port, "show");
        assertEquals(0, show.exit(), show.output());
        assertTrue(show.output().contains("OFPT_FEATURES_REPLY (OF1.3)"), show.output());
        assertTrue(show.output().contains(" 1(" + p1 + "):"), show.output());
        Result add = ofctl("controller", port, "add-flow", "priority=7,in_port=1,actions=drop");
        assertEquals(0, add.exit(), add.output());
        assertEquals(1, daemon.bridge("br0").pipeline().tables().totalEntries());

        Result intruder = ofctl("intruder", port, "add-flow", "priority=8,actions=drop");
        assertNotEquals(0, intruder.exit(), "a certificate from another CA is refused: " + intruder.output());
        assertEquals(1, daemon.bridge("br0").pipeline().tables().totalEntries(), "the intruder changed nothing");
        assertTrue(ok("get-ssl").contains("switch-key.pem"));
    }

    @Test
    void switchConnectsOverSslToOvsTestcontroller() throws Exception {
        Assumptions.assumeTrue(Netns.exit("ovs-testcontroller", "--version") == 0, "ovs-testcontroller is not installed");
        int port = freePort();
        controller = new ProcessBuilder("ovs-testcontroller", "-O", "OpenFlow13", "--unixctl=" + dir.resolve("controller.ctl"),
                "--private-key=" + pem("controller-key"), "--certificate=" + pem("controller-cert"), "--ca-cert=" + pem("ca-cert"),
                "pssl:" + port + ":127.0.0.1").redirectErrorStream(true).redirectOutput(dir.resolve("controller.log").toFile()).start();
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        ok("set-controller", "br0", "ssl:127.0.0.1:" + port);
        var bridge = daemon.bridge("br0");
        assertTrue(await(() -> bridge.openflow.connectedCount() == 1, 15),
                "connected over TLS; controller log: " + Files.readString(dir.resolve("controller.log")));
        assertTrue(net.ping("h1", "10.0.0.2", 3), "h1 -> h2 through ovs-testcontroller over TLS");

        // With a certificate the controller's CA did not sign, the switch cannot connect.
        ok("set-ssl", pem("intruder-key"), pem("intruder-cert"), pem("ca-cert"));
        assertTrue(await(() -> bridge.openflow.connectedCount() == 0, 10), "old connection replaced");
        assertFalse(await(() -> bridge.openflow.connectedCount() == 1, 3), "refused by the controller");
    }

    @Test
    void badTlsFilesAreRefusedAndChangeNothing() {
        var r = fail("set-ssl", pki.resolve("missing.pem").toString(), pem("switch-cert"), pem("ca-cert"));
        assertTrue(r.output().contains("missing.pem"), r.output());
        r = fail("set-ssl", pem("ca-cert"), pem("switch-cert"), pem("ca-cert")); // a certificate is not a key
        assertTrue(r.output().contains("cannot use TLS files"), r.output());
        assertTrue(ok("get-ssl").contains("switch-key.pem"), "the previous files stay");
    }
}
