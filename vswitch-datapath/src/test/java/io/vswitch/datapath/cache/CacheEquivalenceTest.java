package io.vswitch.datapath.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.pipeline.ActionExecutor;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caches are proven equivalent to the plain pipeline: random flow tables (several tables, masks, priorities,
 * goto, write-actions, set-field, VLAN push/pop, groups of every type, meters, NORMAL, controller, dec_ttl) and
 * random packets (some of them IP fragments) go through a {@link FastPath} on one pipeline and through
 * {@link Pipeline#processUncached} on an identical one; groups chain to other groups and fast-failover buckets
 * watch groups (some missing), flows push and pop MPLS (uncacheable re-parses) and set L4 ports (which later
 * fragments lack), groups are deleted and re-added, and entries are replaced by identical ADDs whose counters are
 * then reset; every packet must produce the same frames on the same ports and the same packet-ins, and after a
 * stats flush every entry, table, group and bucket must show the same counters. Flow, group and port changes are
 * interleaved with the traffic, so revalidation is tested too: a cache that kept a stale decision fails here.
 */
class CacheEquivalenceTest {
    private static final int PORTS = 4;
    private static final long[] MACS = {0x0000000000a1L, 0x0000000000a2L, 0x0000000000a3L, 0xffffffffffffL, 0x01005e000001L};
    /** One host per port (so hosts move only when a key says so), used as source addresses. */
    private static final long[] HOSTS = {0x0000000000a1L, 0x0000000000a2L, 0x0000000000a3L, 0x0000000000a4L};
    private static final long[] IPS = {0x0a000001L, 0x0a000002L, 0x0a000102L, 0xc0a80001L};
    private static final int[] TP_PORTS = {22, 80, 443, 5353};
    private static final int[] VLANS = {0, 10, 20};
    /** Groups 1-4 are one of each type; 5 and 6 chain to lower-numbered groups. */
    private static final int GROUPS = 6;

    private final class Side {
        final Pipeline pipeline;
        final FastPath fastPath;
        final ActionExecutor executor = new ActionExecutor();
        final FlowKey scratch = new FlowKey();
        final List<String> out = new ArrayList<>();
        final PacketSink sink = new PacketSink() {
            @Override
            public void output(int port, Packet p, int queueId) {
                out.add(port + "/q" + queueId + ":" + p);
            }

            @Override
            public void packetIn(Packet p, PacketIn pi) {
                out.add("ctl(" + pi + "):" + p);
            }
        };

        Side(boolean cached) {
            pipeline = new Pipeline(4, () -> now);
            fastPath = cached ? new FastPath(pipeline, 256, 100_000) : null;
            for (int i = 1; i <= PORTS; i++) pipeline.addPort(i, "p" + i, true);
        }

        List<String> send(Packet p, int inPort) {
            out.clear();
            if (fastPath != null) fastPath.process(p, inPort, sink, now);
            else pipeline.processUncached(p, inPort, scratch, executor, sink, now);
            return List.copyOf(out);
        }
    }

    private long now = 1_000_000_000L;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void cachedPathDecidesAndCountsLikeThePipeline(long seed) {
        Random rnd = new Random(seed);
        Side cached = new Side(true), plain = new Side(false);
        Consumer<Consumer<Pipeline>> both = change -> {
            change.accept(cached.pipeline);
            change.accept(plain.pipeline);
        };

        addGroupsAndMeters(rnd, both);
        int flows = 10 + rnd.nextInt(60);
        for (int i = 0; i < flows; i++) tryBoth(both, randomFlowMod(rnd, FlowMod.Command.ADD));

        List<FlowKey> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) pool.add(randomKey(rnd));

        for (int n = 0; n < 3000; n++) {
            now += 1_000 + rnd.nextInt(50_000);
            if (rnd.nextInt(100) == 0) {
                FlowMod.Command c = FlowMod.Command.values()[rnd.nextInt(FlowMod.Command.values().length)];
                tryBoth(both, randomFlowMod(rnd, c));
            }
            if (rnd.nextInt(400) == 0) {
                int port = 1 + rnd.nextInt(PORTS);
                boolean up = rnd.nextBoolean();
                both.accept(p -> p.setLinkUp(port, up));
            }
            if (rnd.nextInt(400) == 0) {
                // NORMAL's access VLANs: a port becomes an access port of a VLAN the traffic uses (or not), or a trunk.
                int port = 1 + rnd.nextInt(PORTS);
                int tag = new int[]{0, 10, 20, 30}[rnd.nextInt(4)];
                both.accept(p -> p.setPortTag(port, tag));
            }
            if (rnd.nextInt(500) == 0) {
                GroupMod g = randomGroupMod(rnd, GroupMod.Command.MODIFY, 1 + rnd.nextInt(GROUPS));
                tryBoth(both, p -> p.groupMod(g));
            }
            if (rnd.nextInt(700) == 0) {
                // Delete a group (refused while another group chains to it) or add one back.
                int id = 1 + rnd.nextInt(GROUPS + 1);
                GroupMod g = rnd.nextBoolean() ? new GroupMod(GroupMod.Command.DELETE, id, null, List.of())
                        : randomGroupMod(rnd, GroupMod.Command.ADD, id);
                tryBoth(both, p -> p.groupMod(g));
                if (g.command() == GroupMod.Command.ADD && rnd.nextBoolean()) {
                    // Flows that used a deleted group went with it: give the re-added group a user again.
                    FlowMod f = FlowMod.builder(FlowMod.Command.ADD, randomMatch(rnd)).table(rnd.nextInt(3))
                            .priority(rnd.nextInt(6) * 100).instructions(List.of(new Instruction.ApplyActions(
                                    List.of(new Action.Group(id))))).build();
                    tryBoth(both, f);
                }
            }
            if (rnd.nextInt(300) == 0) replaceThenReset(rnd, plain.pipeline, both);
            FlowKey k = pool.get(rnd.nextInt(pool.size()));
            Packet a = packetFor(k), b = packetFor(k);
            int inPort = (int) k.get(Field.IN_PORT);
            List<String> viaCache = cached.send(a, inPort);
            List<String> viaPipeline = plain.send(b, inPort);
            assertEquals(viaPipeline, viaCache, "packet " + n + " (seed " + seed + "): " + k);
        }
        cached.fastPath.flushStats(now);
        assertCountersEqual(plain.pipeline, cached.pipeline, seed);
        FastPath.Stats st = cached.fastPath.stats();
        assertTrue(st.emcHits() + st.megaflowHits() > st.packets() / 2,
                "the caches must actually serve most packets for this test to mean anything: " + st);
    }

    /**
     * Replaces a random entry by an identical ADD (counters kept, late cached hits forwarded to the successor),
     * then resets the successor's counters: hits cached before the reset must count nowhere.
     */
    private void replaceThenReset(Random rnd, Pipeline reference, Consumer<Consumer<Pipeline>> both) {
        List<FlowEntry> all = sorted(reference.tables().entries(FlowMod.ALL_TABLES));
        if (all.isEmpty()) return;
        FlowEntry e = all.get(rnd.nextInt(all.size()));
        FlowMod add = FlowMod.builder(FlowMod.Command.ADD, e.match).table(e.tableId).priority(e.priority)
                .instructions(e.instructions()).cookie(e.cookie()).build();
        FlowMod reset = FlowMod.builder(FlowMod.Command.MODIFY_STRICT, e.match).table(e.tableId).priority(e.priority)
                .instructions(e.instructions()).flags(FlowMod.FLAG_RESET_COUNTS).build();
        tryBoth(both, add);
        tryBoth(both, reset);
    }

    private static Packet packetFor(FlowKey k) {
        Packet p = Packet.allocate();
        PacketComposer.compose(k, p);
        return p;
    }

    private void tryBoth(Consumer<Consumer<Pipeline>> both, FlowMod mod) {
        tryBoth(both, p -> p.flowMod(mod));
    }

    /** Applies a change to both sides; a rejected change must be rejected by both, identically. */
    private void tryBoth(Consumer<Consumer<Pipeline>> both, Consumer<Pipeline> change) {
        List<String> errors = new ArrayList<>();
        both.accept(p -> {
            try {
                change.accept(p);
                errors.add("ok");
            } catch (OpenFlowException e) {
                errors.add(e.error().name());
            }
        });
        assertEquals(errors.get(0), errors.get(1));
    }

    private static void assertCountersEqual(Pipeline expected, Pipeline actual, long seed) {
        for (int t = 0; t < expected.tableCount(); t++) {
            assertEquals(expected.table(t).lookups(), actual.table(t).lookups(), "table " + t + " lookups, seed " + seed);
            assertEquals(expected.table(t).matches(), actual.table(t).matches(), "table " + t + " matches, seed " + seed);
        }
        List<FlowEntry> e = sorted(expected.tables().entries(FlowMod.ALL_TABLES));
        List<FlowEntry> a = sorted(actual.tables().entries(FlowMod.ALL_TABLES));
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            assertEquals(e.get(i).toString(), a.get(i).toString());
            assertEquals(e.get(i).packets(), a.get(i).packets(), "packets of " + e.get(i) + ", seed " + seed);
            assertEquals(e.get(i).bytes(), a.get(i).bytes(), "bytes of " + e.get(i) + ", seed " + seed);
        }
        for (Group g : expected.groups().all()) {
            Group h = actual.groups().get(g.id);
            assertEquals(g.packets(), h.packets(), "group " + g.id + " packets, seed " + seed);
            for (int i = 0; i < g.buckets.size(); i++) {
                assertEquals(g.buckets.get(i).packets(), h.buckets.get(i).packets(), "group " + g.id + " bucket " + i);
            }
        }
    }

    private static List<FlowEntry> sorted(List<FlowEntry> entries) {
        List<FlowEntry> s = new ArrayList<>(entries);
        s.sort(Comparator.comparing(FlowEntry::toString));
        return s;
    }

    // ------------------------------------------------------------------------------------ random generation

    private static FlowKey randomKey(Random rnd) {
        FlowKey k = new FlowKey();
        int inPort = 1 + rnd.nextInt(PORTS);
        k.set(Field.IN_PORT, inPort);
        // Hosts mostly stay on their port; a few move, which makes NORMAL re-learn (and invalidate) now and then.
        k.set(Field.ETH_SRC, rnd.nextInt(10) == 0 ? HOSTS[rnd.nextInt(HOSTS.length)] : HOSTS[inPort - 1]);
        k.set(Field.ETH_DST, MACS[rnd.nextInt(MACS.length)]);
        int vlan = VLANS[rnd.nextInt(VLANS.length)];
        if (vlan != 0) k.set(Field.VLAN_VID, vlan | Field.VID_PRESENT);
        switch (rnd.nextInt(4)) {
            case 0 -> {
                k.set(Field.ETH_TYPE, 0x0806);
                k.set(Field.ARP_OP, 1 + rnd.nextInt(2));
                k.set(Field.ARP_SPA, IPS[rnd.nextInt(IPS.length)]);
                k.set(Field.ARP_TPA, IPS[rnd.nextInt(IPS.length)]);
                k.set(Field.ARP_SHA, k.get(Field.ETH_SRC));
            }
            default -> {
                k.set(Field.ETH_TYPE, 0x0800);
                k.set(Field.IPV4_SRC, IPS[rnd.nextInt(IPS.length)]);
                k.set(Field.IPV4_DST, IPS[rnd.nextInt(IPS.length)]);
                k.set(Field.NW_TTL, 1 + rnd.nextInt(3) * 31);
                k.set(Field.IP_DSCP, rnd.nextInt(3) * 10);
                int proto = rnd.nextBoolean() ? 6 : 17;
                k.set(Field.IP_PROTO, proto);
                int frag = rnd.nextInt(10);
                if (frag == 0) {
                    k.set(Field.NW_FRAG, FlowKey.FRAG_ANY | FlowKey.FRAG_LATER); // no L4 header
                } else {
                    if (frag == 1) k.set(Field.NW_FRAG, FlowKey.FRAG_ANY); // first fragment: has the L4 header
                    k.set(Field.TCP_SRC, 1024 + rnd.nextInt(3));
                    k.set(Field.TCP_DST, TP_PORTS[rnd.nextInt(TP_PORTS.length)]);
                }
            }
        }
        return k;
    }

    private static FlowMatch randomMatch(Random rnd) {
        FlowMatch.Builder b = FlowMatch.builder();
        if (rnd.nextInt(3) == 0) b.exact(Field.IN_PORT, 1 + rnd.nextInt(PORTS));
        if (rnd.nextInt(4) == 0) b.exact(Field.ETH_DST, MACS[rnd.nextInt(MACS.length)]);
        if (rnd.nextInt(6) == 0) b.masked(Field.ETH_SRC, MACS[rnd.nextInt(3)] & 0x0f, 0x0f);
        if (rnd.nextInt(5) == 0) {
            int vlan = VLANS[rnd.nextInt(VLANS.length)];
            if (vlan == 0) b.exact(Field.VLAN_VID, 0);
            else b.exact(Field.VLAN_VID, vlan | Field.VID_PRESENT);
        }
        int kind = rnd.nextInt(4);
        if (kind == 1) {
            b.exact(Field.ETH_TYPE, 0x0806);
            if (rnd.nextBoolean()) b.exact(Field.ARP_OP, 1 + rnd.nextInt(2));
        } else if (kind >= 2) {
            b.exact(Field.ETH_TYPE, 0x0800);
            if (rnd.nextBoolean()) {
                int prefix = 8 + rnd.nextInt(25);
                long mask = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
                b.masked(Field.IPV4_DST, IPS[rnd.nextInt(IPS.length)] & mask, mask);
            }
            if (rnd.nextInt(3) == 0) b.exact(Field.IPV4_SRC, IPS[rnd.nextInt(IPS.length)]);
            if (kind == 3) {
                int proto = rnd.nextBoolean() ? 6 : 17;
                b.exact(Field.IP_PROTO, proto);
                if (rnd.nextBoolean()) {
                    b.exact(proto == 6 ? Field.TCP_DST : Field.UDP_DST, TP_PORTS[rnd.nextInt(TP_PORTS.length)]);
                }
                if (rnd.nextInt(3) == 0) {
                    b.exact(proto == 6 ? Field.TCP_SRC : Field.UDP_SRC, TP_PORTS[rnd.nextInt(TP_PORTS.length)]);
                }
            }
            if (rnd.nextInt(6) == 0) {
                int frag = rnd.nextInt(3);
                b.masked(Field.NW_FRAG, frag == 0 ? 0 : frag == 1 ? FlowKey.FRAG_ANY : FlowKey.FRAG_ANY | FlowKey.FRAG_LATER,
                        FlowKey.FRAG_ANY | FlowKey.FRAG_LATER);
            }
        }
        return b.build();
    }

    private static FlowMod randomFlowMod(Random rnd, FlowMod.Command command) {
        int table = rnd.nextInt(3);
        FlowMatch match = rnd.nextInt(12) == 0 ? FlowMatch.ALL : randomMatch(rnd);
        List<Instruction> ins = new ArrayList<>();
        List<Action> apply = new ArrayList<>();
        boolean ip = match.entry(Field.ETH_TYPE) != null && match.entry(Field.ETH_TYPE).value() == 0x0800;
        FlowMatch.Entry proto = match.entry(Field.IP_PROTO);
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) apply.add(randomAction(rnd, ip));
        if (ip && rnd.nextInt(25) == 0) {
            // pop_mpls reveals headers the key does not hold: an uncacheable re-parse.
            apply.add(new Action.PushMpls(0x8847));
            apply.add(new Action.PopMpls(0x0800));
        }
        if (ip && proto != null && rnd.nextInt(4) == 0) {
            // A no-op on later fragments: the decision depends on nw_frag.
            apply.add(new Action.SetField(proto.value() == 6 ? Field.TCP_SRC : Field.UDP_SRC, TP_PORTS[rnd.nextInt(TP_PORTS.length)]));
        }
        if (rnd.nextInt(8) == 0) ins.add(new Instruction.Meter(1));
        if (!apply.isEmpty()) ins.add(new Instruction.ApplyActions(apply));
        if (rnd.nextInt(4) == 0) ins.add(new Instruction.WriteActions(List.of(new Action.Output(1 + rnd.nextInt(PORTS)))));
        if (rnd.nextInt(6) == 0) ins.add(new Instruction.WriteMetadata(rnd.nextInt(4), 0xff));
        if (table < 2 && rnd.nextInt(3) == 0) ins.add(new Instruction.GotoTable(table + 1));
        int prio = rnd.nextInt(6) * 100;
        FlowMod.Builder b = FlowMod.builder(command, match).table(table).priority(prio).instructions(ins)
                .cookie(rnd.nextInt(3));
        if (rnd.nextInt(10) == 0) b.flags(FlowMod.FLAG_RESET_COUNTS);
        if (command == FlowMod.Command.DELETE && rnd.nextBoolean()) b.table(FlowMod.ALL_TABLES);
        if (rnd.nextInt(5) == 0) b.cookie(rnd.nextInt(3), 0xff);
        return b.build();
    }

    private static Action randomAction(Random rnd, boolean ip) {
        return switch (rnd.nextInt(ip ? 13 : 10)) {
            case 0, 1, 2 -> new Action.Output(1 + rnd.nextInt(PORTS));
            case 3 -> new Action.Output(OfPort.NORMAL);
            case 4 -> new Action.Output(rnd.nextBoolean() ? OfPort.FLOOD : OfPort.ALL);
            case 5 -> new Action.Output(OfPort.CONTROLLER, rnd.nextBoolean() ? 0xffff : 64);
            case 6 -> new Action.Group(1 + rnd.nextInt(GROUPS));
            case 7 -> new Action.PushVlan(0x8100);
            case 8 -> new Action.PopVlan();
            case 9 -> new Action.SetField(Field.ETH_DST, MACS[rnd.nextInt(3)]);
            case 10 -> new Action.SetField(Field.IPV4_DST, IPS[rnd.nextInt(IPS.length)]);
            case 11 -> new Action.DecNwTtl();
            default -> new Action.SetField(Field.IP_DSCP, 46);
        };
    }

    private static void addGroupsAndMeters(Random rnd, Consumer<Consumer<Pipeline>> both) {
        for (int id = 1; id <= GROUPS; id++) {
            GroupMod m = randomGroupMod(rnd, GroupMod.Command.ADD, id);
            both.accept(p -> p.groupMod(m));
        }
        MeterMod meter = new MeterMod(MeterMod.Command.ADD, 1, MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST,
                List.of(new MeterBand(MeterBand.Type.DROP, 2000, 20, 0)));
        both.accept(p -> p.meterMod(meter));
    }

    private static GroupMod randomGroupMod(Random rnd, GroupMod.Command command, int id) {
        Group.Type type = Group.Type.values()[(id - 1) % 4];
        List<Bucket> buckets = new ArrayList<>();
        int n = type == Group.Type.INDIRECT ? 1 : 2 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
            List<Action> actions = new ArrayList<>();
            if (rnd.nextBoolean()) actions.add(new Action.SetField(Field.ETH_SRC, MACS[rnd.nextInt(3)]));
            // Chaining goes to lower ids only (no loops); groups 5 and 6 always chain.
            if (id > 1 && (id > 4 || rnd.nextInt(4) == 0)) actions.add(new Action.Group(1 + rnd.nextInt(Math.min(id - 1, 4))));
            actions.add(new Action.Output(1 + rnd.nextInt(PORTS)));
            int weight = type == Group.Type.SELECT ? 1 + rnd.nextInt(3) : 0;
            int watchPort = Bucket.WATCH_ANY, watchGroup = Bucket.WATCH_ANY;
            if (type == Group.Type.FAST_FAILOVER) {
                // Watch a port, or a group (possibly one that does not exist, or is deleted later).
                if (rnd.nextBoolean()) watchPort = 1 + rnd.nextInt(PORTS);
                else watchGroup = rnd.nextBoolean() ? 2 : 5 + rnd.nextInt(GROUPS - 3);
            }
            buckets.add(new Bucket(weight, watchPort, watchGroup, actions));
        }
        return new GroupMod(command, id, type, buckets);
    }
}
