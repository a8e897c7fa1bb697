package io.vswitch.datapath.packet;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import org.junit.jupiter.api.Test;

class PacketComposerTest {
    /** For many random keys that a packet could produce: parse(compose(key)) == key, with valid checksums. */
    @Test
    void composeThenParseGivesTheKeyBack() {
        RandomKeys keys = new RandomKeys(42);
        Packet p = Packet.allocate();
        FlowKey parsed = new FlowKey();
        for (int i = 0; i < 50_000; i++) {
            FlowKey k = keys.next();
            PacketComposer.compose(k, p);
            assertTrue(PacketParser.parse(p, k.inPort(), parsed), () -> "truncated: " + p);
            if (!parsed.sameAs(k)) fail("round trip " + i + "\n key    " + k + "\n parsed " + parsed + "\n frame " + p);
            assertTrue(p.length >= PacketComposer.MIN_FRAME);
            String bad = ChecksumVerifier.check(p);
            assertNull(bad, () -> bad + " in " + p);
        }
    }

    @Test
    void traceStyleKey() {
        // in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80 (everything else zero)
        FlowKey k = new FlowKey();
        k.set(Field.IN_PORT, 1);
        k.set(Field.ETH_TYPE, 0x0800);
        k.set(Field.IP_PROTO, 6);
        k.set(Field.IPV4_DST, Frames.ip4(10, 0, 0, 1));
        k.set(Field.TCP_DST, 80);
        Packet p = Packet.allocate();
        PacketComposer.compose(k, p);
        assertEquals(60, p.length);
        FlowKey back = new FlowKey();
        assertTrue(PacketParser.parse(p, 1, back));
        assertEquals(k, back);
        assertEquals(p.start + 14, p.l3);
        assertEquals(p.start + 34, p.l4);
        assertNull(ChecksumVerifier.check(p));
    }

    @Test
    void ieee8023KeyGetsALengthField() {
        FlowKey k = new FlowKey();
        k.set(Field.ETH_TYPE, PacketParser.ETH_TYPE_NONE);
        Packet p = Packet.allocate();
        PacketComposer.compose(k, p);
        assertEquals(46, p.u16(p.start + 12));
        FlowKey back = new FlowKey();
        assertTrue(PacketParser.parse(p, 0, back));
        assertEquals(k, back);
    }
}
