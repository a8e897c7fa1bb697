package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.ofctl.MatchFields.Mode;
import io.vswitch.datapath.ofctl.MatchFields.Syntax;
import io.vswitch.datapath.ofctl.MatchFields.Value;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the match items of a flow (fields and protocol keywords) and builds the {@link FlowMatch}.
 *
 * <p>Two passes, because order does not matter in the syntax ({@code tp_dst=80,tcp} is fine): items are first
 * recorded, then protocol-dependent names are resolved against the final eth_type/ip_proto, the implicit
 * "tagged" bit of {@code dl_vlan_pcp} is added, and everything goes through {@link FlowMatch.Builder} with
 * non-strict masks, whose prerequisite check then applies (an {@link OpenFlowException} BAD_PREREQ propagates).
 * A keyword and a field that say the same thing ({@code tcp,nw_proto=6}) are fine; saying two different things
 * about one field is an error at the second one.
 */
final class MatchParser {
    private record Item(Syntax syntax, String what, Value value, int column, boolean keyword) {}

    private final List<Item> items = new ArrayList<>();

    /** Records a match item; returns false if the token is not a match field or protocol keyword. */
    boolean accept(Token t) {
        ProtocolKeyword k = ProtocolKeyword.byWord(t.key());
        if (k != null) {
            if (!t.bare()) throw new FlowSyntaxException(t.column(), "'" + t.key() + "' is a protocol keyword and takes no value");
            add(new Item(MatchFields.byName("dl_type"), k.word, Value.exact(Field.ETH_TYPE, k.ethType), t.column(), true));
            if (k.ipProto >= 0) add(new Item(MatchFields.byName("nw_proto"), k.word, Value.exact(Field.IP_PROTO, k.ipProto), t.column(), true));
            return true;
        }
        Syntax s = MatchFields.byName(t.key());
        if (s == null) return false;
        if (t.bare() || t.value().isEmpty()) throw new FlowSyntaxException(t.column(), "missing value for " + t.key());
        if (t.sep() != '=') throw new FlowSyntaxException(t.column(), "expected " + t.key() + "=VALUE");
        Value v = MatchFields.parse(s, s.widthField(), t.value(), t.valueColumn(), t.key(), Mode.MATCH);
        add(new Item(s, t.key(), v, t.column(), false));
        return true;
    }

    private void add(Item item) {
        if (!item.syntax.symbolic()) {
            Item old = find(item.syntax.field());
            if (old != null) {
                if (old.value.equals(item.value) && (old.keyword || item.keyword)) return; // "tcp,nw_proto=6"
                throw conflict(old, item);
            }
        }
        items.add(item);
    }

    private static FlowSyntaxException conflict(Item old, Item item) {
        String f = item.syntax.field() != null ? item.syntax.field().oxmName() : item.what;
        if (old.what.equals(item.what)) return new FlowSyntaxException(item.column, item.what + " given twice");
        return new FlowSyntaxException(item.column, "'" + item.what + "' conflicts with '" + old.what
                + "' at column " + old.column + " (both set " + f + ")");
    }

    private Item find(Field f) {
        for (Item i : items) if (i.syntax.field() == f) return i;
        return null;
    }

    private long exact(Field f) {
        Item i = find(f);
        return i != null && i.value.mask() == f.valueMask ? i.value.value() : -1;
    }

    /** Resolves protocol-dependent names and builds the match (prerequisite errors propagate). */
    FlowMatch build() {
        long ethType = exact(Field.ETH_TYPE), ipProto = exact(Field.IP_PROTO);
        List<Item> resolved = new ArrayList<>(items.size());
        for (Item i : items) {
            if (!i.syntax.symbolic()) {
                resolved.add(i);
                continue;
            }
            Field f = MatchFields.resolve(i.syntax, ethType, ipProto);
            if (f == null) throw new FlowSyntaxException(i.column, i.what + " needs a protocol: " + i.syntax.needs());
            for (Item r : resolved) if (r.syntax.field() == f) throw conflict(r, i);
            resolved.add(new Item(new Syntax(i.what, i.syntax.kind(), f, List.of(), null), i.what, i.value, i.column, false));
        }
        FlowMatch.Builder b = FlowMatch.builder().strictMasks(false);
        boolean hasVid = false, hasPcp = false, hasTci = false;
        for (Item i : resolved) {
            hasVid |= i.syntax.field() == Field.VLAN_VID;
            hasPcp |= i.syntax.field() == Field.VLAN_PCP;
            hasTci |= i.syntax.field() == Field.VLAN_TCI;
        }
        for (Item i : resolved) {
            Field f = i.syntax.field();
            try {
                if (f.is128()) b.masked128(f, i.value.value(), i.value.valueLow(), i.value.mask(), i.value.maskLow());
                else b.masked(f, i.value.value(), i.value.mask());
            } catch (OpenFlowException e) {
                if (e.error() == OfError.BAD_MATCH_DUP_FIELD) throw new FlowSyntaxException(i.column, i.what + ": " + e.getMessage());
                throw e;
            }
        }
        // OVS: dl_vlan_pcp=N alone means "tagged, with priority N", so it implies the present bit.
        if (hasPcp && !hasVid && !hasTci) b.masked(Field.VLAN_VID, Field.VID_PRESENT, Field.VID_PRESENT);
        return b.build();
    }
}
