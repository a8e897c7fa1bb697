package io.vswitch.vethbridge.cni;

import static io.vswitch.vethbridge.TestNet.P;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vswitch.vethbridge.TestNet;
import io.vswitch.vswitchd.Daemon;
import io.vswitch.vswitchd.control.CommandHandler;
import io.vswitch.vswitchd.control.ControlServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI plugin run the way a runtime runs it: a separate process, the command and container in CNI_*
 * variables, the network configuration on stdin, the result or error read from stdout. The containers are named
 * namespaces made with {@code ip netns add} (as a runtime makes them); {@code ip} is the independent witness.
 */
class CniPluginTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    final List<String> hostLinks = new ArrayList<>();
    String bridge;

    @BeforeEach
    void setUp() {
        TestNet.assumeRoot();
        bridge = TestNet.name("cbr");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (String l : hostLinks) TestNet.run("ip", "link", "del", l);
        TestNet.cleanupAll();
    }

    @AfterAll
    static void nothingLeft() throws IOException {
        TestNet.assertNothingLeft();
    }

    record Reply(int exit, JsonNode json, String raw) { }

    /** Runs the plugin as a runtime does. */
    Reply cni(String command, String containerId, String netns, String ifname, String config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CniPlugin.class.getName());
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        if (containerId != null) env.put("CNI_CONTAINERID", containerId);
        if (netns != null) env.put("CNI_NETNS", netns);
        if (ifname != null) env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", "/usr/lib/cni:/opt/cni/bin");
        pb.redirectError(dir.resolve("plugin.err").toFile());
        Process p = pb.start();
        p.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "plugin finished");
        return new Reply(p.exitValue(), out.isEmpty() ? null : JSON.readTree(out), out);
    }

    Reply ok(String command, String containerId, String netns, String ifname, String config) throws Exception {
        Reply r = cni(command, containerId, netns, ifname, config);
        assertEquals(0, r.exit(), command + " failed: " + r.raw() + " / " + Files.readString(dir.resolve("plugin.err")));
        return r;
    }

    /** A container: a named namespace made as a runtime would. */
    String container(String suffix) throws IOException {
        String ns = TestNet.name(suffix);
        TestNet.sh("ip", "netns", "add", ns);
        return ns;
    }

    String conf(String extra, String ipam) {
        return """
                {"cniVersion": "1.0.0", "name": "%s", "type": "vswitch-cni", "bridge": "%s", "isGateway": true%s,
                 "ipam": %s}""".formatted(P + "-net", bridge, extra, ipam);
    }

    String builtinIpam(String range) {
        return """
                {"type": "vswitch-ipam", "subnet": "10.77.0.0/24", "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"%s}"""
                .formatted(dir.resolve("ipam"), range);
    }

    String add(String id, String ns, String config) throws Exception {
        hostLinks.add(CniPlugin.hostInterface(id, "eth0"));
        return ok("ADD", id, "/var/run/netns/" + ns, "eth0", config).raw();
    }

    static String in(String ns, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return TestNet.sh(full.toArray(new String[0]));
    }

    @Test
    void version() throws Exception {
        Reply r = ok("VERSION", null, null, null, "");
        assertEquals("1.0.0", r.json().get("cniVersion").asText());
        assertTrue(r.json().get("supportedVersions").toString().contains("0.4.0"));
    }

    @Test
    void addCheckDelOnALinuxBridge() throws Exception {
        String c1 = container("c1"), c2 = container("c2");
        String config = conf("", builtinIpam(""));
        JsonNode r1 = JSON.readTree(add(P + "-id1", c1, config));
        JsonNode r2 = JSON.readTree(add(P + "-id2", c2, config));
        String a1 = r1.at("/ips/0/address").asText(), a2 = r2.at("/ips/0/address").asText();
        assertTrue(a1.startsWith("10.77.0.") && a1.endsWith("/24"), r1.toString());
        assertNotEquals(a1, a2, "each container its own address (allocations persist between plugin runs)");
        assertEquals("10.77.0.1", r1.at("/ips/0/gateway").asText());
        assertEquals("/var/run/netns/" + c1, r1.at("/interfaces/1/sandbox").asText());
        assertEquals("0.0.0.0/0", r1.at("/routes/0/dst").asText());

        // What ip sees: the address and default route inside, the host end on the bridge, the gateway on the bridge.
        assertTrue(in(c1, "ip", "-o", "addr", "show", "dev", "eth0").contains(a1), "address inside");
        assertTrue(in(c1, "ip", "route").contains("default via 10.77.0.1 dev eth0"));
        String host1 = r1.at("/interfaces/0/name").asText();
        assertTrue(TestNet.sh("ip", "-o", "link", "show", host1).contains("master " + bridge));
        assertTrue(TestNet.sh("ip", "-o", "addr", "show", "dev", bridge).contains("10.77.0.1/24"));
        // Both containers reach each other and their gateway through the bridge.
        in(c1, "ping", "-c", "1", "-W", "2", a2.substring(0, a2.indexOf('/')));
        in(c2, "ping", "-c", "1", "-W", "2", "10.77.0.1");

        String withPrev = config.strip().substring(0, config.strip().length() - 1) + ", \"prevResult\": " + r1 + "}";
        ok("CHECK", P + "-id1", "/var/run/netns/" + c1, "eth0", withPrev);
        // A manual change makes CHECK fail, naming what differs.
        in(c1, "ip", "addr", "del", a1, "dev", "eth0");
        Reply check = cni("CHECK", P + "-id1", "/var/run/netns/" + c1, "eth0", withPrev);
        assertNotEquals(0, check.exit());
        assertEquals(CniException.CHECK_FAILED, check.json().get("code").asInt());
        assertTrue(check.json().get("msg").asText().contains("address " + a1 + " is missing"), check.raw());

        // A repeated ADD is refused and does not take the first one's address away.
        Reply again = cni("ADD", P + "-id2", "/var/run/netns/" + c2, "eth0", config);
        assertEquals(CniException.ALREADY_ATTACHED, again.json().get("code").asInt(), again.raw());
        assertTrue(Files.exists(dir.resolve("ipam").resolve(P + "-net").resolve(a2.substring(0, a2.indexOf('/')))));

        ok("DEL", P + "-id1", "/var/run/netns/" + c1, "eth0", config);
        assertFalse(TestNet.linkExists(host1), "veth gone");
        assertFalse(Files.exists(dir.resolve("ipam").resolve(P + "-net").resolve(a1.substring(0, a1.indexOf('/')))), "address released");
        assertNull(ok("DEL", P + "-id1", "/var/run/netns/" + c1, "eth0", config).json(), "DEL of something deleted succeeds, silently");
        TestNet.sh("ip", "netns", "del", c2);
        ok("DEL", P + "-id2", "/var/run/netns/" + c2, "eth0", config); // the container's namespace is gone already
        ok("DEL", P + "-id2", "", "eth0", config);
    }

    @Test
    void badInputIsRefusedWithTheSpecsCodesAndLeavesNothing() throws Exception {
        String c = container("cx");
        String ns = "/var/run/netns/" + c;
        assertEquals(CniException.DECODING_FAILURE, cni("ADD", "x", ns, "eth0", "{not json").json().get("code").asInt());
        assertEquals(CniException.INVALID_ENVIRONMENT, cni("ADD", "x", null, "eth0", conf("", builtinIpam(""))).json().get("code").asInt());
        assertEquals(CniException.UNKNOWN_CONTAINER, cni("ADD", "x", "/var/run/netns/" + P + "nope", "eth0", conf("", builtinIpam(""))).json().get("code").asInt());
        assertEquals(CniException.UNSUPPORTED_FIELD, cni("ADD", "x", ns, "eth0", conf(", \"brige\": \"typo\"", builtinIpam(""))).json().get("code").asInt());
        assertEquals(CniException.INCOMPATIBLE_VERSION, cni("ADD", "x", ns, "eth0", conf("", builtinIpam("")).replace("1.0.0", "9.9.9")).json().get("code").asInt());
        Reply badCidr = cni("ADD", "x", ns, "eth0", conf("", builtinIpam("").replace("10.77.0.0/24", "10.77.0.0/33")));
        assertEquals(CniException.INVALID_CONFIG, badCidr.json().get("code").asInt());
        assertTrue(badCidr.json().get("msg").asText().contains("10.77.0.0/33"), badCidr.raw());
        assertEquals(CniException.INVALID_ENVIRONMENT, cni("ADD", "x", ns, "eth0-much-too-long", conf("", builtinIpam(""))).json().get("code").asInt());

        // One address in the range: the second container gets a clear error and no half-made veth.
        String one = builtinIpam(", \"rangeStart\": \"10.77.0.50\", \"rangeEnd\": \"10.77.0.50\"");
        add(P + "-full1", c, conf("", one));
        String c2 = container("cy");
        hostLinks.add(CniPlugin.hostInterface(P + "-full2", "eth0"));
        Reply full = cni("ADD", P + "-full2", "/var/run/netns/" + c2, "eth0", conf("", one));
        assertEquals(CniException.NO_FREE_ADDRESS, full.json().get("code").asInt(), full.raw());
        assertFalse(TestNet.linkExists(CniPlugin.hostInterface(P + "-full2", "eth0")));
        assertTrue(in(c2, "ip", "-o", "link").lines().noneMatch(l -> l.contains("eth0")), "nothing inside the container");
    }

    @Test
    void attachToAVswitchdBridge() throws Exception {
        Path rundir = Files.createDirectories(dir.resolve("run"));
        try (Daemon daemon = new Daemon(dir.resolve("vswitchd.conf"), 1);
             ControlServer server = new ControlServer(rundir.resolve("vswitchd.ctl"), new CommandHandler(daemon))) {
            daemon.addBridge(bridge, null, null); // standalone: a learning switch
            String config = conf(", \"attach\": \"vswitchd\", \"vswitchdRundir\": \"" + rundir + "\"", builtinIpam("")).replace("\"isGateway\": true", "\"isGateway\": false");
            String c1 = container("v1"), c2 = container("v2");
            JsonNode r1 = JSON.readTree(add(P + "-v1", c1, config));
            JsonNode r2 = JSON.readTree(add(P + "-v2", c2, config));
            String host1 = r1.at("/interfaces/0/name").asText();
            assertNotNull(daemon.bridge(bridge).port(host1), "the host end is a port of the vswitchd bridge");
            String a2 = r2.at("/ips/0/address").asText();
            in(c1, "ping", "-c", "1", "-W", "2", a2.substring(0, a2.indexOf('/')));

            // VLANs: c3 and c4 in VLAN 20 reach each other, not VLAN 0's c1.
            String vlan20 = config.replace("\"attach\"", "\"vlan\": 20, \"attach\"");
            String c3 = container("v3"), c4 = container("v4");
            JsonNode r3 = JSON.readTree(add(P + "-v3", c3, vlan20));
            JsonNode r4 = JSON.readTree(add(P + "-v4", c4, vlan20));
            String a4 = r4.at("/ips/0/address").asText(), a1 = r1.at("/ips/0/address").asText();
            in(c3, "ping", "-c", "1", "-W", "2", a4.substring(0, a4.indexOf('/')));
            assertNotEquals(0, TestNet.run("ip", "netns", "exec", c3, "ping", "-c", "1", "-W", "1", a1.substring(0, a1.indexOf('/'))).rc(),
                    "VLAN 20 does not reach the untagged ports");
            assertTrue(daemon.portOptions(daemon.bridge(bridge).port(r3.at("/interfaces/0/name").asText())).containsValue("20"));
            ok("DEL", P + "-v3", "/var/run/netns/" + c3, "eth0", vlan20);
            ok("DEL", P + "-v4", "/var/run/netns/" + c4, "eth0", vlan20);
            Reply linuxVlan = cni("ADD", P + "-v5", "/var/run/netns/" + c3, "eth0", conf(", \"vlan\": 20", builtinIpam("")));
            assertEquals(CniException.UNSUPPORTED_FIELD, linuxVlan.json().get("code").asInt(), linuxVlan.raw());

            String withPrev = config.strip().substring(0, config.strip().length() - 1) + ", \"prevResult\": " + r1 + "}";
            ok("CHECK", P + "-v1", "/var/run/netns/" + c1, "eth0", withPrev);
            daemon.delPort(bridge, host1);
            Reply check = cni("CHECK", P + "-v1", "/var/run/netns/" + c1, "eth0", withPrev);
            assertTrue(check.json().get("msg").asText().contains("is not a port of vswitchd bridge"), check.raw());

            ok("DEL", P + "-v2", "/var/run/netns/" + c2, "eth0", config);
            assertNull(daemon.bridge(bridge).port(r2.at("/interfaces/0/name").asText()), "DEL removed the port");
            ok("DEL", P + "-v1", "/var/run/netns/" + c1, "eth0", config);
            assertEquals(List.of(), daemon.bridge(bridge).ports());
        }
    }

    /** containernetworking-plugins' host-local as the IPAM, when that Debian package is installed. */
    @Test
    void delegateIpam() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/lib/cni/host-local")), "containernetworking-plugins is not installed");
        String ipam = """
                {"type": "host-local", "subnet": "10.78.0.0/24", "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}"""
                .formatted(dir.resolve("host-local"));
        String config = conf("", ipam);
        String c = container("d1");
        JsonNode r = JSON.readTree(add(P + "-d1", c, config));
        String a = r.at("/ips/0/address").asText();
        assertTrue(a.startsWith("10.78.0."), r.toString());
        assertTrue(in(c, "ip", "-o", "addr", "show", "dev", "eth0").contains(a));
        Path held = dir.resolve("host-local").resolve(P + "-net").resolve(a.substring(0, a.indexOf('/')));
        assertTrue(Files.exists(held), "host-local recorded the allocation");
        ok("DEL", P + "-d1", "/var/run/netns/" + c, "eth0", config);
        assertFalse(Files.exists(held), "host-local released it");
    }
}
