package io.vswitch.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: its header fields and a view of its payload (the family
 * header, then attributes). Parsing never throws on a short or damaged message: it stops at the
 * first length that does not fit.
 *
 * @param type    nlmsg_type
 * @param flags   nlmsg_flags
 * @param seq     nlmsg_seq
 * @param payload little-endian view of the bytes after nlmsghdr (position 0)
 */
public record NlMessage(int type, int flags, int seq, ByteBuffer payload) {

    /** Splits a datagram of {@code length} bytes from {@code data} into messages (copied). */
    public static List<NlMessage> split(byte[] data, int length) {
        List<NlMessage> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + Rtnl.NLMSG_HDRLEN <= length) {
            int len = b.getInt(at);
            if (len < Rtnl.NLMSG_HDRLEN || at + len > length) {
                break;
            }
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            int flags = Short.toUnsignedInt(b.getShort(at + 6));
            int seq = b.getInt(at + 8);
            ByteBuffer payload = ByteBuffer.wrap(data, at + Rtnl.NLMSG_HDRLEN, len - Rtnl.NLMSG_HDRLEN).slice()
                    .order(ByteOrder.nativeOrder());
            out.add(new NlMessage(type, flags, seq, payload));
            at += NlRequest.align(len);
        }
        return out;
    }

    /** The attributes after a family header of {@code headerSize} bytes. */
    public NlAttrs attrs(int headerSize) {
        return NlAttrs.parse(payload, NlRequest.align(headerSize), payload.limit());
    }

    public int u8(int offset) {
        return Byte.toUnsignedInt(payload.get(offset));
    }

    public int u16(int offset) {
        return Short.toUnsignedInt(payload.getShort(offset));
    }

    public int i32(int offset) {
        return payload.getInt(offset);
    }

    /**
     * For NLMSG_ERROR and NLMSG_DONE: the (negative) errno, 0 for an ack. For NLMSG_DONE the
     * int is present since Linux 4.x; absent means 0.
     */
    public int error() {
        return payload.limit() >= 4 ? payload.getInt(0) : 0;
    }

    /**
     * The kernel's explanation of an NLMSG_ERROR (NETLINK_EXT_ACK's NLMSGERR_ATTR_MSG), or null.
     * With NETLINK_CAP_ACK the echoed request is its header only, so the TLVs start at 4 + 16
     * unless the kernel did not cap it (then after the whole echoed message).
     */
    public String extAckMessage() {
        if ((flags & Rtnl.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int start;
        if (type == Rtnl.NLMSG_DONE) {
            start = 4;
        } else {
            if (payload.limit() < 4 + Rtnl.NLMSG_HDRLEN) {
                return null;
            }
            int echoed = (flags & Rtnl.NLM_F_CAPPED) != 0 ? Rtnl.NLMSG_HDRLEN : payload.getInt(4);
            start = 4 + NlRequest.align(echoed);
        }
        if (start > payload.limit()) {
            return null;
        }
        return NlAttrs.parse(payload, start, payload.limit()).string(Rtnl.NLMSGERR_ATTR_MSG);
    }
}
