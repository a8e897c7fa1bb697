package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;

/**
 * Cuts the byte stream into OpenFlow messages (the 16-bit length at offset 2 of the 8-byte header) and decodes
 * each with openflowj. Emits {@link Received}: the message, or null when openflowj cannot decode a well-framed
 * message (the handler then answers with an error and the connection stays up). A length below the header size
 * is a broken stream: {@link CorruptedFrameException}, and the handler closes the connection.
 */
final class OfFrameDecoder extends LengthFieldBasedFrameDecoder {
    static final int HEADER = 8;
    /** How much of an offending message an error reply echoes. */
    static final int ECHO_BYTES = 64;
    private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();

    /**
     * One framed message.
     *
     * @param message null when openflowj could not decode it
     * @param head    its first {@link #ECHO_BYTES} bytes (for error replies)
     */
    record Received(OFMessage message, int version, int type, long xid, byte[] head, String parseError) {
    }

    OfFrameDecoder() {
        super(0xffff, 2, 2, -4, 0);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= 4) {
            int len = in.getUnsignedShort(in.readerIndex() + 2);
            if (len < HEADER) throw new CorruptedFrameException("OpenFlow message length " + len + " < 8");
        }
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) return null;
        try {
            int start = frame.readerIndex();
            int version = frame.getUnsignedByte(start), type = frame.getUnsignedByte(start + 1);
            long xid = frame.getUnsignedInt(start + 4);
            byte[] head = ByteBufUtil.getBytes(frame, start, Math.min(ECHO_BYTES, frame.readableBytes()));
            try {
                OFMessage m = READER.readFrom(PbbIsidOxm.toStandIn(frame)); // openflowj lacks PBB_ISID
                return new Received(m, version, type, xid, head, null);
            } catch (OFParseError | RuntimeException e) {
                return new Received(null, version, type, xid, head, String.valueOf(e.getMessage()));
            }
        } finally {
            frame.release();
        }
    }
}
