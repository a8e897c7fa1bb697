package io.vswitch.openflow;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.table.FlowMod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.*;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.*;

/** OpenFlow 1.0's packet-dependent actions, resolved from the flow's match (as Open vSwitch does). */
class OfConvert10Test {
    static final OFFactory of10 = OFFactories.getFactory(OFVersion.OF_10);

    static List<Action> convert(Match m, OFAction... actions) {
        FlowMod mod = OfConvert.flowMod(of10.buildFlowAdd().setMatch(m).setActions(List.of(actions)).build());
        return ((Instruction.ApplyActions) mod.instructions().get(0)).actions();
    }

    @Test
    void setTpFollowsTheMatchedProtocol() {
        Match udp = of10.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.UDP).build();
        assertEquals(List.of(new Action.SetField(Field.UDP_DST, 5353)), convert(udp, of10.actions().setTpDst(TransportPort.of(5353))));
        Match tcp = of10.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP).build();
        assertEquals(List.of(new Action.SetField(Field.TCP_SRC, 80)), convert(tcp, of10.actions().setTpSrc(TransportPort.of(80))));
        OpenFlowException e = assertThrows(OpenFlowException.class,
                () -> convert(of10.buildMatch().build(), of10.actions().setTpSrc(TransportPort.of(80))));
        assertTrue(e.getMessage().contains("needs a match on nw_proto"), e.getMessage());
    }

    @Test
    void setVlanPushesWhenTheMatchSaysUntaggedAndNeedsTheMatchToSay() {
        Match untagged = of10.buildMatch().setExact(MatchField.VLAN_VID, OFVlanVidMatch.UNTAGGED).build();
        assertEquals(List.of(new Action.PushVlan(0x8100), new Action.SetField(Field.VLAN_VID, Field.VID_PRESENT | 9)),
                convert(untagged, of10.actions().setVlanVid(VlanVid.ofVlan(9))));
        Match tagged = of10.buildMatch().setExact(MatchField.VLAN_VID, OFVlanVidMatch.ofVlan(5)).build();
        assertEquals(List.of(new Action.SetField(Field.VLAN_VID, Field.VID_PRESENT | 9)),
                convert(tagged, of10.actions().setVlanVid(VlanVid.ofVlan(9))));
        assertEquals(List.of(new Action.SetField(Field.VLAN_PCP, 3)), convert(tagged, of10.actions().setVlanPcp(VlanPcp.of((byte) 3))));
        OpenFlowException e = assertThrows(OpenFlowException.class,
                () -> convert(of10.buildMatch().build(), of10.actions().setVlanVid(VlanVid.ofVlan(9))));
        assertTrue(e.getMessage().contains("needs a match on dl_vlan"), e.getMessage());
    }
}
