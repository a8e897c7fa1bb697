package io.vswitch.datapath.ofctl;

import static io.vswitch.datapath.flow.Field.*;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.Prerequisite;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of match field names: every name and alias ovs-ofctl users write ({@code dl_src}, {@code eth_src},
 * {@code nw_tos}, {@code tp_dst}, ...), the {@link Field} each one means, and how its value is written
 * ({@link Kind}). Also the name each field is printed under, in dump-flows order.
 *
 * <p>Four names are protocol-dependent ({@code tp_src}, {@code tp_dst}, {@code icmp_type}, {@code icmp_code}):
 * they have candidates instead of a field and are {@linkplain #resolve resolved} once the whole match is read,
 * against its eth_type and ip_proto, as Open vSwitch does. Every {@link Field} is also reachable under its OXM
 * name ({@link Field#oxmName()}), so nothing the datapath can match is unreachable from the text syntax.
 */
final class MatchFields {
    /** How a value is written. */
    enum Kind {
        /** Unsigned decimal or 0x hex, printed in decimal. */ DEC,
        /** Unsigned decimal or 0x hex, printed in hex. */ HEX,
        /** Port number or reserved port name (LOCAL, CONTROLLER, ...). */ PORT,
        MAC, IPV4, IPV6,
        /** The IPv4 TOS byte: DSCP in the high 6 bits, ECN bits must be 0. Stored as DSCP. */ NW_TOS,
        /** no | yes | first | later | not_later, or numeric value/mask. */ NW_FRAG,
        /** +syn-ack (masked), syn|ack (exact), or numeric. */ TCP_FLAGS,
        /** OpenFlow 1.0 VID: 0-4095 means "tagged with this VID", 0xffff means "no tag". */ DL_VLAN,
        /** OpenFlow 1.3 vlan_vid: 13 bits including OFPVID_PRESENT (0x1000). */ VLAN_VID
    }

    /** Where a value is being parsed: a match may carry masks, a packet key and a set_field may not. */
    enum Mode { MATCH, KEY, SET_FIELD }

    /** A name of the syntax. {@code field} is null for protocol-dependent names, which have candidates. */
    record Syntax(String name, Kind kind, Field field, List<Field> candidates, String needs) {
        boolean symbolic() {
            return field == null;
        }

        /** The field whose width bounds the value (the first candidate of a symbolic name: all share a width). */
        Field widthField() {
            return field != null ? field : candidates.getFirst();
        }
    }

    /** A parsed value; 128-bit fields use the Low words. The value is already ANDed with the mask. */
    record Value(long value, long mask, long valueLow, long maskLow) {
        static Value exact(Field f, long v) {
            return new Value(v, f.valueMask, 0, 0);
        }
    }

    private static final Map<String, Syntax> BY_NAME = new HashMap<>();
    private static final Map<Field, Syntax> DISPLAY = new EnumMap<>(Field.class);
    private static final List<Field> ORDER = new ArrayList<>();

    static {
        row("in_port", Kind.PORT, IN_PORT);
        row("in_phy_port", Kind.PORT, IN_PHY_PORT);
        row("metadata", Kind.HEX, METADATA);
        row("tun_id", Kind.HEX, TUNNEL_ID, "tunnel_id");
        row("dl_vlan", Kind.DL_VLAN, VLAN_VID);
        row("vlan_vid", Kind.VLAN_VID, VLAN_VID);
        row("dl_vlan_pcp", Kind.DEC, VLAN_PCP, "vlan_pcp");
        row("vlan_tci", Kind.HEX, VLAN_TCI);
        row("cvlan_tci", Kind.HEX, CVLAN_TCI);
        row("dl_src", Kind.MAC, ETH_SRC, "eth_src");
        row("dl_dst", Kind.MAC, ETH_DST, "eth_dst");
        row("dl_type", Kind.HEX, ETH_TYPE, "eth_type");
        row("nw_src", Kind.IPV4, IPV4_SRC, "ip_src");
        row("nw_dst", Kind.IPV4, IPV4_DST, "ip_dst");
        row("ipv6_src", Kind.IPV6, IPV6_SRC);
        row("ipv6_dst", Kind.IPV6, IPV6_DST);
        row("ipv6_label", Kind.HEX, IPV6_FLABEL);
        row("nw_proto", Kind.DEC, IP_PROTO, "ip_proto");
        row("nw_tos", Kind.NW_TOS, IP_DSCP);
        row("ip_dscp", Kind.DEC, IP_DSCP);
        row("nw_ecn", Kind.DEC, IP_ECN, "ip_ecn");
        row("nw_ttl", Kind.DEC, NW_TTL);
        row("nw_frag", Kind.NW_FRAG, NW_FRAG, "ip_frag");
        row("ipv6_exthdr", Kind.HEX, IPV6_EXTHDR);
        row("arp_op", Kind.DEC, ARP_OP);
        row("arp_spa", Kind.IPV4, ARP_SPA);
        row("arp_tpa", Kind.IPV4, ARP_TPA);
        row("arp_sha", Kind.MAC, ARP_SHA);
        row("arp_tha", Kind.MAC, ARP_THA);
        symbolic("tp_src", "add tcp, udp or sctp", TCP_SRC, UDP_SRC, SCTP_SRC);
        symbolic("tp_dst", "add tcp, udp or sctp", TCP_DST, UDP_DST, SCTP_DST);
        row("tcp_src", Kind.DEC, TCP_SRC);
        row("tcp_dst", Kind.DEC, TCP_DST);
        row("udp_src", Kind.DEC, UDP_SRC);
        row("udp_dst", Kind.DEC, UDP_DST);
        row("sctp_src", Kind.DEC, SCTP_SRC);
        row("sctp_dst", Kind.DEC, SCTP_DST);
        row("tcp_flags", Kind.TCP_FLAGS, TCP_FLAGS);
        symbolic("icmp_type", "add icmp or icmp6", ICMPV4_TYPE, ICMPV6_TYPE);
        symbolic("icmp_code", "add icmp or icmp6", ICMPV4_CODE, ICMPV6_CODE);
        row("icmpv4_type", Kind.DEC, ICMPV4_TYPE);
        row("icmpv4_code", Kind.DEC, ICMPV4_CODE);
        row("icmpv6_type", Kind.DEC, ICMPV6_TYPE);
        row("icmpv6_code", Kind.DEC, ICMPV6_CODE);
        row("nd_target", Kind.IPV6, IPV6_ND_TARGET);
        row("nd_sll", Kind.MAC, IPV6_ND_SLL);
        row("nd_tll", Kind.MAC, IPV6_ND_TLL);
        row("mpls_label", Kind.DEC, MPLS_LABEL);
        row("mpls_tc", Kind.DEC, MPLS_TC);
        row("mpls_bos", Kind.DEC, MPLS_BOS);
        row("mpls_ttl", Kind.DEC, MPLS_TTL);
        row("pbb_isid", Kind.DEC, PBB_ISID);
        row("pbb_uca", Kind.DEC, PBB_UCA);
        for (Field f : Field.values()) { // every field also answers to its OXM name (ipv4_src, ipv6_nd_target, ...)
            Syntax s = DISPLAY.get(f);
            if (s == null) throw new ExceptionInInitializerError("no text name for field " + f);
            BY_NAME.putIfAbsent(f.oxmName(), new Syntax(f.oxmName(), s.kind(), f, List.of(), null));
        }
    }

    private static void row(String name, Kind kind, Field field, String... aliases) {
        Syntax s = new Syntax(name, kind, field, List.of(), null);
        BY_NAME.put(name, s);
        for (String a : aliases) BY_NAME.put(a, new Syntax(a, kind, field, List.of(), null));
        if (!DISPLAY.containsKey(field)) {
            DISPLAY.put(field, s);
            ORDER.add(field);
        }
    }

    private static void symbolic(String name, String needs, Field... candidates) {
        Syntax s = new Syntax(name, Kind.DEC, null, List.of(candidates), needs);
        BY_NAME.put(name, s);
        for (Field f : candidates) {
            DISPLAY.put(f, s);
            ORDER.add(f);
        }
    }

    private MatchFields() {}

    /** The syntax for a name or alias, or null. */
    static Syntax byName(String name) {
        return BY_NAME.get(name);
    }

    /** All accepted names (for tests). */
    static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The name a field is printed under in a match, and how its value is written. */
    static Syntax display(Field f) {
        return DISPLAY.get(f);
    }

    /** Every field, in the order dump-flows prints them. */
    static List<Field> displayOrder() {
        return Collections.unmodifiableList(ORDER);
    }

    /** The candidate of a protocol-dependent name that fits this eth_type and ip_proto, or null. */
    static Field resolve(Syntax s, long ethType, long ipProto) {
        for (Field c : s.candidates()) {
            Prerequisite p = c.prerequisites();
            if (p.ipProto() == ipProto && contains(p.ethTypes(), ethType)) return c;
        }
        return null;
    }

    private static boolean contains(int[] values, long v) {
        for (int x : values) if (x == v) return true;
        return false;
    }

    // ---------------------------------------------------------------------------------------------- parsing

    /**
     * Parses the value of {@code f} written as {@code s}'s kind. {@code what} is the name the user typed.
     * In {@link Mode#MATCH} a "/mask" may follow; the result's value is ANDed with the mask, as ovs-ofctl does.
     */
    static Value parse(Syntax s, Field f, String text, int column, String what, Mode mode) {
        if (text == null || text.isEmpty()) throw new FlowSyntaxException(column, "missing value for " + what);
        switch (s.kind()) {
            case NW_FRAG -> { return nwFrag(text, column, what); }
            case TCP_FLAGS -> {
                char c0 = text.charAt(0);
                if (c0 == '+' || c0 == '-') {
                    if (mode != Mode.MATCH) throw new FlowSyntaxException(column, what + "=" + text + " is a mask: only a match may use the +flag-flag form");
                    return tcpFlagsMasked(text, column, what);
                }
            }
            case DL_VLAN -> {
                if (text.indexOf('/') >= 0) throw new FlowSyntaxException(column, what + " takes no mask: use vlan_tci=VALUE/MASK");
                long v = Values.number(text, column, 0xffff, what);
                if (v == 0xffff) return Value.exact(f, 0);
                if (v > 0xfff) throw Values.notValid(text, column, what + " (0-4095, or 0xffff for no VLAN)");
                return Value.exact(f, VID_PRESENT | v);
            }
            default -> { }
        }
        int slash = text.indexOf('/');
        if (slash >= 0 && mode != Mode.MATCH) {
            throw new FlowSyntaxException(column + slash, (mode == Mode.KEY ? "a packet has no masks: " : "set_field takes no mask: ")
                    + "write " + what + "=" + text.substring(0, slash));
        }
        String vText = slash >= 0 ? text.substring(0, slash) : text;
        if (vText.isEmpty()) throw new FlowSyntaxException(column, "missing value for " + what);
        if (f.is128()) {
            long[] v = Values.ipv6(vText, column, what);
            if (slash < 0) return new Value(v[0], -1L, v[1], -1L);
            String mText = text.substring(slash + 1);
            long[] m;
            if (!mText.isEmpty() && mText.chars().allMatch(Character::isDigit)) {
                int prefix = (int) Values.number(mText, column + slash + 1, 128, what + " prefix length");
                m = new long[] {Values.prefixMask(Math.min(prefix, 64), 64), Values.prefixMask(Math.max(prefix - 64, 0), 64)};
            } else {
                m = Values.ipv6(mText, column + slash + 1, what + " mask");
            }
            return new Value(v[0] & m[0], m[0], v[1] & m[1], m[1]);
        }
        long v = single(s.kind(), f, vText, column, what);
        if (slash < 0) {
            if (s.kind() == Kind.VLAN_VID && v != 0 && (v & VID_PRESENT) == 0) {
                if (mode == Mode.MATCH) {
                    throw new FlowSyntaxException(column, "vlan_vid=" + text + " lacks the present bit 0x1000, so no tagged"
                            + " packet would match: write vlan_vid=" + Values.hex(v | VID_PRESENT) + " or dl_vlan=" + v);
                }
                v |= VID_PRESENT;
            }
            return Value.exact(f, v);
        }
        String mText = text.substring(slash + 1);
        int mColumn = column + slash + 1;
        if (mText.isEmpty()) throw new FlowSyntaxException(mColumn, "missing mask after '/' in " + what);
        long m;
        if (s.kind() == Kind.IPV4 && mText.indexOf('.') < 0) {
            m = Values.prefixMask((int) Values.number(mText, mColumn, 32, what + " prefix length"), 32);
        } else {
            m = single(s.kind() == Kind.PORT ? Kind.HEX : s.kind(), f, mText, mColumn, what + " mask");
        }
        return new Value(v & m, m, 0, 0);
    }

    private static long single(Kind kind, Field f, String text, int column, String what) {
        return switch (kind) {
            case MAC -> Values.mac(text, column, what);
            case IPV4 -> Values.ipv4(text, column, what);
            case PORT -> port(text, column, what) & 0xffffffffL;
            case NW_TOS -> {
                long tos = Values.number(text, column, 255, what);
                if ((tos & 3) != 0) {
                    throw new FlowSyntaxException(column, "'" + text + "' is not a valid " + what
                            + ": its low 2 bits (ECN) must be 0; use nw_ecn for those");
                }
                yield tos >> 2;
            }
            case TCP_FLAGS -> Character.isDigit(text.charAt(0)) ? Values.number(text, column, f.valueMask, what)
                    : tcpFlagNames(text, column, what);
            default -> Values.number(text, column, f.valueMask, what);
        };
    }

    /** A port number or reserved name, case-insensitive (in_port, local, controller, normal, ...). */
    static int port(String text, int column, String what) {
        return switch (Values.lower(text)) {
            case "in_port" -> OfPort.IN_PORT;
            case "table" -> OfPort.TABLE;
            case "normal" -> OfPort.NORMAL;
            case "flood" -> OfPort.FLOOD;
            case "all" -> OfPort.ALL;
            case "controller" -> OfPort.CONTROLLER;
            case "local" -> OfPort.LOCAL;
            case "any", "none" -> OfPort.ANY;
            default -> {
                if (text.isEmpty() || !Character.isDigit(text.charAt(0))) {
                    throw new FlowSyntaxException(column, "'" + text + "' is not a valid " + what
                            + " (a port number or LOCAL, CONTROLLER, IN_PORT, NORMAL, FLOOD, ALL, TABLE, ANY)");
                }
                yield (int) Values.number(text, column, 0xffffffffL, what);
            }
        };
    }

    // nw_frag: FlowKey.FRAG_ANY (1) = any fragment, FRAG_LATER (2) = not the first fragment.
    private static final String[] FRAG_NAMES = {"no", "yes", "first", "later", "not_later"};
    private static final long[][] FRAG_VALUES = {{0, 1}, {1, 1}, {1, 3}, {3, 3}, {0, 2}};

    private static Value nwFrag(String text, int column, String what) {
        for (int i = 0; i < FRAG_NAMES.length; i++) {
            if (FRAG_NAMES[i].equals(text)) return new Value(FRAG_VALUES[i][0], FRAG_VALUES[i][1], 0, 0);
        }
        if (!Character.isDigit(text.charAt(0))) {
            throw new FlowSyntaxException(column, "'" + text + "' is not a valid " + what + " (no, yes, first, later or not_later)");
        }
        int slash = text.indexOf('/');
        long v = Values.number(slash < 0 ? text : text.substring(0, slash), column, NW_FRAG.valueMask, what);
        long m = slash < 0 ? NW_FRAG.valueMask : Values.number(text.substring(slash + 1), column + slash + 1, NW_FRAG.valueMask, what + " mask");
        return new Value(v & m, m, 0, 0);
    }

    /** The nw_frag name of a value/mask pair, or null. */
    static String nwFragName(long v, long m) {
        for (int i = 0; i < FRAG_NAMES.length; i++) {
            if (FRAG_VALUES[i][0] == v && FRAG_VALUES[i][1] == m) return FRAG_NAMES[i];
        }
        return null;
    }

    static final String[] TCP_FLAG_NAMES = {"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"};

    private static int tcpFlagBit(String name, int column, String what) {
        for (int i = 0; i < TCP_FLAG_NAMES.length; i++) if (TCP_FLAG_NAMES[i].equals(name)) return 1 << i;
        throw new FlowSyntaxException(column, "unknown TCP flag '" + name + "' in " + what + " (fin, syn, rst, psh, ack, urg, ece, cwr, ns)");
    }

    private static long tcpFlagNames(String text, int column, String what) {
        long v = 0;
        int at = 0;
        for (String name : text.split("\\|", -1)) {
            v |= tcpFlagBit(name, column + at, what);
            at += name.length() + 1;
        }
        return v;
    }

    private static Value tcpFlagsMasked(String text, int column, String what) {
        long v = 0, m = 0;
        int i = 0;
        while (i < text.length()) {
            char sign = text.charAt(i);
            if (sign != '+' && sign != '-') throw new FlowSyntaxException(column + i, "expected '+' or '-' before a TCP flag in " + what);
            int start = ++i;
            while (i < text.length() && text.charAt(i) != '+' && text.charAt(i) != '-') i++;
            int bit = tcpFlagBit(text.substring(start, i), column + start, what);
            if ((m & bit) != 0) throw new FlowSyntaxException(column + start, "TCP flag '" + text.substring(start, i) + "' given twice in " + what);
            m |= bit;
            if (sign == '+') v |= bit;
        }
        return new Value(v, m, 0, 0);
    }

    // --------------------------------------------------------------------------------------------- printing

    /** One exact value in the kind's printed form. */
    static String format(Kind kind, Field f, long v) {
        return switch (kind) {
            case MAC -> Values.mac(v);
            case IPV4 -> Values.ipv4(v);
            case PORT -> OfPort.name((int) v);
            case NW_TOS -> Long.toString(v << 2);
            case TCP_FLAGS -> tcpFlagsText(v);
            case HEX -> f == ETH_TYPE ? String.format("0x%04x", v) : Values.hex(v);
            case NW_FRAG -> { // a packet's fragment bits: 1 = first fragment, 3 = later fragment
                String n = v == 1 || v == 3 ? nwFragName(v, 3) : null;
                yield n != null ? n : Values.hex(v);
            }
            default -> Long.toUnsignedString(v);
        };
    }

    /** A value with a (non-exact) mask. */
    static String formatMasked(Kind kind, Field f, long v, long m) {
        return switch (kind) {
            case MAC -> Values.mac(v) + "/" + Values.mac(m);
            case IPV4 -> {
                int p = Values.prefixLength(m, 32);
                yield Values.ipv4(v) + "/" + (p >= 0 ? Integer.toString(p) : Values.ipv4(m));
            }
            case NW_FRAG -> {
                String n = nwFragName(v, m);
                yield n != null ? n : Values.hex(v) + "/" + Values.hex(m);
            }
            case TCP_FLAGS -> {
                if ((m & ~0x1ffL) != 0) yield Values.hex(v) + "/" + Values.hex(m);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < TCP_FLAG_NAMES.length; i++) {
                    if ((m & (1L << i)) != 0) sb.append((v & (1L << i)) != 0 ? '+' : '-').append(TCP_FLAG_NAMES[i]);
                }
                yield sb.toString();
            }
            default -> Values.hex(v) + "/" + Values.hex(m);
        };
    }

    private static String tcpFlagsText(long v) {
        if (v == 0) return "0";
        if ((v & ~0x1ffL) != 0) return Values.hex(v);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < TCP_FLAG_NAMES.length; i++) {
            if ((v & (1L << i)) != 0) sb.append(sb.length() > 0 ? "|" : "").append(TCP_FLAG_NAMES[i]);
        }
        return sb.toString();
    }

    static String formatIpv6(long hi, long lo, long maskHi, long maskLo) {
        String a = Values.ipv6(hi, lo);
        if (maskHi == -1L && maskLo == -1L) return a;
        int p = maskLo == 0 ? Values.prefixLength(maskHi, 64) : maskHi == -1L ? Values.prefixLength(maskLo, 64) : -1;
        if (p >= 0 && maskLo != 0) p += 64;
        return a + "/" + (p >= 0 ? Integer.toString(p) : Values.ipv6(maskHi, maskLo));
    }

    /** Whether a key holds the header a field belongs to (used to print only consistent fields). */
    static boolean applies(Field f, FlowKey key) {
        return f.prerequisites().heldBy(key);
    }
}
