package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.table.FlowMod.Command;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whole flows: flow-entry settings, which command takes what, and errors with their columns. */
class FlowParserFlowModTest {
    @Test
    void aTypicalFlow() {
        FlowMod m = FlowParser.parseFlow("table=2, priority=100,cookie=0x1f,idle_timeout=10,hard_timeout=20,importance=3,"
                + "send_flow_rem,check_overlap,reset_counts,no_packet_counts,no_byte_counts,"
                + "tcp,nw_dst=10.0.0.0/8,tp_dst=80 actions=output:2", Command.ADD);
        assertEquals(Command.ADD, m.command());
        assertEquals(2, m.tableId());
        assertEquals(100, m.priority());
        assertEquals(0x1f, m.cookie());
        assertEquals(0, m.cookieMask());
        assertEquals(10, m.idleTimeout());
        assertEquals(20, m.hardTimeout());
        assertEquals(3, m.importance());
        assertEquals(FlowMod.FLAG_SEND_FLOW_REM | FlowMod.FLAG_CHECK_OVERLAP | FlowMod.FLAG_RESET_COUNTS
                | FlowMod.FLAG_NO_PKT_COUNTS | FlowMod.FLAG_NO_BYT_COUNTS, m.flags());
        assertTrue(m.match().sameAs(FlowParser.parseMatch("tcp,nw_dst=10.0.0.0/8,tcp_dst=80")));
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.Output(2)))), m.instructions());
    }

    @Test
    void defaults() {
        FlowMod add = FlowParser.parseFlow("actions=drop", Command.ADD);
        assertEquals(0, add.tableId());
        assertEquals(FlowMod.DEFAULT_PRIORITY, add.priority());
        assertTrue(add.match().isCatchAll());
        assertEquals(List.of(), add.instructions());
        assertEquals(OfPort.ANY, add.outPort());
        FlowMod del = FlowParser.parseFlow("", Command.DELETE);
        assertEquals(FlowMod.ALL_TABLES, del.tableId());
        assertTrue(del.match().isCatchAll());
    }

    @Test
    void deletesSelectByCookieOutPortAndOutGroup() {
        FlowMod m = FlowParser.parseFlow("table=all,cookie=0x10/0xf0,out_port=3,out_group=7,ip", Command.DELETE);
        assertEquals(FlowMod.ALL_TABLES, m.tableId());
        assertEquals(0x10, m.cookie());
        assertEquals(0xf0, m.cookieMask());
        assertEquals(3, m.outPort());
        assertEquals(7, m.outGroup());
        assertEquals(-1L, FlowParser.parseFlow("cookie=5/-1", Command.DELETE_STRICT).cookieMask());
        assertEquals(OfPort.LOCAL, FlowParser.parseFlow("out_port=LOCAL", Command.DELETE).outPort());
        FlowMod mod = FlowParser.parseFlow("cookie=0x1/0x1,actions=drop", Command.MODIFY);
        assertEquals(1, mod.cookieMask());
        assertEquals(0, FlowParser.parseFlow("table=1", Command.DELETE).tableId() - 1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ADD    | foo=1,actions=drop                 | 1  | unknown field 'foo'",
            "ADD    | ip,nw_src,actions=drop             | 4  | missing value for nw_src",
            "ADD    | ip,nw_src=,actions=drop            | 4  | missing value for nw_src",
            "ADD    | dl_vlan_pcp=300,actions=drop       | 13 | '300' is not a valid dl_vlan_pcp (0-7)",
            "ADD    | vlan_pcp=8,actions=drop            | 10 | '8' is not a valid vlan_pcp (0-7)",
            "ADD    | ip,nw_src=10.0.0.256,actions=drop  | 11 | '10.0.0.256' is not a valid nw_src",
            "ADD    | ip,nw_src=myhost,actions=drop      | 11 | host names are not resolved",
            "ADD    | ipv6,ipv6_src=localhost,actions=drop | 15 | host names are not resolved",
            "ADD    | ip,nw_src=10.0.0.0/33,actions=drop | 20 | '33' is not a valid nw_src prefix length (0-32)",
            "ADD    | dl_src=00:11:22:33:44,actions=drop | 8  | '00:11:22:33:44' is not a valid dl_src",
            "ADD    | tcp,tp_dst=65536,actions=drop      | 12 | '65536' is not a valid tp_dst (0-65535)",
            "ADD    | tcp,tp_dst=http,actions=drop       | 12 | 'http' is not a valid tp_dst",
            "ADD    | ip,nw_tos=3,actions=drop           | 11 | low 2 bits (ECN) must be 0",
            "ADD    | ip,nw_frag=maybe,actions=drop      | 12 | 'maybe' is not a valid nw_frag",
            "ADD    | tcp,tcp_flags=+syn+fun,actions=drop | 20 | unknown TCP flag 'fun'",
            "ADD    | dl_vlan=4096,actions=drop          | 9  | '4096' is not a valid dl_vlan (0-4095, or 0xffff for no VLAN)",
            "ADD    | ip,tp_dst=80,actions=drop          | 4  | tp_dst needs a protocol: add tcp, udp or sctp",
            "ADD    | tcp,udp,actions=drop               | 5  | 'udp' conflicts with 'tcp' at column 1",
            "ADD    | ip,nw_src=1.1.1.1,nw_src=1.1.1.2,actions=drop | 19 | nw_src given twice",
            "ADD    | ip,nw_src=1.1.1.1,ip_src=1.1.1.2,actions=drop | 19 | 'ip_src' conflicts with 'nw_src'",
            "ADD    | dl_vlan=5,vlan_tci=0x1005,actions=drop | 11 | vlan_tci: vlan_tci overlaps vlan_vid",
            "ADD    | tcp=1,actions=drop                 | 1  | 'tcp' is a protocol keyword and takes no value",
            "ADD    | priority=65536,actions=drop        | 10 | '65536' is not a valid priority (0-65535)",
            "ADD    | priority=1,priority=2,actions=drop | 12 | priority given twice",
            "ADD    | table=255,actions=drop             | 7  | only for deletes",
            "ADD    | cookie=1/1,actions=drop            | 9  | cannot use a cookie mask",
            "ADD    | out_port=1,actions=drop            | 1  | out_port is only for deletes",
            "ADD    | send_flow_rem=1,actions=drop       | 1  | 'send_flow_rem' is a flag and takes no value",
            "ADD    | ip                                 | 3  | missing actions=",
            "ADD    | ip,actions=                        | 12 | missing actions: write actions=drop",
            "DELETE | ip,actions=drop                    | 4  | a delete takes no actions",
            "DELETE | cookie=1                           | 1  | a delete cannot set a cookie",
            "DELETE | idle_timeout=5                     | 1  | idle_timeout is not allowed in a delete",
            "DELETE | send_flow_rem                      | 1  | send_flow_rem is not allowed in a delete",
            "ADD    | in_port=bogus,actions=drop         | 9  | 'bogus' is not a valid in_port",
            "ADD    | ip,nw_src=10.0.0.1/,actions=drop   | 20 | missing mask after '/' in nw_src",
    })
    void flowErrors(Command command, String text, int column, String message) {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseFlow(text, command));
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
        assertEquals(column, e.column(), e::getMessage);
        assertTrue(e.getMessage().startsWith("column " + column + ": "));
    }

    @Test
    void prerequisiteErrorsPropagateAsOpenFlowErrors() {
        OpenFlowException e = assertThrows(OpenFlowException.class,
                () -> FlowParser.parseFlow("priority=5,tcp_dst=80,actions=drop", Command.ADD));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
        assertEquals("tcp_dst needs eth_type 0x0800 or 0x86dd in the match", e.getMessage());
        e = assertThrows(OpenFlowException.class, () -> FlowParser.parseFlow("ip,tcp_src=1,actions=drop", Command.ADD));
        assertEquals("tcp_src needs ip_proto=6 in the match", e.getMessage());
    }

    @Test
    void aFailedParseLeavesNothingBehind() {
        // Every object is built after the whole text is read, so an error late in the text cannot leak a partial
        // match or flow, and the parser keeps no state between calls.
        for (String bad : new String[] {"tcp,tp_dst=80,actions=output:1,bogus", "tcp,tp_dst=80,nw_tos=1,actions=drop",
                "tcp,tp_dst=80,actions=goto_table:1,output:1"}) {
            assertThrows(FlowSyntaxException.class, () -> FlowParser.parseFlow(bad, Command.ADD));
        }
        FlowMod ok = FlowParser.parseFlow("udp,tp_dst=53,actions=output:1", Command.ADD);
        assertEquals("udp,tp_dst=53", FlowFormatter.formatMatch(ok.match()));
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.Output(1)))), ok.instructions());
    }

    @Test
    void parseMatchRefusesFlowSettings() {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> FlowParser.parseMatch("ip,priority=5"));
        assertEquals(4, e.column());
        assertTrue(e.getMessage().contains("'priority' is not a match field"), e.getMessage());
        assertThrows(FlowSyntaxException.class, () -> FlowParser.parseMatch("ip,actions=drop"));
    }

    @Test
    void actionsTakeTheRestOfTheLine() {
        FlowMod m = FlowParser.parseFlow("ip actions=output:1, output:2  write_actions(output:3)", Command.ADD);
        assertEquals(List.of(new Instruction.ApplyActions(List.of(new Action.Output(1), new Action.Output(2))),
                new Instruction.WriteActions(List.of(new Action.Output(3)))), m.instructions());
    }

    @Test
    void keywordsAreCaseSensitiveLikeOvsButActionsAreNot() {
        assertThrows(FlowSyntaxException.class, () -> FlowParser.parseMatch("TCP"));
        assertEquals(List.of(new Action.Output(OfPort.FLOOD)), FlowParser.parseActions("FLOOD"));
    }
}
