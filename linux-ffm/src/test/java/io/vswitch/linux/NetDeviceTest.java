package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class NetDeviceTest {
    private VethPair veth;

    @BeforeEach
    void setUp() throws Exception {
        veth = VethPair.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (veth != null) {
            veth.close();
        }
    }

    @AfterAll
    static void noneLeft() throws Exception {
        VethPair.assertNoneLeft();
    }

    @Test
    void indexMtuAndMacMatchSysfs() throws Exception {
        assertEquals(Integer.parseInt(VethPair.sysfs(veth.a, "ifindex")), NetDevice.index(veth.a));
        assertEquals(Integer.parseInt(VethPair.sysfs(veth.b, "ifindex")), NetDevice.index(veth.b));
        assertEquals(1, NetDevice.index("lo"));
        assertEquals(Integer.parseInt(VethPair.sysfs(veth.a, "mtu")), NetDevice.mtu(veth.a));
        VethPair.ip("link", "set", veth.a, "mtu", "9000");
        assertEquals(9000, NetDevice.mtu(veth.a));
        byte[] mac = HexFormat.ofDelimiter(":").parseHex(VethPair.sysfs(veth.a, "address"));
        assertArrayEquals(mac, NetDevice.macAddress(veth.a));
    }

    @Test
    void carrierFollowsThePeer() throws Exception {
        assertTrue(NetDevice.isUp(veth.a));
        assertTrue(NetDevice.hasCarrier(veth.a));

        NetDevice.setUp(veth.b, false);
        assertFalse(NetDevice.isUp(veth.b));
        assertEventually(() -> !NetDevice.hasCarrier(veth.a), "carrier lost when the peer went down");
        assertTrue(NetDevice.isUp(veth.a), "still administratively up");
        assertEquals("down", VethPair.sysfs(veth.b, "operstate"));

        NetDevice.setUp(veth.b, true);
        assertTrue(NetDevice.isUp(veth.b));
        assertEventually(() -> NetDevice.hasCarrier(veth.a), "carrier back when the peer came up");
    }

    @Test
    void setUpDownOwnEnd() throws Exception {
        NetDevice.setUp(veth.a, false);
        assertFalse(NetDevice.isUp(veth.a));
        assertFalse(NetDevice.hasCarrier(veth.a));
        NetDevice.setUp(veth.a, true);
        assertTrue(NetDevice.isUp(veth.a));
        assertEventually(() -> NetDevice.hasCarrier(veth.a), "carrier back");
    }

    @Test
    void missingDeviceIsNamedInEveryError() {
        String missing = VethPair.PREFIX + "none";
        assertNoDevice(() -> NetDevice.index(missing), missing);
        assertNoDevice(() -> NetDevice.isUp(missing), missing);
        assertNoDevice(() -> NetDevice.hasCarrier(missing), missing);
        assertNoDevice(() -> NetDevice.mtu(missing), missing);
        assertNoDevice(() -> NetDevice.macAddress(missing), missing);
        assertNoDevice(() -> NetDevice.setUp(missing, true), missing);
        LinuxException e = assertThrows(LinuxException.class, () -> NetDevice.index(missing));
        assertEquals("look up interface index of " + missing + ": No such device (ENODEV)", e.getMessage());
        e = assertThrows(LinuxException.class, () -> NetDevice.mtu(missing));
        assertEquals("SIOCGIFMTU on " + missing + ": No such device (ENODEV)", e.getMessage());
    }

    @Test
    void badNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NetDevice.index(""));
        assertThrows(IllegalArgumentException.class, () -> NetDevice.index("a23456789012345x"));
        assertThrows(IllegalArgumentException.class, () -> NetDevice.isUp("a b"));
    }

    private static void assertNoDevice(Executable call, String name) {
        LinuxException e = assertThrows(LinuxException.class, call);
        assertEquals(Errno.ENODEV, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void assertEventually(Condition c, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " (not within 3 s)");
            }
            Thread.sleep(10);
        }
    }
}
