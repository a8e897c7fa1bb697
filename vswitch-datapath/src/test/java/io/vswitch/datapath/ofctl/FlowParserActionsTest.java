package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.table.FlowMod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Actions and instructions after "actions=". */
class FlowParserActionsTest {
    private static List<Action> a(String text) {
        return FlowParser.parseActions(text);
    }

    private static Action one(String text) {
        List<Action> list = a(text);
        assertEquals(1, list.size(), () -> text + " gave " + list);
        return list.getFirst();
    }

    /** Instructions of a flow with this match (for protocol-dependent actions). */
    private static List<Instruction> flow(String match, String actions) {
        return FlowParser.parseFlow(match + (match.isEmpty() ? "" : ",") + "actions=" + actions, FlowMod.Command.ADD).instructions();
    }

    @Test
    void outputForms() {
        assertEquals(new Action.Output(2), one("output:2"));
        assertEquals(new Action.Output(2), one("2"));
        assertEquals(new Action.Output(2), one("output=2"));
        assertEquals(new Action.Output(2, 128), one("output(port=2,max_len=128)"));
        assertEquals(new Action.Output(OfPort.LOCAL), one("output:LOCAL"));
        assertEquals(new Action.Output(OfPort.IN_PORT), one("in_port"));
        assertEquals(new Action.Output(OfPort.NORMAL), one("normal"));
        assertEquals(new Action.Output(OfPort.NORMAL), one("NORMAL"));
        assertEquals(new Action.Output(OfPort.FLOOD), one("flood"));
        assertEquals(new Action.Output(OfPort.ALL), one("all"));
        assertEquals(new Action.Output(OfPort.LOCAL), one("local"));
        assertEquals(List.of(new Action.Output(1), new Action.Output(2)), a("1,2"));
        assertEquals(List.of(new Action.Output(1), new Action.Output(2)), a("output:1 output:2"));
    }

    @Test
    void controllerForms() {
        assertEquals(new Action.Output(OfPort.CONTROLLER, 0xffff), one("controller"));
        assertEquals(new Action.Output(OfPort.CONTROLLER, 128), one("controller:128"));
        assertEquals(new Action.Output(OfPort.CONTROLLER, 64), one("controller(max_len=64)"));
        assertEquals(new Action.Output(OfPort.CONTROLLER, 0xffff), one("CONTROLLER:65535"));
        assertEquals(new Action.Output(OfPort.CONTROLLER, 0xffff), one("output:controller"));
    }

    @Test
    void dropIsTheEmptyList() {
        assertEquals(List.of(), a("drop"));
        assertEquals(List.of(), flow("", "drop"));
    }

    @Test
    void vlanActions() {
        assertEquals(new Action.SetField(Field.VLAN_VID, 0x1000 | 10), one("mod_vlan_vid:10"));
        assertEquals(new Action.SetField(Field.VLAN_PCP, 5), one("mod_vlan_pcp:5"));
        assertEquals(new Action.PopVlan(), one("strip_vlan"));
        assertEquals(new Action.PopVlan(), one("pop_vlan"));
        assertEquals(new Action.PushVlan(0x8100), one("push_vlan:0x8100"));
        assertEquals(new Action.PushVlan(0x88a8), one("push_vlan:0x88a8"));
        assertEquals(new Action.SetField(Field.VLAN_VID, 0x1000 | 10), one("set_field:10->vlan_vid"));
        assertEquals(new Action.SetField(Field.VLAN_VID, 0x1000 | 10), one("set_field:0x100a->vlan_vid"));
    }

    @Test
    void mplsAndPbbActions() {
        assertEquals(new Action.PushMpls(0x8847), one("push_mpls:0x8847"));
        assertEquals(new Action.PopMpls(0x0800), one("pop_mpls:0x0800"));
        assertEquals(new Action.SetField(Field.MPLS_LABEL, 1000), one("set_mpls_label:1000"));
        assertEquals(new Action.SetField(Field.MPLS_TC, 3), one("set_mpls_tc:3"));
        assertEquals(new Action.SetMplsTtl(9), one("set_mpls_ttl:9"));
        assertEquals(new Action.DecMplsTtl(), one("dec_mpls_ttl"));
        assertEquals(new Action.PushPbb(0x88e7), one("push_pbb:0x88e7"));
        assertEquals(new Action.PopPbb(), one("pop_pbb"));
    }

    @Test
    void l2AndL3Rewrites() {
        assertEquals(new Action.SetField(Field.ETH_SRC, 0x001122334455L), one("mod_dl_src:00:11:22:33:44:55"));
        assertEquals(new Action.SetField(Field.ETH_DST, 0x001122334455L), one("mod_dl_dst:00:11:22:33:44:55"));
        assertEquals(new Action.SetField(Field.IPV4_SRC, 0x0a000001L), one("mod_nw_src:10.0.0.1"));
        assertEquals(new Action.SetField(Field.IPV4_DST, 0x0a000002L), one("mod_nw_dst:10.0.0.2"));
        assertEquals(new Action.SetField(Field.IP_DSCP, 46), one("mod_nw_tos:184"));
        assertEquals(new Action.SetField(Field.IP_ECN, 2), one("mod_nw_ecn:2"));
        assertEquals(new Action.SetNwTtl(7), one("mod_nw_ttl:7"));
        assertEquals(new Action.SetNwTtl(7), one("set_nw_ttl:7"));
        assertEquals(new Action.DecNwTtl(), one("dec_ttl"));
        assertEquals(new Action.CopyTtlIn(), one("copy_ttl_in"));
        assertEquals(new Action.CopyTtlOut(), one("copy_ttl_out"));
        assertEquals(new Action.SetQueue(3), one("set_queue:3"));
        assertEquals(new Action.Group(7), one("group:7"));
    }

    @Test
    void setFieldAnyFieldByAnyName() {
        assertEquals(new Action.SetField(Field.IPV4_DST, 0x0a000001L), one("set_field:10.0.0.1->ip_dst"));
        assertEquals(new Action.SetField(Field.IPV4_DST, 0x0a000001L), one("set_field:10.0.0.1->nw_dst"));
        assertEquals(new Action.SetField(Field.IPV4_DST, 0x0a000001L), one("set_field:10.0.0.1->ipv4_dst"));
        assertEquals(new Action.SetField(Field.ETH_DST, 1), one("set_field:00:00:00:00:00:01->eth_dst"));
        assertEquals(new Action.SetField(Field.IPV6_SRC, 0x20010db800000000L, 1), one("set_field:2001:db8::1->ipv6_src"));
        assertEquals(new Action.SetField(Field.METADATA, 0xabc), one("set_field:0xabc->metadata"));
        assertEquals(new Action.SetField(Field.TUNNEL_ID, 5), one("set_field:5->tun_id"));
        assertEquals(new Action.SetField(Field.TCP_DST, 80), one("set_field:80->tcp_dst"));
        assertEquals(new Action.SetField(Field.ICMPV4_TYPE, 8), one("set_field:8->icmp_type"));
        assertEquals(new Action.SetField(Field.ICMPV6_TYPE, 135), one("set_field:135->icmpv6_type"));
        assertEquals(new Action.SetField(Field.IN_PORT, OfPort.LOCAL & 0xffffffffL), one("set_field:LOCAL->in_port"));
        assertEquals(new Action.SetField(Field.MPLS_TTL, 3), one("set_field:3->mpls_ttl"));
    }

    @Test
    void protocolDependentRewritesUseTheMatch() {
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.SetField(Field.TCP_DST, 8080)))),
                flow("tcp", "mod_tp_dst:8080"));
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.SetField(Field.UDP_SRC, 53)))),
                flow("udp6", "mod_tp_src:53"));
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.SetField(Field.SCTP_DST, 9)))),
                flow("sctp", "set_field:9->tp_dst"));
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.SetField(Field.ICMPV6_TYPE, 129)))),
                flow("icmp6", "set_field:129->icmp_type"));
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> flow("ip", "mod_tp_dst:80"));
        assertTrue(e.getMessage().contains("mod_tp_dst needs a protocol in the match: add tcp, udp or sctp"), e.getMessage());
        assertEquals(12, e.column());
    }

    @Test
    void instructionsComeOutInExecutionOrder() {
        List<Instruction> got = flow("", "meter:2,output:1,clear_actions,write_actions(set_field:5->vlan_pcp,output:2),"
                + "write_metadata:0x10/0xff,goto_table:3");
        assertEquals(List.of(
                new Instruction.Meter(2),
                new Instruction.ApplyActions(List.of(new Action.Output(1))),
                new Instruction.ClearActions(),
                new Instruction.WriteActions(List.of(new Action.SetField(Field.VLAN_PCP, 5), new Action.Output(2))),
                new Instruction.WriteMetadata(0x10, 0xff),
                new Instruction.GotoTable(3)), got);
    }

    @Test
    void emptyApplyIsLeftOut() {
        assertEquals(List.of(new Instruction.GotoTable(1)), flow("", "goto_table:1"));
        assertEquals(List.of(new Instruction.WriteMetadata(7, -1L)), flow("", "write_metadata:7"));
        assertEquals(List.of(new Instruction.WriteActions(List.of())), flow("", "write_actions()"));
    }

    @Test
    void parseInstructionsAcceptsTheActionsPrefix() {
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.Output(1))), new Instruction.GotoTable(2)),
                FlowParser.parseInstructions("actions=output:1,goto_table:2"));
        assertEquals(List.of(new Action.Output(1)), FlowParser.parseActions("actions=1"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "outptu:1                       | 1 | unknown action 'outptu'",
            "output:1,goto_table:1,output:2 | 23 | cannot follow goto_table",
            "goto_table:1,goto_table:2      | 14 | goto_table given twice",
            "drop,output:1                  | 1 | drop must be the only action",
            "mod_vlan_pcp:9                 | 14 | '9' is not a valid VLAN priority (0-7)",
            "mod_vlan_vid:4096              | 14 | '4096' is not a valid VLAN id (0-4095)",
            "push_vlan:0x0800               | 11 | push_vlan Ethernet type must be 0x8100 or 0x88a8",
            "push_mpls:0x0800               | 11 | push_mpls Ethernet type must be 0x8847 or 0x8848",
            "output                         | 1 | missing value for output",
            "set_field:1->nosuch            | 14 | unknown field 'nosuch'",
            "set_field:10.0.0.1             | 11 | expected set_field:VALUE->FIELD",
            "set_field:10.0.0.0/8->ip_dst   | 19 | set_field takes no mask",
            "set_field:10.0.0.300->ip_dst   | 11 | '10.0.0.300' is not a valid ip_dst",
            "mod_nw_tos:1                   | 12 | its low 2 bits (ECN) must be 0",
            "pop_vlan:1                     | 1 | 'pop_vlan' takes no argument",
            "controller(reason=no_match)    | 12 | controller option 'reason' is not supported",
            "output(max_len=5)              | 1 | output(...) needs port=PORT",
            "write_actions(goto_table:1)    | 15 | goto_table is an instruction: not allowed in write_actions",
            "load:1->NXM_OF_IN_PORT[]       | 1 | action 'load' is not supported",
            "output:1)                      | 9 | unbalanced ')'",
            "write_actions(output:1         | 14 | never closed",
            "goto_table:255                 | 12 | '255' is not a valid table id (0-254)",
    })
    void actionErrors(String text, int column, String message) {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseInstructions(text));
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
        assertEquals(column, e.column(), e::getMessage);
    }

    @Test
    void errorColumnsCountFromTheStartOfTheFlow() {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class,
                () -> FlowParser.parseFlow("ip,actions=output:1,bogus", FlowMod.Command.ADD));
        assertEquals(21, e.column());
        e = assertThrows(FlowSyntaxException.class,
                () -> FlowParser.parseFlow("ip, actions=write_actions(output:1,bogus:2)", FlowMod.Command.ADD));
        assertEquals(36, e.column());
        assertTrue(e.getMessage().startsWith("column 36: unknown action 'bogus'"), e.getMessage());
    }
}
