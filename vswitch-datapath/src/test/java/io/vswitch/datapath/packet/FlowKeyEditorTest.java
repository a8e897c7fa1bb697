package io.vswitch.datapath.packet;

import static org.junit.jupiter.api.Assertions.*;

import static io.vswitch.datapath.flow.Field.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.FlowKey;
import org.junit.jupiter.api.Test;

/**
 * The differential test between the two editors: for random keys and random chains of actions, editing the
 * packet with {@link PacketEditor} and re-parsing gives what {@link FlowKeyEditor} computes on the key (while it
 * says the key is exact), the offsets the editor maintains are those of a re-parse, every checksum is still
 * valid, and both agree on whether a TTL decrement forbids forwarding.
 */
class FlowKeyEditorTest {
    @Test
    void packetEditThenParseEqualsKeyEdit() {
        RandomKeys keys = new RandomKeys(7);
        Packet p = Packet.allocate();
        FlowKey reparsed = new FlowKey();
        int compared = 0;
        java.util.Map<Class<?>, Integer> exactByAction = new java.util.HashMap<>();
        for (int i = 0; i < 40_000; i++) {
            FlowKey k = keys.next();
            PacketComposer.compose(k, p);
            StringBuilder history = new StringBuilder();
            int steps = keys.random().nextInt(1, 5);
            boolean reinterpreted = false; // a set ip_proto made the L4 bytes read as another protocol
            for (int s = 0; s < steps; s++) {
                Action a = keys.action();
                history.append(a).append(' ');
                boolean setsProto = a instanceof Action.SetField sf && sf.field() == io.vswitch.datapath.flow.Field.IP_PROTO;
                int protoBefore = k.ipProto(), l4Before = p.l4 - p.start;
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
                // After set ip_proto the L4 checksum stays where the old protocol keeps it (covering the new
                // pseudo-header); later edits of the new protocol's fields cannot keep that one valid.
                String bad = reinterpreted ? null
                        : setsProto ? ChecksumVerifier.check(p, protoBefore, l4Before) : ChecksumVerifier.check(p);
                assertNull(bad, () -> bad + " after " + history + " frame " + p);
                reinterpreted |= setsProto && p.l4 >= 0 && k.ipProto() != protoBefore;
                if (!exact) break; // the key is no longer known: the slow path would re-parse
                for (int w = FlowKey.W_PORT; w <= FlowKey.W_TUNNEL; w++) reparsed.words[w] = k.words[w];
                if (!reparsed.sameAs(k)) {
                    fail("after " + history + "\n key edit  " + k + "\n reparsed  " + reparsed + "\n frame " + p);
                }
                compared++;
                exactByAction.merge(a.getClass(), 1, Integer::sum);
            }
        }
        assertTrue(compared > 40_000, "too few exact comparisons: " + compared);
        for (Class<?> c : Action.class.getPermittedSubclasses()) {
            assertTrue(exactByAction.getOrDefault(c, 0) >= 50, () -> c.getSimpleName() + " compared only "
                    + exactByAction.getOrDefault(c, 0) + " times: " + exactByAction);
        }
    }

    @Test
    void pushVlanMovesOuterTciInward() {
        FlowKey k = Frames.parse(Frames.VLAN_TCP, 1);
        long tci = k.get(VLAN_TCI);
        assertTrue(FlowKeyEditor.apply(new Action.PushVlan(0x8100), k));
        assertEquals(tci, k.get(VLAN_TCI));
        assertEquals(tci, k.get(CVLAN_TCI));
        assertFalse(FlowKeyEditor.apply(new Action.PushVlan(0x8100), k), "a third tag is not in the key");
        FlowKey untagged = Frames.parse(Frames.TCP_SYN, 1);
        assertTrue(FlowKeyEditor.apply(new Action.PushVlan(0x88a8), untagged));
        assertEquals(VID_PRESENT, untagged.get(VLAN_TCI));
        assertTrue(FlowKeyEditor.apply(new Action.PopVlan(), untagged));
        assertEquals(Frames.parse(Frames.TCP_SYN, 1), untagged);
    }

    @Test
    void pushMplsClearsL3AndPopsAreUnknown() {
        FlowKey k = Frames.parse(Frames.TCP_SYN, 1);
        assertTrue(FlowKeyEditor.apply(new Action.PushMpls(0x8847), k));
        assertEquals(0x8847, k.ethType());
        assertEquals(0, k.get(MPLS_LABEL));
        assertEquals(1, k.get(MPLS_BOS));
        assertEquals(64, k.get(MPLS_TTL));
        assertEquals(0, k.ipProto());
        assertEquals(0, k.get(IPV4_DST));
        assertEquals(0, k.get(TCP_DST));
        assertFalse(FlowKeyEditor.apply(new Action.PopMpls(0x0800), k));
        assertFalse(FlowKeyEditor.apply(new Action.CopyTtlOut(), k));
        assertTrue(FlowKeyEditor.apply(new Action.CopyTtlIn(), k));

        FlowKey pbb = Frames.parse(Frames.TCP_SYN, 1);
        assertTrue(FlowKeyEditor.apply(new Action.PushPbb(0x88e7), pbb));
        assertEquals(0x88e7, pbb.ethType());
        assertEquals(0, pbb.get(IPV4_DST));
        assertFalse(FlowKeyEditor.apply(new Action.PopPbb(), pbb));
    }

    @Test
    void nonEditingActionsLeaveTheKey() {
        FlowKey k = Frames.parse(Frames.IPV6_TCP, 1);
        FlowKey copy = new FlowKey();
        copy.copyFrom(k);
        assertTrue(FlowKeyEditor.apply(new Action.Output(2), k));
        assertTrue(FlowKeyEditor.apply(new Action.Group(1), k));
        assertTrue(FlowKeyEditor.apply(new Action.SetQueue(3), k));
        assertTrue(FlowKeyEditor.apply(new Action.PopVlan(), k));
        assertTrue(FlowKeyEditor.apply(new Action.PopMpls(0x0800), k)); // not MPLS: no-op, exact
        assertEquals(copy, k);
    }

    @Test
    void ttlDecrementRule() {
        FlowKey k = Frames.parse(Frames.UDP_IP_OPTIONS, 1); // TTL 1
        assertTrue(FlowKeyEditor.ttlExpires(new Action.DecNwTtl(), k));
        assertTrue(FlowKeyEditor.apply(new Action.DecNwTtl(), k));
        assertEquals(1, k.get(NW_TTL), "unchanged, like the packet");
        assertTrue(FlowKeyEditor.apply(new Action.SetNwTtl(2), k));
        assertFalse(FlowKeyEditor.ttlExpires(new Action.DecNwTtl(), k));
        assertTrue(FlowKeyEditor.apply(new Action.DecNwTtl(), k));
        assertEquals(1, k.get(NW_TTL));
        assertFalse(FlowKeyEditor.ttlExpires(new Action.DecMplsTtl(), k), "no MPLS: nothing to expire");
    }
}
