package io.vswitch.datapath.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Cached decisions and counters stay right across the changes and corner cases a review found holes in:
 * set-field semantics that read unmatched key bits, group dependencies (watched, chained, missing), re-parses,
 * counter resets after replacement, meter drops, check_overlap, action-set validation, expiry, clone depth and
 * port config.
 */
class RevalidationTest {
    static final String BASE = "in_port=1,tcp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2";

    // ------------------------------------------------------------------------------------ set-field un-wildcarding

    @Test
    void setFieldOnL4PortDependsOnFragmentFlags() {
        String[] flows = {"table=0,priority=10,tcp,actions=set_field:80->tcp_src,goto_table:1",
                "table=1,priority=10,tcp,tp_src=80,actions=output:2", "table=1,priority=0,actions=output:3"};
        Bridge b = new Bridge(3).flows(flows);
        Bridge fresh = new Bridge(3).flows(flows);
        String later = BASE + ",nw_frag=later";
        assertEquals(List.of("2"), b.send(BASE + ",tp_src=0,tp_dst=0"), "a first fragment/unfragmented gets tp_src=80");
        // A later fragment has no L4 header: set_field does nothing, so table 1 must not see tp_src=80.
        assertEquals(List.of("3"), fresh.send(later));
        assertEquals(List.of("3"), b.send(later), "the megaflow of the first packet must not cover later fragments");
    }

    // ------------------------------------------------------------------------------------ group dependencies

    @Test
    void modifyingWatchedGroupRevalidatesFastFailover() {
        Bridge b = new Bridge(6);
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 2, Group.Type.FAST_FAILOVER,
                List.of(new Bucket(0, 5, Bucket.WATCH_ANY, List.of(new Action.Output(5))))));
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, Group.Type.FAST_FAILOVER, List.of(
                new Bucket(0, Bucket.WATCH_ANY, 2, List.of(new Action.Output(3))),
                new Bucket(0, 4, Bucket.WATCH_ANY, List.of(new Action.Output(4))))));
        b.flows("priority=10,actions=group:1");
        assertEquals(List.of("3"), b.send(BASE));
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.MODIFY, 2, Group.Type.FAST_FAILOVER,
                List.of(new Bucket(0, 77, Bucket.WATCH_ANY, List.of(new Action.Output(5))))));
        assertEquals(List.of("4"), b.send(BASE), "watched group 2 now watches a missing port: bucket 1 is dead");
    }

    @Test
    void addingAMissingWatchedGroupRevalidates() {
        Bridge b = new Bridge(6);
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, Group.Type.FAST_FAILOVER, List.of(
                new Bucket(0, Bucket.WATCH_ANY, 9, List.of(new Action.Output(3))),
                new Bucket(0, 4, Bucket.WATCH_ANY, List.of(new Action.Output(4))))));
        b.flows("priority=10,actions=group:1");
        assertEquals(List.of("4"), b.send(BASE), "group 9 does not exist: its watcher is dead");
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 9, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Output(5))))));
        assertEquals(List.of("3"), b.send(BASE), "group 9 now exists and has a live bucket");
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.DELETE, 9, null, List.of()));
        assertEquals(List.of("4"), b.send(BASE), "group 9 gone again");
    }

    @Test
    void modifyingChainedGroupRevalidatesAndDeletingItIsRefused() {
        Bridge b = new Bridge(6);
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 2, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Output(5))))));
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Group(2), new Action.Output(4))))));
        b.flows("priority=10,actions=group:1");
        assertEquals(List.of("5", "4"), b.send(BASE));
        // OpenFlow 1.3 OFPGMFC_CHAINED_GROUP: group 1 forwards to group 2, so group 2 cannot be deleted alone.
        OpenFlowException e = assertThrows(OpenFlowException.class,
                () -> b.pipeline.groupMod(new GroupMod(GroupMod.Command.DELETE, 2, null, List.of())));
        assertEquals(OfError.GROUP_MOD_FAILED_CHAINED_GROUP, e.error());
        assertNotNull(b.pipeline.groups().get(2));
        assertEquals(List.of("5", "4"), b.send(BASE));
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.MODIFY, 2, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Output(6))))));
        assertEquals(List.of("6", "4"), b.send(BASE), "modified chained group");
        // Deleting both at once is allowed (and takes the flow with it).
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.DELETE, GroupMod.ALL, null, List.of()));
        assertEquals(List.of(), b.send(BASE));
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Output(3))))));
        b.flows("priority=10,actions=group:1");
        assertEquals(List.of("3"), b.send(BASE), "re-added group");
    }

    @Test
    void groupsChainedDeeperThanTheExecutorsCloneStackAreCutWithATraceNote() {
        int levels = ActionExecutor.MAX_DEPTH + 4;
        Bridge b = new Bridge(3);
        for (int id = levels; id >= 1; id--) {
            List<Action> actions = new ArrayList<>();
            actions.add(new Action.SetField(Field.ETH_SRC, id)); // an edit, so the bucket runs in a clone
            if (id < levels) actions.add(new Action.Group(id + 1));
            actions.add(new Action.Output(2));
            b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, id, Group.Type.ALL, List.of(Bucket.of(actions))));
        }
        b.flows("priority=10,actions=group:1");
        List<String> out = assertDoesNotThrow(() -> b.send(BASE));
        assertEquals(Collections.nCopies(ActionExecutor.MAX_DEPTH, "2"), out, "one output per group that runs");
        assertTrue(b.trace(BASE).contains("nested deeper than " + ActionExecutor.MAX_DEPTH), b.trace(BASE));
    }

    // ------------------------------------------------------------------------------------ re-parse

    @Test
    void reparseReplaysEditsOnlyNotMeters() {
        Bridge b = new Bridge(3);
        b.pipeline.meterMod(new MeterMod(MeterMod.Command.ADD, 1, MeterMod.FLAG_PKTPS,
                List.of(new MeterBand(MeterBand.Type.DROP, 1000, 0, 0))));
        b.flows("priority=10,actions=meter:1,push_mpls:0x8847,pop_mpls:0x0800,output:2");
        assertEquals(List.of("2"), b.send(BASE));
        assertEquals(1, b.pipeline.meters().get(1).packetsIn(), "the meter saw the packet once");
    }

    // ------------------------------------------------------------------------------------ counters

    @Test
    void resetAfterIdenticalAddDropsHitsCachedBeforeIt() {
        Bridge b = new Bridge(3).flows("priority=10,tcp,actions=output:2");
        for (int i = 0; i < 5; i++) b.send(BASE);  // pending in the cache, not flushed
        b.flows("priority=10,tcp,actions=output:3"); // identical ADD: keeps counters, forwards late hits
        b.mod("priority=10,tcp,reset_counts,actions=output:3", FlowMod.Command.MODIFY_STRICT);
        b.fastPath.flushStats(b.now);
        FlowEntry e = b.pipeline.tables().entries(0).get(0);
        assertEquals(0, e.packets(), "hits from before the reset must not count");
        b.send(BASE);
        b.fastPath.flushStats(b.now);
        assertEquals(1, e.packets());
    }

    @Test
    void identicalAddKeepsItsPlaceAmongEqualPriorityEntries() {
        Bridge b = new Bridge(4).flows("priority=10,ip,actions=output:2", "priority=10,ip,nw_src=10.0.0.1,actions=output:3");
        assertEquals(List.of("2"), b.send(BASE), "the earlier installed entry wins the tie");
        b.flows("priority=10,ip,actions=output:4");
        assertEquals(List.of("4"), b.send(BASE), "the replacement still wins: it took the old entry's place");
    }

    @Test
    void meterDropsAreNotCreditedToWhatComesAfterTheMeter() {
        Bridge b = new Bridge(3);
        b.pipeline.meterMod(new MeterMod(MeterMod.Command.ADD, 1, MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST,
                List.of(new MeterBand(MeterBand.Type.DROP, 1, 1, 0))));
        b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Output(3))))));
        b.flows("table=0,priority=10,actions=group:1,goto_table:1",
                "table=1,priority=10,actions=meter:1,goto_table:2", "table=2,priority=10,actions=output:2");
        int passed = 0;
        for (int i = 0; i < 100; i++) passed += b.send(BASE).contains("2") ? 1 : 0;
        b.fastPath.flushStats(b.now);
        assertTrue(passed < 100, "the meter dropped some packets");
        assertEquals(100, b.pipeline.tables().entries(0).get(0).packets(), "table 0 is before the meter");
        assertEquals(100, b.pipeline.tables().entries(1).get(0).packets(), "table 1's entry holds the meter");
        assertEquals(100, b.pipeline.groups().get(1).packets(), "the group ran before the meter");
        assertEquals(passed, b.pipeline.tables().entries(2).get(0).packets(), "table 2 is after the meter");
        assertEquals(passed, b.pipeline.table(2).lookups());
    }

    @Test
    void meterDropsOnTheUncachedPathAreNotCreditedAfterTheMeter() {
        Pipeline p = new Pipeline(4, () -> 1_000_000_000L);
        for (int i = 1; i <= 3; i++) p.addPort(i, "p" + i, true);
        p.meterMod(new MeterMod(MeterMod.Command.ADD, 1, MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST,
                List.of(new MeterBand(MeterBand.Type.DROP, 1, 1, 0))));
        p.flowMod(FlowParser.parseFlow("table=0,priority=10,actions=meter:1,goto_table:1", FlowMod.Command.ADD));
        p.flowMod(FlowParser.parseFlow("table=1,priority=10,actions=output:2", FlowMod.Command.ADD));
        ActionExecutor ex = new ActionExecutor();
        List<Integer> outs = new ArrayList<>();
        PacketSink sink = new PacketSink() {
            @Override public void output(int port, Packet pk, int q) { outs.add(port); }

            @Override public void packetIn(Packet pk, PacketIn pi) { }
        };
        FlowKey k = FlowParser.parseKey(BASE);
        for (int i = 0; i < 50; i++) {
            Packet pk = Packet.allocate();
            PacketComposer.compose(k, pk);
            p.processUncached(pk, 1, new FlowKey(), ex, sink, 1_000_000_000L);
        }
        assertTrue(outs.size() < 50);
        assertEquals(50, p.tables().entries(0).get(0).packets());
        assertEquals(outs.size(), p.tables().entries(1).get(0).packets());
    }

    @Test
    void flushingCachedHitsWaitsForWriteLockedChanges() throws Exception {
        Bridge b = new Bridge(3).flows("priority=10,tcp,actions=output:2", "priority=5,actions=output:3");
        for (int i = 0; i < 3; i++) b.send(BASE);
        AtomicBoolean flushedDuringChange = new AtomicBoolean();
        CountDownLatch flushed = new CountDownLatch(1);
        Thread[] flusher = new Thread[1];
        b.pipeline.setFlowRemovedListener((e, r, n) -> {
            // Runs under the write lock: a flush started now must wait until the change is complete.
            flusher[0] = new Thread(() -> {
                b.fastPath.flushStats(b.now);
                flushed.countDown();
            });
            flusher[0].start();
            try {
                flushedDuringChange.set(flushed.await(300, TimeUnit.MILLISECONDS));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        b.mod("priority=5", FlowMod.Command.DELETE_STRICT);
        flusher[0].join(5000);
        assertFalse(flushedDuringChange.get(), "a flush interleaved with a write-locked change");
        assertEquals(3, b.pipeline.tables().entries(0).get(0).packets());
    }

    // ------------------------------------------------------------------------------------ flow-mods

    @Test
    void checkOverlapExcusesOnlyTheIdenticalEntry() {
        Bridge b = new Bridge(3).flows("priority=10,ip,actions=output:2", "priority=10,ip,nw_src=10.0.0.1,actions=output:3");
        OpenFlowException e = assertThrows(OpenFlowException.class,
                () -> b.flows("priority=10,ip,check_overlap,actions=output:1"));
        assertEquals(OfError.FLOW_MOD_FAILED_OVERLAP, e.error());
        Bridge alone = new Bridge(3).flows("priority=10,ip,actions=output:2");
        alone.flows("priority=10,ip,check_overlap,actions=output:3");
        assertEquals(List.of("3"), alone.send(BASE), "replacing the identical entry alone is no overlap");
    }

    @Test
    void writeActionsAreValidatedInActionSetOrder() {
        Bridge b = new Bridge(3);
        // Written set_field before push_vlan, but the action set pushes first, so the tag is there.
        b.flows("priority=10,ip,actions=write_actions(set_field:3->vlan_pcp,push_vlan:0x8100,output:2)");
        assertEquals(List.of("2"), b.send(BASE));
        assertEquals(3, b.outKey(0).get(Field.VLAN_PCP));
        // A set-field on a header no action of the set provides is still refused.
        assertThrows(OpenFlowException.class,
                () -> b.flows("priority=11,ip,actions=write_actions(set_field:3->vlan_pcp,output:2)"));
    }

    @Test
    void concurrentExpiryAnnouncesEachEntryOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            Bridge b = new Bridge(3);
            int n = 200;
            for (int i = 0; i < n; i++) b.flows("priority=10,ip,nw_dst=10.1." + (i / 256) + "." + (i % 256) + ",hard_timeout=1,actions=output:2");
            List<FlowEntry> removed = Collections.synchronizedList(new ArrayList<>());
            b.pipeline.setFlowRemovedListener((e, r, t) -> removed.add(e));
            long later = b.now + 2_000_000_000L;
            CyclicBarrier start = new CyclicBarrier(2);
            Runnable expire = () -> {
                try {
                    start.await();
                } catch (Exception ex) {
                    throw new RuntimeException(ex);
                }
                b.pipeline.expire(later);
            };
            Thread t1 = new Thread(expire), t2 = new Thread(expire);
            t1.start();
            t2.start();
            t1.join();
            t2.join();
            assertEquals(n, removed.size(), "round " + round + ": each expired entry announced exactly once");
            assertEquals(0, b.pipeline.tables().totalEntries());
        }
    }

    // ------------------------------------------------------------------------------------ port config

    @Test
    void noRecvPortDropsWhatItReceives() {
        Bridge b = new Bridge(3).flows("priority=10,actions=output:2");
        assertEquals(List.of("2"), b.send(BASE));
        b.pipeline.setPortConfig(1, Ports.CONFIG_NO_RECV, Ports.CONFIG_NO_RECV);
        assertEquals(List.of(), b.send(BASE), "cached decision revalidated: port 1 receives nothing");
        assertEquals(List.of("2"), b.send(BASE.replace("in_port=1", "in_port=3")), "other ports unaffected");
        b.pipeline.setPortConfig(1, 0, Ports.CONFIG_NO_RECV);
        assertEquals(List.of("2"), b.send(BASE));
    }

    @Test
    void noPacketInPortSendsNothingToTheController() {
        Bridge b = new Bridge(3).flows("priority=10,actions=CONTROLLER:64,output:2");
        assertEquals(List.of("CONTROLLER", "2"), b.send(BASE));
        b.pipeline.setPortConfig(1, Ports.CONFIG_NO_PACKET_IN, Ports.CONFIG_NO_PACKET_IN);
        assertEquals(List.of("2"), b.send(BASE), "no packet-in for packets from port 1; forwarding goes on");
        assertEquals(List.of("CONTROLLER", "2"), b.send(BASE.replace("in_port=1", "in_port=3")));
        assertTrue(b.trace(BASE).contains("no_packet_in"));
    }
}
