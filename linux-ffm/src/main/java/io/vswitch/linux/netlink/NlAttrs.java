package io.vswitch.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The attributes of one level of a netlink message, indexed by type (the NLA_F_NESTED and
 * byte-order flags masked off). A later duplicate replaces an earlier one. Absent attributes read
 * as null / the caller's default.
 */
public final class NlAttrs {
    private static final int TYPE_MASK = 0x3fff;
    private static final NlAttrs EMPTY = new NlAttrs(null, new int[0], new int[0]);

    private final ByteBuffer buf;
    /** Value offset and length per type, -1 when absent; sized to the largest type seen. */
    private final int[] offset;
    private final int[] length;

    private NlAttrs(ByteBuffer buf, int[] offset, int[] length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
    }

    /** Parses the attributes in {@code buf[from, to)}. */
    public static NlAttrs parse(ByteBuffer buf, int from, int to) {
        int max = -1;
        for (int at = from; at + Rtnl.NLA_HDRLEN <= to; ) {
            int len = Short.toUnsignedInt(buf.getShort(at));
            if (len < Rtnl.NLA_HDRLEN || at + len > to) {
                break;
            }
            max = Math.max(max, Short.toUnsignedInt(buf.getShort(at + 2)) & TYPE_MASK);
            at += NlRequest.align(len);
        }
        if (max < 0) {
            return EMPTY;
        }
        int[] off = new int[max + 1];
        int[] lens = new int[max + 1];
        java.util.Arrays.fill(off, -1);
        for (int at = from; at + Rtnl.NLA_HDRLEN <= to; ) {
            int len = Short.toUnsignedInt(buf.getShort(at));
            if (len < Rtnl.NLA_HDRLEN || at + len > to) {
                break;
            }
            int type = Short.toUnsignedInt(buf.getShort(at + 2)) & TYPE_MASK;
            off[type] = at + Rtnl.NLA_HDRLEN;
            lens[type] = len - Rtnl.NLA_HDRLEN;
            at += NlRequest.align(len);
        }
        return new NlAttrs(buf, off, lens);
    }

    public boolean has(int type) {
        return type < offset.length && offset[type] >= 0;
    }

    public byte[] bytes(int type) {
        if (!has(type)) {
            return null;
        }
        byte[] b = new byte[length[type]];
        buf.get(offset[type], b);
        return b;
    }

    /** A NUL-terminated string attribute without its NUL, or null. */
    public String string(int type) {
        byte[] b = bytes(type);
        if (b == null) {
            return null;
        }
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public int u8(int type, int absent) {
        return has(type) && length[type] >= 1 ? Byte.toUnsignedInt(buf.get(offset[type])) : absent;
    }

    public int u32(int type, int absent) {
        return has(type) && length[type] >= 4 ? buf.getInt(offset[type]) : absent;
    }

    public long u64(int type, long absent) {
        return has(type) && length[type] >= 8 ? buf.getLong(offset[type]) : absent;
    }

    /** The attributes nested in {@code type} (empty when absent). */
    public NlAttrs nested(int type) {
        if (!has(type)) {
            return EMPTY;
        }
        return parse(buf.duplicate().order(ByteOrder.nativeOrder()), offset[type], offset[type] + length[type]);
    }
}
