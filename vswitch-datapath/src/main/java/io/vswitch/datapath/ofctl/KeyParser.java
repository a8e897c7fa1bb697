package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.Prerequisite;
import io.vswitch.datapath.ofctl.MatchFields.Mode;
import io.vswitch.datapath.ofctl.MatchFields.Syntax;
import io.vswitch.datapath.ofctl.MatchFields.Value;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a packet description for trace into a {@link FlowKey}: the match syntax with every value exact.
 *
 * <p>Defaults make the key look like a real packet: fields not given are 0 (in_port included), and an IPv4 or
 * IPv6 packet whose nw_ttl is not given has TTL 64. Giving a VLAN field ({@code dl_vlan}, {@code dl_vlan_pcp},
 * {@code vlan_vid}) marks the packet tagged (present bit set). A field whose header the packet lacks
 * ({@code tcp_dst} on a UDP packet) is an error, since no real packet could carry it.
 */
final class KeyParser {
    static final int DEFAULT_TTL = 64;

    private record Item(Syntax syntax, String what, long value, long valueLow, int column) {}

    private KeyParser() {}

    static FlowKey parse(String text) {
        Tokenizer tokens = new Tokenizer(text);
        List<Item> items = new ArrayList<>();
        long ethType = 0, ipProto = 0;
        for (Token t; (t = tokens.next()) != null; ) {
            ProtocolKeyword k = ProtocolKeyword.byWord(t.key());
            if (k != null) {
                if (!t.bare()) throw new FlowSyntaxException(t.column(), "'" + t.key() + "' is a protocol keyword and takes no value");
                items.add(new Item(MatchFields.byName("dl_type"), k.word, k.ethType, 0, t.column()));
                if (k.ipProto >= 0) items.add(new Item(MatchFields.byName("nw_proto"), k.word, k.ipProto, 0, t.column()));
                continue;
            }
            Syntax s = MatchFields.byName(t.key());
            if (s == null) throw new FlowSyntaxException(t.column(), "unknown field '" + t.key() + "'");
            if (t.bare() || t.value().isEmpty()) throw new FlowSyntaxException(t.column(), "missing value for " + t.key());
            if (t.sep() != '=') throw new FlowSyntaxException(t.column(), "expected " + t.key() + "=VALUE");
            Value v = MatchFields.parse(s, s.widthField(), t.value(), t.valueColumn(), t.key(), Mode.KEY);
            items.add(new Item(s, t.key(), v.value(), v.valueLow(), t.column()));
        }
        for (Item i : items) {
            if (i.syntax.field() == Field.ETH_TYPE) ethType = i.value;
            if (i.syntax.field() == Field.IP_PROTO) ipProto = i.value;
        }
        FlowKey key = new FlowKey();
        Map<Field, Item> given = new EnumMap<>(Field.class);
        for (Item i : items) {
            Field f = i.syntax.field();
            if (f == null) {
                f = MatchFields.resolve(i.syntax, ethType, ipProto);
                if (f == null) throw new FlowSyntaxException(i.column, i.what + " needs a protocol: " + i.syntax.needs());
            }
            Item old = given.put(f, i);
            if (old != null && (old.value != i.value || old.valueLow != i.valueLow)) {
                throw new FlowSyntaxException(i.column, "'" + i.what + "' conflicts with '" + old.what + "' at column " + old.column);
            }
            if (f.is128()) key.set128(f, i.value, i.valueLow);
            else key.set(f, i.value);
            if (f == Field.VLAN_PCP) key.set(Field.VLAN_VID, key.get(Field.VLAN_VID) | Field.VID_PRESENT);
        }
        if ((ethType == Prerequisite.ETH_IPV4 || ethType == Prerequisite.ETH_IPV6) && !given.containsKey(Field.NW_TTL)) {
            key.set(Field.NW_TTL, DEFAULT_TTL);
        }
        for (Map.Entry<Field, Item> e : given.entrySet()) {
            if (!e.getKey().prerequisites().heldBy(key)) {
                Item i = e.getValue();
                throw new FlowSyntaxException(i.column, i.what + " does not fit this packet: it needs " + needs(e.getKey().prerequisites()));
            }
        }
        return key;
    }

    /** A prerequisite in words ("eth_type 0x0800 or 0x86dd and ip_proto 6"). */
    static String needs(Prerequisite p) {
        List<String> parts = new ArrayList<>();
        if (p.vlanPresent()) parts.add("a VLAN tag");
        if (p.ethTypes().length > 0) {
            StringBuilder sb = new StringBuilder("eth_type ");
            for (int i = 0; i < p.ethTypes().length; i++) {
                if (i > 0) sb.append(" or ");
                sb.append(String.format("0x%04x", p.ethTypes()[i]));
            }
            parts.add(sb.toString());
        }
        if (p.ipProto() >= 0) parts.add("ip_proto " + p.ipProto());
        if (p.icmpv6Types().length > 0) parts.add("icmpv6_type " + java.util.Arrays.toString(p.icmpv6Types()));
        return String.join(" and ", parts);
    }
}
