package io.vswitch.vethbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.shaping.LinkShaping;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pure logic: names, CIDRs, MACs, owner marks, shaping parameters. */
class UnitTest {
    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void interfaceNames() {
        assertEquals("h1-eth0", Names.checkInterface("h1-eth0"));
        assertEquals("123456789012345", Names.checkInterface("123456789012345"));
        assertEquals("h1-eth0-very-long-name: interface names are at most 15 bytes",
                refusal(() -> Names.checkInterface("h1-eth0-very-long-name")));
        assertEquals("ééééééé12: interface names are at most 15 bytes", refusal(() -> Names.checkInterface("ééééééé12")));
        assertEquals("a/b: interface names may not contain '/'", refusal(() -> Names.checkInterface("a/b")));
        assertEquals("a b: interface names may not contain '\\u0020'", refusal(() -> Names.checkInterface("a b")));
        assertEquals("a:0: interface names may not contain ':'", refusal(() -> Names.checkInterface("a:0")));
        assertEquals("interface name is empty", refusal(() -> Names.checkInterface("")));
        assertEquals("..: not a valid interface name", refusal(() -> Names.checkInterface("..")));
        assertEquals("x/y: namespace names may not contain '/'", refusal(() -> Names.checkNamespace("x/y")));
        assertEquals("h1", Names.checkNamespace("h1"));
    }

    @Test
    void cidrs() {
        Cidr c = Cidr.parse("10.0.0.7/24");
        assertEquals("10.0.0.7/24", c.toString());
        assertEquals("10.0.0.0/24", c.network().toString());
        assertEquals(32, Cidr.parse("192.0.2.1").prefix());
        assertEquals("fd00:0:0:0:0:0:0:1/64", Cidr.parse("fd00::1/64").toString());
        assertEquals("fd00:0:0:0:0:0:0:0/48", Cidr.parse("fd00::1:2/48").network().toString());
        assertEquals(128, Cidr.parse("::1").prefix());
        assertEquals("invalid CIDR 10.0.0.300/24: '300' is no number 0-255", refusal(() -> Cidr.parse("10.0.0.300/24")));
        assertEquals("invalid CIDR 10.0.0.1/33: prefix length must be 0-32", refusal(() -> Cidr.parse("10.0.0.1/33")));
        assertEquals("invalid CIDR 10.0.0/8: an IPv4 address has 4 numbers", refusal(() -> Cidr.parse("10.0.0/8")));
        assertEquals("invalid CIDR 10.0.0.1/x: prefix length 'x' is no number", refusal(() -> Cidr.parse("10.0.0.1/x")));
        assertEquals("invalid CIDR example.com/24: not an IPv4 or IPv6 address", refusal(() -> Cidr.parse("example.com/24")));
        assertEquals("invalid CIDR fd00::1/129: prefix length must be 0-128", refusal(() -> Cidr.parse("fd00::1/129")));
        assertTrue(refusal(() -> Cidr.parse("fd00:::1/64")).startsWith("invalid CIDR fd00:::1/64"));
    }

    @Test
    void macs() {
        assertEquals(6, Links.parseMac("02:00:00:aa:bb:0c").length);
        assertEquals((byte) 0xaa, Links.parseMac("02:00:00:aa:bb:0c")[3]);
        assertEquals("invalid MAC address '02:00:00:aa:bb' (want aa:bb:cc:dd:ee:ff)",
                refusal(() -> Links.parseMac("02:00:00:aa:bb")));
        assertEquals("invalid MAC address '02:00:00:aa:bb:zz' (want aa:bb:cc:dd:ee:ff)",
                refusal(() -> Links.parseMac("02:00:00:aa:bb:zz")));
    }

    @Test
    void ownerMarks() {
        Owner o = new Owner("emu-1");
        assertEquals("vswitch:emu-1", o.alias());
        assertTrue(Owner.marks(o, "vswitch:emu-1"));
        assertTrue(!Owner.marks(o, "vswitch:emu-2") && Owner.marks(null, "vswitch:emu-2"));
        assertTrue(!Owner.marks(null, "docker0") && !Owner.marks(null, null));
        refusal(() -> new Owner("a b"));
        refusal(() -> new Owner(""));
    }

    @Test
    void shapingParameters() {
        LinkShaping s = LinkShaping.parse("rate=10mbit burst=32kb limit=100 delay=10ms jitter=1ms distribution=normal "
                + "loss=1% loss-corr=25% duplicate=0.5% reorder=5%");
        assertEquals(10_000_000, s.rateBitsPerSecond());
        assertEquals(32 * 1024, s.burstBytes());
        assertEquals(100, s.queueLimitPackets());
        assertEquals(Duration.ofMillis(10), s.delay());
        assertEquals(Duration.ofMillis(1), s.jitter());
        assertEquals(LinkShaping.Distribution.NORMAL, s.distribution());
        assertEquals(1.0, s.lossPercent());
        assertEquals(0.5, s.duplicatePercent());
        assertEquals(10, s.requested().size());
        assertEquals("rate=10000000bit burst=32768b limit=100 delay=10ms jitter=1ms distribution=normal loss=1% "
                + "loss-corr=25% duplicate=0.5% reorder=5%", s.toString());
        assertEquals(8_000_000, LinkShaping.parse("rate=1mbps").rateBitsPerSecond());
        assertEquals(1_500_000_000L, LinkShaping.parse("rate=1.5gbit").rateBitsPerSecond());
        assertEquals("none", LinkShaping.NONE.toString());
        assertEquals("jitter 1ms needs a delay", refusal(() -> LinkShaping.parse("jitter=1ms")));
        assertEquals("loss 101% is out of range (0-100%)", refusal(() -> LinkShaping.parse("loss=101%")));
        assertEquals("reorder needs a delay (reordered packets are the ones not delayed)",
                refusal(() -> LinkShaping.parse("reorder=1%")));
        assertEquals("loss-corr needs a loss", refusal(() -> LinkShaping.parse("loss-corr=20%")));
        assertEquals("time '10' needs a unit (us, ms, s)", refusal(() -> LinkShaping.parse("delay=10")));
        assertTrue(refusal(() -> LinkShaping.parse("speed=1")).startsWith("unknown shaping parameter 'speed'"));
        assertEquals("burst needs a rate", refusal(() -> LinkShaping.parse("burst=10kb")));
    }
}
