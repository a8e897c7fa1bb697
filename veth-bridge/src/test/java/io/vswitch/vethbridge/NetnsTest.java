package io.vswitch.vethbridge;

import static io.vswitch.vethbridge.TestNet.OWNER;
import static io.vswitch.vethbridge.TestNet.name;
import static io.vswitch.vethbridge.TestNet.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import io.vswitch.vethbridge.netns.NetnsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Named and anonymous namespaces, checked with iproute2; sysctls inside a namespace. */
class NetnsTest extends NetTestBase {
    @Test
    void aNamedNamespaceWorksWithIpNetnsExecAndIsDeletedLikeIpNetnsDel() throws Exception {
        String n = name("n1");
        try (Netns ns = NamedNamespaces.create(n, OWNER)) {
            assertEquals(n, ns.name());
            assertEquals(1, new Links(ns).list().size(), "only lo");
            assertTrue(new Links(ns).get("lo").up(), "loopback up");
        }
        String links = sh("ip", "netns", "exec", n, "ip", "-o", "link");
        assertTrue(links.contains("lo:") && links.contains("UP"), links);
        assertTrue(sh("ip", "netns", "list").contains(n));
        assertEquals(Optional.of(OWNER.tag()), NamedNamespaces.ownerOf(n));
        assertTrue(NamedNamespaces.list().contains(n));
        assertTrue(NamedNamespaces.owned(OWNER).contains(n));
        assertEquals("shared", sh("findmnt", "-n", "-o", "PROPAGATION", "/var/run/netns"));

        NamedNamespaces.delete(n);
        assertFalse(sh("ip", "netns", "list").contains(n));
        assertFalse(Files.exists(Path.of("/run/vswitch/netns", n)));
    }

    @Test
    void refusalsNameTheNamespace() throws Exception {
        String n = name("n2");
        NamedNamespaces.create(n, OWNER).close();
        assertEquals("namespace " + n + " already exists",
                assertThrows(VethBridgeException.class, () -> NamedNamespaces.create(n, OWNER)).getMessage());
        String missing = name("zz");
        assertEquals("namespace " + missing + " not found",
                assertThrows(VethBridgeException.class, () -> NamedNamespaces.open(missing)).getMessage());
        assertEquals("namespace " + missing + " not found",
                assertThrows(VethBridgeException.class, () -> NamedNamespaces.delete(missing)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NamedNamespaces.create("a/b", OWNER));
        assertEquals("namespace /proc/999999999/ns/net not found", assertThrows(VethBridgeException.class,
                () -> Netns.open(Path.of("/proc/999999999/ns/net"))).getMessage());
        try (Netns byPath = Netns.open(Path.of("/var/run/netns", n)); Netns self = Netns.ofProcess(ProcessHandle.current().pid())) {
            assertEquals(List.of("lo"), new Links(byPath).list().stream().map(Link::name).toList());
            assertTrue(new Links(self).list().size() > 1, "this process's namespace is the root one");
        }
        // the namespace ip created is not ours: create refuses, and nothing of it was touched
        String foreign = name("f1");
        sh("ip", "netns", "add", foreign);
        assertThrows(VethBridgeException.class, () -> NamedNamespaces.create(foreign, OWNER));
        assertEquals(Optional.empty(), NamedNamespaces.ownerOf(foreign));
        sh("ip", "netns", "exec", foreign, "true");
    }

    @Test
    void anAnonymousNamespaceDiesWithItsHandleAndTakesItsLinksAlong() throws Exception {
        String host = name("an");
        try (Netns root = Netns.root(); Netns anon = Netns.anonymous()) {
            assertEquals(null, anon.name());
            assertTrue(new Links(anon).get("lo").up(), "loopback up");
            new Links(root).addVeth(host, "eth0", anon, OWNER);
            assertTrue(new Links(anon).exists("eth0"));
            assertTrue(TestNet.linkExists(host));
        }
        // closing the only handle destroys the namespace; the kernel then removes the veth (asynchronously)
        TestNet.await("veth end " + host + " gone with its anonymous namespace", 10, () -> !TestNet.linkExists(host));
    }

    @Test
    void fastStartTurnsIPv6OffBeforeAnyLinkExists() throws Exception {
        String n = name("n4");
        try (Netns ns = NamedNamespaces.create(n, OWNER, NetnsOptions.FAST_START); Netns anon = Netns.anonymous(NetnsOptions.FAST_START)) {
            assertEquals("1", sh("ip", "netns", "exec", n, "cat", "/proc/sys/net/ipv6/conf/default/disable_ipv6"));
            assertEquals("1", anon.readSysctl("net.ipv6.conf.all.disable_ipv6"));
            new Links(root).addVeth(name("n4h"), "eth0", ns, OWNER, new Links.VethOptions(null, true, 0));
            assertTrue(!sh("ip", "-n", n, "addr", "show", "eth0").contains("inet6"), "no link-local address");
        }
        assertEquals("0", Files.readString(Path.of("/proc/sys/net/ipv6/conf/default/disable_ipv6")).trim());
    }

    @Test
    void sysctlsAreWrittenInsideTheNamespaceOnly() throws Exception {
        String n = name("n3");
        try (Netns ns = NamedNamespaces.create(n, OWNER); Netns root = Netns.root()) {
            String rootForwarding = root.readSysctl("net.ipv4.ip_forward");
            ns.sysctl("net.ipv4.ip_forward", "1");
            ns.sysctl("net/ipv6/conf/all/disable_ipv6", "1");
            assertEquals("1", ns.readSysctl("net.ipv4.ip_forward"));
            assertEquals("1", sh("ip", "netns", "exec", n, "cat", "/proc/sys/net/ipv4/ip_forward"));
            assertEquals("1", sh("ip", "netns", "exec", n, "cat", "/proc/sys/net/ipv6/conf/all/disable_ipv6"));
            assertEquals(rootForwarding, root.readSysctl("net.ipv4.ip_forward"), "root namespace untouched");
            // and the calling thread never left its namespace
            assertEquals(rootForwarding, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).trim());
        }
        assertThrows(IllegalArgumentException.class, () -> Netns.root().sysctl("../../etc/passwd", "x"));
    }
}
