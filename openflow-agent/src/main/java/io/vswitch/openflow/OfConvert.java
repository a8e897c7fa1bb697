package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.table.FlowMod;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFOxmList;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.*;
import org.projectfloodlight.openflow.protocol.instruction.*;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.VlanPcp;
import org.projectfloodlight.openflow.types.VlanVid;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Translation between openflowj's message model and the datapath's (matches, actions, instructions, flow-mods).
 *
 * <h2>Matches go through the OXM wire format</h2>
 * An OXM TLV is {@code class(16) | field(7) hasmask(1) | length(8) | value [mask]}, and {@link Field#oxmField} is
 * the OpenFlow field number, so one loop over the TLVs translates every field the datapath knows, whatever
 * openflowj's typed view of it is: a field added to {@link Field} is translated without touching this class.
 * Fields of other OXM classes (Nicira extensions, experimenters) are rejected with OFPBMC_BAD_FIELD.
 * The datapath keeps OXM-number order; replies echo the match a controller sent where the session remembers it
 * ({@code Session.sentMatches}) and fall back to field-number order (e.g. for flows added from the text syntax).
 *
 * <p>OpenFlow 1.0's fixed match is read through openflowj's typed fields and re-spelled as OXM, so it takes the
 * same path; its field actions (set_dl_src, set_nw_dst, strip_vlan, enqueue, ...) become set-field, pop-vlan,
 * set-queue; set_vlan_vid/pcp and set_tp_src/dst, whose meaning depends on the packet, are resolved from the flow's
 * match ({@link #actionsFrom10}).
 */
final class OfConvert {
    private static final int OXM_CLASS_BASIC = 0x8000;

    private OfConvert() {}

    static OpenFlowException error(OfError e, String message) {
        return new OpenFlowException(e, message);
    }

    // ------------------------------------------------------------------------------------ matches

    /** openflowj match (OXM) → datapath match, strict about masks (a value bit outside its mask is an error). */
    static FlowMatch match(Match m) {
        FlowMatch.Builder b = FlowMatch.builder().strictMasks(true);
        ByteBuf buf = Unpooled.buffer();
        Iterable<OFOxm<?>> oxms;
        if (m instanceof OFMatchV3 v3) {
            oxms = v3.getOxmList();
        } else {
            // OpenFlow 1.0's fixed match: openflowj's typed view of each field, re-spelled as OXM.
            // With dl_vlan = OFP_VLAN_NONE (untagged), 1.0 ignores dl_vlan_pcp: exact 1.0 matches carry it anyway.
            boolean untagged = m.isExact(MatchField.VLAN_VID)
                    && m.get(MatchField.VLAN_VID).equals(org.projectfloodlight.openflow.types.OFVlanVidMatch.UNTAGGED);
            List<OFOxm<?>> list = new ArrayList<>();
            for (MatchField<?> mf : m.getMatchFields()) {
                if (untagged && mf.id == org.projectfloodlight.openflow.protocol.match.MatchFields.VLAN_PCP) continue;
                list.add(toOxm(m, mf));
            }
            oxms = list;
        }
        for (OFOxm<?> oxm : oxms) {
            buf.clear();
            oxm.writeTo(buf);
            addOxm(b, buf);
        }
        return b.build();
    }

    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);

    private static <F extends OFValueType<F>> OFOxm<F> toOxm(Match m, MatchField<F> mf) {
        return m.isExact(mf) ? OF13.oxms().fromValue(m.get(mf), mf) : OF13.oxms().fromMasked(m.getMasked(mf), mf);
    }

    /** Datapath match → OpenFlow 1.0 match (fields 1.0 cannot express are left out). */
    private static Match match10(FlowMatch fm, OFFactory f) {
        Match.Builder mb = f.buildMatch();
        for (OFOxm<?> oxm : ((OFMatchV3) match(fm, OF13)).getOxmList()) {
            try {
                setOxm(mb, oxm);
            } catch (UnsupportedOperationException | IllegalArgumentException notIn10) {
                // e.g. IPv6, MPLS, metadata: 1.0 has no such field
            }
        }
        return mb.build();
    }

    private static <F extends OFValueType<F>> void setOxm(Match.Builder mb, OFOxm<F> oxm) {
        if (oxm.isMasked()) mb.setMasked(oxm.getMatchField(), oxm.getValue(), oxm.getMask());
        else mb.setExact(oxm.getMatchField(), oxm.getValue());
    }

    /** Reads one OXM TLV from {@code buf} into {@code b}. */
    static void addOxm(FlowMatch.Builder b, ByteBuf buf) {
        Field f = oxmField(buf);
        boolean hasMask = (buf.getByte(buf.readerIndex() + 2) & 1) != 0;
        buf.skipBytes(4);
        if (hasMask && !f.maskable) throw error(OfError.BAD_MATCH_BAD_MASK, f.oxmName() + " cannot be masked");
        if (b.has(f)) throw error(OfError.BAD_MATCH_DUP_FIELD, f.oxmName() + " appears twice");
        if (f.is128()) {
            long hi = buf.readLong(), lo = buf.readLong();
            if (hasMask) b.masked128(f, hi, lo, buf.readLong(), buf.readLong());
            else b.exact128(f, hi, lo);
        } else {
            long v = readN(buf, f.wireBytes);
            if (hasMask) b.masked(f, v, readN(buf, f.wireBytes));
            else b.exact(f, v);
        }
    }

    /** The field of the OXM TLV at {@code buf}'s reader index, its length checked. */
    private static Field oxmField(ByteBuf buf) {
        if (buf.readableBytes() < 4) throw error(OfError.BAD_MATCH_BAD_LEN, "truncated OXM");
        int header = buf.getInt(buf.readerIndex());
        if (header == PbbIsidOxm.STANDIN || header == PbbIsidOxm.STANDIN_MASKED) {
            header = fromStandIn(buf, header == PbbIsidOxm.STANDIN_MASKED);
        }
        int cls = header >>> 16, num = (header >>> 9) & 0x7f, len = header & 0xff;
        boolean hasMask = (header & 0x100) != 0;
        Field f = cls == OXM_CLASS_BASIC ? Field.byOxm(num) : null;
        if (f == null) throw error(OfError.BAD_MATCH_BAD_FIELD, "unsupported OXM class 0x" + Integer.toHexString(cls) + " field " + num);
        if (len != (hasMask ? 2 : 1) * f.wireBytes || buf.readableBytes() < 4 + len) {
            throw error(OfError.BAD_MATCH_BAD_LEN, f.oxmName() + ": OXM length " + len);
        }
        return f;
    }

    /**
     * Rewrites the PBB_ISID stand-in TLV at {@code buf}'s reader index (see {@link PbbIsidOxm}) as the real one:
     * each 4-byte value (and mask) loses its high byte. Returns the new header.
     */
    private static int fromStandIn(ByteBuf buf, boolean masked) {
        int at = buf.readerIndex(), header = masked ? PbbIsidOxm.WIRE_MASKED : PbbIsidOxm.WIRE;
        if (buf.readableBytes() < (masked ? 12 : 8)) throw error(OfError.BAD_MATCH_BAD_LEN, "truncated OXM");
        buf.setInt(at, header);
        buf.setMedium(at + 4, buf.getMedium(at + 5));
        if (masked) buf.setMedium(at + 7, buf.getMedium(at + 9));
        return header;
    }

    private static long readN(ByteBuf buf, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v = v << 8 | buf.readUnsignedByte();
        return v;
    }

    private static void writeN(ByteBuf buf, long v, int n) {
        for (int i = n - 1; i >= 0; i--) buf.writeByte((int) (v >>> (8 * i)));
    }

    /** Datapath match → openflowj match (OXM fields only; non-OXM fields of text-added flows are left out). */
    static Match match(FlowMatch m, OFFactory f) {
        if (f.getVersion() == OFVersion.OF_10) return match10(m, f);
        List<OFOxm<?>> oxms = new ArrayList<>();
        for (FlowMatch.Entry e : m.entries()) {
            if (!e.field().isOxm()) continue;
            oxms.add(oxm(f, e.field(), e.value(), e.valueLow(), e.exact() ? null : new long[]{e.mask(), e.maskLow()}));
        }
        return f.buildMatchV3().setOxmList(OFOxmList.ofList(oxms)).build();
    }

    private static OFOxm<?> oxm(OFFactory factory, Field f, long value, long valueLow, long[] mask) {
        ByteBuf buf = Unpooled.buffer(40);
        if (f == Field.PBB_ISID) { // openflowj has no PBB_ISID: the stand-in, a 4-byte OXM (see PbbIsidOxm)
            buf.writeInt(mask != null ? PbbIsidOxm.STANDIN_MASKED : PbbIsidOxm.STANDIN).writeInt((int) value);
            if (mask != null) buf.writeInt((int) mask[0]);
            return readOxm(factory, buf, f);
        }
        int n = f.wireBytes;
        buf.writeInt(OXM_CLASS_BASIC << 16 | f.oxmField << 9 | (mask != null ? 0x100 : 0) | (mask != null ? 2 * n : n));
        if (f.is128()) {
            buf.writeLong(value).writeLong(valueLow);
            if (mask != null) buf.writeLong(mask[0]).writeLong(mask[1]);
        } else {
            writeN(buf, value, n);
            if (mask != null) writeN(buf, mask[0], n);
        }
        return readOxm(factory, buf, f);
    }

    private static OFOxm<?> readOxm(OFFactory factory, ByteBuf buf, Field f) {
        try {
            return factory.oxms().getReader().readFrom(buf);
        } catch (OFParseError e) {
            throw new IllegalStateException("openflowj cannot read OXM " + f.oxmName() + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------ actions

    static List<Action> actions(List<OFAction> list) {
        List<Action> out = new ArrayList<>(list.size());
        for (OFAction a : list) {
            if (a instanceof OFActionEnqueue q) { // OpenFlow 1.0
                out.add(new Action.SetQueue((int) q.getQueueId()));
                out.add(new Action.Output(q.getPort().getPortNumber()));
            } else {
                out.add(action(a));
            }
        }
        return out;
    }

    /**
     * OpenFlow 1.0 actions, with the four whose meaning depends on the packet resolved from the flow's match, as
     * Open vSwitch resolves its mod_vlan_vid/mod_tp_src: set_tp_src/dst become a set-field of the TCP, UDP or SCTP
     * port the match's nw_proto names (without one they are refused, OFPBAC_BAD_ARGUMENT, as OVS refuses them);
     * set_vlan_vid/pcp become a set-field of the tag, preceded by a push when the match says the frame is untagged
     * (dl_vlan=0xffff); the match must say which (Open vSwitch decides per packet; this datapath compiles flows).
     */
    static List<Action> actionsFrom10(List<OFAction> list, FlowMatch match) {
        List<Action> out = new ArrayList<>(list.size() + 1);
        for (OFAction a : list) {
            switch (a) {
                case OFActionSetTpSrc t -> out.add(tpPort(match, true, t.getTpPort().getPort()));
                case OFActionSetTpDst t -> out.add(tpPort(match, false, t.getTpPort().getPort()));
                case OFActionSetVlanVid v -> {
                    if (untagged(vlanState(match, "set_vlan_vid"))) out.add(new Action.PushVlan(0x8100));
                    out.add(new Action.SetField(Field.VLAN_VID, Field.VID_PRESENT | (v.getVlanVid().getVlan() & 0xfff)));
                }
                case OFActionSetVlanPcp v -> {
                    if (untagged(vlanState(match, "set_vlan_pcp"))) {
                        out.add(new Action.PushVlan(0x8100));
                        out.add(new Action.SetField(Field.VLAN_VID, Field.VID_PRESENT));
                    }
                    out.add(new Action.SetField(Field.VLAN_PCP, v.getVlanPcp().getValue() & 7));
                }
                default -> out.add(action(a));
            }
        }
        return out;
    }

    /** The match's VLAN entry, which must say whether the frame is tagged (else the action's meaning is open). */
    private static FlowMatch.Entry vlanState(FlowMatch match, String action) {
        FlowMatch.Entry e = match.entry(Field.VLAN_VID);
        if (e == null || (e.mask() & Field.VID_PRESENT) == 0) {
            throw error(OfError.BAD_ACTION_BAD_ARGUMENT, action + " needs a match on dl_vlan (a VLAN, or 0xffff for untagged "
                    + "frames): whether a tag is pushed or rewritten is decided when the flow is added");
        }
        return e;
    }

    private static boolean untagged(FlowMatch.Entry vlan) {
        return (vlan.value() & Field.VID_PRESENT) == 0;
    }

    private static Action tpPort(FlowMatch match, boolean src, int port) {
        FlowMatch.Entry proto = match.entry(Field.IP_PROTO);
        long p = proto == null || !proto.exact() ? -1 : proto.value();
        Field f = switch ((int) p) {
            case 6 -> src ? Field.TCP_SRC : Field.TCP_DST;
            case 17 -> src ? Field.UDP_SRC : Field.UDP_DST;
            case 132 -> src ? Field.SCTP_SRC : Field.SCTP_DST;
            default -> throw error(OfError.BAD_ACTION_BAD_ARGUMENT,
                    "set_tp_" + (src ? "src" : "dst") + " needs a match on nw_proto tcp, udp or sctp");
        };
        return new Action.SetField(f, port & 0xffff);
    }

    static Action action(OFAction a) {
        return switch (a) {
            case OFActionOutput o -> new Action.Output(o.getPort().getPortNumber(), o.getMaxLen());
            case OFActionSetField s -> setField(s.getField());
            case OFActionPushVlan p -> new Action.PushVlan(p.getEthertype().getValue());
            case OFActionPopVlan p -> new Action.PopVlan();
            case OFActionPushMpls p -> new Action.PushMpls(p.getEthertype().getValue());
            case OFActionPopMpls p -> new Action.PopMpls(p.getEthertype().getValue());
            case OFActionPushPbb p -> new Action.PushPbb(p.getEthertype().getValue());
            case OFActionPopPbb p -> new Action.PopPbb();
            case OFActionSetMplsTtl t -> new Action.SetMplsTtl(t.getMplsTtl());
            case OFActionDecMplsTtl t -> new Action.DecMplsTtl();
            case OFActionSetNwTtl t -> new Action.SetNwTtl(t.getNwTtl());
            case OFActionDecNwTtl t -> new Action.DecNwTtl();
            case OFActionCopyTtlOut t -> new Action.CopyTtlOut();
            case OFActionCopyTtlIn t -> new Action.CopyTtlIn();
            case OFActionSetQueue q -> new Action.SetQueue((int) q.getQueueId());
            case OFActionGroup g -> new Action.Group(g.getGroup().getGroupNumber());
            // OpenFlow 1.0 field actions, as the set-fields they are
            case OFActionSetDlSrc d -> new Action.SetField(Field.ETH_SRC, d.getDlAddr().getLong());
            case OFActionSetDlDst d -> new Action.SetField(Field.ETH_DST, d.getDlAddr().getLong());
            case OFActionSetNwSrc n -> new Action.SetField(Field.IPV4_SRC, n.getNwAddr().getInt() & 0xffffffffL);
            case OFActionSetNwDst n -> new Action.SetField(Field.IPV4_DST, n.getNwAddr().getInt() & 0xffffffffL);
            case OFActionSetNwTos t -> new Action.SetField(Field.IP_DSCP, (t.getNwTos() & 0xff) >>> 2);
            case OFActionStripVlan v -> new Action.PopVlan();
            default -> throw error(OfError.BAD_ACTION_BAD_TYPE, "unsupported action " + a.getType());
        };
    }

    private static Action setField(OFOxm<?> oxm) {
        ByteBuf buf = Unpooled.buffer();
        oxm.writeTo(buf);
        Field f;
        try {
            f = oxmField(buf);
        } catch (OpenFlowException e) {
            throw error(OfError.BAD_ACTION_BAD_SET_TYPE, e.getMessage());
        }
        if ((buf.getByte(buf.readerIndex() + 2) & 1) != 0) throw error(OfError.BAD_ACTION_BAD_SET_ARGUMENT, "set-field with a mask");
        buf.skipBytes(4);
        if (f.is128()) return new Action.SetField(f, buf.readLong(), buf.readLong());
        long v = readN(buf, f.wireBytes);
        if ((v & ~f.valueMask) != 0) throw error(OfError.BAD_ACTION_BAD_SET_ARGUMENT, f.oxmName() + " value out of range");
        return new Action.SetField(f, v);
    }

    static List<OFAction> actions(List<Action> list, OFFactory f) {
        if (f.getVersion() == OFVersion.OF_10) return actions10(list, f);
        List<OFAction> out = new ArrayList<>(list.size());
        OFActions a = f.actions();
        for (Action x : list) {
            out.add(switch (x) {
                case Action.Output o -> a.output(OFPort.ofInt(o.port()), o.maxLen());
                case Action.SetField s -> a.setField(oxm(f, s.field(), s.value(), s.valueLow(), null));
                case Action.PushVlan p -> a.pushVlan(EthType.of(p.ethType()));
                case Action.PopVlan p -> a.popVlan();
                case Action.PushMpls p -> a.pushMpls(EthType.of(p.ethType()));
                case Action.PopMpls p -> a.popMpls(EthType.of(p.ethType()));
                case Action.PushPbb p -> a.pushPbb(EthType.of(p.ethType()));
                case Action.PopPbb p -> a.popPbb();
                case Action.SetMplsTtl t -> a.setMplsTtl((short) t.ttl());
                case Action.DecMplsTtl t -> a.decMplsTtl();
                case Action.SetNwTtl t -> a.setNwTtl((short) t.ttl());
                case Action.DecNwTtl t -> a.decNwTtl();
                case Action.CopyTtlOut t -> a.copyTtlOut();
                case Action.CopyTtlIn t -> a.copyTtlIn();
                case Action.SetQueue q -> a.setQueue(q.queueId() & 0xffffffffL);
                case Action.Group g -> a.group(OFGroup.of(g.groupId()));
            });
        }
        return out;
    }

    /** Datapath actions → OpenFlow 1.0 (actions 1.0 cannot express are left out of the listing). */
    private static List<OFAction> actions10(List<Action> list, OFFactory f) {
        OFActions a = f.actions();
        List<OFAction> out = new ArrayList<>();
        for (Action x : list) {
            switch (x) {
                case Action.Output o -> out.add(a.output(OFPort.ofInt(o.port()), o.maxLen()));
                case Action.PopVlan p -> out.add(a.stripVlan());
                case Action.SetField s when s.field() == Field.ETH_SRC -> out.add(a.setDlSrc(MacAddress.of(s.value())));
                case Action.SetField s when s.field() == Field.ETH_DST -> out.add(a.setDlDst(MacAddress.of(s.value())));
                case Action.SetField s when s.field() == Field.IPV4_SRC -> out.add(a.setNwSrc(IPv4Address.of((int) s.value())));
                case Action.SetField s when s.field() == Field.IPV4_DST -> out.add(a.setNwDst(IPv4Address.of((int) s.value())));
                case Action.SetField s when s.field() == Field.IP_DSCP -> out.add(a.setNwTos((short) (s.value() << 2)));
                case Action.SetField s when s.field() == Field.TCP_SRC || s.field() == Field.UDP_SRC || s.field() == Field.SCTP_SRC ->
                        out.add(a.setTpSrc(TransportPort.of((int) s.value())));
                case Action.SetField s when s.field() == Field.TCP_DST || s.field() == Field.UDP_DST || s.field() == Field.SCTP_DST ->
                        out.add(a.setTpDst(TransportPort.of((int) s.value())));
                // 1.0's set_vlan_vid/pcp push a tag themselves: the push that spells it here is not listed
                case Action.SetField s when s.field() == Field.VLAN_VID -> out.add(a.setVlanVid(VlanVid.ofVlan((int) s.value() & 0xfff)));
                case Action.SetField s when s.field() == Field.VLAN_PCP -> out.add(a.setVlanPcp(VlanPcp.of((byte) s.value())));
                default -> { }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ instructions

    static List<Instruction> instructions(List<OFInstruction> list) {
        List<Instruction> out = new ArrayList<>(list.size());
        for (OFInstruction i : list) {
            out.add(switch (i) {
                case OFInstructionApplyActions a -> new Instruction.ApplyActions(actions(a.getActions()));
                case OFInstructionWriteActions w -> new Instruction.WriteActions(actions(w.getActions()));
                case OFInstructionClearActions c -> new Instruction.ClearActions();
                case OFInstructionGotoTable g -> new Instruction.GotoTable(g.getTableId().getValue());
                case OFInstructionWriteMetadata m -> new Instruction.WriteMetadata(m.getMetadata().getValue(), m.getMetadataMask().getValue());
                case OFInstructionMeter m -> new Instruction.Meter((int) m.getMeterId());
                default -> throw error(OfError.BAD_INSTRUCTION_UNKNOWN_INST, "unsupported instruction " + i.getType());
            });
        }
        return out;
    }

    static List<OFInstruction> instructions(List<Instruction> list, OFFactory f) {
        OFInstructions ins = f.instructions();
        List<OFInstruction> out = new ArrayList<>(list.size());
        for (Instruction i : list) {
            out.add(switch (i) {
                case Instruction.ApplyActions a -> ins.applyActions(actions(a.actions(), f));
                case Instruction.WriteActions w -> ins.writeActions(actions(w.actions(), f));
                case Instruction.ClearActions c -> ins.clearActions();
                case Instruction.GotoTable g -> ins.gotoTable(TableId.of(g.tableId()));
                case Instruction.WriteMetadata m -> ins.writeMetadata(U64.of(m.metadata()), U64.of(m.mask()));
                case Instruction.Meter m -> ins.meter(m.meterId() & 0xffffffffL);
            });
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ flow-mods

    static FlowMod flowMod(OFFlowMod m) {
        FlowMod.Command cmd = switch (m.getCommand()) {
            case ADD -> FlowMod.Command.ADD;
            case MODIFY -> FlowMod.Command.MODIFY;
            case MODIFY_STRICT -> FlowMod.Command.MODIFY_STRICT;
            case DELETE -> FlowMod.Command.DELETE;
            case DELETE_STRICT -> FlowMod.Command.DELETE_STRICT;
        };
        if (m.getVersion() == OFVersion.OF_10) {
            FlowMatch match = match(m.getMatch());
            List<Action> actions = actionsFrom10(m.getActions(), match);
            FlowMod.Builder b = FlowMod.builder(cmd, match)
                    .priority(m.getPriority())
                    .instructions(actions.isEmpty() ? List.of() : List.of(new Instruction.ApplyActions(actions)))
                    .idleTimeout(m.getIdleTimeout())
                    .hardTimeout(m.getHardTimeout())
                    .flags(flags(m.getFlags()))
                    .outPort(m.getOutPort().getPortNumber());
            // 1.0 has one table and no cookie mask: modify/delete match any cookie
            b.cookie(m.getCookie().getValue(), 0);
            return b.build();
        }
        FlowMod.Builder b = FlowMod.builder(cmd, match(m.getMatch()))
                .table(m.getTableId().getValue())
                .priority(m.getPriority())
                .instructions(instructions(m.getInstructions()))
                .cookie(m.getCookie().getValue(), m.getCookieMask().getValue())
                .idleTimeout(m.getIdleTimeout())
                .hardTimeout(m.getHardTimeout())
                .flags(flags(m.getFlags()))
                .outPort(m.getOutPort().getPortNumber())
                .outGroup(m.getOutGroup().getGroupNumber());
        if (m.getVersion().compareTo(OFVersion.OF_14) >= 0) b.importance(m.getImportance());
        return b.build();
    }

    static int flags(Set<OFFlowModFlags> flags) {
        int bits = 0;
        for (OFFlowModFlags f : flags) {
            bits |= switch (f) {
                case SEND_FLOW_REM -> FlowMod.FLAG_SEND_FLOW_REM;
                case CHECK_OVERLAP -> FlowMod.FLAG_CHECK_OVERLAP;
                case RESET_COUNTS -> FlowMod.FLAG_RESET_COUNTS;
                case NO_PKT_COUNTS -> FlowMod.FLAG_NO_PKT_COUNTS;
                case NO_BYT_COUNTS -> FlowMod.FLAG_NO_BYT_COUNTS;
                default -> throw error(OfError.FLOW_MOD_FAILED_BAD_FLAGS, "unsupported flag " + f);
            };
        }
        return bits;
    }

    static Set<OFFlowModFlags> flags(int bits) {
        Set<OFFlowModFlags> s = EnumSet.noneOf(OFFlowModFlags.class);
        if ((bits & FlowMod.FLAG_SEND_FLOW_REM) != 0) s.add(OFFlowModFlags.SEND_FLOW_REM);
        if ((bits & FlowMod.FLAG_CHECK_OVERLAP) != 0) s.add(OFFlowModFlags.CHECK_OVERLAP);
        if ((bits & FlowMod.FLAG_RESET_COUNTS) != 0) s.add(OFFlowModFlags.RESET_COUNTS);
        if ((bits & FlowMod.FLAG_NO_PKT_COUNTS) != 0) s.add(OFFlowModFlags.NO_PKT_COUNTS);
        if ((bits & FlowMod.FLAG_NO_BYT_COUNTS) != 0) s.add(OFFlowModFlags.NO_BYT_COUNTS);
        return s;
    }
}
