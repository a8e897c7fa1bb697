package io.vswitch.datapath.packet;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.FlowKey;
import org.junit.jupiter.api.Test;

/**
 * The differential test between the two editors: for random keys and random chains of actions, editing the
 * packet with {@link PacketEditor} and re-parsing gives what {@link FlowKeyEditor} computes on the key (while it
 * says the key is exact), the offsets the editor maintains are those of a re-parse, every checksum is still
 * valid, and both agree on whether a TTL decrement forbids forwarding.
 */
class PacketEditorEquivalenceTest {
    @Test
    void packetEditThenParseEqualsKeyEdit() {
        RandomKeys keys = new RandomKeys(7);
        Packet p = Packet.allocate();
        FlowKey reparsed = new FlowKey();
        int compared = 0;
        for (int i = 0; i < 40_000; i++) {
            FlowKey k = keys.next();
            PacketComposer.compose(k, p);
            StringBuilder history = new StringBuilder();
            int steps = keys.random().nextInt(1, 5);
            for (int s = 0; s < steps; s++) {
                Action a = keys.action();
                history.append(a).append(' ');
                boolean expires = FlowKeyEditor.ttlExpires(a, k);
                byte[] before = p.toBytes();
                boolean forward = PacketEditor.execute(a, p);
                assertEquals(!expires, forward, () -> "ttl verdict: " + history + " on " + k);
                if (!forward) assertArrayEquals(before, p.toBytes(), "a refused TTL decrement must not edit");
                boolean exact = FlowKeyEditor.apply(a, k);

                int l2_5 = p.l2_5, l3 = p.l3, l4 = p.l4, eto = p.ethTypeOffset;
                PacketParser.parse(p, k.inPort(), reparsed);
                assertEquals(eto, p.ethTypeOffset, () -> "ethTypeOffset after " + history);
                assertEquals(l2_5, p.l2_5, () -> "l2_5 after " + history);
                assertEquals(l3, p.l3, () -> "l3 after " + history);
                assertEquals(l4, p.l4, () -> "l4 after " + history);
                String bad = ChecksumVerifier.check(p);
                assertNull(bad, () -> bad + " after " + history + " frame " + p);
                if (!exact) break; // the key is no longer known: the slow path would re-parse
                for (int w = FlowKey.W_PORT; w <= FlowKey.W_TUNNEL; w++) reparsed.words[w] = k.words[w];
                if (!reparsed.sameAs(k)) {
                    fail("after " + history + "\n key edit  " + k + "\n reparsed  " + reparsed + "\n frame " + p);
                }
                compared++;
            }
        }
        assertTrue(compared > 40_000, "too few exact comparisons: " + compared);
    }
}
