package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.group.GroupMod.Command;
import io.vswitch.datapath.group.GroupTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The ovs-ofctl group syntax: every type and bucket parameter, errors with their columns, round trips. */
class GroupParserTest {
    private static GroupMod add(String text) {
        return GroupParser.parseGroup(text, Command.ADD);
    }

    private static Bucket bucket(int weight, int watchPort, int watchGroup, Action... actions) {
        return new Bucket(weight, watchPort, watchGroup, List.of(actions));
    }

    private static void assertBuckets(List<Bucket> expected, List<Bucket> actual, String text) {
        assertEquals(expected.size(), actual.size(), text);
        for (int i = 0; i < expected.size(); i++) {
            Bucket e = expected.get(i), a = actual.get(i);
            assertTrue(e.sameAs(a), () -> text + ": bucket " + GroupFormatter.bucket(a, null) + " != "
                    + GroupFormatter.bucket(e, null));
        }
    }

    private static void assertSameConfig(GroupMod expected, GroupMod actual, String text) {
        assertEquals(expected.command(), actual.command(), text);
        assertEquals(expected.groupId(), actual.groupId(), text);
        assertEquals(expected.type(), actual.type(), text);
        assertBuckets(expected.buckets(), actual.buckets(), text);
    }

    // ---- the brief's example and each type ----

    @Test
    void selectWithWeightsAndWatch() {
        String text = "group_id=1,type=select,bucket=weight:10,watch_port:2,actions=output:1,bucket=weight:20,actions=output:2";
        GroupMod m = add(text);
        assertEquals(Command.ADD, m.command());
        assertEquals(1, m.groupId());
        assertEquals(Group.Type.SELECT, m.type());
        assertBuckets(List.of(bucket(10, 2, Bucket.WATCH_ANY, new Action.Output(1)),
                bucket(20, Bucket.WATCH_ANY, Bucket.WATCH_ANY, new Action.Output(2))), m.buckets(), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "all; ALL", "select; SELECT", "indirect; INDIRECT", "ff; FAST_FAILOVER", "fast_failover; FAST_FAILOVER",
            "SELECT; SELECT", "FF; FAST_FAILOVER"})
    void everyTypeName(String name, Group.Type type) {
        assertEquals(type, add("group_id=7,type=" + name + ",bucket=output:1").type());
    }

    @Test
    void allGroupCopiesToEveryBucket() {
        GroupMod m = add("group_id=2,type=all,bucket=output:1,bucket=output:2,bucket=output:3");
        assertEquals(3, m.buckets().size());
        for (Bucket b : m.buckets()) assertEquals(0, b.weight, "weight is 0 outside select groups");
        assertEquals(List.of(new Action.Output(3)), m.buckets().get(2).actions);
    }

    @Test
    void fastFailoverWatches() {
        String text = "group_id=3,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:LOCAL,output:2,"
                + "bucket=watch_group:9,watch_port:ANY,output:3,bucket=watch_port=CONTROLLER,watch_group=0,output:4";
        IllegalArgumentException local = assertThrows(FlowSyntaxException.class, () -> add(text));
        assertTrue(local.getMessage().contains("cannot be watched"), local.getMessage());
        GroupMod m = add(text.replace("watch_port:LOCAL", "watch_port:0xffffff00"));
        assertBuckets(List.of(
                bucket(0, 1, Bucket.WATCH_ANY, new Action.Output(1)),
                bucket(0, OfPort.MAX, Bucket.WATCH_ANY, new Action.Output(2)),
                bucket(0, Bucket.WATCH_ANY, 9, new Action.Output(3)),
                bucket(0, OfPort.CONTROLLER, 0, new Action.Output(4))), m.buckets(), text);
    }

    @Test
    void indirectWithOneBucket() {
        GroupMod m = add("group_id=4 type=indirect bucket=actions=set_field:10.0.0.1->ip_dst,output:5");
        assertBuckets(List.of(bucket(0, Bucket.WATCH_ANY, Bucket.WATCH_ANY,
                new Action.SetField(Field.IPV4_DST, 0x0a000001L, 0), new Action.Output(5))), m.buckets(), "indirect");
    }

    // ---- bucket contents ----

    @Test
    void selectWeightDefaultsToOne() {
        GroupMod m = add("group_id=1,type=select,bucket=output:1,bucket=weight=0,output:2");
        assertEquals(1, m.buckets().get(0).weight);
        assertEquals(0, m.buckets().get(1).weight);
    }

    @Test
    void actionsKeywordIsOptionalAndParametersMayFollowActions() {
        GroupMod a = add("group_id=1,type=select,bucket=weight:5,actions=output:1,output:2");
        GroupMod b = add("group_id=1,type=select,bucket=output:1,output:2,weight:5");
        GroupMod c = add("group_id=1,type=select,bucket=actions=output:1,weight:5,actions=output:2");
        GroupMod d = add("group_id=1,type=select,bucket=weight:5,output:1,action=output:2");
        for (GroupMod m : List.of(b, c, d)) assertSameConfig(a, m, "same bucket");
        assertEquals(List.of(new Action.Output(1), new Action.Output(2)), a.buckets().getFirst().actions);
    }

    @Test
    void bucketActionsUseTheFlowActionSyntax() {
        GroupMod m = add("group_id=1,type=all,bucket=push_vlan:0x8100,mod_vlan_vid:10,output(port=2,max_len=64),"
                + "bucket=dec_ttl,set_queue:3,group:7,bucket=CONTROLLER:128,bucket=in_port,bucket=actions=drop,bucket=");
        List<Bucket> b = m.buckets();
        assertEquals(6, b.size());
        assertEquals(List.of(new Action.PushVlan(0x8100), new Action.SetField(Field.VLAN_VID, Field.VID_PRESENT | 10),
                new Action.Output(2, 64)), b.get(0).actions);
        assertEquals(List.of(new Action.DecNwTtl(), new Action.SetQueue(3), new Action.Group(7)), b.get(1).actions);
        assertEquals(List.of(new Action.Output(OfPort.CONTROLLER, 128)), b.get(2).actions);
        assertEquals(List.of(new Action.Output(OfPort.IN_PORT)), b.get(3).actions);
        assertEquals(List.of(), b.get(4).actions);
        assertEquals(List.of(), b.get(5).actions, "an empty bucket drops, as in OVS");
    }

    @Test
    void bucketIdIsReadAndIgnored() {
        GroupMod m = add("group_id=1,type=select,bucket=bucket_id:0,weight:3,output:1,bucket=bucket_id=last,output:2,"
                + "bucket=bucket_id:first,output:3,bucket=bucket_id:all,output:4");
        assertEquals(4, m.buckets().size());
        assertEquals(3, m.buckets().getFirst().weight);
    }

    @Test
    void groupWithoutBuckets() {
        GroupMod m = add("group_id=0xffffff00,type=all");
        assertEquals(GroupMod.MAX, m.groupId());
        assertEquals(List.of(), m.buckets());
        assertEquals(GroupMod.Command.MODIFY, GroupParser.parseGroup("group_id=3,type=select", Command.MODIFY).command());
    }

    // ---- delete ----

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"'';-4", "group_id=all;-4", "group_id=ALL;-4", "group_id=5;5", "group_id=0x10;16"})
    void deleteForms(String text, int id) {
        GroupMod m = GroupParser.parseGroup(text, Command.DELETE);
        assertEquals(Command.DELETE, m.command());
        assertEquals(id, m.groupId());
        assertEquals(GroupMod.ALL, -4);
        assertEquals(List.of(), m.buckets());
        assertNull(m.type());
    }

    // ---- errors ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ADD|type=all|9|missing group_id",
            "ADD|group_id=1|11|missing type=",
            "ADD|group_id=1,bucket=output:1|12|type=... must come before the first bucket",
            "ADD|group_id=x,type=all|10|'x' is not a valid group id (0-4294967040)",
            "ADD|group_id=0xffffff01,type=all|10|not a valid group id",
            "ADD|group_id=all,type=all|10|group_id=all is for del-groups only",
            "ADD|group_id=1,group_id=2,type=all|12|group_id given twice",
            "ADD|group_id=1,type=all,type=all|21|type given twice",
            "ADD|group_id=1,type=selekt|17|unknown group type 'selekt' (all, select, indirect, ff or fast_failover)",
            "ADD|group_id=1,type=all,bukket=output:1|21|unknown group field 'bukket'",
            "ADD|group_id=1,type=all,selection_method=hash|21|not supported by this switch",
            "ADD|group_id=1,type=all,bucket:output:1|21|expected bucket=...",
            "ADD|group_id=1,type=all,bucket=output:1,type=select|37|type must come before the first bucket",
            "ADD|group_id=1,type=all,bucket=output:1,group_id=2|37|group_id must come before the first bucket",
            "ADD|group_id=1,type=all,bucket=weight:2,output:1|28|weight applies to select groups only (this group is type=all)",
            "ADD|group_id=1,type=select,bucket=weight:65536,output:1|38|'65536' is not a valid bucket weight (0-65535)",
            "ADD|group_id=1,type=select,bucket=weight,output:1|31|missing value for weight",
            "ADD|group_id=1,type=select,bucket=weight(3),output:1|31|expected weight:VALUE",
            "ADD|group_id=1,type=select,bucket=weight:1,weight:2|40|weight given twice in one bucket",
            "ADD|group_id=1,type=ff,bucket=watch_port:foo,output:1|38|'foo' is not a valid watch_port",
            "ADD|group_id=1,type=ff,bucket=watch_port:0,output:1|38|'0' cannot be watched",
            "ADD|group_id=1,type=ff,bucket=watch_port:FLOOD,output:1|38|'FLOOD' cannot be watched",
            "ADD|group_id=1,type=ff,bucket=watch_group:0xfffffffc,output:1|39|not a valid watch_group",
            "ADD|group_id=1,type=all,bucket=bucket_id:x,output:1|38|'x' is not a valid bucket_id",
            "ADD|group_id=1,type=all,bucket=output:1,frobnicate:2|37|unknown action 'frobnicate'",
            "ADD|group_id=1,type=all,bucket=output:1,goto_table:2|37|goto_table is an instruction: not allowed in a group bucket",
            "ADD|group_id=1,type=all,bucket=drop,output:1|28|drop must be the only action",
            "ADD|group_id=1,type=all,bucket=output:1,bucket=output:99999999999|51|not a valid output port",
            "ADD|group_id=1,type=all,bucket=mod_tp_dst:80|28|mod_tp_dst needs a protocol",
            "ADD|group_id=1,type=all,bucket=actions(output:1)|28|expected actions=ACTION",
            "ADD|group_id=1,type=indirect,bucket=output:1,bucket=output:2|42|an indirect group has one bucket only",
            "DELETE|group_id=1,type=all|12|del-groups takes only group_id, not type",
            "DELETE|group_id=1,bucket=output:1|12|del-groups takes only group_id, not buckets",
            "DELETE|group_id=-1|10|'-1' is not a valid group id",
    })
    void errorsNameTheColumn(Command command, String text, int column, String message) {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> GroupParser.parseGroup(text, command));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(message), () -> e.getMessage() + " lacks: " + message);
        assertTrue(e.getMessage().startsWith("column " + column + ": "), e.getMessage());
    }

    @Test
    void tableRulesAreLeftToTheGroupTable() {
        GroupMod m = add("group_id=1,type=indirect");
        assertThrows(io.vswitch.datapath.OpenFlowException.class, () -> new GroupTable().validate(m));
        GroupMod ff = add("group_id=1,type=ff,bucket=output:1");
        assertThrows(io.vswitch.datapath.OpenFlowException.class, () -> new GroupTable().validate(ff));
        new GroupTable().validate(add("group_id=1,type=ff,bucket=watch_port:1,output:1"));
    }

    // ---- formatting and round trips ----

    @Test
    void formatsAsDumpGroups() {
        Group g = new Group(1, Group.Type.SELECT, List.of(
                bucket(10, Bucket.WATCH_ANY, Bucket.WATCH_ANY, new Action.Output(1)),
                bucket(20, 2, 5, new Action.Output(2), new Action.DecNwTtl())), 0);
        assertEquals("group_id=1,type=select,bucket=weight:10,actions=output:1,"
                + "bucket=weight:20,watch_port:2,watch_group:5,actions=output:2,dec_ttl", GroupFormatter.format(g));
        Group ff = new Group(9, Group.Type.FAST_FAILOVER, List.of(
                bucket(0, OfPort.CONTROLLER, Bucket.WATCH_ANY), bucket(0, 3, Bucket.WATCH_ANY, new Action.Output(3))), 0);
        assertEquals("group_id=9,type=ff,bucket=watch_port:CONTROLLER,actions=drop,bucket=watch_port:3,actions=output:3",
                GroupFormatter.format(ff));
        assertEquals("group_id=4294967040,type=all", GroupFormatter.format(new Group(GroupMod.MAX, Group.Type.ALL, List.of(), 0)));
    }

    @Test
    void formatsStats() {
        Group g = new Group(3, Group.Type.ALL, List.of(Bucket.of(List.of(new Action.Output(1))),
                Bucket.of(List.of(new Action.Output(2)))), 1_000_000_000L);
        g.credit(3, 180);
        g.buckets.get(0).credit(3, 180);
        g.buckets.get(1).credit(2, 120);
        assertEquals("group_id=3,duration=2.500s,packet_count=3,byte_count=180,"
                + "bucket0:packet_count=3,byte_count=180,bucket1:packet_count=2,byte_count=120",
                GroupFormatter.formatStats(g, 3_500_000_000L));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2",
            "group_id=2,type=all,bucket=actions=output:1,bucket=actions=drop",
            "group_id=3,type=indirect,bucket=actions=push_mpls:0x8847,set_field:5->mpls_label,output(port=4,max_len=100)",
            "group_id=4,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_group:2,actions=group:2",
            "group_id=5,type=ff,bucket=watch_port:CONTROLLER,watch_group:7,actions=CONTROLLER:65535",
            "group_id=6,type=select,bucket=weight:0,actions=set_field:00:00:00:00:00:01->eth_dst,IN_PORT",
            "group_id=7,type=all",
    })
    void formattedGroupsReadBack(String text) {
        GroupMod m = add(text);
        String printed = GroupFormatter.formatGroupMod(m);
        assertEquals(text, printed, "already in canonical form");
        assertSameConfig(m, add(printed), printed);
        Group g = new Group(m.groupId(), m.type(), m.buckets(), 0);
        assertEquals(printed, GroupFormatter.format(g));
    }

    /** Fails when a group type is added without a name that reads back. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Group.Type.class)
    void everyTypeReadsBack(Group.Type type) {
        Bucket b = new Bucket(type == Group.Type.SELECT ? 1 : 0, 1, Bucket.WATCH_ANY, List.of(new Action.Output(1)));
        GroupMod m = new GroupMod(Command.ADD, 5, type, List.of(b));
        assertSameConfig(m, add(GroupFormatter.formatGroupMod(m)), type.name());
    }

    @Test
    void deleteModsReadBack() {
        for (int id : new int[] {GroupMod.ALL, 0, 17, GroupMod.MAX}) {
            GroupMod m = new GroupMod(Command.DELETE, id, null, List.of());
            assertSameConfig(m, GroupParser.parseGroup(GroupFormatter.formatGroupMod(m), Command.DELETE), "delete " + id);
        }
    }

    /** Seeded random groups: parse(format(g)) has g's configuration, and printing is stable. */
    @Test
    void randomGroupsRoundTrip() {
        Random random = new Random(0x6209L);
        Action[] pool = {new Action.Output(1), new Action.Output(OfPort.LOCAL), new Action.Output(OfPort.CONTROLLER, 64),
                new Action.Output(7, 200), new Action.PopVlan(), new Action.DecNwTtl(), new Action.SetQueue(2),
                new Action.Group(12), new Action.SetField(Field.ETH_SRC, 0x0000_0a0b_0c0d_0e0fL, 0),
                new Action.SetField(Field.VLAN_PCP, 3, 0), new Action.PushVlan(0x88a8), new Action.SetMplsTtl(9),
                new Action.SetField(Field.TCP_DST, 80, 0), new Action.SetField(Field.ICMPV4_TYPE, 8, 0),
                new Action.SetField(Field.ICMPV6_TYPE, 135, 0), new Action.SetField(Field.IPV6_SRC, 0x20010db8L << 32, 1),
                new Action.SetField(Field.IPV4_SRC, 0xc0a80001L, 0), new Action.PopMpls(0x0800)};
        int[] ports = {Bucket.WATCH_ANY, 1, 2, 4096, OfPort.MAX, OfPort.CONTROLLER};
        for (int n = 0; n < 500; n++) {
            Group.Type type = Group.Type.values()[random.nextInt(4)];
            List<Bucket> buckets = new ArrayList<>();
            int count = random.nextInt(type == Group.Type.INDIRECT ? 2 : 5);
            for (int i = 0; i < count; i++) {
                List<Action> actions = new ArrayList<>();
                for (int k = random.nextInt(4); k > 0; k--) actions.add(pool[random.nextInt(pool.length)]);
                int weight = type == Group.Type.SELECT ? random.nextInt(3) == 0 ? 1 : random.nextInt(65536) : 0;
                int watchGroup = random.nextBoolean() ? Bucket.WATCH_ANY : random.nextInt(1000);
                buckets.add(new Bucket(weight, ports[random.nextInt(ports.length)], watchGroup, actions));
            }
            int id = random.nextInt(10) == 0 ? GroupMod.MAX : random.nextInt(1 << 20);
            GroupMod m = new GroupMod(random.nextBoolean() ? Command.ADD : Command.MODIFY, id, type, buckets);
            String text = GroupFormatter.formatGroupMod(m);
            GroupMod back = GroupParser.parseGroup(text, m.command());
            assertSameConfig(m, back, text);
            assertEquals(text, GroupFormatter.formatGroupMod(back), "printing is stable");
        }
    }

    // ---- files ----

    @Test
    void groupFileSkipsCommentsAndReportsFileLineColumn(@TempDir Path dir) throws IOException {
        String text = """
                # load balancer
                group_id=1,type=select,bucket=output:1,bucket=output:2

                  group_id=2,type=indirect,bucket=output:3
                """;
        List<GroupMod> mods = GroupFile.parse("lb.groups", text);
        assertEquals(List.of(1, 2), mods.stream().map(GroupMod::groupId).toList());
        Path file = dir.resolve("lb.groups");
        Files.writeString(file, text);
        assertEquals(2, GroupFile.load(file).size());

        List<GroupMod> deletes = GroupFile.parse("del.groups", "group_id=1\ngroup_id=all\n", Command.DELETE);
        assertEquals(List.of(1, GroupMod.ALL), deletes.stream().map(GroupMod::groupId).toList());
        assertEquals(Command.MODIFY, GroupFile.load(file, Command.MODIFY).getFirst().command());

        FlowFile.FlowFileException e = assertThrows(FlowFile.FlowFileException.class,
                () -> GroupFile.parse("lb.groups", "group_id=1,type=all\n  group_id=2,type=selct\n"));
        assertEquals("lb.groups:2:19: unknown group type 'selct' (all, select, indirect, ff or fast_failover)", e.getMessage());
    }
}
