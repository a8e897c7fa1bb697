package io.vswitch.vethbridge;

import static io.vswitch.vethbridge.TestNet.OWNER;
import static io.vswitch.vethbridge.TestNet.name;
import static io.vswitch.vethbridge.TestNet.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.ip.Addresses;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.ip.Neighbors;
import io.vswitch.vethbridge.ip.Route;
import io.vswitch.vethbridge.ip.Routes;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Addresses, routes, neighbor entries, and traffic between two namespaces joined by a bridge. */
class IpTest extends NetTestBase {
    @Test
    void addressesRoutesAndNeighbors() throws Exception {
        String n = name("i1");
        try (Netns ns = NamedNamespaces.create(n, OWNER)) {
            new Links(root).addVeth(name("i1h"), "eth0", ns, OWNER);
            Links links = new Links(ns);
            links.setUp("eth0", true);
            Addresses addrs = new Addresses(ns);
            addrs.add("eth0", Cidr.parse("10.1.0.2/24"));
            addrs.add("eth0", Cidr.parse("fd01::2/64"));
            List<Cidr> got = addrs.list("eth0");
            assertTrue(got.contains(Cidr.parse("10.1.0.2/24")) && got.contains(Cidr.parse("fd01::2/64")), got.toString());
            String ipAddr = sh("ip", "-n", n, "addr", "show", "eth0");
            assertTrue(ipAddr.contains("inet 10.1.0.2/24") && ipAddr.contains("inet6 fd01::2/64"), ipAddr);
            assertEquals("address 10.1.0.2/24 already on eth0", assertThrows(VethBridgeException.class,
                    () -> addrs.add("eth0", Cidr.parse("10.1.0.2/24"))).getMessage());

            Routes routes = new Routes(ns);
            routes.addDefault(InetAddress.getByName("10.1.0.1"), "eth0");
            routes.add(Cidr.parse("192.168.7.0/24"), InetAddress.getByName("10.1.0.254"), null);
            routes.addDefault(InetAddress.getByName("fd01::1"), "eth0");
            routes.add(Cidr.parse("172.16.0.0/16"), null, "eth0");
            String v4 = sh("ip", "-n", n, "route");
            assertTrue(v4.contains("default via 10.1.0.1 dev eth0"), v4);
            assertTrue(v4.contains("192.168.7.0/24 via 10.1.0.254 dev eth0"), v4);
            assertTrue(v4.contains("172.16.0.0/16 dev eth0"), v4);
            assertTrue(sh("ip", "-n", n, "-6", "route").contains("default via fd01::1 dev eth0"));
            List<Route> listed = routes.list();
            assertTrue(listed.stream().anyMatch(r -> r.isDefault() && r.gateway() != null
                    && r.gateway().getHostAddress().equals("10.1.0.1") && "eth0".equals(r.device())), listed.toString());
            assertEquals("route to 0.0.0.0/0 already exists in namespace " + n, assertThrows(VethBridgeException.class,
                    () -> routes.addDefault(InetAddress.getByName("10.1.0.1"), "eth0")).getMessage());
            assertTrue(assertThrows(VethBridgeException.class, () -> routes.add(Cidr.parse("10.9.0.0/16"),
                    InetAddress.getByName("10.77.0.1"), null)).getMessage()
                    .startsWith("gateway 10.77.0.1 is not reachable in namespace " + n));

            Neighbors neigh = new Neighbors(ns);
            neigh.add("eth0", InetAddress.getByName("10.1.0.9"), "02:00:00:00:00:09");
            neigh.add("eth0", InetAddress.getByName("fd01::9"), "02:00:00:00:00:0a");
            assertEquals("02:00:00:00:00:09", neigh.list("eth0").get(InetAddress.getByName("10.1.0.9")));
            String ipNeigh = sh("ip", "-n", n, "neigh", "show", "dev", "eth0");
            assertTrue(ipNeigh.contains("10.1.0.9 lladdr 02:00:00:00:00:09 PERMANENT"), ipNeigh);
            assertTrue(ipNeigh.contains("fd01::9 lladdr 02:00:00:00:00:0a PERMANENT"), ipNeigh);

            // Deleting, and deleting what is not there.
            neigh.delete("eth0", InetAddress.getByName("10.1.0.9"));
            assertFalse(sh("ip", "-n", n, "neigh", "show", "dev", "eth0").contains("10.1.0.9 "));
            assertEquals("no neighbor entry for 10.1.0.9 on eth0", assertThrows(VethBridgeException.class,
                    () -> neigh.delete("eth0", InetAddress.getByName("10.1.0.9"))).getMessage());
            routes.delete(Cidr.parse("192.168.7.0/24"), null);
            routes.delete(Cidr.parse("0.0.0.0/0"), InetAddress.getByName("10.1.0.1"));
            String after = sh("ip", "-n", n, "route");
            assertFalse(after.contains("192.168.7.0/24") || after.contains("default"), after);
            assertEquals("no route to 192.168.7.0/24 in namespace " + n, assertThrows(VethBridgeException.class,
                    () -> routes.delete(Cidr.parse("192.168.7.0/24"), null)).getMessage());
        }
    }

    @Test
    void twoNamespacesJoinedByABridgePingEachOther() throws Exception {
        String br = name("pb");
        new Links(root).addBridge(br, BridgeOptions.DEFAULTS, OWNER);
        new Links(root).setUp(br, true);
        String[] hosts = {name("p1"), name("p2")};
        for (int i = 0; i < 2; i++) {
            try (Netns ns = NamedNamespaces.create(hosts[i], OWNER)) {
                Plumbing.attach(root, ns, new Plumbing.Attachment(hosts[i] + "h", br, "eth0",
                        List.of(Cidr.parse("10.2.0." + (i + 1) + "/24")), null, 0), OWNER);
            }
        }
        // await: the bridge port leaves "listening" immediately without STP, but carrier takes a moment
        TestNet.await("ping from " + hosts[0] + " to 10.2.0.2", 10, () -> {
            try {
                return TestNet.run("ip", "netns", "exec", hosts[0], "ping", "-c", "1", "-W", "1", "10.2.0.2").rc() == 0;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(0, TestNet.run("ip", "netns", "exec", hosts[1], "ping", "-c", "1", "-W", "2", "10.2.0.1").rc());
    }
}
