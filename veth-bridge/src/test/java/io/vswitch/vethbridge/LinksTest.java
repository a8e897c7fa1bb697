package io.vswitch.vethbridge;

import static io.vswitch.vethbridge.TestNet.OWNER;
import static io.vswitch.vethbridge.TestNet.name;
import static io.vswitch.vethbridge.TestNet.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** veths, bridges and link settings, read back through netlink dumps, sysfs and `ip`. */
class LinksTest extends NetTestBase {
    private static String sysfs(String dev, String attr) throws Exception {
        return Files.readString(Path.of("/sys/class/net", dev, attr)).trim();
    }

    @Test
    void vethIsCreatedWithItsPeerDirectlyInTheNamespace() throws Exception {
        String n = name("v1");
        String host = name("v1h");
        try (Netns ns = NamedNamespaces.create(n, OWNER)) {
            Link h = new Links(root).addVeth(host, "eth0", ns, OWNER);
            assertEquals("veth", h.kind());
            assertEquals(OWNER.alias(), h.alias());
            Link inside = new Links(ns).get("eth0");
            assertEquals(OWNER.alias(), inside.alias());
            assertTrue(sh("ip", "-n", n, "-o", "link", "show", "eth0").contains("eth0@"));
            assertTrue(sh("ip", "-o", "link", "show", host).contains("link-netns " + n));
        }
    }

    @Test
    void bridgeSettingsAreWhatWasAskedFor() throws Exception {
        String br = name("b1");
        Link b = new Links(root).addBridge(br, new BridgeOptions(true, Duration.ofSeconds(20), false), OWNER);
        assertEquals("bridge", b.kind());
        assertEquals("1", sysfs(br, "bridge/stp_state"));
        assertEquals("2000", sysfs(br, "bridge/ageing_time"));
        assertTrue(sh("ip", "-d", "link", "show", br).contains("stp_state 1"));
        String br2 = name("b2");
        new Links(root).addBridge(br2, BridgeOptions.DEFAULTS, OWNER);
        assertEquals("0", sysfs(br2, "bridge/stp_state"));
        // VLAN filtering: set when the kernel has it, a specific refusal (and no bridge) when not
        String br3 = name("b3");
        if (Files.exists(Path.of("/sys/class/net", br2, "bridge/vlan_filtering"))) {
            new Links(root).addBridge(br3, new BridgeOptions(false, null, true), OWNER);
            assertEquals("1", sysfs(br3, "bridge/vlan_filtering"));
        } else {
            VethBridgeException e = assertThrows(VethBridgeException.class,
                    () -> new Links(root).addBridge(br3, new BridgeOptions(false, null, true), OWNER));
            assertEquals("bridge " + br3 + ": VLAN filtering is not available in this kernel "
                    + "(built without CONFIG_BRIDGE_VLAN_FILTERING)", e.getMessage());
            assertFalse(TestNet.linkExists(br3));
        }
    }

    @Test
    void enslaveDetachMtuMacRenameUpDown() throws Exception {
        Links links = new Links(root);
        String br = name("b4");
        String a = name("e4a");
        String b = name("e4b");
        int brIndex = links.addBridge(br, BridgeOptions.DEFAULTS, OWNER).index();
        links.addVeth(a, b, null, OWNER);
        links.setMaster(a, br);
        assertEquals(brIndex, links.get(a).master());
        assertTrue(Files.readSymbolicLink(Path.of("/sys/class/net", a, "master")).toString().endsWith(br));
        links.noMaster(a);
        assertEquals(0, links.get(a).master());

        links.setMtu(a, 1400);
        assertEquals(1400, links.get(a).mtu());
        assertEquals("1400", sysfs(a, "mtu"));
        links.setMac(a, "02:00:00:aa:bb:01");
        assertEquals("02:00:00:aa:bb:01", sysfs(a, "address"));
        links.setUp(a, true);
        assertTrue(links.get(a).up());
        links.setUp(a, false);
        assertFalse(links.get(a).up());
        String renamed = name("e4r");
        links.rename(a, renamed);
        assertTrue(TestNet.linkExists(renamed));
        assertFalse(TestNet.linkExists(a));
        assertEquals(OWNER.alias(), links.get(renamed).alias(), "the mark survives a rename");
    }

    @Test
    void linksMoveBetweenNamespaces() throws Exception {
        String n1 = name("m1");
        String n2 = name("m2");
        String a = name("e5a");
        String b = name("e5b");
        try (Netns ns1 = NamedNamespaces.create(n1, OWNER); Netns ns2 = NamedNamespaces.create(n2, OWNER)) {
            new Links(root).addVeth(a, b, null, OWNER);
            new Links(root).moveTo(b, ns1);
            assertFalse(TestNet.linkExists(b));
            assertTrue(new Links(ns1).exists(b));
            new Links(ns1).moveTo(b, ns2);
            assertTrue(new Links(ns2).exists(b));
            assertTrue(sh("ip", "-n", n2, "-o", "link").contains(b));
            assertFalse(new Links(ns1).exists(b));
        }
    }

    @Test
    void badInputIsRefusedSpecificallyAndLeavesNothing() throws Exception {
        Links links = new Links(root);
        String a = name("e6a");
        String b = name("e6b");
        links.addVeth(a, b, null, OWNER);
        assertEquals("veth name " + a + " already exists",
                assertThrows(VethBridgeException.class, () -> links.addVeth(a, name("e6c"), null, OWNER)).getMessage());
        assertFalse(TestNet.linkExists(name("e6c")));
        assertEquals("veth name " + b + " already exists",
                assertThrows(VethBridgeException.class, () -> links.addVeth(name("e6d"), b, null, OWNER)).getMessage());
        assertFalse(TestNet.linkExists(name("e6d")));
        assertEquals("h1-eth0-very-long-name: interface names are at most 15 bytes",
                assertThrows(IllegalArgumentException.class,
                        () -> links.addVeth("h1-eth0-very-long-name", "x", null, OWNER)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> links.addVeth("a/b", "x", null, OWNER));
        assertThrows(IllegalArgumentException.class, () -> links.addVeth("a b", "x", null, OWNER));
        assertEquals("bridge " + name("b9") + " not found",
                assertThrows(VethBridgeException.class, () -> links.setMaster(a, name("b9"))).getMessage());
        assertEquals(b + " is no bridge (kind veth)",
                assertThrows(VethBridgeException.class, () -> links.setMaster(a, b)).getMessage());
        assertEquals("interface " + name("zz") + " not found",
                assertThrows(VethBridgeException.class, () -> links.setUp(name("zz"), true)).getMessage());
        assertEquals("interface name " + b + " already exists",
                assertThrows(VethBridgeException.class, () -> links.rename(a, b)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> links.setMtu(a, 10));
        // the namespace end of a veth into a namespace that already has that name
        String n = name("d1");
        try (Netns ns = NamedNamespaces.create(n, OWNER)) {
            links.addVeth(name("e6e"), "eth0", ns, OWNER);
            assertEquals("veth name eth0 already exists in namespace " + n,
                    assertThrows(VethBridgeException.class, () -> links.addVeth(name("e6f"), "eth0", ns, OWNER))
                            .getMessage());
            assertFalse(TestNet.linkExists(name("e6f")));
        }
    }
}
