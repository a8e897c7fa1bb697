package io.vswitch.vswitchd.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --bridge options of vswitchd, checked before anything is made (no root needed). */
class VswitchdOptionsTest {
    private static Vswitchd parse(String... args) {
        Vswitchd v = new Vswitchd();
        new CommandLine(v).parseArgs(args);
        return v;
    }

    @Test
    void bridgeOptionsAreParsed() {
        Vswitchd v = parse("--bridge", "conf0", "--dpid", "0000000000000001", "--controller", "tcp:127.0.0.1:6653",
                "--ports", "t1 t2", "--ports", "t3");
        assertEquals(1L, v.checkBridgeOptions());
        assertEquals(List.of("t1 t2", "t3"), v.ports);
        assertEquals("secure", v.failMode);
        assertNull(parse("--bridge", "b").checkBridgeOptions(), "no --dpid: derived from the name");
        assertEquals(0xfedcba9876543210L, parse("--bridge", "b", "--dpid", "0xfedcba9876543210").checkBridgeOptions());
    }

    @Test
    void badBridgeOptionsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--ports", "t1").checkBridgeOptions())
                .getMessage().contains("need --bridge"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--bridge", "b", "--dpid", "xyz").checkBridgeOptions())
                .getMessage().contains("hex digits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--bridge", "b", "--dpid", "12345678901234567").checkBridgeOptions())
                .getMessage().contains("hex digits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--bridge", "b", "--fail-mode", "open").checkBridgeOptions())
                .getMessage().contains("secure or standalone"));
    }
}
