package io.vswitch.datapath.packet;

import static io.vswitch.datapath.flow.Field.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our FLOW_WC_SEQ: fails when a {@link Field} is added but the parser, composer or editors do not handle it.
 *
 * <p>For every field: find a composable key that has the field's header with a non-zero value, check that
 * compose then parse reproduces it (parser + composer), then set a different value with
 * {@link PacketEditor#setField} on the packet and {@link FlowKeyEditor#setField} on the key, and check that the
 * re-parse shows the new value and equals the edited key, with valid checksums. Exceptions are explicit:
 */
class FieldCoverageTest {
    /** Not in the frame: the packet editor leaves the frame alone, the key editor sets the key. */
    static final Set<Field> NOT_IN_PACKET = EnumSet.of(IN_PORT, IN_PHY_PORT, METADATA, TUNNEL_ID);
    /** Derived from the headers (fragment flags/offset, the extension-header chain): parsed, composed, not set. */
    static final Set<Field> READ_ONLY = EnumSet.of(NW_FRAG, IPV6_EXTHDR);

    @Test
    void everyFieldIsParsedComposedAndEdited() {
        RandomKeys keys = new RandomKeys(2024);
        Packet p = Packet.allocate();
        for (Field f : Field.values()) {
            if (NOT_IN_PACKET.contains(f)) {
                FlowKey k = keys.next();
                PacketComposer.compose(k, p);
                byte[] before = p.toBytes();
                PacketEditor.setField(p, f, 0x12345, 0);
                assertArrayEquals(before, p.toBytes(), f + " is not in the packet");
                assertTrue(FlowKeyEditor.setField(k, f, 0x12345, 0));
                assertEquals(0x12345, k.get(f), f + " must be set in the key");
                continue;
            }
            FlowKey k = suitableKey(keys, f);
            PacketComposer.compose(k, p);
            FlowKey parsed = new FlowKey();
            assertTrue(PacketParser.parse(p, k.inPort(), parsed), f.toString());
            assertEquals(k, parsed, f + ": compose then parse");

            if (READ_ONLY.contains(f)) {
                byte[] before = p.toBytes();
                PacketEditor.setField(p, f, 0, 0);
                assertArrayEquals(before, p.toBytes(), f + " is read-only");
                continue;
            }

            long hi, lo = 0;
            if (f.is128()) {
                hi = k.getHigh(f) ^ 0x8000000000000001L;
                lo = k.getLow(f) ^ 0x1;
            } else {
                hi = newValue(f, k.get(f));
            }
            PacketEditor.setField(p, f, hi, lo);
            assertTrue(FlowKeyEditor.setField(k, f, hi, lo), f + ": key editor must be exact here");
            FlowKey r = new FlowKey();
            PacketParser.parse(p, k.inPort(), r);
            if (f.is128()) {
                assertEquals(hi, r.getHigh(f), f.toString());
                assertEquals(lo, r.getLow(f), f.toString());
            } else {
                long expect = f == VLAN_TCI || f == CVLAN_TCI ? (hi & 0xefff) | VID_PRESENT : hi;
                assertEquals(expect, r.get(f), f + " did not change in the packet");
            }
            assertEquals(k, r, f + ": packet edit vs key edit");
            assertNull(ChecksumVerifier.check(p), f.toString());
        }
    }

    /** A different value that the field can hold without changing how the rest of the frame reads. */
    private static long newValue(Field f, long cur) {
        return switch (f) {
            case ETH_TYPE -> cur == 0x1234 ? 0x1235 : 0x1234;
            case IP_PROTO -> cur == 0xfd ? 0xfe : 0xfd;
            case VLAN_VID -> (cur ^ 0x801) | VID_PRESENT;
            case VLAN_TCI, CVLAN_TCI -> (cur ^ 0x2801) | VID_PRESENT;
            case ICMPV6_TYPE -> cur == 1 ? 2 : 1;
            case ICMPV6_CODE -> cur == 1 ? 2 : 1;
            default -> (cur ^ (1L | 1L << (f.bits - 1))) & f.valueMask;
        };
    }

    /** A random key that has {@code f}'s header and a non-zero value in it, where a set is exact. */
    private static FlowKey suitableKey(RandomKeys keys, Field f) {
        for (int i = 0; i < 1_000_000; i++) {
            FlowKey k = keys.next();
            if (!f.prerequisites().heldBy(k)) continue;
            if (f.is128() ? k.getHigh(f) == 0 && k.getLow(f) == 0 : k.get(f) == 0) continue;
            if ((k.get(NW_FRAG) & FlowKey.FRAG_LATER) != 0 && f != NW_FRAG && f != IP_PROTO) continue;
            int et = k.ethType();
            boolean ip = et == 0x0800 || et == 0x86dd;
            switch (f) {
                case VLAN_VID, VLAN_PCP, VLAN_TCI -> { if ((k.get(VLAN_TCI) & VID_PRESENT) == 0) continue; }
                case CVLAN_TCI -> { }
                case ETH_TYPE -> { if (!ip) continue; }
                case IP_PROTO -> {
                    int proto = k.ipProto();
                    if (proto != 6 && proto != 17 && proto != 132 && proto != 1 && proto != 58) continue;
                }
                case ICMPV6_TYPE, ICMPV6_CODE -> {
                    long t = k.get(ICMPV6_TYPE);
                    if (t == 135 || t == 136) continue;
                }
                default -> { }
            }
            return k;
        }
        throw new AssertionError("no random key holds " + f);
    }
}
