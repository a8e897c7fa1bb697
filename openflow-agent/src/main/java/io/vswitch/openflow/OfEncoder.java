package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * Writes openflowj messages (raw {@link ByteBuf}s, used for error replies, pass through untouched); flow stats,
 * flow-removed and group descriptions get PBB_ISID back from its stand-in ({@link PbbIsidOxm}).
 */
@ChannelHandler.Sharable
final class OfEncoder extends MessageToByteEncoder<OFMessage> {
    static final OfEncoder INSTANCE = new OfEncoder();

    @Override
    protected void encode(ChannelHandlerContext ctx, OFMessage msg, ByteBuf out) {
        int from = out.writerIndex();
        msg.writeTo(out);
        if (msg instanceof OFFlowStatsReply || msg instanceof OFFlowRemoved || msg instanceof OFGroupDescStatsReply) {
            PbbIsidOxm.toWire(out, from);
        }
    }
}
