package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.pipeline.Ports;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.table.FlowTable;
import io.vswitch.openflow.OfFrameDecoder.Received;
import org.projectfloodlight.openflow.protocol.*;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One OpenFlow connection, switch side: the handshake state machine and the request handling.
 *
 * <h2>States</h2>
 * <pre>
 *   WAIT_HELLO --HELLO, a common version--> ESTABLISHED --channel closed--> CLOSED
 *       |--HELLO, no common version: HELLO_FAILED error, close
 *       |--anything else: close (OpenFlow requires HELLO first)
 * </pre>
 * Every transition happens in {@link #received}; the state decides what a message means. Messages are handled in
 * arrival order on the channel's event loop and the pipeline applies each modification synchronously, so a
 * BARRIER_REPLY sent in turn promises that every earlier message was applied (and, the datapath's invalidation
 * being synchronous too, that no packet is forwarded by a decision older than them).
 *
 * <h2>Errors</h2>
 * An {@link OpenFlowException} from the datapath or a {@link Rejection} from the agent becomes an OFPT_ERROR with
 * the OpenFlow 1.3 type/code and the first 64 bytes of the offending message; the connection stays up. A broken
 * byte stream (bad length) closes it.
 *
 * <h2>Inactivity probe</h2>
 * An {@link io.netty.handler.timeout.IdleStateHandler} in front reports reader idleness: the first time we send an
 * ECHO_REQUEST, the second time (nothing received since) we close the connection.
 */
final class OfChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(OfChannelHandler.class);
    /** 1.0, 1.3, 1.4, 1.5 as a HELLO version bitmap (bit n = wire version n). */
    static final int SUPPORTED = 1 << 1 | 1 << 4 | 1 << 5 | 1 << 6;
    static final int DEFAULT_MISS_SEND_LEN = 128;

    enum State { WAIT_HELLO, ESTABLISHED, CLOSED }

    private final OpenFlowAgent.Session session;
    private final String peer;
    private ChannelHandlerContext ctx;
    private State state = State.WAIT_HELLO;
    private OFFactory factory;
    private int missSendLen = DEFAULT_MISS_SEND_LEN;
    private boolean probeSent;
    volatile OFControllerRole role = OFControllerRole.ROLE_EQUAL;
    /** Which asynchronous messages this controller wants (touched on the event loop only). */
    private final AsyncConfig async = new AsyncConfig();

    /** Whether the switch opened this connection (tcp:/ssl:) rather than accepted it: only those count for fail-open. */
    final boolean active;

    OfChannelHandler(OpenFlowAgent.Session session, String peer, boolean active) {
        this.session = session;
        this.peer = peer;
        this.active = active;
    }

    State state() { return state; }

    OFFactory factory() { return factory; }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        OFFactory f = OFFactories.getFactory(OFVersion.OF_15);
        ctx.writeAndFlush(f.buildHello()
                .setXid(0)
                .setElements(List.of(f.buildHelloElemVersionbitmap().setBitmaps(List.of(U32.of(SUPPORTED))).build()))
                .build());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        session.removed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("bridge {}: OpenFlow connection {} closed: {}", session.backend().name(), peer, cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (probeSent || factory == null) {
                log.warn("bridge {}: no message from {} within the inactivity probe interval, disconnecting", session.backend().name(), peer);
                ctx.close();
            } else {
                probeSent = true;
                ctx.writeAndFlush(factory.buildEchoRequest().setXid(0).setData(new byte[0]).build());
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        this.ctx = ctx;
        if (msg instanceof Received r) {
            probeSent = false;
            received(r);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    // ------------------------------------------------------------------------------------ state machine

    void received(Received r) {
        switch (state) {
            case WAIT_HELLO -> {
                if (!(r.message() instanceof OFHello hello)) {
                    log.warn("bridge {}: {} sent type {} before HELLO, disconnecting", session.backend().name(), peer, r.type());
                    ctx.close();
                    return;
                }
                int common = SUPPORTED & theirVersions(hello);
                if (common == 0) {
                    sendError(r, Rejection.HELLO_FAILED, Rejection.HFC_INCOMPATIBLE, Math.min(r.version(), 6),
                            ("we support OpenFlow 1.0, 1.3, 1.4, 1.5").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    ctx.close();
                    return;
                }
                int version = 31 - Integer.numberOfLeadingZeros(common);
                factory = OFFactories.getFactory(wireVersion(version));
                state = State.ESTABLISHED;
                log.info("bridge {}: OpenFlow connection {} established, version {}", session.backend().name(), peer, factory.getVersion());
                session.established(this);
            }
            case ESTABLISHED -> {
                try {
                    if (r.message() == null) {
                        throw new Rejection(Rejection.BAD_REQUEST, r.type() > 35 ? Rejection.BRC_BAD_TYPE : Rejection.BRC_BAD_LEN,
                                "cannot decode: " + r.parseError());
                    }
                    if (r.version() != factory.getVersion().getWireVersion()) {
                        throw new Rejection(Rejection.BAD_REQUEST, Rejection.BRC_BAD_VERSION, "version " + r.version() + " after negotiating " + factory.getVersion());
                    }
                    handle(r.message());
                } catch (OpenFlowException e) {
                    log.debug("bridge {}: rejected {} from {}: {}", session.backend().name(), r.message(), peer, e.toString());
                    sendError(r, e.error().type, e.error().code, factory.getVersion().getWireVersion(), r.head());
                } catch (Rejection e) {
                    log.debug("bridge {}: rejected {} from {}: {}", session.backend().name(), r.message(), peer, e.getMessage());
                    sendError(r, e.type, e.code, factory.getVersion().getWireVersion(), r.head());
                } catch (UnsupportedOperationException e) {
                    // openflowj: a field or message this version does not have
                    log.debug("bridge {}: {} from {} not supported in {}: {}", session.backend().name(), r.message(), peer, factory.getVersion(), e.getMessage());
                    sendError(r, Rejection.BAD_REQUEST, Rejection.BRC_BAD_TYPE, factory.getVersion().getWireVersion(), r.head());
                } catch (RuntimeException e) {
                    // A bug of ours, not the peer's: answer (OFPBRC_EPERM) and keep the connection.
                    log.error("bridge {}: failed to handle {} from {}", session.backend().name(), r.message(), peer, e);
                    sendError(r, Rejection.BAD_REQUEST, Rejection.BRC_EPERM, factory.getVersion().getWireVersion(), r.head());
                }
            }
            case CLOSED -> { }
        }
    }

    static OFVersion wireVersion(int wire) {
        for (OFVersion v : OFVersion.values()) if (v.getWireVersion() == wire) return v;
        throw new IllegalArgumentException("no OpenFlow version " + wire);
    }

    /** The versions a HELLO offers: its bitmap if it has one, else every version up to its header's. */
    static int theirVersions(OFHello hello) {
        int wire = hello.getVersion().getWireVersion();
        try {
            for (OFHelloElem e : hello.getElements()) {
                if (e instanceof OFHelloElemVersionbitmap bm && !bm.getBitmaps().isEmpty()) {
                    return (int) bm.getBitmaps().get(0).getValue();
                }
            }
        } catch (UnsupportedOperationException noElements) {
            // OpenFlow 1.0 HELLO: no elements
        }
        return wire >= 31 ? -1 : (1 << (wire + 1)) - 2;
    }

    /** Writes an OFPT_ERROR by hand: the datapath's error codes are OpenFlow 1.3 numbers, sent as they are. */
    private void sendError(Received r, int type, int code, int version, byte[] data) {
        if (version == 1 && type != Rejection.HELLO_FAILED) {
            int[] tc = errorFor10(type, code);
            type = tc[0];
            code = tc[1];
        }
        ByteBuf b = Unpooled.buffer(12 + data.length);
        b.writeByte(version).writeByte(1).writeShort(12 + data.length).writeInt((int) r.xid());
        b.writeShort(type).writeShort(code).writeBytes(data);
        ctx.writeAndFlush(b);
    }

    /**
     * OpenFlow 1.3 error numbers → 1.0's (as Open vSwitch maps them): bad request and bad action keep their numbers
     * where 1.0 has them; match, instruction and flow-mod problems become OFPET_FLOW_MOD_FAILED (3) codes.
     */
    static int[] errorFor10(int type, int code) {
        return switch (type) {
            case 1 -> new int[]{1, code <= 8 ? code : 5 /* EPERM */};
            case 2 -> new int[]{2, code <= 8 ? code : 5 /* BAD_ARGUMENT */};
            case 5 -> new int[]{3, code == 3 ? 1 /* OVERLAP */ : code == 6 ? 4 /* BAD_COMMAND */ : 5 /* UNSUPPORTED */};
            case 7 -> new int[]{4, code == 0 ? 0 : 1}; // PORT_MOD_FAILED: BAD_PORT, BAD_HW_ADDR
            case 9 -> new int[]{5, code}; // QUEUE_OP_FAILED: BAD_PORT, BAD_QUEUE, EPERM
            default -> new int[]{3, 5}; // FLOW_MOD_FAILED UNSUPPORTED
        };
    }

    private void write(OFMessage m) {
        ctx.write(m);
    }

    // ------------------------------------------------------------------------------------ requests

    private void handle(OFMessage m) {
        SwitchBackend be = session.backend();
        long xid = m.getXid();
        switch (m) {
            case OFEchoRequest e -> write(factory.buildEchoReply().setXid(xid).setData(e.getData()).build());
            case OFEchoReply e -> { }
            case OFHello h -> { }
            case OFFeaturesRequest f -> write(featuresReply(xid));
            case OFGetConfigRequest g -> write(factory.buildGetConfigReply().setXid(xid)
                    .setFlags(be.pipeline().dropFragments() ? EnumSet.of(OFConfigFlags.FRAG_DROP) : EnumSet.noneOf(OFConfigFlags.class))
                    .setMissSendLen(missSendLen).build());
            case OFSetConfig s -> {
                // Fragment handling is the switch's (every connection sees it); miss_send_len is this connection's.
                if (s.getFlags().contains(OFConfigFlags.FRAG_REASM)) {
                    throw new Rejection(10 /* OFPET_SWITCH_CONFIG_FAILED */, 0 /* OFPSCFC_BAD_FLAGS */, "fragment reassembly is not supported");
                }
                be.pipeline().setDropFragments(s.getFlags().contains(OFConfigFlags.FRAG_DROP));
                missSendLen = s.getMissSendLen();
            }
            case OFBarrierRequest b -> write(factory.buildBarrierReply().setXid(xid).build());
            case OFRoleRequest rr -> write(roleRequest(rr));
            case OFFlowMod fm -> {
                checkWritable();
                FlowMod mod = OfConvert.flowMod(fm);
                be.pipeline().flowMod(mod);
                if (mod.command() == FlowMod.Command.ADD) rememberSentMatch(mod.match(), fm.getMatch());
            }
            case OFGroupMod gm -> {
                checkWritable();
                be.pipeline().groupMod(OfGroupsMeters.groupMod(gm));
            }
            case OFMeterMod mm -> {
                checkWritable();
                be.pipeline().meterMod(OfGroupsMeters.meterMod(mm));
            }
            case OFPacketOut po -> {
                checkWritable();
                packetOut(po);
            }
            case OFStatsRequest<?> sr -> stats(sr);
            case OFAsyncGetRequest g -> write(async.reply(factory, xid));
            case OFAsyncSet a -> async.set(a);
            case OFPortMod pm -> {
                checkWritable();
                session.portStatus(OpenFlowAgent.Session.PORT_MODIFY, OfPortRequests.portMod(pm, be));
            }
            case OFTableMod tm -> {
                checkWritable();
                tableMod(tm);
            }
            case OFQueueGetConfigRequest q -> {
                OfPortRequests.checkQueueRequest(be, q.getPort(), 0xffffffffL);
                write(OfPortRequests.queueConfig(factory, xid, q.getPort()));
            }
            default -> throw new Rejection(Rejection.BAD_REQUEST, Rejection.BRC_BAD_TYPE, "unsupported message " + m.getType());
        }
        // Replies are flushed once per read burst (channelReadComplete): a controller pipelining thousands of
        // flow-mods and requests gets its answers in a few writes, not a syscall per message.
    }

    /**
     * OFPT_TABLE_MOD: OpenFlow 1.3 leaves table config bits deprecated (accepted, no effect); 1.4's eviction and
     * vacancy events are refused, since this switch neither evicts entries nor sends table-status.
     */
    private void tableMod(OFTableMod tm) {
        int table = tm.getTableId().getValue();
        if (table != 0xff && table >= session.backend().pipeline().tableCount()) {
            throw new Rejection(8 /* OFPET_TABLE_MOD_FAILED */, 0 /* OFPTMFC_BAD_TABLE */, "no table " + table);
        }
        if (factory.getVersion().compareTo(OFVersion.OF_14) >= 0 && (tm.getConfig() & 0xc) != 0) {
            throw new Rejection(8, 1 /* OFPTMFC_BAD_CONFIG */, "eviction and vacancy events are not supported");
        }
    }

    private void checkWritable() {
        if (role == OFControllerRole.ROLE_SLAVE) throw new Rejection(Rejection.BAD_REQUEST, 10 /* OFPBRC_IS_SLAVE */, "slave");
    }

    private OFMessage featuresReply(long xid) {
        Set<OFCapabilities> caps = EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
                OFCapabilities.PORT_STATS);
        OFFeaturesReply.Builder b = factory.buildFeaturesReply().setXid(xid)
                .setDatapathId(DatapathId.of(session.backend().datapathId()))
                .setNBuffers(0)
                .setNTables((short) Pipeline.DEFAULT_TABLES);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setCapabilities(caps).setActions(EnumSet.of(OFActionType.OUTPUT)).setPorts(portDescs());
        } else {
            caps.add(OFCapabilities.GROUP_STATS);
            b.setCapabilities(caps).setAuxiliaryId(OFAuxId.MAIN);
        }
        return b.build();
    }

    private OFRoleReply roleRequest(OFRoleRequest rr) {
        OFControllerRole want = rr.getRole();
        if (want != OFControllerRole.ROLE_NOCHANGE) {
            if (want == OFControllerRole.ROLE_MASTER || want == OFControllerRole.ROLE_SLAVE) {
                if (!session.checkGeneration(rr.getGenerationId().getValue())) {
                    throw new Rejection(Rejection.ROLE_REQUEST_FAILED, Rejection.RRFC_STALE, "stale generation id");
                }
            }
            if (want == OFControllerRole.ROLE_MASTER) session.demoteMasters(this);
            role = want;
        }
        return factory.buildRoleReply().setXid(rr.getXid()).setRole(role)
                .setGenerationId(U64.of(session.generationId())).build();
    }

    private void packetOut(OFPacketOut po) {
        if (!po.getBufferId().equals(OFBufferId.NO_BUFFER)) {
            throw new Rejection(Rejection.BAD_REQUEST, Rejection.BRC_BUFFER_UNKNOWN, "this switch buffers no packets");
        }
        int inPort;
        if (factory.getVersion().compareTo(OFVersion.OF_15) >= 0) {
            OFPort p = po.getMatch().get(MatchField.IN_PORT);
            inPort = p == null ? OfPort.CONTROLLER : p.getPortNumber();
        } else {
            inPort = po.getInPort().getPortNumber();
        }
        if (inPort != OfPort.CONTROLLER && inPort != OfPort.LOCAL && session.backend().pipeline().ports().get(inPort) == null) {
            throw new OpenFlowException(io.vswitch.datapath.OfError.BAD_REQUEST_BAD_PORT, "no port " + Integer.toUnsignedString(inPort));
        }
        session.backend().packetOut(po.getData(), inPort, OfConvert.actions(po.getActions()));
    }

    // ------------------------------------------------------------------------------------ multipart

    /** Replies larger than this are split into several messages flagged REPLY_MORE. */
    private static final int MAX_REPLY_BODY = 60_000;

    private void stats(OFStatsRequest<?> sr) {
        SwitchBackend be = session.backend();
        long xid = sr.getXid();
        switch (sr) {
            case OFDescStatsRequest d -> write(factory.buildDescStatsReply().setXid(xid)
                    .setMfrDesc("vswitch").setHwDesc("vswitch (Java)").setSwDesc("vswitch 0.1.0")
                    .setSerialNum("None").setDpDesc(be.name()).build());
            case OFFlowStatsRequest f -> flowStats(f);
            case OFAggregateStatsRequest a -> {
                be.syncStats();
                long packets = 0, bytes = 0, flows = 0;
                boolean v10 = factory.getVersion() == OFVersion.OF_10;
                for (FlowEntry e : select(a.getTableId(), a.getMatch(), v10 ? U64.ZERO : a.getCookie(), v10 ? U64.ZERO : a.getCookieMask(),
                        a.getOutPort(), v10 ? OFGroup.ANY : a.getOutGroup())) {
                    flows++;
                    packets += Math.max(0, e.packets());
                    bytes += Math.max(0, e.bytes());
                }
                write(OfCounters.aggregate(factory, xid, flows, packets, bytes));
            }
            case OFTableStatsRequest t -> {
                be.syncStats();
                List<OFTableStatsEntry> list = new ArrayList<>();
                Pipeline p = be.pipeline();
                for (int i = 0; i < p.tableCount(); i++) {
                    FlowTable table = p.table(i);
                    list.add(factory.buildTableStatsEntry().setTableId(TableId.of(i)).setActiveCount(table.size())
                            .setLookupCount(U64.of(table.lookups())).setMatchedCount(U64.of(table.matches())).build());
                }
                write(factory.buildTableStatsReply().setXid(xid).setEntries(list).build());
            }
            case OFPortStatsRequest ps -> {
                be.syncStats();
                List<OFPortStatsEntry> list = new ArrayList<>();
                for (SwitchBackend.PortInfo pi : be.ports()) {
                    if (!ps.getPortNo().equals(OFPort.ANY) && ps.getPortNo().getPortNumber() != pi.number()) continue;
                    OFPortStatsEntry.Builder b = factory.buildPortStatsEntry().setPortNo(OFPort.ofInt(pi.number()))
                            .setRxPackets(U64.of(pi.rxPackets())).setTxPackets(U64.of(pi.txPackets()))
                            .setRxBytes(U64.of(pi.rxBytes())).setTxBytes(U64.of(pi.txBytes()))
                            .setRxDropped(U64.of(pi.rxDropped())).setTxDropped(U64.of(pi.txDropped()))
                            .setRxErrors(U64.of(pi.rxErrors())).setTxErrors(U64.ZERO);
                    if (factory.getVersion().compareTo(OFVersion.OF_14) < 0) {
                        b.setRxFrameErr(U64.ZERO).setRxOverErr(U64.ZERO).setRxCrcErr(U64.ZERO).setCollisions(U64.ZERO);
                    }
                    list.add(b.build());
                }
                write(factory.buildPortStatsReply().setXid(xid).setEntries(list).build());
            }
            case OFTableFeaturesStatsRequest tf -> {
                if (!tf.getEntries().isEmpty()) {
                    throw new Rejection(13 /* OFPET_TABLE_FEATURES_FAILED */, 5 /* OFPTFFC_EPERM */, "table features cannot be changed");
                }
                for (ByteBuf r : OfTableFeatures.rawReplies(factory, xid, be.pipeline())) ctx.write(r);
            }
            case OFGroupDescStatsRequest g -> write(OfGroupsMeters.groupDesc(factory, xid, be.pipeline()));
            case OFGroupStatsRequest g -> {
                be.syncStats();
                write(OfGroupsMeters.groupStats(factory, xid, be.pipeline(), g.getGroup().getGroupNumber(), be.pipeline().clock().getAsLong()));
            }
            case OFGroupFeaturesStatsRequest g -> write(OfGroupsMeters.groupFeatures(factory, xid));
            case OFMeterConfigStatsRequest m -> write(OfGroupsMeters.meterConfig(factory, xid, be.pipeline(), m.getMeterId()));
            case OFMeterStatsRequest m -> {
                be.syncStats();
                write(OfGroupsMeters.meterStats(factory, xid, be.pipeline(), m.getMeterId(), be.pipeline().clock().getAsLong()));
            }
            case OFMeterFeaturesStatsRequest m -> write(OfGroupsMeters.meterFeatures(factory, xid));
            case OFQueueStatsRequest q -> {
                OfPortRequests.checkQueueRequest(be, q.getPortNo(), q.getQueueId());
                write(OfPortRequests.queueStats(factory, xid));
            }
            case OFQueueDescStatsRequest q -> {
                OfPortRequests.checkQueueRequest(be, q.getPortNo(), q.getQueueId());
                write(factory.buildQueueDescStatsReply().setXid(xid).setEntries(List.of()).build());
            }
            case OFPortDescStatsRequest pd -> write(factory.buildPortDescStatsReply().setXid(xid).setEntries(portDescs()).build());
            default -> throw new Rejection(Rejection.BAD_REQUEST, Rejection.BRC_BAD_MULTIPART, "unsupported multipart " + sr.getStatsType());
        }
    }

    private List<FlowEntry> select(TableId table, Match match, U64 cookie, U64 cookieMask, OFPort outPort, OFGroup outGroup) {
        FlowMod filter = FlowMod.builder(FlowMod.Command.DELETE, OfConvert.match(match))
                .table(table.getValue())
                .cookie(cookie.getValue(), cookieMask.getValue())
                .outPort(outPort.getPortNumber())
                .outGroup(outGroup.getGroupNumber())
                .build();
        if (filter.tableId() != FlowMod.ALL_TABLES && filter.tableId() >= session.backend().pipeline().tableCount()) {
            throw new OpenFlowException(io.vswitch.datapath.OfError.BAD_REQUEST_BAD_TABLE_ID, "no table " + filter.tableId());
        }
        return session.backend().pipeline().tables().select(filter, false);
    }

    private void flowStats(OFFlowStatsRequest f) {
        session.backend().syncStats();
        boolean v10 = factory.getVersion() == OFVersion.OF_10;
        List<FlowEntry> entries = new ArrayList<>(select(f.getTableId(), f.getMatch(), v10 ? U64.ZERO : f.getCookie(),
                v10 ? U64.ZERO : f.getCookieMask(), f.getOutPort(), v10 ? OFGroup.ANY : f.getOutGroup()));
        entries.sort((x, y) -> x.tableId != y.tableId ? Integer.compare(x.tableId, y.tableId) : Integer.compare(y.priority, x.priority));
        long now = session.backend().pipeline().clock().getAsLong();
        List<OFFlowStatsEntry> chunk = new ArrayList<>();
        ByteBuf scratch = Unpooled.buffer();
        int size = 0;
        for (FlowEntry e : entries) {
            long age = Math.max(0, now - e.installedNanos);
            OFFlowStatsEntry.Builder b = factory.buildFlowStatsEntry()
                    .setTableId(TableId.of(e.tableId)).setMatch(matchAsSent(e))
                    .setPriority(e.priority).setIdleTimeout(e.idleTimeout).setHardTimeout(e.hardTimeout)
                    .setCookie(U64.of(e.cookie()));
            OfCounters.flowStats(factory, b, age, Math.max(0, now - e.lastUsedNanos()), e.packets(), e.bytes());
            if (v10) {
                List<io.vswitch.datapath.action.Action> applied = new ArrayList<>();
                for (io.vswitch.datapath.action.Instruction i : e.instructions()) {
                    if (i instanceof io.vswitch.datapath.action.Instruction.ApplyActions a) applied.addAll(a.actions());
                }
                b.setActions(OfConvert.actions(applied, factory));
            } else {
                b.setInstructions(OfConvert.instructions(e.instructions(), factory)).setFlags(OfConvert.flags(e.flags));
            }
            if (factory.getVersion().compareTo(OFVersion.OF_14) >= 0) b.setImportance(e.importance);
            OFFlowStatsEntry entry = b.build();
            scratch.clear();
            entry.writeTo(scratch);
            if (size + scratch.readableBytes() > MAX_REPLY_BODY && !chunk.isEmpty()) {
                write(factory.buildFlowStatsReply().setXid(f.getXid()).setFlags(EnumSet.of(OFStatsReplyFlags.REPLY_MORE)).setEntries(chunk).build());
                chunk = new ArrayList<>();
                size = 0;
            }
            chunk.add(entry);
            size += scratch.readableBytes();
        }
        write(factory.buildFlowStatsReply().setXid(f.getXid()).setEntries(chunk).build());
    }

    private final ByteBuf sentBytes = Unpooled.buffer(256), rebuiltBytes = Unpooled.buffer(256);

    /**
     * Remembers the match as the controller spelled it, for stats and flow-removed to echo, unless the spelling is
     * the one we would rebuild anyway (field-number order: what most controllers send). Keeping an openflowj match
     * per flow made 100k pipelined flow-mods spend as long in young-generation copying as in handling.
     */
    private void rememberSentMatch(io.vswitch.datapath.flow.FlowMatch match, Match sent) {
        sentBytes.clear();
        rebuiltBytes.clear();
        sent.writeTo(sentBytes);
        OfConvert.match(match, factory).writeTo(rebuiltBytes);
        if (sentBytes.equals(rebuiltBytes)) session.sentMatches.remove(match);
        else session.sentMatches.put(match, sent);
    }

    /** The entry's match as a controller sent it (OXM order kept) if known in this version, else rebuilt. */
    private Match matchAsSent(FlowEntry e) {
        Match sent = session.sentMatches.get(e.match);
        return sent != null && sent.getVersion() == factory.getVersion() ? sent : OfConvert.match(e.match, factory);
    }

    private List<OFPortDesc> portDescs() {
        List<OFPortDesc> list = new ArrayList<>();
        for (SwitchBackend.PortInfo pi : session.backend().ports()) list.add(portDesc(pi));
        return list;
    }

    private OFPortDesc portDesc(SwitchBackend.PortInfo pi) {
        Set<OFPortConfig> config = EnumSet.noneOf(OFPortConfig.class);
        if ((pi.config() & Ports.CONFIG_PORT_DOWN) != 0) config.add(OFPortConfig.PORT_DOWN);
        if ((pi.config() & Ports.CONFIG_NO_RECV) != 0) config.add(OFPortConfig.NO_RECV);
        if ((pi.config() & Ports.CONFIG_NO_FWD) != 0) config.add(OFPortConfig.NO_FWD);
        Set<OFPortState> state = EnumSet.noneOf(OFPortState.class);
        if (!pi.linkUp()) state.add(OFPortState.LINK_DOWN);
        else if (factory.getVersion() != OFVersion.OF_10 && (pi.config() & Ports.CONFIG_PORT_DOWN) == 0) state.add(OFPortState.LIVE);
        OFPortDesc.Builder b = factory.buildPortDesc().setPortNo(OFPort.ofInt(pi.number()))
                .setHwAddr(MacAddress.of(pi.mac())).setName(pi.name()).setConfig(config).setState(state);
        if (factory.getVersion().compareTo(OFVersion.OF_14) < 0) {
            Set<OFPortFeatures> none = EnumSet.noneOf(OFPortFeatures.class);
            b.setCurr(EnumSet.of(OFPortFeatures.PF_10GB_FD, OFPortFeatures.PF_COPPER)).setAdvertised(none)
                    .setSupported(none).setPeer(none);
            if (factory.getVersion() != OFVersion.OF_10) b.setCurrSpeed(10_000_000).setMaxSpeed(0);
        } else {
            b.setProperties(List.of());
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------ asynchronous

    /** Closes this connection if it was accepted by {@code server}. */
    void closeIfChildOf(io.netty.channel.Channel server) {
        if (ctx != null && ctx.channel().parent() == server) ctx.close();
    }

    /** Sends a packet-in from any thread (hops onto this channel's event loop). */
    void sendPacketInFromAnyThread(PacketIn pi, byte[] frame) {
        if (ctx == null) return;
        if (ctx.executor().inEventLoop()) sendPacketIn(pi, frame);
        else ctx.executor().execute(() -> sendPacketIn(pi, frame));
    }

    /** Runs {@code task} on this channel's event loop (asynchronous messages come from other threads). */
    private void onLoop(Runnable task) {
        if (ctx == null) return;
        if (ctx.executor().inEventLoop()) task.run();
        else ctx.executor().execute(task);
    }

    /** OFPT_PORT_STATUS (reason: OFPPR_ADD 0, DELETE 1, MODIFY 2), to every role (slaves too, as the spec says). */
    void sendPortStatus(int reason, SwitchBackend.PortInfo pi) {
        onLoop(() -> {
            if (state != State.ESTABLISHED || !async.wants(AsyncConfig.PORT_STATUS, role, reason)) return;
            OFPortReason r = switch (reason) {
                case 0 -> OFPortReason.ADD;
                case 1 -> OFPortReason.DELETE;
                default -> OFPortReason.MODIFY;
            };
            ctx.writeAndFlush(factory.buildPortStatus().setXid(0).setReason(r).setDesc(portDesc(pi)).build());
        });
    }

    /**
     * OFPT_FLOW_REMOVED for an entry added with OFPFF_SEND_FLOW_REM, to the controllers whose async config asks for
     * the reason (by default masters and equals). OpenFlow 1.0 knows only idle, hard and delete: group and meter
     * deletions are reported as delete there.
     */
    void sendFlowRemoved(FlowEntry e, int reason, long now) {
        onLoop(() -> {
            if (state != State.ESTABLISHED || !async.wants(AsyncConfig.FLOW_REMOVED, role, reason)) return;
            long age = Math.max(0, now - e.installedNanos);
            OFFlowRemovedReason r = switch (reason) {
                case Pipeline.FlowRemovedListener.IDLE_TIMEOUT -> OFFlowRemovedReason.IDLE_TIMEOUT;
                case Pipeline.FlowRemovedListener.HARD_TIMEOUT -> OFFlowRemovedReason.HARD_TIMEOUT;
                case Pipeline.FlowRemovedListener.GROUP_DELETE -> OFFlowRemovedReason.GROUP_DELETE;
                case Pipeline.FlowRemovedListener.METER_DELETE -> OFFlowRemovedReason.METER_DELETE;
                default -> OFFlowRemovedReason.DELETE;
            };
            if (factory.getVersion() == OFVersion.OF_10 && reason > Pipeline.FlowRemovedListener.DELETE) r = OFFlowRemovedReason.DELETE;
            OFFlowRemoved.Builder b = factory.buildFlowRemoved().setXid(0).setCookie(U64.of(e.cookie())).setPriority(e.priority)
                    .setReason(r).setIdleTimeout(e.idleTimeout).setMatch(matchAsSent(e));
            if (factory.getVersion() != OFVersion.OF_10) b.setTableId(TableId.of(e.tableId)).setHardTimeout(e.hardTimeout);
            OfCounters.flowRemoved(factory, b, age, Math.max(0, now - e.lastUsedNanos()), Math.max(0, e.packets()), Math.max(0, e.bytes()));
            ctx.writeAndFlush(b.build());
        });
    }

    /** Sends a packet-in (called on this channel's event loop). */
    void sendPacketIn(PacketIn pi, byte[] frame) {
        if (state != State.ESTABLISHED || !async.wants(AsyncConfig.PACKET_IN, role, pi.reason())) return;
        Ports.Port in = session.backend().pipeline().ports().get(pi.inPort());
        if (in != null && (in.config() & Ports.CONFIG_NO_PACKET_IN) != 0) return;
        int limit = pi.maxLen() >= 0xffe5 ? frame.length : pi.maxLen();
        if (factory.getVersion() == OFVersion.OF_10 && pi.reason() == PacketIn.REASON_NO_MATCH) limit = missSendLen;
        byte[] data = frame.length <= limit ? frame : java.util.Arrays.copyOf(frame, limit);
        OFPacketInReason reason = switch (pi.reason()) {
            case PacketIn.REASON_NO_MATCH -> OFPacketInReason.NO_MATCH;
            case PacketIn.REASON_INVALID_TTL -> OFPacketInReason.INVALID_TTL;
            default -> OFPacketInReason.ACTION;
        };
        OFPacketIn.Builder b = factory.buildPacketIn().setXid(0).setBufferId(OFBufferId.NO_BUFFER)
                .setTotalLen(frame.length).setReason(reason).setData(data);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setInPort(OFPort.ofInt(pi.inPort()));
        } else {
            Match.Builder mb = factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.ofInt(pi.inPort()));
            if (pi.metadata() != 0) mb.setExact(MatchField.METADATA, OFMetadata.ofRaw(pi.metadata()));
            if (pi.tunnelId() != 0) mb.setExact(MatchField.TUNNEL_ID, U64.of(pi.tunnelId()));
            b.setTableId(TableId.of(pi.tableId())).setCookie(U64.of(pi.cookie())).setMatch(mb.build());
        }
        ctx.writeAndFlush(b.build());
    }
}
