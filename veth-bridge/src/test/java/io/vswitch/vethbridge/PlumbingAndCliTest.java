package io.vswitch.vethbridge;

import static io.vswitch.vethbridge.TestNet.OWNER;
import static io.vswitch.vethbridge.TestNet.name;
import static io.vswitch.vethbridge.TestNet.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.cli.Vbridge;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The all-or-nothing attach, and the vbridge command line (exit codes, one-line reasons). */
class PlumbingAndCliTest extends NetTestBase {
    @Test
    void aFailedAttachRemovesWhatItCreated() throws Exception {
        try (Netns ns = NamedNamespaces.create(name("a1"), OWNER)) {
            String host = name("a1h");
            // the gateway is off the address's subnet: the last step fails after veth, address and up succeeded
            VethBridgeException e = assertThrows(VethBridgeException.class, () -> Plumbing.attach(root, ns,
                    new Plumbing.Attachment(host, null, "eth0", List.of(Cidr.parse("10.5.0.2/24")),
                            InetAddress.getByName("10.6.0.1"), 1400), OWNER));
            assertTrue(e.getMessage().startsWith("gateway 10.6.0.1 is not reachable"), e.getMessage());
            assertFalse(TestNet.linkExists(host));
            assertFalse(new Links(ns).exists("eth0"));
            // an unknown bridge is refused before anything is made
            assertEquals("bridge " + name("nob") + " not found", assertThrows(VethBridgeException.class,
                    () -> Plumbing.attach(root, ns, new Plumbing.Attachment(host, name("nob"), "eth0", List.of(), null, 0),
                            OWNER)).getMessage());
            assertFalse(TestNet.linkExists(host));
            Plumbing.Attached ok = Plumbing.attach(root, ns, new Plumbing.Attachment(host, null, "eth0",
                    List.of(Cidr.parse("10.5.0.2/24")), InetAddress.getByName("10.5.0.1"), 1400), OWNER);
            assertEquals(1400, ok.inside().mtu());
            assertTrue(ok.host().up() && ok.inside().up());
        }
    }

    private record Run(int rc, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Vbridge.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(rc, out.toString().trim(), err.toString().trim());
    }

    @Test
    void commandLine() throws Exception {
        String n = name("q1");
        String br = name("qb");
        String h = name("qh");
        String tag = OWNER.tag();
        assertEquals(0, cli("netns", "add", n, "--owner", tag).rc());
        assertTrue(cli("netns", "list").out().contains(n + " (owner " + tag + ")"));
        assertEquals(0, cli("bridge", "add", br, "--stp", "--ageing", "30", "--owner", tag).rc());
        assertEquals(0, cli("veth", "add", h, "eth0", "--peer-netns", n, "--bridge", br, "--up", "--owner", tag).rc());
        assertEquals(0, cli("addr", "add", "eth0", "10.7.0.2/24", "--netns", n).rc());
        assertEquals(0, cli("route", "add", "default", "--via", "10.7.0.1", "--netns", n).rc());
        assertEquals(0, cli("shape", "set", h, "rate=1mbit").rc());
        assertTrue(sh("tc", "qdisc", "show", "dev", h).contains("rate 1Mbit"));
        assertEquals(0, cli("shape", "clear", h).rc());
        assertTrue(sh("ip", "-n", n, "route").contains("default via 10.7.0.1"));
        assertTrue(cli("capabilities").out().contains("tbf       yes"));

        Run dup = cli("veth", "add", h, "x", "--owner", tag);
        assertEquals(1, dup.rc());
        assertEquals("vbridge: veth name " + h + " already exists", dup.err());
        assertEquals("vbridge: namespace " + name("q9") + " not found",
                cli("addr", "add", "eth0", "10.7.0.3/24", "--netns", name("q9")).err());
        assertEquals("vbridge: h1-eth0-very-long-name: interface names are at most 15 bytes",
                cli("veth", "add", "h1-eth0-very-long-name", "x").err());
        Run badCidr = cli("addr", "add", "eth0", "10.7.0.300/24", "--netns", n);
        assertEquals(1, badCidr.rc());
        assertEquals("vbridge: invalid CIDR 10.7.0.300/24: '300' is no number 0-255", badCidr.err());
        assertEquals("vbridge: bridge " + name("q8") + " not found", cli("veth", "add", name("qz"), "y", "--bridge",
                name("q8"), "--owner", tag).err());
        assertFalse(TestNet.linkExists(name("qz")));
        if (!io.vswitch.vethbridge.shaping.QdiscCapabilities.get().has("netem")) {
            assertTrue(cli("shape", "set", h, "delay=5ms").err().startsWith("vbridge: netem not available in this kernel"));
        }
        assertEquals(2, cli("veth", "add").rc(), "usage error");

        Run cleanup = cli("cleanup", "--owner", tag);
        assertEquals(0, cleanup.rc(), cleanup.err());
        assertEquals("removed 2 link(s), 1 namespace(s)", cleanup.out());
        assertEquals("removed 0 link(s), 0 namespace(s)", cli("cleanup", "--owner", tag).out());
        assertEquals(0, cli("netns", "add", n, "--owner", tag).rc());
        assertEquals(0, cli("netns", "del", n).rc());
        assertEquals(1, cli("netns", "del", n).rc());
    }
}
