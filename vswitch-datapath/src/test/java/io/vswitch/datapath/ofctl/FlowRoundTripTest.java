package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.table.FlowMod.Command;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** parse(format(x)) == x, for flows, matches, actions and packet keys; and every field has a text form. */
class FlowRoundTripTest {
    private static void roundTrip(FlowMod m) {
        String text = FlowFormatter.formatFlowMod(m);
        FlowMod back = FlowParser.parseFlow(text, m.command());
        assertTrue(back.match().sameAs(m.match()), () -> text + ": match " + back.match() + " != " + m.match());
        assertEquals(m, back, text);
        assertEquals(text, FlowFormatter.formatFlowMod(back), "printing is stable");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "actions=drop",
            "priority=0,actions=NORMAL",
            "table=3,priority=100,tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=output:2",
            "cookie=0xdeadbeef,idle_timeout=30,hard_timeout=60,importance=9,send_flow_rem,check_overlap,in_port=1,actions=LOCAL",
            "reset_counts,no_packet_counts,no_byte_counts,in_port=LOCAL,actions=IN_PORT,FLOOD,ALL,CONTROLLER:128",
            "dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=output(port=3,max_len=100)",
            "dl_vlan=10,dl_vlan_pcp=3,actions=pop_vlan,push_vlan:0x88a8,mod_vlan_vid:20,mod_vlan_pcp:1,output:1",
            "dl_vlan=0xffff,actions=push_vlan:0x8100,set_field:0x1005->vlan_vid,output:1",
            "vlan_tci=0x1000/0x1000,actions=drop",
            "vlan_vid=0x1000/0x1f00,actions=drop",
            "dl_vlan_pcp=7,actions=drop",
            "metadata=0x5/0xff,tun_id=0x10,actions=write_metadata:0x1/0xf,goto_table:4",
            "ip,nw_src=10.1.0.0/255.255.0.255,nw_dst=192.168.1.1,nw_tos=184,nw_ecn=1,nw_ttl=3,nw_frag=first,"
                    + "actions=dec_ttl,mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8,mod_nw_tos:32,mod_nw_ecn:2,mod_nw_ttl:9,output:1",
            "ip,nw_frag=not_later,ip_dscp=8/0x38,actions=drop",
            "ip,nw_proto=47,actions=set_queue:4,output:1",
            "udp6,ipv6_src=2001:db8::/32,ipv6_dst=::1,ipv6_label=0x5,tp_src=53,actions=mod_tp_src:5353,output:1",
            "tcp,tcp_flags=+syn-ack,tp_src=0x400/0xfc00,actions=mod_tp_dst:8080,set_field:1->tcp_src,output:1",
            "tcp6,tcp_flags=fin|rst,actions=drop",
            "sctp,tp_dst=9,actions=set_field:10->sctp_dst,output:1",
            "icmp,icmp_type=8,icmp_code=0,actions=set_field:0->icmp_type,output:1",
            "icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:00:00:00:00:01,actions=set_field:fe80::2->nd_target,output:1",
            "icmp6,icmp_type=136,nd_tll=00:00:00:00:00:02,actions=set_field:00:00:00:00:00:03->nd_tll,output:1",
            "arp,arp_op=2,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:02,"
                    + "actions=set_field:1->arp_op,set_field:10.0.0.9->arp_spa,set_field:00:00:00:00:00:09->arp_sha,output:1",
            "rarp,actions=drop",
            "mpls,mpls_label=100,mpls_tc=2,mpls_bos=1,mpls_ttl=5,"
                    + "actions=pop_mpls:0x0800,push_mpls:0x8848,set_mpls_label:7,set_mpls_tc:1,set_mpls_ttl:4,dec_mpls_ttl,output:1",
            "mplsm,actions=drop",
            "pbb,pbb_isid=0x123/0xfff,pbb_uca=1,actions=pop_pbb,push_pbb:0x88e7,output:1",
            "ipv6,ipv6_exthdr=0x40/0x1c0,actions=copy_ttl_in,copy_ttl_out,group:3",
            "dl_type=0x88cc,actions=CONTROLLER:65535",
            "cvlan_tci=0x2005/0xefff,actions=drop",
            "in_phy_port=4,actions=output:TABLE",
            "actions=meter:1,output:1,clear_actions,write_actions(set_field:2->ip_dscp,group:1,output:2),write_metadata:0x10,goto_table:1",
            "actions=write_actions()",
            "ip,actions=set_field:0xabcdef->metadata,set_field:5->tun_id,set_field:LOCAL->in_port,set_field:3->nw_ttl,output:1",
    })
    void addFlowsRoundTrip(String text) {
        roundTrip(FlowParser.parseFlow(text, Command.ADD));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "table=1,cookie=0x10/0xf0,out_port=2,out_group=5,tcp", "priority=7,ip,nw_dst=10.0.0.0/8"})
    void deletesRoundTrip(String text) {
        roundTrip(FlowParser.parseFlow(text, Command.DELETE));
        roundTrip(FlowParser.parseFlow(text, Command.DELETE_STRICT));
    }

    @Test
    void modifiesRoundTrip() {
        roundTrip(FlowParser.parseFlow("cookie=0x1/0x1,tcp,actions=output:3", Command.MODIFY));
        roundTrip(FlowParser.parseFlow("cookie=0x7,priority=9,tcp,actions=output:3", Command.MODIFY_STRICT));
    }

    @Test
    void builtFlowModsRoundTrip() {
        FlowMatch match = FlowMatch.builder().exact(Field.ETH_TYPE, 0x0800).exact(Field.IP_PROTO, 17)
                .masked(Field.UDP_DST, 0x100, 0xff00).exact(Field.VLAN_VID, 0x1007).build();
        roundTrip(FlowMod.add(match).table(7).priority(1).cookie(42).instructions(
                new Instruction.Meter(5),
                new Instruction.ApplyActions(List.of(new Action.Output(OfPort.CONTROLLER, 0), new Action.SetField(Field.UDP_SRC, 7))),
                new Instruction.GotoTable(8)).build());
        roundTrip(FlowMod.add(FlowMatch.ALL).instructions(new Instruction.ApplyActions(List.of())).build().toBuilder()
                .instructions(List.of()).build());
    }

    @Test
    void everyFieldHasATextNameThatParsesBack() {
        // Guards against drift: a Field added to the enum without a text name fails here.
        Set<Field> named = EnumSet.noneOf(Field.class);
        for (String name : MatchFields.names()) {
            MatchFields.Syntax s = MatchFields.byName(name);
            if (s.field() != null) named.add(s.field());
            else named.addAll(s.candidates());
        }
        assertEquals(EnumSet.allOf(Field.class), named);
        for (Field f : Field.values()) {
            assertNotNull(MatchFields.display(f), f + " has no printed name");
            assertSame(f, MatchFields.byName(f.oxmName()).field(), f.oxmName());
            String setName = ActionFormatter.setFieldName(f);
            assertNotNull(MatchFields.byName(setName), setName);
        }
    }

    @Test
    void everyFieldRoundTripsAsASetField() {
        for (Field f : Field.values()) {
            Action a = f.is128() ? new Action.SetField(f, 0x20010db800000000L, 7)
                    : new Action.SetField(f, f == Field.VLAN_VID ? 0x1001 : 1);
            String text = FlowFormatter.formatAction(a);
            assertEquals(List.of(a), FlowParser.parseActions(text), text);
        }
    }

    // ------------------------------------------------------------------------------------------ packet keys

    @ParameterizedTest
    @ValueSource(strings = {
            "in_port=1",
            "tcp,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,tp_src=1234,tp_dst=80,tcp_flags=syn",
            "udp,in_port=LOCAL,dl_vlan=5,dl_vlan_pcp=3,nw_src=10.0.0.1,nw_tos=184,nw_ecn=1,nw_ttl=1,nw_frag=first,tp_dst=53",
            "icmp,in_port=2,nw_src=10.0.0.1,nw_ttl=0,icmp_type=8,icmp_code=1",
            "icmp6,in_port=3,ipv6_src=fe80::1,ipv6_dst=ff02::1,ipv6_label=0x12345,nw_ttl=255,icmp_type=135,nd_target=fe80::2,nd_sll=00:00:00:00:00:09",
            "icmp6,in_port=3,nw_ttl=255,icmp_type=136,nd_target=fe80::2,nd_tll=00:00:00:00:00:09",
            "arp,in_port=4,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=00:00:00:00:00:01",
            "mpls,in_port=5,mpls_label=100,mpls_tc=1,mpls_bos=1,mpls_ttl=63",
            "pbb,in_port=6,pbb_isid=77,pbb_uca=1",
            "ip,in_port=7,metadata=0x5,tun_id=0x9,nw_proto=47,nw_ttl=64",
            "in_port=8,in_phy_port=9,cvlan_tci=0x1006,dl_type=0x88cc",
            "sctp6,in_port=1,nw_ttl=64,ipv6_exthdr=0x4,tp_src=1,tp_dst=2",
    })
    void keysRoundTrip(String text) {
        FlowKey k = FlowParser.parseKey(text);
        assertEquals(text, FlowFormatter.formatKey(k));
        assertEquals(k, FlowParser.parseKey(FlowFormatter.formatKey(k)));
    }

    @Test
    void keyDefaultsLookLikeARealPacket() {
        FlowKey k = FlowParser.parseKey("tcp,nw_dst=10.0.0.2,tp_dst=80");
        assertEquals(KeyParser.DEFAULT_TTL, k.get(Field.NW_TTL));
        assertEquals(0, k.inPort(), "in_port is optional and defaults to 0");
        assertEquals(0x0800, k.ethType());
        assertEquals(6, k.ipProto());
        assertEquals(80, k.get(Field.TCP_DST));
        assertEquals(0, FlowParser.parseKey("arp").get(Field.NW_TTL), "only IP packets get a TTL");
        assertEquals(Field.VID_PRESENT | 3, FlowParser.parseKey("vlan_vid=3").get(Field.VLAN_VID));
        FlowKey pcp = FlowParser.parseKey("dl_vlan_pcp=2");
        assertEquals(Field.VID_PRESENT, pcp.get(Field.VLAN_VID), "a priority means a tag");
        assertEquals(2, pcp.get(Field.VLAN_PCP));
        assertEquals(0, FlowParser.parseKey("dl_vlan=0xffff").get(Field.VLAN_TCI));
    }

    @Test
    void keysMatchTheirOwnExactMatch() {
        FlowKey k = FlowParser.parseKey("tcp,in_port=1,nw_src=10.0.0.1,tp_dst=80");
        assertTrue(FlowParser.parseMatch("tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80").matches(k));
        assertFalse(FlowParser.parseMatch("udp").matches(k));
    }

    @Test
    void keyErrors() {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseKey("udp,tcp_dst=80"));
        assertEquals(5, e.column());
        assertTrue(e.getMessage().contains("tcp_dst does not fit this packet: it needs eth_type 0x0800 or 0x86dd and ip_proto 6"),
                e.getMessage());
        e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseKey("ip,nw_src=10.0.0.0/8"));
        assertTrue(e.getMessage().contains("a packet has no masks"), e.getMessage());
        assertEquals(19, e.column());
        e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseKey("ip,tp_dst=1"));
        assertTrue(e.getMessage().contains("tp_dst needs a protocol"), e.getMessage());
        e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseKey("priority=1"));
        assertTrue(e.getMessage().contains("unknown field 'priority'"), e.getMessage());
        e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseKey("tcp,udp"));
        assertEquals(5, e.column());
    }

    @Test
    void formatKeyPrintsOnlyFieldsTheProtocolMakesMeaningful() {
        FlowKey k = FlowParser.parseKey("tcp,tp_dst=80");
        k.set(Field.ARP_OP, 1); // stray bits of another protocol's field in the same word
        k.set(Field.IPV6_ND_SLL, 5);
        assertEquals("tcp,in_port=0,nw_ttl=64,tp_dst=80", FlowFormatter.formatKey(k));
        assertEquals("in_port=0", new FlowKey().toString());
    }

    @Test
    void matchToStringIsTheTextSyntax() {
        assertEquals("tcp,nw_src=10.0.0.0/8,tp_dst=80", FlowParser.parseMatch("tp_dst=80,nw_src=10.0.0.0/8,tcp").toString());
        assertEquals("", FlowMatch.ALL.toString());
    }

    @Test
    void formatActionsAndInstructions() {
        assertEquals("drop", FlowFormatter.formatActions(List.of()));
        assertEquals("drop", FlowFormatter.formatInstructions(List.of()));
        assertEquals("drop", FlowFormatter.formatInstructions(List.of(new Instruction.ApplyActions(List.of()))));
        assertEquals("output:2", FlowFormatter.formatActions(List.of(new Action.Output(2))));
        assertEquals("set_field:10.0.0.1->ip_dst", FlowFormatter.formatAction(new Action.SetField(Field.IPV4_DST, 0x0a000001L)));
        assertEquals("goto_table:1", FlowFormatter.formatInstructions(List.of(new Instruction.GotoTable(1))));
        assertEquals("write_actions(output:1)", FlowFormatter.formatInstructions(
                List.of(new Instruction.WriteActions(List.of(new Action.Output(1))))));
        List<String> all = new ArrayList<>();
        for (int p : new int[] {OfPort.IN_PORT, OfPort.NORMAL, OfPort.FLOOD, OfPort.ALL, OfPort.LOCAL}) {
            all.add(FlowFormatter.formatAction(new Action.Output(p)));
        }
        assertEquals(List.of("IN_PORT", "NORMAL", "FLOOD", "ALL", "LOCAL"), all);
    }
}
