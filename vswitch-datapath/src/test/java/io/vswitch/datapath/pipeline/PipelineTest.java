package io.vswitch.datapath.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** OpenFlow pipeline semantics, packets in as text, decisions read back (through the caches every time). */
class PipelineTest {
    static final String TCP = "in_port=1,tcp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1000,tp_dst=80";

    @Nested
    class Tables {
        @Test
        void missWithoutTableMissEntryDrops() {
            Bridge b = new Bridge(3).flows("priority=10,udp,actions=output:2");
            assertEquals(List.of(), b.send(TCP));
            b.fastPath.flushStats(b.now);
            assertEquals(1, b.pipeline.table(0).lookups());
            assertEquals(0, b.pipeline.table(0).matches());
        }

        @Test
        void highestPriorityWins() {
            Bridge b = new Bridge(3).flows("priority=10,ip,actions=output:2", "priority=20,tcp,tp_dst=80,actions=output:3");
            assertEquals(List.of("3"), b.send(TCP));
            assertEquals(List.of("2"), b.send(TCP.replace("tp_dst=80", "tp_dst=81")));
        }

        @Test
        void tableMissEntrySendsToControllerWithReasonNoMatch() {
            Bridge b = new Bridge(3).flows("priority=0,actions=CONTROLLER:128");
            assertEquals(List.of("CONTROLLER"), b.send(TCP));
            assertEquals(PacketIn.REASON_NO_MATCH, b.packetIns.get(0).reason());
            assertEquals(128, b.packetIns.get(0).maxLen());
            b.flows("priority=5,tcp,actions=CONTROLLER");
            b.send(TCP);
            assertEquals(PacketIn.REASON_ACTION, b.packetIns.get(0).reason());
        }

        @Test
        void actionSetRunsAtTheEndInSpecOrderAfterLaterTablesEdits() {
            Bridge b = new Bridge(3).flows(
                    "table=0,priority=10,ip,actions=write_actions(output:3),goto_table:1",
                    "table=1,priority=10,ip,actions=write_actions(set_field:10.0.0.9->ip_dst)");
            assertEquals(List.of("3"), b.send(TCP));
            assertEquals(0x0a000009L, b.outKey(0).get(Field.IPV4_DST), "set-field in the set runs before its output");
        }

        @Test
        void clearActionsEmptiesTheSet() {
            Bridge b = new Bridge(3).flows(
                    "table=0,priority=10,ip,actions=write_actions(output:3),goto_table:1",
                    "table=1,priority=10,ip,actions=clear_actions");
            assertEquals(List.of(), b.send(TCP));
        }

        @Test
        void laterTablesMatchOnEditedFieldsAndMetadata() {
            Bridge b = new Bridge(3).flows(
                    "table=0,priority=10,ip,actions=set_field:10.0.0.7->ip_dst,write_metadata:0x5/0xff,goto_table:1",
                    "table=1,priority=10,ip,nw_dst=10.0.0.7,metadata=0x5,actions=output:2",
                    "table=1,priority=5,ip,actions=output:3");
            assertEquals(List.of("2"), b.send(TCP));
        }

        @Test
        void outputToIngressPortNeedsInPort() {
            Bridge b = new Bridge(3).flows("priority=10,in_port=1,actions=output:1,output:2");
            assertEquals(List.of("2"), b.send(TCP));
            b.flows("priority=20,in_port=1,actions=IN_PORT");
            assertEquals(List.of("1"), b.send(TCP));
        }

        @Test
        void floodSkipsIngressAndNoFloodPortsButAllDoesNot() {
            Bridge b = new Bridge(4).flows("priority=10,in_port=1,actions=FLOOD");
            assertEquals(List.of("2", "3", "4"), b.send(TCP));
            b.pipeline.setPortConfig(3, Ports.CONFIG_NO_FLOOD, Ports.CONFIG_NO_FLOOD);
            assertEquals(List.of("2", "4"), b.send(TCP), "port config change revalidates cached floods");
            b.flows("priority=20,in_port=1,actions=ALL");
            assertEquals(List.of("2", "3", "4"), b.send(TCP));
        }

        @Test
        void decTtlDropsOrPuntsExpiringPackets() {
            Bridge b = new Bridge(3).flows("priority=10,ip,actions=dec_ttl,output:2");
            assertEquals(List.of("2"), b.send(TCP + ",nw_ttl=5"));
            assertEquals(4, b.outKey(0).get(Field.NW_TTL));
            assertEquals(List.of(), b.send(TCP + ",nw_ttl=1"));
            b.pipeline.setInvalidTtlToController(true);
            assertEquals(List.of("CONTROLLER"), b.send(TCP + ",nw_ttl=1"));
            assertEquals(PacketIn.REASON_INVALID_TTL, b.packetIns.get(0).reason());
        }

        @Test
        void vlanPushSetAndPop() {
            Bridge b = new Bridge(3).flows("priority=10,in_port=1,actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:2",
                    "priority=10,in_port=2,dl_vlan=100,actions=pop_vlan,output:3");
            assertEquals(List.of("2"), b.send(TCP));
            assertEquals(100 | Field.VID_PRESENT, b.outKey(0).get(Field.VLAN_VID));
            assertEquals(List.of("3"), b.send(TCP.replace("in_port=1", "in_port=2") + ",dl_vlan=100"));
            assertEquals(0, b.outKey(0).get(Field.VLAN_VID));
        }
    }

    @Nested
    class FlowMods {
        @Test
        void addIdenticalReplacesAndKeepsCountersUnlessReset() {
            Bridge b = new Bridge(3).flows("priority=10,tcp,actions=output:2");
            b.send(TCP);
            b.send(TCP);
            b.fastPath.flushStats(b.now);
            b.flows("priority=10,tcp,actions=output:3");
            assertEquals(1, b.pipeline.table(0).size());
            assertEquals(List.of("3"), b.send(TCP), "the replaced entry's cached decision is gone");
            b.fastPath.flushStats(b.now);
            assertEquals(3, b.pipeline.tables().entries(0).get(0).packets());
        }

        @Test
        void nonStrictDeleteTakesEverythingTheMatchCoversStrictOnlyTheExactEntry() {
            Bridge b = new Bridge(3).flows("priority=10,tcp,tp_dst=80,actions=output:2", "priority=20,tcp,tp_dst=80,actions=output:2",
                    "priority=10,udp,actions=output:2");
            b.mod("priority=10,tcp,tp_dst=80", FlowMod.Command.DELETE_STRICT);
            assertEquals(2, b.pipeline.table(0).size());
            b.mod("tcp", FlowMod.Command.DELETE);
            assertEquals(1, b.pipeline.table(0).size());
        }

        @Test
        void deleteFiltersOnOutPortAndCookieMask() {
            Bridge b = new Bridge(3).flows("cookie=0x1,priority=10,tcp,actions=output:2", "cookie=0x2,priority=11,tcp,actions=output:3",
                    "cookie=0x3,priority=12,udp,actions=output:3");
            b.mod("out_port=3", FlowMod.Command.DELETE);
            assertEquals(1, b.pipeline.table(0).size());
            b.flows("cookie=0x12,priority=13,tcp,actions=output:2");
            b.mod("cookie=0x10/0xf0", FlowMod.Command.DELETE);
            assertEquals(1, b.pipeline.table(0).size());
            assertEquals(1, b.pipeline.tables().entries(0).get(0).cookie());
        }

        @Test
        void modifyChangesInstructionsOfCoveredEntriesAndRevalidates() {
            Bridge b = new Bridge(3).flows("priority=10,tcp,tp_dst=80,actions=output:2", "priority=10,udp,actions=output:2");
            assertEquals(List.of("2"), b.send(TCP));
            b.mod("tcp,actions=output:3", FlowMod.Command.MODIFY);
            assertEquals(List.of("3"), b.send(TCP));
            assertEquals("[ApplyActions[actions=[Output[port=2, maxLen=65535]]]]",
                    b.pipeline.table(0).classifier().coveredBy(io.vswitch.datapath.ofctl.FlowParser.parseMatch("udp")).get(0).instructions().toString());
        }

        @Test
        void checkOverlapRefusesOverlappingEntryOfSamePriority() {
            Bridge b = new Bridge(3).flows("priority=10,ip,nw_dst=10.0.0.0/8,actions=output:2");
            OpenFlowException e = assertThrows(OpenFlowException.class,
                    () -> b.flows("priority=10,check_overlap,tcp,nw_dst=10.1.0.0/16,actions=output:3"));
            assertEquals(OfError.FLOW_MOD_FAILED_OVERLAP, e.error());
            b.flows("priority=11,check_overlap,tcp,nw_dst=10.1.0.0/16,actions=output:3");
            assertEquals(2, b.pipeline.table(0).size());
        }

        @Test
        void invalidRequestsNameTheirErrorAndChangeNothing() {
            Bridge b = new Bridge(3).flows("priority=10,ip,actions=output:2");
            assertError(b, "table=1,priority=10,ip,actions=goto_table:1", OfError.BAD_INSTRUCTION_BAD_TABLE_ID);
            assertError(b, "table=9,priority=10,ip,actions=output:1", OfError.FLOW_MOD_FAILED_BAD_TABLE_ID);
            assertError(b, "priority=10,ip,actions=group:7", OfError.BAD_ACTION_BAD_OUT_GROUP);
            assertError(b, "priority=10,ip,actions=meter:7,output:1", OfError.METER_MOD_FAILED_UNKNOWN_METER);
            assertError(b, "priority=10,ip,actions=set_field:80->tcp_dst", OfError.BAD_ACTION_MATCH_INCONSISTENT);
            assertError(b, "priority=10,actions=set_field:10.0.0.1->ip_dst", OfError.BAD_ACTION_MATCH_INCONSISTENT);
            OpenFlowException e = assertThrows(OpenFlowException.class, () -> b.pipeline.flowMod(FlowMod.add(
                    io.vswitch.datapath.ofctl.FlowParser.parseMatch("ip")).priority(10).instructions(
                    new io.vswitch.datapath.action.Instruction.ApplyActions(List.of(new Action.PushVlan(0x0800)))).build()));
            assertEquals(OfError.BAD_ACTION_BAD_ARGUMENT, e.error());
            assertEquals(1, b.pipeline.table(0).size());
            assertEquals(1, b.pipeline.tables().totalEntries());
        }

        private void assertError(Bridge b, String flow, OfError expected) {
            OpenFlowException e = assertThrows(OpenFlowException.class, () -> b.flows(flow), flow);
            assertEquals(expected, e.error(), flow + ": " + e.getMessage());
        }

        @Test
        void timeoutsExpireAndReportTheirReason() {
            Bridge b = new Bridge(3).flows("priority=10,idle_timeout=5,tcp,actions=output:2", "priority=9,hard_timeout=8,udp,actions=output:2");
            List<Integer> reasons = new ArrayList<>();
            b.pipeline.setFlowRemovedListener((e, reason, now) -> reasons.add(reason));
            for (int s = 0; s < 6; s++) {
                b.now += 1_000_000_000L;
                b.send(TCP); // keeps the idle entry alive through the cache
                b.fastPath.flushStats(b.now);
                b.pipeline.expire(b.now);
            }
            assertEquals(2, b.pipeline.table(0).size(), "a used entry does not idle out");
            b.now += 5_000_000_000L;
            b.pipeline.expire(b.now);
            assertEquals(List.of(Pipeline.FlowRemovedListener.HARD_TIMEOUT, Pipeline.FlowRemovedListener.IDLE_TIMEOUT), reasons);
            assertEquals(List.of(), b.send(TCP), "expired entries no longer forward, even from the cache");
        }

        @Test
        void noPacketCountsReportsAllOnes() {
            Bridge b = new Bridge(3).flows("priority=10,no_packet_counts,tcp,actions=output:2");
            b.send(TCP);
            b.fastPath.flushStats(b.now);
            FlowEntry e = b.pipeline.tables().entries(0).get(0);
            assertEquals(-1, e.packets());
            assertTrue(e.bytes() > 0);
        }
    }

    @Nested
    class Groups {
        private Bridge withGroup(Group.Type type, List<Bucket> buckets) {
            Bridge b = new Bridge(4);
            b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, type, buckets));
            b.flows("priority=10,actions=group:1");
            return b;
        }

        private static Bucket out(int weight, int watch, Action... actions) {
            return new Bucket(weight, watch, Bucket.WATCH_ANY, List.of(actions));
        }

        @Test
        void allGroupBucketsEachSeeTheOriginalPacket() {
            Bridge b = withGroup(Group.Type.ALL, List.of(
                    out(0, Bucket.WATCH_ANY, new Action.SetField(Field.IPV4_DST, 0x0a000063L), new Action.Output(2)),
                    out(0, Bucket.WATCH_ANY, new Action.Output(3))));
            assertEquals(List.of("2", "3"), b.send(TCP));
            assertEquals(0x0a000063L, b.outKey(0).get(Field.IPV4_DST));
            assertEquals(0x0a000002L, b.outKey(1).get(Field.IPV4_DST));
            b.fastPath.flushStats(b.now);
            Group g = b.pipeline.groups().get(1);
            assertEquals(1, g.packets());
            assertEquals(1, g.buckets.get(0).packets());
            assertEquals(1, g.buckets.get(1).packets());
        }

        /** Sends 64 flows, {@code flow.apply(i)} for i in 1..64, twice each through a 1:1 select group; the ports used. */
        private Set<String> selectBucketsUsed(java.util.function.IntFunction<String> flow) {
            Bridge b = withGroup(Group.Type.SELECT, List.of(out(1, Bucket.WATCH_ANY, new Action.Output(2)),
                    out(1, Bucket.WATCH_ANY, new Action.Output(3))));
            Set<String> used = new HashSet<>();
            for (int i = 1; i <= 64; i++) {
                String pkt = flow.apply(i);
                List<String> first = b.send(pkt);
                assertEquals(first, b.send(pkt), "a flow sticks to its bucket");
                used.addAll(first);
            }
            return used;
        }

        @Test
        void selectGroupKeepsAFlowOnOneBucketAndSpreadsFlows() {
            assertEquals(Set.of("2", "3"), selectBucketsUsed(i -> TCP.replace("tp_src=1000", "tp_src=" + (1000 + i))),
                    "64 flows use both buckets");
        }

        @Test
        void selectGroupSpreadsArpByItsAddresses() {
            assertEquals(Set.of("2", "3"), selectBucketsUsed(i -> "in_port=1,arp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,"
                    + "arp_op=1,arp_spa=10.0.0." + i + ",arp_tpa=10.0.1." + i), "ARP between 64 host pairs (same MACs) uses both buckets");
        }

        @Test
        void selectWeightsShapeTheSplit() {
            Bridge b = withGroup(Group.Type.SELECT, List.of(out(1, Bucket.WATCH_ANY, new Action.Output(2)),
                    out(3, Bucket.WATCH_ANY, new Action.Output(3))));
            int onThree = 0;
            for (int sport = 0; sport < 2000; sport++) {
                if (b.send(TCP.replace("tp_src=1000", "tp_src=" + (1000 + sport))).equals(List.of("3"))) onThree++;
            }
            assertTrue(onThree > 1350 && onThree < 1650, "weight 3 of 4 takes ~75% of flows, got " + onThree + "/2000");
        }

        @Test
        void fastFailoverFollowsPortLivenessThroughTheCache() {
            Bridge b = withGroup(Group.Type.FAST_FAILOVER, List.of(out(0, 2, new Action.Output(2)), out(0, 3, new Action.Output(3))));
            assertEquals(List.of("2"), b.send(TCP));
            assertEquals(List.of("2"), b.send(TCP));
            b.pipeline.setLinkUp(2, false);
            assertEquals(List.of("3"), b.send(TCP));
            b.pipeline.setLinkUp(3, false);
            assertEquals(List.of(), b.send(TCP));
            b.pipeline.setLinkUp(2, true);
            assertEquals(List.of("2"), b.send(TCP));
        }

        @Test
        void deletingAGroupRemovesTheFlowsThatUseIt() {
            Bridge b = withGroup(Group.Type.INDIRECT, List.of(out(0, Bucket.WATCH_ANY, new Action.Output(2))));
            assertEquals(List.of("2"), b.send(TCP));
            List<Integer> reasons = new ArrayList<>();
            b.pipeline.setFlowRemovedListener((e, r, n) -> reasons.add(r));
            b.pipeline.groupMod(new GroupMod(GroupMod.Command.DELETE, 1, null, List.of()));
            assertEquals(0, b.pipeline.table(0).size());
            assertEquals(List.of(Pipeline.FlowRemovedListener.GROUP_DELETE), reasons);
            assertEquals(List.of(), b.send(TCP));
        }

        @Test
        void groupModErrors() {
            Bridge b = new Bridge(3);
            b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 1, Group.Type.ALL, List.of()));
            assertGroupError(b, new GroupMod(GroupMod.Command.ADD, 1, Group.Type.ALL, List.of()), OfError.GROUP_MOD_FAILED_GROUP_EXISTS);
            assertGroupError(b, new GroupMod(GroupMod.Command.MODIFY, 5, Group.Type.ALL, List.of()), OfError.GROUP_MOD_FAILED_UNKNOWN_GROUP);
            assertGroupError(b, new GroupMod(GroupMod.Command.ADD, 2, Group.Type.FAST_FAILOVER,
                    List.of(Bucket.of(List.of(new Action.Output(1))))), OfError.GROUP_MOD_FAILED_BAD_WATCH);
            b.pipeline.groupMod(new GroupMod(GroupMod.Command.ADD, 2, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Group(1))))));
            assertGroupError(b, new GroupMod(GroupMod.Command.MODIFY, 1, Group.Type.ALL,
                    List.of(Bucket.of(List.of(new Action.Group(2))))), OfError.GROUP_MOD_FAILED_LOOP);
        }

        private void assertGroupError(Bridge b, GroupMod mod, OfError expected) {
            OpenFlowException e = assertThrows(OpenFlowException.class, () -> b.pipeline.groupMod(mod));
            assertEquals(expected, e.error(), e.getMessage());
        }
    }

    @Nested
    class Meters {
        @Test
        void packetRateMeterDropsAboveItsRateAndCountsPerBand() {
            Bridge b = new Bridge(3);
            b.pipeline.meterMod(new MeterMod(MeterMod.Command.ADD, 1, MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST | MeterMod.FLAG_STATS,
                    List.of(new MeterBand(MeterBand.Type.DROP, 100, 10, 0))));
            b.flows("priority=10,tcp,actions=meter:1,output:2");
            int passed = 0;
            for (int i = 0; i < 1000; i++) { // 1000 packets in 1 s at 100 pkt/s with a burst of 10
                b.now += 1_000_000L;
                passed += b.send(TCP).size();
            }
            assertTrue(passed >= 100 && passed <= 115, "about rate*1s + burst pass, got " + passed);
            var m = b.pipeline.meters().get(1);
            assertEquals(1000, m.packetsIn());
            assertEquals(1000 - passed, m.bandPackets(0));
        }

        @Test
        void dscpRemarkRaisesDropPrecedence() {
            Bridge b = new Bridge(3);
            b.pipeline.meterMod(new MeterMod(MeterMod.Command.ADD, 1, MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST,
                    List.of(new MeterBand(MeterBand.Type.DSCP_REMARK, 1, 1, 1))));
            b.flows("priority=10,tcp,actions=meter:1,output:2");
            b.send(TCP + ",ip_dscp=10"); // AF11: within the burst, unchanged
            assertEquals(10, b.outKey(0).get(Field.IP_DSCP));
            b.send(TCP + ",ip_dscp=10"); // over the rate: AF11 -> AF12
            assertEquals(12, b.outKey(0).get(Field.IP_DSCP));
        }

        @Test
        void meterModErrors() {
            Bridge b = new Bridge(3);
            OpenFlowException e = assertThrows(OpenFlowException.class, () -> b.pipeline.meterMod(new MeterMod(MeterMod.Command.ADD, 1,
                    MeterMod.FLAG_PKTPS | MeterMod.FLAG_KBPS, List.of(new MeterBand(MeterBand.Type.DROP, 1, 0, 0)))));
            assertEquals(OfError.METER_MOD_FAILED_BAD_FLAGS, e.error());
            e = assertThrows(OpenFlowException.class, () -> b.pipeline.meterMod(new MeterMod(MeterMod.Command.ADD, 1,
                    MeterMod.FLAG_KBPS, List.of(new MeterBand(MeterBand.Type.DROP, 0, 0, 0)))));
            assertEquals(OfError.METER_MOD_FAILED_BAD_RATE, e.error());
            e = assertThrows(OpenFlowException.class, () -> b.pipeline.meterMod(new MeterMod(MeterMod.Command.MODIFY, 3,
                    MeterMod.FLAG_KBPS, List.of(new MeterBand(MeterBand.Type.DROP, 10, 0, 0)))));
            assertEquals(OfError.METER_MOD_FAILED_UNKNOWN_METER, e.error());
            assertEquals(0, b.pipeline.meters().size());
        }
    }

    @Nested
    class Normal {
        static final String A_TO_B = "in_port=1,ip,dl_src=00:00:00:00:00:0a,dl_dst=00:00:00:00:00:0b,nw_src=10.0.0.1,nw_dst=10.0.0.2";
        static final String B_TO_A = "in_port=2,ip,dl_src=00:00:00:00:00:0b,dl_dst=00:00:00:00:00:0a,nw_src=10.0.0.2,nw_dst=10.0.0.1";

        @Test
        void learnsFloodsUnknownAndForwardsKnown() {
            Bridge b = new Bridge(4).flows("priority=0,actions=NORMAL");
            assertEquals(List.of("2", "3", "4"), b.send(A_TO_B), "B unknown: flood");
            assertEquals(List.of("1"), b.send(B_TO_A), "A learned on port 1");
            assertEquals(List.of("2"), b.send(A_TO_B), "B learned on port 2: the cached flood was invalidated");
        }

        @Test
        void aHostThatMovesIsFollowed() {
            Bridge b = new Bridge(4).flows("priority=0,actions=NORMAL");
            b.send(A_TO_B);
            b.send(B_TO_A);
            assertEquals(List.of("1"), b.send(B_TO_A));
            b.send(A_TO_B.replace("in_port=1", "in_port=3"));
            assertEquals(List.of("3"), b.send(B_TO_A));
        }

        @Test
        void vlansAreSeparateLearningDomains() {
            Bridge b = new Bridge(4).flows("priority=0,actions=NORMAL");
            b.send(B_TO_A + ",dl_vlan=10");
            assertEquals(List.of("2"), b.send(A_TO_B + ",dl_vlan=10"));
            assertEquals(List.of("2", "3", "4"), b.send(A_TO_B + ",dl_vlan=20"));
        }

        /** Ports 1 and 2 access ports of VLAN 10, port 3 of VLAN 20, port 4 a trunk (Open vSwitch's tag=). */
        @Test
        void accessPortsTagUntagAndSeparate() {
            Bridge b = new Bridge(4).flows("priority=0,actions=NORMAL,output:4", "priority=10,in_port=4,actions=NORMAL,output:3");
            b.pipeline.setPortTag(1, 10);
            b.pipeline.setPortTag(2, 10);
            b.pipeline.setPortTag(3, 20);
            // From an access port: flooded within VLAN 10 only, untagged to the access port, tagged 10 to the trunk;
            // the action after NORMAL (output:4) sees the frame untagged again.
            assertEquals(List.of("2", "4", "4"), b.send(A_TO_B));
            assertEquals(0, b.outKey(0).get(Field.VLAN_VID));
            assertEquals(Field.VID_PRESENT | 10, b.outKey(1).get(Field.VLAN_VID));
            assertEquals(0, b.outKey(2).get(Field.VLAN_VID), "the tag pushed for the trunk was popped again");
            // From the trunk, a broadcast tagged 10 with priority 5: untagged to the VLAN 10 ports; then output:3 (an
            // OpenFlow output, which ignores access tags) sees the tag restored.
            String fromTrunk = "in_port=4,ip,dl_src=00:00:00:00:00:0b,dl_dst=ff:ff:ff:ff:ff:ff,nw_src=10.0.0.2,nw_dst=10.0.0.255,dl_vlan=10,dl_vlan_pcp=5";
            assertEquals(List.of("1", "2", "3"), b.send(fromTrunk));
            assertEquals(0, b.outKey(0).get(Field.VLAN_VID));
            assertEquals(0, b.outKey(1).get(Field.VLAN_VID));
            assertEquals(Field.VID_PRESENT | 10, b.outKey(2).get(Field.VLAN_VID));
            assertEquals(5, b.outKey(2).get(Field.VLAN_PCP));
            // VLAN 20's access port hears nothing of VLAN 10; a tagged frame on an access port is dropped.
            assertEquals(List.of("4", "4"), b.send(A_TO_B.replace("in_port=1", "in_port=3").replace("0b", "0c")),
                    "VLAN 20: to the trunk only (tagged 20), then output:4");
            assertEquals(Field.VID_PRESENT | 20, b.outKey(0).get(Field.VLAN_VID));
            assertEquals(List.of("4"), b.send(A_TO_B + ",dl_vlan=10"), "NORMAL dropped it: only output:4 ran");
            // A trunk again: the port hears every VLAN, tags as they are.
            b.pipeline.setPortTag(3, 0);
            assertEquals(List.of("1", "2", "3", "3"), b.send(fromTrunk), "NORMAL floods to 1, 2 and now 3, then output:3");
            assertEquals(Field.VID_PRESENT | 10, b.outKey(2).get(Field.VLAN_VID), "a trunk gets the frame tagged");
        }

        @Test
        void entriesAgeOutButCachedTrafficKeepsThemFresh() {
            Bridge b = new Bridge(4).flows("priority=0,actions=NORMAL");
            b.send(B_TO_A);
            b.now += 200_000_000_000L;
            b.send(B_TO_A); // a cache hit refreshes B's entry
            b.now += 200_000_000_000L;
            b.pipeline.macs().expire(b.now);
            assertEquals(List.of("2"), b.send(A_TO_B));
            b.now += 400_000_000_000L;
            b.pipeline.macs().expire(b.now);
            assertEquals(List.of("2", "3", "4"), b.send(A_TO_B), "aged out: flood again");
        }
    }

    @Test
    void fragmentHandlingDropDropsFragmentsOnly() {
        Bridge b = new Bridge(3).flows("priority=0,actions=output:2");
        String first = TCP.replace("tcp,", "tcp,nw_frag=first,"), later = "in_port=1,ip,nw_proto=6,nw_frag=later,nw_src=10.0.0.1,nw_dst=10.0.0.2";
        assertEquals(List.of("2"), b.send(first), "fragment handling normal: fragments go through the tables");
        b.pipeline.setDropFragments(true);
        assertEquals(List.of(), b.send(first), "the cached decision was invalidated");
        assertEquals(List.of(), b.send(later));
        assertEquals(List.of("2"), b.send(TCP), "whole packets still go through");
        assertTrue(b.trace(later).contains("fragment handling is drop"), b.trace(later));
        b.pipeline.setDropFragments(false);
        assertEquals(List.of("2"), b.send(later));
    }

    @Test
    void traceExplainsEachTable() {
        Bridge b = new Bridge(3).flows("table=0,priority=10,ip,actions=goto_table:1", "table=1,priority=5,tcp,tp_dst=80,actions=output:2");
        String t = b.trace(TCP);
        assertTrue(t.contains("0. priority 10, ip\n"), t);
        assertTrue(t.contains("1. priority 5, tcp,tp_dst=80\n"), t);
        assertTrue(t.contains("Datapath actions: output:2"), t);
        assertTrue(t.contains("Megaflow: in_port=1,dl_type=0x0800,nw_proto=6,tp_dst=80\n"), t);
    }
}
