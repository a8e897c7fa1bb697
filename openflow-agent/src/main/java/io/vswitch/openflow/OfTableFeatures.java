package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.pipeline.Pipeline;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFTableFeatureProp;
import org.projectfloodlight.openflow.protocol.OFTableFeatures;
import org.projectfloodlight.openflow.protocol.OFTableFeaturesStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.actionid.OFActionId;
import org.projectfloodlight.openflow.protocol.actionid.OFActionIds;
import org.projectfloodlight.openflow.protocol.instructionid.OFInstructionId;
import org.projectfloodlight.openflow.protocol.instructionid.OFInstructionIds;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.U8;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The TABLE_FEATURES multipart reply (read-only: a request carrying features to set is refused by the caller):
 * every table supports every instruction, action and OXM field the datapath has, and may go to any later table.
 * The reply is about 1 KB per table, so 254 tables span several messages flagged REPLY_MORE.
 */
final class OfTableFeatures {
    private static final int MAX_BODY = 60_000;

    private OfTableFeatures() {}

    /**
     * The replies as raw messages. openflowj 3.6 writes OpenFlow 1.5 table-feature properties without their
     * padding to 8 bytes (Open vSwitch then rejects the reply's length), so each entry is assembled here from
     * openflowj's encoding of its fixed part and of each property, padded as the specification says.
     */
    static List<ByteBuf> rawReplies(OFFactory f, long xid, Pipeline pipeline) {
        List<ByteBuf> out = new ArrayList<>();
        for (OFTableFeaturesStatsReply r : replies(f, xid, pipeline)) {
            ByteBuf body = Unpooled.buffer();
            for (OFTableFeatures tf : r.getEntries()) {
                int start = body.writerIndex();
                OFTableFeatures fixed = tf.createBuilder().setProperties(List.of()).build();
                fixed.writeTo(body);
                for (OFTableFeatureProp prop : tf.getProperties()) {
                    int propStart = body.writerIndex();
                    prop.writeTo(body);
                    int len = body.getUnsignedShort(propStart + 2);
                    body.writerIndex(propStart + len); // drop whatever openflowj wrote past the property
                    body.writeZero((8 - len % 8) % 8);
                }
                body.setShort(start, body.writerIndex() - start);
            }
            ByteBuf msg = Unpooled.buffer(16 + body.readableBytes());
            msg.writeByte(f.getVersion().getWireVersion()).writeByte(19 /* OFPT_MULTIPART_REPLY */)
                    .writeShort(16 + body.readableBytes()).writeInt((int) xid)
                    .writeShort(12 /* OFPMP_TABLE_FEATURES */)
                    .writeShort(r.getFlags().contains(OFStatsReplyFlags.REPLY_MORE) ? 1 : 0).writeInt(0)
                    .writeBytes(body);
            out.add(msg);
        }
        return out;
    }

    static List<OFTableFeaturesStatsReply> replies(OFFactory f, long xid, Pipeline pipeline) {
        OFInstructionIds ii = f.instructionIds();
        List<OFInstructionId> instructions = new ArrayList<>(List.of(ii.gotoTable(), ii.writeMetadata(), ii.writeActions(),
                ii.applyActions(), ii.clearActions()));
        if (f.getVersion().compareTo(OFVersion.OF_15) < 0) instructions.add(ii.meter()); // 1.5: meter is an action
        OFActionIds ai = f.actionIds();
        List<OFActionId> actions = List.of(ai.output(), ai.copyTtlOut(), ai.copyTtlIn(), ai.setMplsTtl(), ai.decMplsTtl(),
                ai.pushVlan(), ai.popVlan(), ai.pushMpls(), ai.popMpls(), ai.setQueue(), ai.group(), ai.setNwTtl(),
                ai.decNwTtl(), ai.setField(), ai.pushPbb(), ai.popPbb());
        List<U32> match = new ArrayList<>(), plain = new ArrayList<>();
        for (Field field : Field.values()) {
            if (!field.isOxm()) continue;
            int header = 0x8000 << 16 | field.oxmField << 9;
            plain.add(U32.of(header | field.wireBytes));
            match.add(U32.of(field.maskable ? header | 0x100 | 2 * field.wireBytes : header | field.wireBytes));
        }
        List<OFTableFeaturesStatsReply> out = new ArrayList<>();
        List<OFTableFeatures> chunk = new ArrayList<>();
        ByteBuf scratch = Unpooled.buffer();
        int size = 0;
        int n = pipeline.tableCount();
        for (int t = 0; t < n; t++) {
            List<U8> next = new ArrayList<>();
            for (int u = t + 1; u < n; u++) next.add(U8.of((short) u));
            List<OFTableFeatureProp> props = new ArrayList<>(List.of(
                    f.buildTableFeaturePropInstructions().setInstructionIds(instructions).build(),
                    f.buildTableFeaturePropNextTables().setNextTableIds(next).build(),
                    f.buildTableFeaturePropWriteActions().setActionIds(actions).build(),
                    f.buildTableFeaturePropApplyActions().setActionIds(actions).build(),
                    f.buildTableFeaturePropMatch().setOxmIds(match).build(),
                    f.buildTableFeaturePropWildcards().setOxmIds(plain).build(),
                    f.buildTableFeaturePropWriteSetfield().setOxmIds(plain).build(),
                    f.buildTableFeaturePropApplySetfield().setOxmIds(plain).build()));
            OFTableFeatures.Builder b = f.buildTableFeatures().setTableId(TableId.of(t)).setName("table" + t)
                    .setMetadataMatch(U64.NO_MASK).setMetadataWrite(U64.NO_MASK)
                    .setMaxEntries(pipeline.table(t).maxEntries()).setProperties(props);
            if (f.getVersion().compareTo(OFVersion.OF_15) < 0) {
                b.setConfig(0);
            } else {
                b.setCommand(org.projectfloodlight.openflow.protocol.OFTableFeaturesCommand.REPLACE)
                        .setFeatures(EnumSet.noneOf(org.projectfloodlight.openflow.protocol.OFTableFeatureFlag.class))
                        .setCapabilities(EnumSet.noneOf(org.projectfloodlight.openflow.protocol.OFTableConfig.class));
            }
            OFTableFeatures tf = b.build();
            scratch.clear();
            tf.writeTo(scratch);
            if (size + scratch.readableBytes() > MAX_BODY && !chunk.isEmpty()) {
                out.add(f.buildTableFeaturesStatsReply().setXid(xid).setFlags(EnumSet.of(OFStatsReplyFlags.REPLY_MORE)).setEntries(chunk).build());
                chunk = new ArrayList<>();
                size = 0;
            }
            chunk.add(tf);
            size += scratch.readableBytes();
        }
        out.add(f.buildTableFeaturesStatsReply().setXid(xid).setEntries(chunk).build());
        return out;
    }
}
