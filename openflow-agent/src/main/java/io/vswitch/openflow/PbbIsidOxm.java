package io.vswitch.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;

/**
 * PBB_ISID through openflowj, which does not know that OXM field (basic class, field 37, a 3-byte value): it
 * cannot decode a message that carries one, nor encode one. Inside the agent the field travels as a stand-in
 * openflowj does know, a 4-byte OXM of another class ({@link #STANDIN}, BSN's udf7, which the datapath does not
 * support, so no controller's flow can mean it); on the wire it is always PBB_ISID.
 *
 * <ul>
 *   <li>{@link #toStandIn} rewrites a received frame before openflowj reads it: the match of a flow-mod, a flow
 *       or aggregate stats request, and the set-field actions of a flow-mod's instructions or a group-mod's
 *       buckets.</li>
 *   <li>{@link #toWire} rewrites what openflowj wrote: flow-removed, the entries of a flow stats reply and the
 *       buckets of a group desc reply.</li>
 *   <li>{@link OfConvert} reads the stand-in as {@code Field.PBB_ISID} and writes that field as the stand-in.</li>
 * </ul>
 * Only OpenFlow 1.3 and 1.4 (1.0 has no OXM; 1.5 flow stats use OXS). A match changes length (7 or 10 bytes of
 * OXM become 8 or 12), so the enclosing structure is rebuilt; a set-field action keeps its padded length of 16
 * and is rewritten in place. A message without the field costs one scan of its bytes.
 */
final class PbbIsidOxm {
    /** OXM headers (class, field, hasmask, length) of PBB_ISID on the wire. */
    static final int WIRE = 0x8000_4a03, WIRE_MASKED = 0x8000_4b06;
    /** OXM headers of the stand-in inside the agent (openflowj's OFOxmBsnUdf7 / OFOxmBsnUdf7Masked). */
    static final int STANDIN = 0x0003_1e04, STANDIN_MASKED = 0x0003_1f08;

    private static final int FLOW_REMOVED = 11, FLOW_MOD = 14, MULTIPART_REQUEST = 18, MULTIPART_REPLY = 19;
    private static final int GROUP_MOD = 15, MP_FLOW = 1, MP_AGGREGATE = 2, MP_GROUP_DESC = 7;
    /** Sizes of a group-mod's fixed part, a group desc entry's and a bucket's (before their actions). */
    private static final int GROUP_MOD_HEADER = 16, GROUP_DESC_HEADER = 8, BUCKET_HEADER = 16;
    /** Offset of the match in a flow-mod, a flow/aggregate stats request, a flow-removed and a flow stats entry. */
    private static final int MATCH_AT = 48;
    private static final int MP_HEADER = 16, OFPMT_OXM = 1, WRITE_ACTIONS = 3, APPLY_ACTIONS = 4, SET_FIELD = 25;

    private PbbIsidOxm() {}

    /** A received frame with PBB_ISID as the stand-in: {@code frame} itself when it has none. */
    static ByteBuf toStandIn(ByteBuf frame) {
        if (!mayHold(frame, frame.readerIndex(), frame.writerIndex(), false)) return frame; // no copy, the usual case
        byte[] out = convert(bytes(frame), false);
        return out == null ? frame : Unpooled.wrappedBuffer(out);
    }

    /** Rewrites the message openflowj wrote at {@code from..out.writerIndex()} with the stand-in as PBB_ISID. */
    static void toWire(ByteBuf out, int from) {
        if (!mayHold(out, from, out.writerIndex(), true)) return;
        byte[] msg = new byte[out.writerIndex() - from];
        out.getBytes(from, msg);
        byte[] converted = convert(msg, true);
        if (converted == null) return;
        out.writerIndex(from);
        out.writeBytes(converted);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), a);
        return a;
    }

    /** The converted message, or null when it holds nothing to convert. */
    static byte[] convert(byte[] msg, boolean toWire) {
        if (msg.length < MP_HEADER || (msg[0] != 4 && msg[0] != 5)) return null;
        int type = msg[1] & 0xff, mpType = u16(msg, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(msg.length + 16);
        if (!toWire && (type == FLOW_MOD || type == MULTIPART_REQUEST && (mpType == MP_FLOW || mpType == MP_AGGREGATE))) {
            structure(msg, 0, msg.length, type == FLOW_MOD, false, out);
        } else if (toWire && type == FLOW_REMOVED) {
            structure(msg, 0, msg.length, false, true, out);
        } else if (toWire && type == MULTIPART_REPLY && mpType == MP_FLOW) {
            out.write(msg, 0, MP_HEADER);
            for (int at = MP_HEADER; at + 4 <= msg.length; ) {
                int len = u16(msg, at);
                if (len < MATCH_AT + 4 || at + len > msg.length) return null; // not ours to repair
                ByteArrayOutputStream entry = new ByteArrayOutputStream(len + 8);
                structure(msg, at, at + len, true, true, entry);
                byte[] converted = entry.toByteArray();
                put16(converted, 0, converted.length); // the entry's length
                out.write(converted, 0, converted.length);
                at += len;
            }
        } else {
            return buckets(msg, toWire);
        }
        byte[] result = out.toByteArray();
        put16(result, 2, result.length);
        return result;
    }

    /**
     * True if the OpenFlow 1.3/1.4 message in {@code b} from {@code from} to {@code to} may hold the OXM header to
     * convert (a cheap scan; false positives are harmless).
     */
    private static boolean mayHold(ByteBuf b, int from, int to, boolean toWire) {
        if (to - from < MP_HEADER || (b.getByte(from) != 4 && b.getByte(from) != 5)) return false;
        int x = toWire ? STANDIN : WIRE, y = toWire ? STANDIN_MASKED : WIRE_MASKED;
        byte first = (byte) (x >>> 24); // both headers start with their class's high byte: test it before reading 4
        for (int i = from + 8; i + 4 <= to; i++) {
            if (b.getByte(i) != first) continue;
            int h = b.getInt(i);
            if (h == x || h == y) return true;
        }
        return false;
    }

    /**
     * Copies the structure {@code [s, e)} (its match at {@code s + MATCH_AT}, then instructions if
     * {@code instructions}) to {@code out} with its match converted and its set-field actions converted in place.
     */
    private static void structure(byte[] msg, int s, int e, boolean instructions, boolean toWire, ByteArrayOutputStream out) {
        if (e - s < MATCH_AT + 4) {
            out.write(msg, s, e - s);
            return;
        }
        out.write(msg, s, MATCH_AT);
        int m = s + MATCH_AT, matchLen = u16(msg, m + 2), padded = (matchLen + 7) & ~7;
        if (u16(msg, m) != OFPMT_OXM || matchLen < 4 || m + padded > e) {
            out.write(msg, m, e - m);
            return;
        }
        byte[] converted = match(msg, m, m + matchLen, toWire);
        out.write(converted, 0, converted.length);
        byte[] rest = java.util.Arrays.copyOfRange(msg, m + padded, e);
        if (instructions) setFields(rest, toWire);
        out.write(rest, 0, rest.length);
    }

    /** The match {@code [m, end)} converted, padded to 8 bytes. */
    private static byte[] match(byte[] msg, int m, int end, boolean toWire) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(end - m + 8);
        o.write(msg, m, 4);
        for (int at = m + 4; at + 4 <= end; ) {
            int h = u32(msg, at), len = h & 0xff;
            if (at + 4 + len > end) len = end - at - 4;
            if (h == (toWire ? STANDIN : WIRE) || h == (toWire ? STANDIN_MASKED : WIRE_MASKED)) {
                boolean masked = h == (toWire ? STANDIN_MASKED : WIRE_MASKED);
                writeInt(o, toWire ? (masked ? WIRE_MASKED : WIRE) : (masked ? STANDIN_MASKED : STANDIN));
                for (int part = 0; part < (masked ? 2 : 1); part++) {
                    int v = at + 4 + part * (toWire ? 4 : 3);
                    if (toWire) o.write(msg, v + 1, 3);
                    else { o.write(0); o.write(msg, v, 3); }
                }
            } else {
                o.write(msg, at, 4 + len);
            }
            at += 4 + len;
        }
        byte[] r = o.toByteArray();
        put16(r, 2, r.length);
        return java.util.Arrays.copyOf(r, (r.length + 7) & ~7);
    }

    /** Converts, in place, the OXM of every set-field action in the instructions {@code b}. */
    private static void setFields(byte[] b, boolean toWire) {
        for (int i = 0; i + 8 <= b.length; ) {
            int type = u16(b, i), len = u16(b, i + 2);
            if (len < 8 || i + len > b.length) return;
            if (type == WRITE_ACTIONS || type == APPLY_ACTIONS) actions(b, i + 8, i + len, toWire);
            i += len;
        }
    }

    /**
     * Converts, in place, the set-field actions in the buckets of a group-mod or of the group desc entries of a
     * multipart reply ({@code msg} from {@code at} to its end): a set-field keeps its length, so nothing moves.
     */
    private static byte[] buckets(byte[] msg, boolean toWire) {
        int type = msg[1] & 0xff;
        byte[] b = msg.clone();
        if (!toWire && type == GROUP_MOD) {
            bucketList(b, GROUP_MOD_HEADER, b.length, toWire);
        } else if (toWire && type == MULTIPART_REPLY && u16(b, 8) == MP_GROUP_DESC) {
            for (int at = MP_HEADER; at + GROUP_DESC_HEADER <= b.length; ) {
                int len = u16(b, at);
                if (len < GROUP_DESC_HEADER || at + len > b.length) break;
                bucketList(b, at + GROUP_DESC_HEADER, at + len, toWire);
                at += len;
            }
        } else {
            return null;
        }
        return b;
    }

    private static void bucketList(byte[] b, int from, int to, boolean toWire) {
        for (int at = from; at + BUCKET_HEADER <= to; ) {
            int len = u16(b, at);
            if (len < BUCKET_HEADER || at + len > to) return;
            actions(b, at + BUCKET_HEADER, at + len, toWire);
            at += len;
        }
    }

    /** Converts, in place, the OXM of every set-field action in the action list {@code [from, to)}. */
    private static void actions(byte[] b, int from, int to, boolean toWire) {
        for (int a = from; a + 4 <= to; ) {
            int alen = u16(b, a + 2);
            if (alen < 4 || a + alen > to) return;
            if (u16(b, a) == SET_FIELD && alen >= 16 && u32(b, a + 4) == (toWire ? STANDIN : WIRE)) {
                if (toWire) {
                    put32(b, a + 4, WIRE);
                    System.arraycopy(b, a + 9, b, a + 8, 3);
                    b[a + 11] = 0;
                } else {
                    put32(b, a + 4, STANDIN);
                    System.arraycopy(b, a + 8, b, a + 9, 3);
                    b[a + 8] = 0;
                }
            }
            a += alen;
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    private static void writeInt(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24);
        o.write(v >>> 16);
        o.write(v >>> 8);
        o.write(v);
    }
}
