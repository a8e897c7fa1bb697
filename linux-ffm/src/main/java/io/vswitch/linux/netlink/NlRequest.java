package io.vswitch.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink request: the 16-byte {@code nlmsghdr}, a fixed family header (ifinfomsg,
 * ifaddrmsg, ...) written field by field, then attributes, which may nest.
 *
 * <pre>
 *  0               4       6       8              12             16
 *  +---------------+-------+-------+---------------+---------------+
 *  | nlmsg_len     | type  | flags | seq           | pid           |  nlmsghdr
 *  +---------------+-------+-------+---------------+---------------+
 *  | family header (struct, padded to 4)  | rtattr: len u16, type u16, value, pad to 4 | ...
 * </pre>
 *
 * Host byte order throughout (netlink is native-endian), except the values callers pass as
 * raw bytes (addresses, which are network order already). Lengths are patched when
 * {@link #bytes()} is called and when a nest is {@linkplain #end ended}. The sequence number
 * and the request/ack flags are set by {@code NetlinkSocket} when it sends the message.
 */
public final class NlRequest {
    private byte[] buf = new byte[256];
    private int len;
    private final int type;
    private int headerEnd = -1;

    /** A request of message {@code type} (e.g. {@link Rtnl#RTM_NEWLINK}) with extra {@code flags} (CREATE, EXCL, DUMP...). */
    public NlRequest(int type, int flags) {
        this.type = type;
        len = Rtnl.NLMSG_HDRLEN;
        put16(4, type);
        put16(6, flags);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return get16(6);
    }

    /** Starts the fixed family header of {@code size} bytes (zeroed); fields are set with {@link #header8} etc. */
    public NlRequest header(int size) {
        if (headerEnd >= 0 || len != Rtnl.NLMSG_HDRLEN) {
            throw new IllegalStateException("the family header comes once, right after nlmsghdr");
        }
        ensure(align(size));
        len += align(size);
        headerEnd = Rtnl.NLMSG_HDRLEN + size;
        return this;
    }

    public NlRequest header8(int offset, int value) {
        buf[headerOffset(offset, 1)] = (byte) value;
        return this;
    }

    public NlRequest header16(int offset, int value) {
        put16(headerOffset(offset, 2), value);
        return this;
    }

    public NlRequest header32(int offset, int value) {
        put32(headerOffset(offset, 4), value);
        return this;
    }

    public NlRequest attr(int attrType, byte[] value) {
        int at = begin(attrType, value.length);
        System.arraycopy(value, 0, buf, at + Rtnl.NLA_HDRLEN, value.length);
        return this;
    }

    public NlRequest attr8(int attrType, int value) {
        int at = begin(attrType, 1);
        buf[at + Rtnl.NLA_HDRLEN] = (byte) value;
        return this;
    }

    public NlRequest attr16(int attrType, int value) {
        put16(begin(attrType, 2) + Rtnl.NLA_HDRLEN, value);
        return this;
    }

    public NlRequest attr32(int attrType, int value) {
        put32(begin(attrType, 4) + Rtnl.NLA_HDRLEN, value);
        return this;
    }

    public NlRequest attr64(int attrType, long value) {
        int at = begin(attrType, 8) + Rtnl.NLA_HDRLEN;
        put32(at, (int) value);
        put32(at + 4, (int) (value >>> 32));
        return this;
    }

    /** A NUL-terminated string attribute (IFLA_IFNAME, IFLA_INFO_KIND, TCA_KIND...). */
    public NlRequest attrString(int attrType, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return attr(attrType, Arrays.copyOf(s, s.length + 1));
    }

    /**
     * Opens a nested attribute (NLA_F_NESTED set) and returns a token for {@link #end}. Some
     * kernel parsers (IFLA_LINKINFO's data, VETH_INFO_PEER) reject the flag on old kernels; pass
     * {@code flagNested = false} for those.
     */
    public int nest(int attrType, boolean flagNested) {
        return begin(flagNested ? attrType | Rtnl.NLA_F_NESTED : attrType, 0);
    }

    public int nest(int attrType) {
        return nest(attrType, true);
    }

    /** Closes the nest opened at {@code token}: its length now covers everything added since. */
    public NlRequest end(int token) {
        put16(token, len - token);
        return this;
    }

    /** Raw bytes inside the current nest (VETH_INFO_PEER carries a whole ifinfomsg before its attributes). */
    public NlRequest raw(byte[] bytes) {
        ensure(align(bytes.length));
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += align(bytes.length);
        return this;
    }

    /** The finished message, nlmsg_len set; seq and pid zero until the socket sets them. */
    public byte[] bytes() {
        put32(0, len);
        return Arrays.copyOf(buf, len);
    }

    /** A little-endian view of an unfinished message (tests). */
    ByteBuffer view() {
        return ByteBuffer.wrap(bytes()).order(ByteOrder.nativeOrder());
    }

    private int begin(int attrType, int valueLen) {
        int at = len;
        int total = Rtnl.NLA_HDRLEN + valueLen;
        if (total > 0xffff) {
            throw new IllegalArgumentException("netlink attribute " + attrType + " too long: " + valueLen);
        }
        ensure(align(total));
        put16(at, total);
        put16(at + 2, attrType);
        len += align(total);
        return at;
    }

    private int headerOffset(int offset, int width) {
        int at = Rtnl.NLMSG_HDRLEN + offset;
        if (headerEnd < 0 || at + width > headerEnd) {
            throw new IllegalStateException("field at " + offset + " is outside the family header");
        }
        return at;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    private void put16(int at, int v) {
        // x86_64 only (Libc refuses other architectures): little-endian
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >>> 8);
    }

    private int get16(int at) {
        return (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8;
    }

    private void put32(int at, int v) {
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >>> 8);
        buf[at + 2] = (byte) (v >>> 16);
        buf[at + 3] = (byte) (v >>> 24);
    }
}
