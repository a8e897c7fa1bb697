package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.table.FlowMod;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random round trips: matches built field by field through {@link FlowMatch.Builder} (any value, any mask),
 * random action lists and instruction sets, and random packet keys, each printed and parsed back.
 */
class FlowRandomRoundTripTest {
    private static final int[][] PROTOCOLS = {
            {0, -1}, {0x0800, -1}, {0x0800, 6}, {0x0800, 17}, {0x0800, 132}, {0x0800, 1}, {0x0800, 47},
            {0x86dd, -1}, {0x86dd, 6}, {0x86dd, 17}, {0x86dd, 132}, {0x86dd, 58}, {0x0806, -1}, {0x8847, -1},
            {0x8848, -1}, {0x88e7, -1}, {0x8035, -1}, {0x88cc, -1}};

    private static final Set<Field> SPECIAL = EnumSet.of(Field.ETH_TYPE, Field.IP_PROTO, Field.ICMPV6_TYPE,
            Field.VLAN_VID, Field.VLAN_PCP, Field.VLAN_TCI);

    private final Random random = new Random(0x0f1c71L);

    private long bits(Field f) {
        return random.nextLong() & f.valueMask;
    }

    /** The protocol part of a key, with an ICMPv6 type that makes neighbor discovery fields valid half the time. */
    private FlowKey protocolKey(int[] proto) {
        FlowKey k = new FlowKey();
        k.set(Field.ETH_TYPE, proto[0]);
        if (proto[1] >= 0) k.set(Field.IP_PROTO, proto[1]);
        if (proto[1] == 58) k.set(Field.ICMPV6_TYPE, random.nextBoolean() ? 135 + random.nextInt(2) : random.nextInt(256));
        return k;
    }

    private FlowMatch randomMatch() {
        int[] proto = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
        FlowKey k = protocolKey(proto);
        FlowMatch.Builder b = FlowMatch.builder();
        if (proto[0] != 0) b.exact(Field.ETH_TYPE, proto[0]);
        if (proto[1] >= 0) b.exact(Field.IP_PROTO, proto[1]);
        if (proto[1] == 58 && random.nextBoolean()) b.exact(Field.ICMPV6_TYPE, k.get(Field.ICMPV6_TYPE));
        switch (random.nextInt(5)) {
            case 0 -> b.exact(Field.VLAN_VID, Field.VID_PRESENT | random.nextInt(4096));
            case 1 -> b.exact(Field.VLAN_VID, Field.VID_PRESENT | random.nextInt(4096)).exact(Field.VLAN_PCP, random.nextInt(8));
            case 2 -> {
                long m = bits(Field.VLAN_TCI);
                b.masked(Field.VLAN_TCI, bits(Field.VLAN_TCI) & m, m);
            }
            case 3 -> b.exact(Field.VLAN_VID, 0);
            default -> { }
        }
        for (Field f : Field.values()) {
            if (SPECIAL.contains(f) || !f.prerequisites().heldBy(k) || random.nextInt(3) != 0) continue;
            if (f == Field.ETH_TYPE || (f.prerequisites().icmpv6Types().length > 0 && !b.has(Field.ICMPV6_TYPE))) continue;
            if (f.is128()) {
                long mh = random.nextBoolean() ? -1L : random.nextLong(), ml = random.nextBoolean() ? -1L : random.nextLong();
                b.masked128(f, random.nextLong() & mh, random.nextLong() & ml, mh, ml);
            } else {
                long m = random.nextBoolean() ? f.valueMask : bits(f);
                b.masked(f, bits(f) & m, m);
            }
        }
        return b.build();
    }

    private Action randomAction() {
        return switch (random.nextInt(12)) {
            case 0 -> new Action.Output(random.nextInt(100) + 1);
            case 1 -> new Action.Output(OfPort.CONTROLLER, random.nextInt(0x10000));
            case 2 -> new Action.Output(new int[] {OfPort.IN_PORT, OfPort.NORMAL, OfPort.FLOOD, OfPort.ALL, OfPort.LOCAL}[random.nextInt(5)],
                    random.nextBoolean() ? Action.Output.NO_BUFFER_MAX_LEN : random.nextInt(0x10000));
            case 3, 4, 5 -> {
                Field f = Field.values()[random.nextInt(Field.values().length)];
                if (f.is128()) yield new Action.SetField(f, random.nextLong(), random.nextLong());
                yield new Action.SetField(f, f == Field.VLAN_VID ? Field.VID_PRESENT | random.nextInt(4096) : bits(f));
            }
            case 6 -> new Action.PushVlan(random.nextBoolean() ? 0x8100 : 0x88a8);
            case 7 -> new Action.PopMpls(random.nextInt(0x10000));
            case 8 -> new Action.SetMplsTtl(random.nextInt(256));
            case 9 -> new Action.SetNwTtl(random.nextInt(256));
            case 10 -> new Action.Group(random.nextInt());
            default -> new Action.SetQueue(random.nextInt());
        };
    }

    private List<Action> randomActions(int max) {
        List<Action> out = new ArrayList<>();
        for (int i = random.nextInt(max + 1); i > 0; i--) out.add(randomAction());
        return out;
    }

    private List<Instruction> randomInstructions() {
        List<Instruction> out = new ArrayList<>();
        if (random.nextInt(4) == 0) out.add(new Instruction.Meter(random.nextInt(1000) + 1));
        List<Action> apply = randomActions(4);
        if (!apply.isEmpty()) out.add(new Instruction.ApplyActions(apply));
        if (random.nextInt(4) == 0) out.add(new Instruction.ClearActions());
        if (random.nextInt(3) == 0) out.add(new Instruction.WriteActions(randomActions(3)));
        if (random.nextInt(4) == 0) {
            long m = random.nextBoolean() ? -1L : random.nextLong();
            out.add(new Instruction.WriteMetadata(random.nextLong() & m, m));
        }
        if (random.nextInt(3) == 0) out.add(new Instruction.GotoTable(random.nextInt(255)));
        return out;
    }

    @Test
    void randomFlowModsRoundTrip() {
        int built = 0;
        for (int i = 0; i < 2000; i++) {
            FlowMatch match;
            try {
                match = randomMatch();
            } catch (OpenFlowException e) {
                continue; // e.g. a random vlan_tci without the present bit under vlan_pcp
            }
            built++;
            FlowMod.Command command = FlowMod.Command.values()[random.nextInt(FlowMod.Command.values().length)];
            boolean delete = command == FlowMod.Command.DELETE || command == FlowMod.Command.DELETE_STRICT;
            FlowMod.Builder b = FlowMod.builder(command, match).priority(random.nextInt(0x10000));
            if (delete) {
                long mask = random.nextLong();
                b.cookie(random.nextLong() & mask, mask).outPort(random.nextInt(10)).outGroup(random.nextInt(10));
                if (random.nextBoolean()) b.table(random.nextInt(255));
            } else {
                b.table(random.nextInt(255)).instructions(randomInstructions()).idleTimeout(random.nextInt(0x10000))
                        .hardTimeout(random.nextInt(0x10000)).importance(random.nextInt(0x10000)).flags(random.nextInt(32));
                if (command == FlowMod.Command.ADD) b.cookie(random.nextLong());
                else if (random.nextBoolean()) b.cookie(random.nextLong());
                else {
                    long mask = random.nextLong();
                    b.cookie(random.nextLong() & mask, mask);
                }
            }
            FlowMod m = b.build();
            String text = FlowFormatter.formatFlowMod(m);
            FlowMod back;
            try {
                back = FlowParser.parseFlow(text, command);
            } catch (RuntimeException e) {
                throw new AssertionError(text + " -> " + e, e);
            }
            assertTrue(back.match().sameAs(m.match()), () -> text + " came back as " + back.match());
            assertEquals(m, back, text);
        }
        assertTrue(built > 1000, "only " + built + " random matches were valid");
    }

    @Test
    void randomKeysRoundTrip() {
        for (int i = 0; i < 2000; i++) {
            int[] proto = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
            FlowKey k = protocolKey(proto);
            if (random.nextBoolean()) k.set(Field.VLAN_TCI, bits(Field.VLAN_TCI));
            for (Field f : Field.values()) {
                if (SPECIAL.contains(f) || !f.prerequisites().heldBy(k) || random.nextInt(4) == 0) continue;
                if (f.is128()) k.set128(f, random.nextLong(), random.nextLong());
                else k.set(f, bits(f));
            }
            if ((proto[0] == 0x0800 || proto[0] == 0x86dd) && random.nextInt(4) == 0) k.set(Field.NW_TTL, 0);
            String text = FlowFormatter.formatKey(k);
            FlowKey back;
            try {
                back = FlowParser.parseKey(text);
            } catch (RuntimeException e) {
                throw new AssertionError(text + " -> " + e, e);
            }
            assertEquals(text, FlowFormatter.formatKey(back));
            assertEquals(k, back, text);
        }
    }
}
