package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.*;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadMatchErrorMsg;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.*;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The channel state machine and request handling, without sockets (netty's EmbeddedChannel). */
class OfChannelHandlerTest {
    static final OpenFlowAgent agent = new OpenFlowAgent(1, 5);
    static final OFFactory of13 = OFFactories.getFactory(OFVersion.OF_13);

    Pipeline pipeline;
    TestBackend backend;
    OpenFlowAgent.Session session;
    EmbeddedChannel ch;

    static final class TestBackend implements SwitchBackend {
        final Pipeline pipeline;
        final List<Object[]> packetOuts = new ArrayList<>();

        TestBackend(Pipeline p) { this.pipeline = p; }

        public long datapathId() { return 0x1234; }
        public String name() { return "br-test"; }
        public Pipeline pipeline() { return pipeline; }
        public boolean failStandalone() { return false; }
        public List<PortInfo> ports() {
            return List.of(new PortInfo(1, "p1", new byte[]{2, 0, 0, 0, 0, 1}, true, 0, 5, 6, 500, 600, 0, 0, 0),
                    new PortInfo(2, "p2", new byte[]{2, 0, 0, 0, 0, 2}, false, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        public void packetOut(byte[] frame, int inPort, List<Action> actions) { packetOuts.add(new Object[]{frame, inPort, actions}); }
        public void syncStats() { }
    }

    @AfterAll
    static void shutdown() { agent.close(); }

    @BeforeEach
    void setUp() {
        pipeline = new Pipeline();
        pipeline.addPort(1, "p1", true);
        pipeline.addPort(2, "p2", true);
        backend = new TestBackend(pipeline);
        session = agent.attach(backend);
        ch = new EmbeddedChannel(new OfFrameDecoder(), OfEncoder.INSTANCE, new OfChannelHandler(session, "test", false));
    }

    void send(OFMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.writeTo(b);
        ch.writeInbound(b);
    }

    OFMessage next() {
        ByteBuf b = ch.readOutbound();
        assertNotNull(b, "expected a message from the switch");
        try {
            return OFFactories.getGenericReader().readFrom(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            b.release();
        }
    }

    /** The switch's HELLO, then ours offering {@code bitmap}. */
    OFMessage hello(OFFactory f, int bitmap) {
        OFHello h = (OFHello) next();
        assertEquals(OfChannelHandler.SUPPORTED, (int) ((OFHelloElemVersionbitmap) h.getElements().get(0)).getBitmaps().get(0).getValue());
        send(f.buildHello().setElements(List.of(f.buildHelloElemVersionbitmap().setBitmaps(List.of(U32.of(bitmap))).build())).build());
        return ch.readOutbound();
    }

    void handshake13() {
        assertNull(hello(of13, 1 << 4 | 1 << 1));
        send(of13.buildFeaturesRequest().setXid(7).build());
        OFFeaturesReply r = (OFFeaturesReply) next();
        assertEquals(OFVersion.OF_13, r.getVersion());
        assertEquals(7, r.getXid());
        assertEquals(DatapathId.of(0x1234), r.getDatapathId());
        assertEquals(254, r.getNTables());
    }

    @Test
    void negotiatesTheHighestCommonVersion() {
        OFFactory of14 = OFFactories.getFactory(OFVersion.OF_14);
        hello(of14, 1 << 4 | 1 << 5); // 1.3 and 1.4 offered
        send(of14.buildEchoRequest().setXid(3).setData(new byte[]{1, 2}).build());
        OFEchoReply e = (OFEchoReply) next();
        assertEquals(OFVersion.OF_14, e.getVersion());
        assertArrayEquals(new byte[]{1, 2}, e.getData());
    }

    @Test
    void helloWithoutBitmapFromOpenFlow10() {
        next(); // our hello
        OFFactory of10 = OFFactories.getFactory(OFVersion.OF_10);
        send(of10.buildHello().build());
        send(of10.buildFeaturesRequest().setXid(1).build());
        OFFeaturesReply r = (OFFeaturesReply) next();
        assertEquals(OFVersion.OF_10, r.getVersion());
        assertEquals(2, r.getPorts().size());
        assertTrue(pipeline.tableMissToController(), "OpenFlow 1.0: table misses go to the controller");
        ch.close();
        assertFalse(pipeline.tableMissToController(), "back to OpenFlow 1.3's drop once the 1.0 controller is gone");
    }

    @Test
    void noCommonVersionFailsTheHello() {
        next();
        // a 1.3 HELLO whose bitmap offers only 1.1 and 1.2
        send(of13.buildHello().setElements(List.of(of13.buildHelloElemVersionbitmap().setBitmaps(List.of(U32.of(1 << 3 | 1 << 2))).build())).build());
        assertInstanceOf(OFHelloFailedErrorMsg.class, next());
        assertFalse(ch.isOpen());
    }

    @Test
    void messagesBeforeHelloClose() {
        next();
        send(of13.buildEchoRequest().setXid(1).setData(new byte[0]).build());
        assertFalse(ch.isOpen());
    }

    @Test
    void flowModStatsAndBarrier() {
        handshake13();
        Match m = of13.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setMasked(MatchField.IPV4_DST, IPv4Address.of("10.0.0.0"), IPv4Address.of("255.0.0.0")).build();
        List<OFAction> actions = List.of(of13.actions().decNwTtl(), of13.actions().output(OFPort.of(2), 0xffff));
        send(of13.buildFlowAdd().setXid(10).setTableId(TableId.of(0)).setPriority(100).setCookie(U64.of(0xabc))
                .setMatch(m).setInstructions(List.of(of13.instructions().applyActions(actions))).build());
        send(of13.buildBarrierRequest().setXid(11).build());
        assertEquals(11, ((OFBarrierReply) next()).getXid());
        assertEquals(1, pipeline.tables().totalEntries());

        send(of13.buildFlowStatsRequest().setXid(12).setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(of13.buildMatch().build()).build());
        OFFlowStatsReply r = (OFFlowStatsReply) next();
        assertEquals(1, r.getEntries().size());
        OFFlowStatsEntry e = r.getEntries().get(0);
        assertEquals(100, e.getPriority());
        assertEquals(U64.of(0xabc), e.getCookie());
        assertEquals(m, e.getMatch());
        assertEquals(actions, ((OFInstructionApplyActions) e.getInstructions().get(0)).getActions());

        send(of13.buildAggregateStatsRequest().setXid(13).setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(of13.buildMatch().build()).build());
        assertEquals(1, ((OFAggregateStatsReply) next()).getFlowCount());

        send(of13.buildFlowDelete().setXid(14).setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(of13.buildMatch().build()).build());
        send(of13.buildBarrierRequest().setXid(15).build());
        assertEquals(15, next().getXid());
        assertEquals(0, pipeline.tables().totalEntries());
    }

    @Test
    void statsKeepTheOxmOrderAsSent() {
        handshake13();
        // ip_proto before eth_type, tcp_dst before ip_proto: the reverse of OXM field-number order.
        Match m = of13.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP)
                .setExact(MatchField.TCP_DST, TransportPort.of(80)).build();
        Match reordered = of13.matchV3(OFOxmList.of(of13.oxms().tcpDst(TransportPort.of(80)),
                of13.oxms().ipProto(IpProtocol.TCP), of13.oxms().ethType(EthType.IPv4)));
        send(of13.buildFlowAdd().setXid(70).setPriority(3).setMatch(reordered).build());
        send(of13.buildFlowStatsRequest().setXid(71).setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(of13.buildMatch().build()).build());
        OFFlowStatsEntry e = ((OFFlowStatsReply) next()).getEntries().get(0);
        ByteBuf sent = Unpooled.buffer(), got = Unpooled.buffer();
        reordered.writeTo(sent);
        e.getMatch().writeTo(got);
        assertEquals(sent, got, "the match's bytes come back as sent");
        assertEquals(m, e.getMatch());
    }

    /**
     * PBB_ISID, which openflowj does not know (see PbbIsidOxm): flow-mods of the OpenFlow 1.3 conformance suite
     * (os-ken's bytes) with an exact and a masked pbb_isid match and a set-field on it are accepted, and the flow
     * stats reply echoes their match and instructions byte for byte.
     */
    @Test
    void pbbIsidMatchAndSetFieldRoundTrip() {
        handshake13();
        String exact = "040e007000000001000000000000000000000000000000000000000000008000ffffffff000000000000000000000000"
                + "0001001180000a0288e780004a030000640000000000000000040028000000000019001080004a030000cb00000000000000001000000002ffe5000000000000";
        String masked = "040e006000000002000000000000000000000000000000000000000000018000ffffffff000000000000000000000000"
                + "0001001480000a0288e780004b060000600000f00000000000040018000000000000001000000002ffe5000000000000";
        ch.writeInbound(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(exact)));
        ch.writeInbound(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(masked)));
        send(of13.buildBarrierRequest().setXid(3).build());
        assertEquals(OFType.BARRIER_REPLY, next().getType(), "no error before the barrier reply");
        assertEquals(2, pipeline.tables().totalEntries());
        send(of13.buildFlowStatsRequest().setXid(4).setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(of13.buildMatch().build()).build());
        ByteBuf reply = ch.readOutbound();
        String got = io.netty.buffer.ByteBufUtil.hexDump(reply);
        reply.release();
        assertTrue(got.contains(exact.substring(96)), got);
        assertTrue(got.contains(masked.substring(96)), got);
        assertEquals(16 + (exact.length() / 2 - 48 + 48) + (masked.length() / 2 - 48 + 48), got.length() / 2, "entry and message lengths");
    }

    /** A group bucket's set-field on PBB_ISID (os-ken's bytes) is accepted and described back as sent. */
    @Test
    void pbbIsidSetFieldInAGroupBucket() {
        handshake13();
        String groupMod = "040f004000000009000000000000000500300000ffffffffffffffff00000000"
                + "0019001080004a030000cb00000000000000001000000002ffe5000000000000";
        ch.writeInbound(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(groupMod)));
        send(of13.buildBarrierRequest().setXid(3).build());
        assertEquals(OFType.BARRIER_REPLY, next().getType(), "no error before the barrier reply");
        assertNotNull(pipeline.groups().get(5));
        send(of13.buildGroupDescStatsRequest().setXid(4).build());
        ByteBuf reply = ch.readOutbound();
        String got = io.netty.buffer.ByteBufUtil.hexDump(reply);
        reply.release();
        assertTrue(got.endsWith(groupMod.substring(32)), got);
    }

    @Test
    void slaveCannotModifyAndStaleGenerationIsRefused() {
        handshake13();
        send(of13.buildRoleRequest().setXid(80).setRole(OFControllerRole.ROLE_SLAVE).setGenerationId(U64.of(5)).build());
        assertEquals(OFControllerRole.ROLE_SLAVE, ((OFRoleReply) next()).getRole());
        send(of13.buildFlowAdd().setXid(81).setMatch(of13.buildMatch().build()).build());
        OFErrorMsg err = (OFErrorMsg) next();
        assertEquals(OFErrorType.BAD_REQUEST, err.getErrType());
        assertEquals(0, pipeline.tables().totalEntries());
        send(of13.buildRoleRequest().setXid(82).setRole(OFControllerRole.ROLE_MASTER).setGenerationId(U64.of(4)).build());
        assertEquals(OFErrorType.ROLE_REQUEST_FAILED, ((OFErrorMsg) next()).getErrType());
        send(of13.buildRoleRequest().setXid(83).setRole(OFControllerRole.ROLE_MASTER).setGenerationId(U64.of(6)).build());
        OFRoleReply r = (OFRoleReply) next();
        assertEquals(OFControllerRole.ROLE_MASTER, r.getRole());
        assertEquals(U64.of(6), r.getGenerationId());
    }

    @Test
    void invalidFlowModGetsTheErrorAndTheConnectionStays() {
        handshake13();
        OFFlowAdd bad = of13.buildFlowAdd().setXid(20).setMatch(of13.buildMatch().build())
                .setInstructions(List.of(of13.instructions().applyActions(List.of(of13.actions().group(OFGroup.of(99)))))).build();
        send(bad);
        OFBadActionErrorMsg err = (OFBadActionErrorMsg) next();
        assertEquals(20, err.getXid());
        assertEquals(OFBadActionCode.BAD_OUT_GROUP, err.getCode());
        ByteBuf raw = Unpooled.buffer();
        bad.writeTo(raw);
        byte[] head = new byte[Math.min(64, raw.readableBytes())];
        raw.getBytes(0, head);
        assertArrayEquals(head, err.getData().getData());

        // a prerequisite missing (tcp_dst without ip_proto=6)
        send(of13.buildFlowAdd().setXid(21).setMatch(of13.buildMatch().setExact(MatchField.TCP_DST, TransportPort.of(80)).build()).build());
        OFBadMatchErrorMsg m = (OFBadMatchErrorMsg) next();
        assertEquals(OFBadMatchCode.BAD_PREREQ, m.getCode());

        send(of13.buildEchoRequest().setXid(22).setData(new byte[0]).build());
        assertEquals(22, next().getXid());
        assertTrue(ch.isOpen());
    }

    @Test
    void portsAndDesc() {
        handshake13();
        send(of13.buildPortDescStatsRequest().setXid(30).build());
        OFPortDescStatsReply pd = (OFPortDescStatsReply) next();
        assertEquals(2, pd.getEntries().size());
        assertEquals("p1", pd.getEntries().get(0).getName());
        assertTrue(pd.getEntries().get(1).getState().contains(OFPortState.LINK_DOWN));
        send(of13.buildPortStatsRequest().setXid(31).setPortNo(OFPort.ANY).build());
        OFPortStatsReply ps = (OFPortStatsReply) next();
        assertEquals(U64.of(500), ps.getEntries().get(0).getRxBytes());
        send(of13.buildDescStatsRequest().setXid(32).build());
        assertEquals("br-test", ((OFDescStatsReply) next()).getDpDesc());
        send(of13.buildGetConfigRequest().setXid(33).build());
        assertEquals(128, ((OFGetConfigReply) next()).getMissSendLen());
    }

    @Test
    void packetOutReachesTheBackend() {
        handshake13();
        byte[] frame = new byte[60];
        send(of13.buildPacketOut().setXid(40).setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER)
                .setActions(List.of(of13.actions().output(OFPort.of(2), 0))).setData(frame).build());
        assertEquals(1, backend.packetOuts.size());
        assertEquals(List.of(new Action.Output(2, 0)), backend.packetOuts.get(0)[2]);
    }

    @Test
    void packetInCarriesMatchAndTruncates() {
        handshake13();
        OfChannelHandler h = ch.pipeline().get(OfChannelHandler.class);
        byte[] frame = new byte[200];
        frame[0] = 7;
        h.sendPacketIn(new PacketIn(PacketIn.REASON_ACTION, 3, 0x55, 100, 1, 0, 0), frame);
        OFPacketIn pi = (OFPacketIn) next();
        assertEquals(OFPacketInReason.ACTION, pi.getReason());
        assertEquals(TableId.of(3), pi.getTableId());
        assertEquals(U64.of(0x55), pi.getCookie());
        assertEquals(OFPort.of(1), pi.getMatch().get(MatchField.IN_PORT));
        assertEquals(OFBufferId.NO_BUFFER, pi.getBufferId());
        assertEquals(200, pi.getTotalLen());
        assertEquals(100, pi.getData().length);
    }

    @Test
    void flowRemovedAndPortStatus() {
        handshake13();
        send(of13.buildFlowAdd().setXid(60).setPriority(9).setCookie(U64.of(0x77)).setHardTimeout(30)
                .setFlags(java.util.EnumSet.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(of13.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build()).build());
        send(of13.buildFlowDeleteStrict().setXid(61).setPriority(9).setTableId(TableId.of(0)).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(of13.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build()).build());
        OFFlowRemoved fr = (OFFlowRemoved) next();
        assertEquals(OFFlowRemovedReason.DELETE, fr.getReason());
        assertEquals(U64.of(0x77), fr.getCookie());
        assertEquals(9, fr.getPriority());
        assertEquals(30, fr.getHardTimeout());
        assertEquals(OFPort.of(2), fr.getMatch().get(MatchField.IN_PORT));

        session.portStatus(OpenFlowAgent.Session.PORT_DELETE, backend.ports().get(1));
        OFPortStatus ps = (OFPortStatus) next();
        assertEquals(OFPortReason.DELETE, ps.getReason());
        assertEquals("p2", ps.getDesc().getName());
    }

    @Test
    void unknownMessageTypeGetsBadRequest() {
        handshake13();
        // a message only switches send
        send(of13.buildPortStatus().setXid(50).setReason(OFPortReason.ADD).setDesc(of13.buildPortDesc()
                .setPortNo(OFPort.of(9)).setHwAddr(MacAddress.of(2L)).setName("x").build()).build());
        OFErrorMsg e = (OFErrorMsg) next();
        assertEquals(OFErrorType.BAD_REQUEST, e.getErrType());
        assertTrue(ch.isOpen());
    }

    @Test
    void brokenLengthClosesTheConnection() {
        handshake13();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{4, 2, 0, 3, 0, 0, 0, 1}));
        assertFalse(ch.isOpen());
    }

    @Test
    void inactivityProbe() {
        handshake13();
        OfChannelHandler h = ch.pipeline().get(OfChannelHandler.class);
        ch.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertInstanceOf(OFEchoRequest.class, next());
        ch.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertFalse(ch.isOpen());
    }

    @Test
    void asyncConfigFiltersPacketInsAndIsReadBack() {
        handshake13();
        OFAsyncGetReply defaults = (OFAsyncGetReply) exchange(of13.buildAsyncGetRequest().setXid(60).build());
        assertEquals(0b11, defaults.getPacketInMaskEqualMaster());
        assertEquals(0, defaults.getPacketInMaskSlave());
        assertEquals(0b111, defaults.getPortStatusMaskSlave());

        OfChannelHandler h = ch.pipeline().get(OfChannelHandler.class);
        h.sendPacketIn(new PacketIn(PacketIn.REASON_ACTION, 0, 0, 0xffff, 1, 0, 0), new byte[60]);
        assertInstanceOf(OFPacketIn.class, next(), "ACTION packet-ins are wanted by default");

        // Only table misses from now on, and no port-status at all.
        send(of13.buildAsyncSet().setXid(61).setPacketInMaskEqualMaster(0b01).setPacketInMaskSlave(0)
                .setPortStatusMaskEqualMaster(0).setPortStatusMaskSlave(0)
                .setFlowRemovedMaskEqualMaster(0b1111).setFlowRemovedMaskSlave(0).build());
        h.sendPacketIn(new PacketIn(PacketIn.REASON_ACTION, 0, 0, 0xffff, 1, 0, 0), new byte[60]);
        assertNull(ch.readOutbound(), "ACTION packet-ins filtered out");
        h.sendPacketIn(new PacketIn(PacketIn.REASON_NO_MATCH, 0, 0, 0xffff, 1, 0, 0), new byte[60]);
        assertEquals(OFPacketInReason.NO_MATCH, ((OFPacketIn) next()).getReason());
        h.sendPortStatus(OpenFlowAgent.Session.PORT_MODIFY, backend.ports().get(0));
        assertNull(ch.readOutbound(), "port-status filtered out");
        OFAsyncGetReply now = (OFAsyncGetReply) exchange(of13.buildAsyncGetRequest().setXid(62).build());
        assertEquals(0b01, now.getPacketInMaskEqualMaster());
        assertEquals(0, now.getPortStatusMaskEqualMaster());
    }

    OFMessage exchange(OFMessage request) {
        send(request);
        OFMessage reply = next();
        assertEquals(request.getXid(), reply.getXid());
        return reply;
    }

    @Test
    void portModChangesTheDatapathAndReportsIt() {
        handshake13();
        send(of13.buildPortMod().setXid(70).setPortNo(OFPort.of(1)).setHwAddr(MacAddress.of("02:00:00:00:00:01"))
                .setConfig(java.util.EnumSet.of(OFPortConfig.NO_FWD)).setMask(java.util.EnumSet.of(OFPortConfig.NO_FWD))
                .setAdvertise(0).build());
        assertEquals(io.vswitch.datapath.pipeline.Ports.CONFIG_NO_FWD, pipeline.ports().get(1).config());
        assertInstanceOf(OFPortStatus.class, next(), "a port-mod is followed by port-status MODIFY");

        OFErrorMsg wrongMac = (OFErrorMsg) exchange(of13.buildPortMod().setXid(71).setPortNo(OFPort.of(1))
                .setHwAddr(MacAddress.of("02:00:00:00:00:09")).setConfig(java.util.EnumSet.noneOf(OFPortConfig.class))
                .setMask(java.util.EnumSet.of(OFPortConfig.NO_FWD)).setAdvertise(0).build());
        assertEquals(OFErrorType.PORT_MOD_FAILED, wrongMac.getErrType());
        assertEquals(io.vswitch.datapath.pipeline.Ports.CONFIG_NO_FWD, pipeline.ports().get(1).config(), "unchanged");
        OFErrorMsg noPort = (OFErrorMsg) exchange(of13.buildPortMod().setXid(72).setPortNo(OFPort.of(9))
                .setHwAddr(MacAddress.of("02:00:00:00:00:01")).setConfig(java.util.EnumSet.noneOf(OFPortConfig.class))
                .setMask(java.util.EnumSet.noneOf(OFPortConfig.class)).setAdvertise(0).build());
        assertEquals(OFErrorType.PORT_MOD_FAILED, noPort.getErrType());
        assertTrue(ch.isOpen());
    }

    @Test
    void queuesAndTableMod() {
        handshake13();
        OFQueueStatsReply q = (OFQueueStatsReply) exchange(of13.buildQueueStatsRequest().setXid(80).setPortNo(OFPort.ANY)
                .setQueueId(0xffffffffL).build());
        assertTrue(q.getEntries().isEmpty());
        OFErrorMsg badQueue = (OFErrorMsg) exchange(of13.buildQueueStatsRequest().setXid(81).setPortNo(OFPort.of(1)).setQueueId(3).build());
        assertEquals(OFErrorType.QUEUE_OP_FAILED, badQueue.getErrType());
        OFErrorMsg badPort = (OFErrorMsg) exchange(of13.buildQueueGetConfigRequest().setXid(82).setPort(OFPort.of(9)).build());
        assertEquals(OFErrorType.QUEUE_OP_FAILED, badPort.getErrType());
        OFQueueGetConfigReply qc = (OFQueueGetConfigReply) exchange(of13.buildQueueGetConfigRequest().setXid(83).setPort(OFPort.of(1)).build());
        assertTrue(qc.getQueues().isEmpty());

        send(of13.buildTableMod().setXid(84).setTableId(TableId.of(3)).setConfig(3).build());
        OFErrorMsg badTable = (OFErrorMsg) exchange(of13.buildTableMod().setXid(85).setTableId(TableId.of(254)).setConfig(0).build());
        assertEquals(OFErrorType.TABLE_MOD_FAILED, badTable.getErrType());
    }

    @Test
    void setConfigFragmentHandling() {
        handshake13();
        send(of13.buildSetConfig().setXid(90).setFlags(java.util.EnumSet.of(OFConfigFlags.FRAG_DROP)).setMissSendLen(200).build());
        assertTrue(pipeline.dropFragments());
        OFGetConfigReply c = (OFGetConfigReply) exchange(of13.buildGetConfigRequest().setXid(91).build());
        assertTrue(c.getFlags().contains(OFConfigFlags.FRAG_DROP), c.toString());
        assertEquals(200, c.getMissSendLen());
        OFErrorMsg reasm = (OFErrorMsg) exchange(of13.buildSetConfig().setXid(92).setFlags(java.util.EnumSet.of(OFConfigFlags.FRAG_REASM))
                .setMissSendLen(128).build());
        assertEquals(OFErrorType.SWITCH_CONFIG_FAILED, reasm.getErrType());
        assertTrue(pipeline.dropFragments(), "a refused set-config changes nothing");
        send(of13.buildSetConfig().setXid(93).setFlags(java.util.EnumSet.noneOf(OFConfigFlags.class)).setMissSendLen(128).build());
        assertFalse(pipeline.dropFragments());
    }
}
