package io.vswitch.vethbridge;

import static io.vswitch.vethbridge.TestNet.OWNER;
import static io.vswitch.vethbridge.TestNet.P;
import static io.vswitch.vethbridge.TestNet.name;
import static io.vswitch.vethbridge.TestNet.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.cleanup.Cleanup;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cleanup removes exactly our objects, twice without harm, and finishes what a killed process left. */
class CleanupTest extends NetTestBase {
    @Test
    void removesOursIsIdempotentAndLeavesForeignObjectsAlone() throws Exception {
        // ours: a bridge, a host namespace with a veth into it, a veth in a foreign namespace
        String br = name("cb");
        new Links(root).addBridge(br, BridgeOptions.DEFAULTS, OWNER);
        try (Netns ns = NamedNamespaces.create(name("c1"), OWNER)) {
            Plumbing.attach(root, ns, new Plumbing.Attachment(name("c1h"), br, "eth0",
                    List.of(Cidr.parse("10.4.0.1/24")), null, 0), OWNER);
        }
        // foreign (made with ip, named with our prefix on purpose): a veth, a namespace, a veth inside it
        String fa = name("fa");
        String fns = name("fn");
        sh("ip", "link", "add", fa, "type", "veth", "peer", "name", name("fb"));
        sh("ip", "netns", "add", fns);
        sh("ip", "-n", fns, "link", "add", "x0", "type", "veth", "peer", "name", "x1");
        // one of ours inside the foreign namespace: cleanup must take it and leave the rest
        try (Netns f = NamedNamespaces.open(fns)) {
            new Links(f).addVeth("o0", "o1", null, OWNER);
        }
        // another owner's object: cleanup by our owner tag must not touch it
        Owner other = new Owner(P + "x");
        String otherLink = name("ox");
        new Links(root).addVeth(otherLink, name("oy"), null, other);

        // a stale file under /var/run/netns (no namespace mounted on it), as a crashed `ip netns add` leaves
        java.nio.file.Path stale = java.nio.file.Path.of("/var/run/netns", name("st"));
        java.nio.file.Files.createFile(stale);

        Cleanup.Report r = Cleanup.run(OWNER);
        assertTrue(r.problems().isEmpty(), r.toString());
        assertTrue(java.nio.file.Files.exists(stale), "not ours: left alone");
        java.nio.file.Files.delete(stale);
        assertEquals(List.of(name("c1")), r.namespaces());
        // one end of each of our veths is listed (deleting it took the other)
        assertTrue(r.links().contains(br) && r.links().stream().anyMatch(l -> l.startsWith(fns + "/o")),
                r.links().toString());
        assertFalse(TestNet.linkExists(br));
        assertFalse(TestNet.linkExists(name("c1h")));
        assertFalse(NamedNamespaces.exists(name("c1")));
        assertTrue(TestNet.linkExists(fa) && TestNet.linkExists(name("fb")), "foreign veth survives");
        assertTrue(NamedNamespaces.exists(fns), "foreign namespace survives");
        String inside = sh("ip", "-n", fns, "-o", "link");
        assertTrue(inside.contains("x0") && inside.contains("x1") && !inside.contains("o0"), inside);
        assertTrue(TestNet.linkExists(otherLink), "another owner's link survives an owner-scoped cleanup");

        Cleanup.Report again = Cleanup.run(OWNER);
        assertEquals(List.of(), again.links());
        assertEquals(List.of(), again.namespaces());
        assertTrue(again.problems().isEmpty());

        Cleanup.run(other);
        assertFalse(TestNet.linkExists(otherLink));
        sh("ip", "link", "del", fa);
        sh("ip", "netns", "del", fns);
    }

    @Test
    void aProcessKilledMidBuildLeavesNothingAfterCleanup() throws Exception {
        String prefix = P + "z";
        Owner childOwner = new Owner(prefix);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), prefix)
                .redirectErrorStream(true).start();
        List<String> seen = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                seen.add(line);
                if (line.equals("built 5")) {
                    break;
                }
            }
            assertTrue(seen.contains("built 5"), "child output: " + seen);
            child.destroyForcibly(); // SIGKILL, in the middle of building host 6 or 7
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertFalse(NamedNamespaces.owned(childOwner).isEmpty(), "the child left namespaces");
        Cleanup.Report r = Cleanup.run(childOwner);
        assertTrue(r.problems().isEmpty(), r.toString());
        assertTrue(r.namespaces().size() >= 6, r.toString());
        List<String> left = new ArrayList<>(TestNet.links());
        left.addAll(TestNet.namespaces());
        left.removeIf(n -> !n.startsWith(prefix));
        assertEquals(List.of(), left, "left after cleanup");
        assertEquals(List.of(), NamedNamespaces.owned(childOwner));
    }
}
