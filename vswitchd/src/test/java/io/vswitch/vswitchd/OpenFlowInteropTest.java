package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenFlow agent against a real peer: Open vSwitch's {@code ovs-ofctl} (package openvswitch-common, which
 * {@code .ci/run} installs) drives a bridge of a running daemon over a passive listener on loopback.
 */
class OpenFlowInteropTest extends DaemonTestBase {
    String target;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Netns.exit("ovs-ofctl", "--version") == 0, "ovs-ofctl is not installed (apt-get install openvswitch-common)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        target = "tcp:127.0.0.1:" + port;
        ok("add-br", "br0", "fail-mode=secure");
        ok("set-controller", "br0", "ptcp:" + port + ":127.0.0.1");
    }

    record Result(int exit, String output) {}

    /** Runs {@code ovs-ofctl -O OpenFlow13 COMMAND tcp:127.0.0.1:PORT ARGS...}. */
    Result ofctl(String command, String... args) {
        return ofctlAt("OpenFlow13", command, args);
    }

    Result ofctlAt(String protocol, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", protocol, "--timeout=10", command, target));
        cmd.addAll(List.of(args));
        Netns.Output o = Netns.output(cmd);
        return new Result(o.exit(), o.text());
    }

    String ofctlOk(String command, String... args) {
        Result r = ofctl(command, args);
        assertEquals(0, r.exit(), "ovs-ofctl " + command + " " + String.join(" ", args) + ":\n" + r.output());
        return r.output();
    }

    @Test
    void ovsOfctlShowAddDumpDelete() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");

        String show = ofctlOk("show");
        assertTrue(show.contains("OFPT_FEATURES_REPLY (OF1.3)"), show);
        assertTrue(show.contains("n_tables:254"), show);
        assertTrue(show.contains(" 1(" + p1 + "):"), show);
        assertTrue(show.contains(" 2(" + p2 + "):"), show);

        ofctlOk("add-flow", "table=0,priority=100,in_port=1,actions=output:2");
        ofctlOk("add-flow", "table=0,priority=100,in_port=2,actions=output:1");
        ofctlOk("add-flow", "table=0,priority=50,cookie=0x5,ip,nw_dst=10.0.0.0/8,actions=dec_ttl,goto_table:1");
        ofctlOk("add-flow", "table=1,priority=10,tcp,tp_dst=80,actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:2");
        String flows = ofctlOk("dump-flows");
        assertTrue(flows.matches("(?s).*priority=100,in_port=\"?" + p1 + "\"? actions=output:\"?" + p2 + "\"?.*")
                || flows.matches("(?s).*priority=100,in_port=1 actions=output:2.*"), flows);
        assertTrue(flows.contains("cookie=0x5"), flows);
        assertTrue(flows.contains("nw_dst=10.0.0.0/8"), flows);
        assertTrue(flows.contains("actions=dec_ttl,goto_table:1"), flows);
        assertTrue(flows.contains("table=1"), flows);
        assertTrue(flows.contains("tp_dst=80"), flows);
        assertTrue(flows.contains("push_vlan:0x8100,set_field:4196->vlan_vid"), flows);

        // Traffic through the flows ovs-ofctl installed, counted in dump-flows and dump-ports.
        assertTrue(net.ping("h1", "10.0.0.2", 3), "h1 -> h2 through flows from ovs-ofctl");
        String counted = ofctlOk("dump-flows", "table=0,in_port=1");
        assertTrue(counted.matches("(?s).*n_packets=[1-9].*"), counted);
        String ports = ofctlOk("dump-ports");
        assertTrue(ports.contains("OFPST_PORT reply (OF1.3)"), ports);
        assertTrue(ports.matches("(?s).*port +1: rx pkts=[1-9].*"), ports);

        // An invalid flow: ovs-ofctl prints the switch's error; the listener keeps serving.
        Result bad = ofctl("add-flow", "table=0,priority=10,actions=group:99");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.output().contains("OFPBAC_BAD_OUT_GROUP"), bad.output());
        Result prereq = ofctl("add-flow", "table=0,priority=10,in_port=1,actions=set_field:10.1.1.1->ip_dst");
        assertNotEquals(0, prereq.exit(), prereq.output());
        assertTrue(prereq.output().contains("OFPT_ERROR") || prereq.output().contains("prerequisite") || prereq.output().contains("ip_dst"), prereq.output());

        ofctlOk("del-flows", "in_port=2");
        assertFalse(net.ping("h1", "10.0.0.2", 1), "replies dropped once their flow is gone");
        flows = ofctlOk("dump-flows");
        assertFalse(flows.contains("priority=100,in_port=2") || flows.contains("in_port=\"" + p2 + "\""), flows);
        ofctlOk("del-flows");
        assertEquals(0, daemon.bridge("br0").pipeline().tables().totalEntries());
        assertFalse(ofctlOk("dump-flows").contains("actions="));
    }

    @Test
    void modPortAndFragmentHandling() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        ofctlOk("add-flow", "in_port=1,actions=output:2");
        ofctlOk("add-flow", "in_port=2,actions=output:1");
        assertTrue(net.ping("h1", "10.0.0.2", 2));
        ofctlOk("mod-port", "2", "no-forward");
        String desc = ofctlOk("dump-ports-desc");
        assertTrue(desc.matches("(?s).* 2\\(" + p2 + "\\):.*config: +NO_FWD.*"), desc);
        assertFalse(net.ping("h1", "10.0.0.2", 1), "port 2 forwards nothing");
        ofctlOk("mod-port", "2", "forward");
        assertTrue(net.ping("h1", "10.0.0.2", 2), "forwarding again");

        ofctlOk("set-frags", "drop");
        assertEquals("drop", ofctlOk("get-frags").strip());
        Result reasm = ofctl("set-frags", "reassemble");
        assertNotEquals(0, reasm.exit(), reasm.output());
        ofctlOk("set-frags", "normal");
        assertEquals("normal", ofctlOk("get-frags").strip());
    }

    @Test
    void groupsMetersTablesAndAggregates() {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");

        ofctlOk("add-group", "group_id=1,type=all,bucket=output:2");
        ofctlOk("add-group", "group_id=2,type=select,bucket=weight:10,output:1,bucket=weight:20,output:2");
        String groups = ofctlOk("dump-groups");
        assertTrue(groups.contains("group_id=1,type=all,bucket=") && groups.contains("output:2"), groups);
        assertTrue(groups.contains("group_id=2,type=select"), groups);
        Result dup = ofctl("add-group", "group_id=1,type=all,bucket=output:1");
        assertTrue(dup.output().contains("OFPGMFC_GROUP_EXISTS"), dup.output());

        ofctlOk("add-meter", "meter=1,kbps,band=type=drop,rate=1000");
        String meters = ofctlOk("dump-meters");
        assertTrue(meters.matches("(?s).*meter=1 kbps bands=\\s*type=drop rate=1000.*"), meters);
        Result badMeter = ofctl("add-flow", "table=0,priority=5,actions=meter:7,output:2");
        assertTrue(badMeter.output().contains("OFPMMFC_UNKNOWN_METER"), badMeter.output());

        ofctlOk("add-flow", "table=0,priority=10,in_port=1,actions=meter:1,group:1");
        ofctlOk("add-flow", "table=0,priority=10,in_port=2,actions=output:1");
        assertTrue(net.ping("h1", "10.0.0.2", 2), "through the meter and the group");
        String gstats = ofctlOk("dump-group-stats");
        assertTrue(gstats.matches("(?s).*group_id=1,duration=[0-9.]+s,ref_count=1,packet_count=[1-9].*"), gstats);
        String mstats = ofctlOk("meter-stats");
        assertTrue(mstats.matches("(?s).*meter:1 flow_count:1 packet_in_count:[1-9].*"), mstats);

        String agg = ofctlOk("dump-aggregate");
        assertTrue(agg.matches("(?s).*packet_count=[1-9][0-9]* byte_count=[1-9][0-9]* flow_count=2.*"), agg);
        String tables = ofctlOk("dump-tables");
        assertTrue(tables.matches("(?s).*table 0:\\s+active=2, lookup=[1-9][0-9]*, matched=[1-9].*tables 2...253: ditto.*"), tables);
        String desc = ofctlOk("dump-ports-desc");
        assertTrue(desc.contains(" 1(" + p1 + "):") && desc.contains(" 2(" + p2 + "):"), desc);
        String switchDesc = ofctlOk("dump-desc");
        assertTrue(switchDesc.contains("DP Description: br0"), switchDesc);

        ofctlOk("del-flows");
        ofctlOk("del-groups");
        ofctlOk("del-meters");
        assertFalse(ofctlOk("dump-groups").contains("group_id"));
        assertFalse(ofctlOk("dump-meters").contains("meter=1"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"OpenFlow14", "OpenFlow15"})
    void laterVersions(String protocol) throws Exception {
        String show = ofctlAt(protocol, "show").output();
        String v = protocol.equals("OpenFlow14") ? "OF1.4" : "OF1.5";
        assertTrue(show.contains("OFPT_FEATURES_REPLY (" + v + ")"), show);
        Result add = ofctlAt(protocol, "add-flow", "table=0,priority=7,ip,nw_src=10.1.0.0/16,actions=dec_ttl,output:1");
        assertEquals(0, add.exit(), add.output());
        Result mod = ofctlAt(protocol, "mod-flows", "table=0,ip,nw_src=10.1.0.0/16,actions=drop");
        assertEquals(0, mod.exit(), mod.output());
        String flows = ofctlAt(protocol, "dump-flows").output();
        assertTrue(flows.contains("priority=7,ip,nw_src=10.1.0.0/16 actions=drop"), flows);
        assertTrue(flows.matches("(?s).*duration=[0-9.]+s.*n_packets=0, n_bytes=0.*"), "counters in " + v + "'s encoding: " + flows);
        String aggregate = ofctlAt(protocol, "dump-aggregate").output();
        assertTrue(aggregate.contains("flow_count=1"), aggregate);
        assertEquals(0, ofctlAt(protocol, "del-flows").exit());
        assertEquals(0, daemon.bridge("br0").pipeline().tables().totalEntries());
    }

    @Test
    void openFlow10() throws Exception {
        String show = ofctlAt("OpenFlow10", "show").output();
        assertTrue(show.contains("OFPT_FEATURES_REPLY (xid="), show);
        Result add = ofctlAt("OpenFlow10", "add-flow", "priority=20,ip,in_port=1,nw_dst=10.2.0.0/16,actions=mod_dl_src:02:00:00:00:00:99,mod_nw_tos:16,output:2");
        assertEquals(0, add.exit(), add.output());
        String flows = ofctlAt("OpenFlow10", "dump-flows").output();
        assertTrue(flows.contains("priority=20,ip,in_port=1,nw_dst=10.2.0.0/16 actions=mod_dl_src:02:00:00:00:00:99,mod_nw_tos:16,output:2"), flows);
        // The same flow read at 1.3: set-field actions.
        flows = ofctl("dump-flows").output();
        assertTrue(flows.contains("actions=set_field:02:00:00:00:00:99->eth_src,set_field:4->ip_dscp,output:2")
                || flows.contains("actions=mod_dl_src:02:00:00:00:00:99,mod_nw_tos:16,output:2"), flows);
        // The actions whose meaning depends on the packet, resolved from the match as Open vSwitch does.
        Result tp = ofctlAt("OpenFlow10", "add-flow", "priority=30,udp,in_port=1,dl_vlan=5,actions=mod_tp_dst:5353,mod_vlan_vid:7,mod_vlan_pcp:3,output:2");
        assertEquals(0, tp.exit(), tp.output());
        flows = ofctlAt("OpenFlow10", "dump-flows").output();
        assertTrue(flows.contains("actions=mod_tp_dst:5353,mod_vlan_vid:7,mod_vlan_pcp:3,output:2"), flows);
        Result untagged = ofctlAt("OpenFlow10", "add-flow", "priority=40,in_port=1,dl_vlan=0xffff,actions=mod_vlan_vid:9,output:2");
        assertEquals(0, untagged.exit(), untagged.output());
        var pushed = daemon.bridge("br0").pipeline().tables().entries(0).stream().filter(e -> e.priority == 40).findFirst().orElseThrow();
        assertTrue(pushed.instructions().toString().contains("PushVlan"), "an untagged match gets the tag pushed: " + pushed.instructions());
        Result noProto = ofctlAt("OpenFlow10", "add-flow", "in_port=1,actions=mod_tp_src:80,output:2");
        assertNotEquals(0, noProto.exit(), noProto.output());
        assertTrue(noProto.output().contains("OFPBAC_BAD_ARGUMENT") || noProto.output().contains("BAD_ARGUMENT"), noProto.output());
        assertEquals(0, ofctlAt("OpenFlow10", "del-flows").exit());
        assertEquals(0, daemon.bridge("br0").pipeline().tables().totalEntries());
    }

    @Test
    void packetOutLeavesThroughARealPort() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        var port2 = daemon.bridge("br0").port(2);
        long before = port2.txPackets();
        // A broadcast ARP request from the controller, out of port 2, then one through the tables (none: dropped).
        String arp = "ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002";
        ofctlOk("packet-out", "in_port=controller packet=" + arp + " actions=output:2");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (port2.txPackets() == before && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(before + 1, port2.txPackets(), "the frame left through port 2");
        Result bad = ofctl("packet-out", "in_port=controller packet=" + arp + " actions=group:5");
        assertTrue(bad.output().contains("OFPBAC_BAD_OUT_GROUP"), bad.output());
    }

    @Test
    void manyFlowsSpanSeveralReplies() throws Exception {
        // 3000 flows with two actions each: about 300 KB of flow stats, so several OFPMP_FLOW replies (REPLY_MORE).
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append("table=0,priority=").append(100 + i % 7).append(",ip,nw_src=10.").append(i / 250).append('.')
                    .append(i % 250).append(".0/24,tp_dst=0,udp,actions=dec_ttl,output:").append(1 + i % 3).append('\n');
        }
        Path flows = dir.resolve("flows.txt");
        java.nio.file.Files.writeString(flows, sb.toString());
        ofctlOk("add-flows", flows.toString());
        assertEquals(3000, daemon.bridge("br0").pipeline().tables().totalEntries());
        String dump = ofctlOk("dump-flows");
        assertEquals(3000, dump.lines().filter(l -> l.contains("actions=dec_ttl,output:")).count());
        assertTrue(ofctlOk("dump-aggregate").contains("flow_count=3000"));
        ofctlOk("del-flows", "ip,nw_src=10.0.0.0/16");
        assertEquals(3000 - 250, daemon.bridge("br0").pipeline().tables().totalEntries());
    }

    @Test
    void delControllerClosesTheListener() {
        ofctlOk("show");
        ok("del-controller", "br0");
        assertNotEquals(0, ofctl("show").exit(), "nothing listens any more");
    }
}
