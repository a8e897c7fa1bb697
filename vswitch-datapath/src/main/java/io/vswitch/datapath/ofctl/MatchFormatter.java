package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.flow.Prerequisite;
import io.vswitch.datapath.ofctl.MatchFields.Syntax;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints matches and keys as ovs-ofctl dump-flows does: the protocol keyword first when eth_type (and ip_proto)
 * allow one, then the fields in a fixed order under their OVS names ({@code dl_src}, {@code nw_dst},
 * {@code tp_dst}, ...). The 802.1Q bits are printed from the TCI as a whole, the way OVS does, whichever of
 * vlan_vid/vlan_pcp/vlan_tci the match was given with: {@code dl_vlan}/{@code dl_vlan_pcp} when they say it all,
 * else {@code vlan_tci=V[/M]}.
 */
final class MatchFormatter {
    private MatchFormatter() {}

    static String match(FlowMatch m) {
        List<String> parts = new ArrayList<>();
        FlowMatch.Entry eth = m.entry(Field.ETH_TYPE), proto = m.entry(Field.IP_PROTO);
        ProtocolKeyword kw = null;
        boolean protoCovered = false;
        if (eth != null && eth.exact()) {
            if (proto != null && proto.exact()) kw = ProtocolKeyword.of((int) eth.value(), (int) proto.value());
            protoCovered = kw != null;
            if (kw == null) kw = ProtocolKeyword.of((int) eth.value(), -1);
        }
        if (kw != null) parts.add(kw.word);
        for (Field f : MatchFields.displayOrder()) {
            if (f == Field.VLAN_VID) {
                vlan(parts, (int) (m.value(f.word) >>> f.shift) & 0xffff, (int) (m.mask(f.word) >>> f.shift) & 0xffff);
                continue;
            }
            if (f == Field.VLAN_PCP || f == Field.VLAN_TCI) continue;
            FlowMatch.Entry e = m.entry(f);
            if (e == null || (f == Field.ETH_TYPE && kw != null) || (f == Field.IP_PROTO && protoCovered)) continue;
            Syntax s = MatchFields.display(f);
            if (f.is128()) {
                parts.add(s.name() + "=" + MatchFields.formatIpv6(e.value(), e.valueLow(), e.mask(), e.maskLow()));
            } else if (f == Field.IP_DSCP && !e.exact()) {
                parts.add("ip_dscp=" + MatchFields.formatMasked(MatchFields.Kind.DEC, f, e.value(), e.mask()));
            } else if (e.exact() && f != Field.NW_FRAG) { // nw_frag names stand for masks: "first" is 1/3
                parts.add(s.name() + "=" + MatchFields.format(s.kind(), f, e.value()));
            } else {
                parts.add(s.name() + "=" + MatchFields.formatMasked(s.kind(), f, e.value(), e.mask()));
            }
        }
        return String.join(",", parts);
    }

    /** The outer VLAN as OVS prints it, from TCI value and mask (pcp 13-15, present 12, vid 0-11). */
    private static void vlan(List<String> parts, int v, int m) {
        if (m == 0) return;
        int vidMask = m & 0x0fff, pcpMask = m & 0xe000;
        boolean present = (m & v & Field.VID_PRESENT) != 0;
        if (present && (vidMask == 0 || vidMask == 0x0fff) && (pcpMask == 0 || pcpMask == 0xe000) && (vidMask | pcpMask) != 0) {
            if (vidMask != 0) parts.add("dl_vlan=" + (v & 0x0fff));
            if (pcpMask != 0) parts.add("dl_vlan_pcp=" + (v >>> 13));
        } else if (m == 0xffff) {
            parts.add(String.format("vlan_tci=0x%04x", v));
        } else {
            parts.add(String.format("vlan_tci=0x%04x/0x%04x", v, m));
        }
    }

    /**
     * A whole packet key: the fields its eth_type/ip_proto make meaningful, zeros omitted except in_port (and
     * nw_ttl of IP packets, since {@link KeyParser} would otherwise default it to 64).
     */
    static String key(FlowKey k) {
        List<String> parts = new ArrayList<>();
        int ethType = k.ethType(), ipProto = k.ipProto();
        boolean ip = ethType == Prerequisite.ETH_IPV4 || ethType == Prerequisite.ETH_IPV6;
        ProtocolKeyword kw = ip ? ProtocolKeyword.of(ethType, ipProto) : null;
        boolean protoCovered = kw != null;
        if (kw == null) kw = ProtocolKeyword.of(ethType, -1);
        if (kw != null) parts.add(kw.word);
        parts.add("in_port=" + OfPort.name(k.inPort()));
        for (Field f : MatchFields.displayOrder()) {
            if (f == Field.IN_PORT || f == Field.VLAN_PCP || f == Field.VLAN_TCI) continue;
            if (f == Field.VLAN_VID) {
                int tci = (int) k.get(Field.VLAN_TCI);
                if ((tci & Field.VID_PRESENT) != 0) {
                    parts.add("dl_vlan=" + (tci & 0x0fff));
                    if ((tci >>> 13) != 0) parts.add("dl_vlan_pcp=" + (tci >>> 13));
                } else if (tci != 0) {
                    parts.add(String.format("vlan_tci=0x%04x", tci));
                }
                continue;
            }
            if ((f == Field.ETH_TYPE && kw != null) || (f == Field.IP_PROTO && protoCovered)) continue;
            if (!MatchFields.applies(f, k)) continue;
            Syntax s = MatchFields.display(f);
            if (f.is128()) {
                if (k.getHigh(f) != 0 || k.getLow(f) != 0) parts.add(s.name() + "=" + Values.ipv6(k.getHigh(f), k.getLow(f)));
                continue;
            }
            long v = k.get(f);
            if (v == 0 && !(f == Field.NW_TTL && ip)) continue;
            parts.add(s.name() + "=" + MatchFields.format(s.kind(), f, v));
        }
        return String.join(",", parts);
    }

    /**
     * A megaflow (key bits under a mask) in match syntax: every field with consulted bits, as value or value/mask,
     * named after the key's protocol. Shows what a cached decision depended on.
     */
    static String masked(long[] value, long[] mask) {
        FlowKey v = new FlowKey(), m = new FlowKey();
        System.arraycopy(value, 0, v.words, 0, FlowKey.WORDS);
        System.arraycopy(mask, 0, m.words, 0, FlowKey.WORDS);
        List<String> parts = new ArrayList<>();
        for (Field f : MatchFields.displayOrder()) {
            if (f == Field.VLAN_PCP || f == Field.VLAN_TCI) continue;
            if (f == Field.VLAN_VID) {
                vlan(parts, (int) v.get(Field.VLAN_TCI), (int) m.get(Field.VLAN_TCI));
                continue;
            }
            if (!MatchFields.applies(f, v)) continue;
            Syntax s = MatchFields.display(f);
            if (f.is128()) {
                if (m.getHigh(f) != 0 || m.getLow(f) != 0) {
                    parts.add(s.name() + "=" + MatchFields.formatIpv6(v.getHigh(f), v.getLow(f), m.getHigh(f), m.getLow(f)));
                }
                continue;
            }
            long mv = m.get(f);
            if (mv == 0) continue;
            if (mv == f.valueMask && f != Field.NW_FRAG) parts.add(s.name() + "=" + MatchFields.format(s.kind(), f, v.get(f)));
            else parts.add(s.name() + "=" + MatchFields.formatMasked(s.kind(), f, v.get(f), mv));
        }
        return parts.isEmpty() ? "(any packet)" : String.join(",", parts);
    }
}
