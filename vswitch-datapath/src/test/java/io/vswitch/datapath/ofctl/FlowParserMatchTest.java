package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Match fields: names, aliases, value forms, masks, protocol keywords. */
class FlowParserMatchTest {
    private static FlowMatch m(String text) {
        return FlowParser.parseMatch(text);
    }

    private static void same(String expected, FlowMatch actual) {
        assertTrue(actual.sameAs(m(expected)), () -> actual + " is not " + expected);
    }

    private static FlowMatch.Entry entry(FlowMatch match, Field f) {
        FlowMatch.Entry e = match.entry(f);
        assertNotNull(e, () -> f + " missing in " + match.entries());
        return e;
    }

    private static long exact(FlowMatch match, Field f) {
        FlowMatch.Entry e = entry(match, f);
        assertTrue(e.exact(), f + " should be exact");
        return e.value();
    }

    @Test
    void emptyTextIsTheCatchAllMatch() {
        assertTrue(m("").isCatchAll());
        assertTrue(m("  , ,").isCatchAll());
    }

    @Test
    void inPortNumbersAndNames() {
        assertEquals(7, exact(m("in_port=7"), Field.IN_PORT));
        assertEquals(OfPort.LOCAL, (int) exact(m("in_port=LOCAL"), Field.IN_PORT));
        assertEquals(OfPort.LOCAL, (int) exact(m("in_port=local"), Field.IN_PORT));
        assertEquals(OfPort.CONTROLLER, (int) exact(m("in_port=CONTROLLER"), Field.IN_PORT));
        assertEquals(0xfffffff0L, exact(m("in_port=0xfffffff0"), Field.IN_PORT) & 0xffffffffL);
        assertEquals(3, exact(m("in_phy_port=3"), Field.IN_PHY_PORT));
    }

    @Test
    void metadataAndTunnelId() {
        FlowMatch match = m("metadata=0xffffffffffffffff,tun_id=0x10/0xf0");
        assertEquals(-1L, exact(match, Field.METADATA));
        FlowMatch.Entry tun = entry(match, Field.TUNNEL_ID);
        assertEquals(0x10, tun.value());
        assertEquals(0xf0, tun.mask());
        same("tunnel_id=0x10/0xf0,metadata=18446744073709551615", match);
    }

    @Test
    void macAddressesAndMasks() {
        FlowMatch match = m("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,dl_src=AA:bb:cc:dd:ee:ff");
        FlowMatch.Entry dst = entry(match, Field.ETH_DST);
        assertEquals(0x010000000000L, dst.value());
        assertEquals(0x010000000000L, dst.mask());
        assertEquals(0xaabbccddeeffL, exact(match, Field.ETH_SRC));
        same("eth_dst=01:00:00:00:00:00/01:00:00:00:00:00,eth_src=aa:bb:cc:dd:ee:ff", match);
        assertEquals("dl_src=aa:bb:cc:dd:ee:ff,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", FlowFormatter.formatMatch(match));
    }

    @Test
    void ethTypeAliases() {
        assertEquals(0x88cc, exact(m("dl_type=0x88cc"), Field.ETH_TYPE));
        assertEquals(0x88cc, exact(m("eth_type=35020"), Field.ETH_TYPE));
    }

    @ParameterizedTest
    @CsvSource({
            "ip,       0x0800, -1", "ipv6, 0x86dd, -1", "tcp, 0x0800, 6", "tcp6, 0x86dd, 6", "udp, 0x0800, 17",
            "udp6,     0x86dd, 17", "sctp, 0x0800, 132", "sctp6, 0x86dd, 132", "icmp, 0x0800, 1",
            "icmp6,    0x86dd, 58", "arp, 0x0806, -1", "rarp, 0x8035, -1", "mpls, 0x8847, -1", "mplsm, 0x8848, -1",
            "pbb,      0x88e7, -1"})
    void protocolKeywords(String word, String ethType, int ipProto) {
        FlowMatch match = m(word);
        assertEquals(Long.decode(ethType), exact(match, Field.ETH_TYPE));
        if (ipProto < 0) assertNull(match.entry(Field.IP_PROTO));
        else assertEquals(ipProto, exact(match, Field.IP_PROTO));
        assertEquals(word, FlowFormatter.formatMatch(match));
    }

    @Test
    void keywordAndFieldSayingTheSameThingAreFine() {
        same("tcp", m("ip,nw_proto=6"));
        same("tcp", m("tcp,nw_proto=6,dl_type=0x0800"));
        same("tcp", m("ip,tcp"));
        same("ip,nw_frag=later", m("ip,ip_frag=later"));
    }

    @Test
    void ipv4AddressesCidrAndDottedMasks() {
        FlowMatch match = m("ip,nw_src=10.1.2.3/8,nw_dst=192.168.1.1/255.255.0.255");
        FlowMatch.Entry src = entry(match, Field.IPV4_SRC);
        assertEquals(0x0a000000L, src.value(), "value is ANDed with its mask");
        assertEquals(0xff000000L, src.mask());
        FlowMatch.Entry dst = entry(match, Field.IPV4_DST);
        assertEquals(0xffff00ffL, dst.mask());
        assertEquals(0xc0a80001L, dst.value());
        same("ip,ip_src=10.0.0.0/255.0.0.0,ip_dst=192.168.1.1/255.255.0.255", match);
        assertEquals("ip,nw_src=10.0.0.0/8,nw_dst=192.168.0.1/255.255.0.255", FlowFormatter.formatMatch(match));
        assertEquals(0x0a000001L, exact(m("ip,nw_src=10.0.0.1/32"), Field.IPV4_SRC));
        assertTrue(m("ip,nw_src=10.0.0.1/0").entry(Field.IPV4_SRC) == null, "a /0 matches everything");
    }

    @Test
    void ipFields() {
        FlowMatch match = m("ip,nw_proto=47,nw_tos=0xb8,nw_ecn=3,nw_ttl=9");
        assertEquals(47, exact(match, Field.IP_PROTO));
        assertEquals(46, exact(match, Field.IP_DSCP), "nw_tos is the TOS byte; the key holds DSCP = tos >> 2");
        assertEquals(3, exact(match, Field.IP_ECN));
        assertEquals(9, exact(match, Field.NW_TTL));
        assertEquals("ip,nw_proto=47,nw_tos=184,nw_ecn=3,nw_ttl=9", FlowFormatter.formatMatch(match));
        assertEquals(46, exact(m("ipv6,ip_dscp=46"), Field.IP_DSCP));
        assertEquals(2, exact(m("ip,ip_ecn=2"), Field.IP_ECN));
        assertEquals(17, exact(m("ipv6,ip_proto=17"), Field.IP_PROTO));
    }

    @ParameterizedTest
    @CsvSource({"no, 0, 1", "yes, 1, 1", "first, 1, 3", "later, 3, 3", "not_later, 0, 2", "0x1/0x3, 1, 3"})
    void nwFrag(String text, long value, long mask) {
        FlowMatch match = m("ip,nw_frag=" + text);
        FlowMatch.Entry e = entry(match, Field.NW_FRAG);
        assertEquals(value, e.value());
        assertEquals(mask, e.mask());
        if (!text.startsWith("0x")) assertEquals("ip,nw_frag=" + text, FlowFormatter.formatMatch(match));
    }

    @Test
    void tpPortsFollowTheProtocol() {
        assertEquals(80, exact(m("tcp,tp_dst=80"), Field.TCP_DST));
        assertEquals(53, exact(m("udp,tp_src=53"), Field.UDP_SRC));
        assertEquals(9, exact(m("sctp6,tp_dst=9"), Field.SCTP_DST));
        assertEquals(80, exact(m("tp_dst=80,ip,nw_proto=6"), Field.TCP_DST), "order does not matter");
        FlowMatch.Entry masked = entry(m("tcp,tp_dst=0x1000/0xf000"), Field.TCP_DST);
        assertEquals(0xf000, masked.mask());
        assertEquals("tcp,tp_dst=0x1000/0xf000", FlowFormatter.formatMatch(m("tcp,tp_dst=0x1000/0xf000")));
        same("tcp,tcp_src=1,tcp_dst=2", m("tcp,tp_src=1,tp_dst=2"));
        same("udp6,udp_src=1,udp_dst=2", m("udp6,tp_src=1,tp_dst=2"));
        same("sctp,sctp_src=1,sctp_dst=2", m("sctp,tp_src=1,tp_dst=2"));
        assertEquals("tcp,tp_src=1,tp_dst=2", FlowFormatter.formatMatch(m("tcp,tcp_src=1,tcp_dst=2")));
    }

    @Test
    void tcpFlagsInOvsSyntax() {
        FlowMatch.Entry e = entry(m("tcp,tcp_flags=+syn-ack"), Field.TCP_FLAGS);
        assertEquals(0x002, e.value());
        assertEquals(0x012, e.mask());
        e = entry(m("tcp,tcp_flags=syn|ack"), Field.TCP_FLAGS);
        assertEquals(0x012, e.value());
        assertEquals(0xfff, e.mask());
        e = entry(m("tcp,tcp_flags=0x002/0x0ff"), Field.TCP_FLAGS);
        assertEquals(0x0ff, e.mask());
        assertEquals("tcp,tcp_flags=+syn-ack", FlowFormatter.formatMatch(m("tcp,tcp_flags=-ack+syn")));
        assertEquals("tcp,tcp_flags=syn|ack", FlowFormatter.formatMatch(m("tcp,tcp_flags=0x12")));
        assertEquals("tcp,tcp_flags=+fin+ns", FlowFormatter.formatMatch(m("tcp,tcp_flags=+ns+fin")));
        assertEquals("tcp,tcp_flags=0", FlowFormatter.formatMatch(m("tcp,tcp_flags=0")));
    }

    @Test
    void icmpFollowsTheProtocol() {
        FlowMatch v4 = m("icmp,icmp_type=8,icmp_code=0");
        assertEquals(8, exact(v4, Field.ICMPV4_TYPE));
        assertEquals(0, exact(v4, Field.ICMPV4_CODE));
        FlowMatch v6 = m("icmp6,icmp_type=135,icmp_code=0");
        assertEquals(135, exact(v6, Field.ICMPV6_TYPE));
        assertEquals(0, exact(v6, Field.ICMPV6_CODE));
        same("icmp6,icmpv6_type=135,icmpv6_code=0", v6);
        same("icmp,icmpv4_type=8,icmpv4_code=0", v4);
        assertEquals("icmp6,icmp_type=135,icmp_code=0", FlowFormatter.formatMatch(v6));
    }

    @Test
    void arpFields() {
        FlowMatch match = m("arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_sha=00:00:00:00:00:01,"
                + "arp_tha=00:00:00:00:00:00/ff:ff:ff:00:00:00");
        assertEquals(1, exact(match, Field.ARP_OP));
        assertEquals(0x0a000001L, exact(match, Field.ARP_SPA));
        assertEquals(0xffffff00L, entry(match, Field.ARP_TPA).mask());
        assertEquals(1, exact(match, Field.ARP_SHA));
        assertEquals(0xffffff000000L, entry(match, Field.ARP_THA).mask());
        assertEquals("arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_sha=00:00:00:00:00:01,"
                + "arp_tha=00:00:00:00:00:00/ff:ff:ff:00:00:00", FlowFormatter.formatMatch(match));
    }

    @Test
    void ipv6FieldsAndPrefixes() {
        FlowMatch match = m("ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8:1::/48,ipv6_label=0x12345");
        FlowMatch.Entry src = entry(match, Field.IPV6_SRC);
        assertEquals(0x20010db800000000L, src.value());
        assertEquals(1, src.valueLow());
        FlowMatch.Entry dst = entry(match, Field.IPV6_DST);
        assertEquals(0xffffffffffff0000L, dst.mask());
        assertEquals(0, dst.maskLow());
        assertEquals(0x12345, exact(match, Field.IPV6_FLABEL));
        assertEquals("ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8:1::/48,ipv6_label=0x12345", FlowFormatter.formatMatch(match));
        FlowMatch.Entry p80 = entry(m("ipv6,ipv6_src=::/80"), Field.IPV6_SRC);
        assertEquals(-1L, p80.mask());
        assertEquals(0xffff000000000000L, p80.maskLow());
        FlowMatch.Entry dotted = entry(m("ipv6,ipv6_src=::1/::ffff"), Field.IPV6_SRC);
        assertEquals(0xffff, dotted.maskLow());
        assertEquals(0x1ff, exact(m("ipv6,ipv6_exthdr=0x1ff"), Field.IPV6_EXTHDR));
        assertEquals(0x0000ffff0a000001L, m("ipv6,ipv6_src=::ffff:10.0.0.1").entry(Field.IPV6_SRC).valueLow());
    }

    @Test
    void neighborDiscovery() {
        FlowMatch sol = m("icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:11:22:33:44:55");
        assertEquals(0xfe80000000000000L, entry(sol, Field.IPV6_ND_TARGET).value());
        assertEquals(0x001122334455L, exact(sol, Field.IPV6_ND_SLL));
        FlowMatch adv = m("icmp6,icmpv6_type=136,nd_tll=00:11:22:33:44:55,ipv6_nd_target=::1");
        assertEquals(0x001122334455L, exact(adv, Field.IPV6_ND_TLL));
        assertEquals("icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:11:22:33:44:55", FlowFormatter.formatMatch(sol));
    }

    @Test
    void mplsAndPbb() {
        FlowMatch match = m("mpls,mpls_label=1000,mpls_tc=3,mpls_bos=1,mpls_ttl=20");
        assertEquals(1000, exact(match, Field.MPLS_LABEL));
        assertEquals(3, exact(match, Field.MPLS_TC));
        assertEquals(1, exact(match, Field.MPLS_BOS));
        assertEquals(20, exact(match, Field.MPLS_TTL));
        assertEquals("mpls,mpls_label=1000,mpls_tc=3,mpls_bos=1,mpls_ttl=20", FlowFormatter.formatMatch(match));
        assertEquals(1000, exact(m("mplsm,mpls_label=1000"), Field.MPLS_LABEL));
        FlowMatch pbb = m("pbb,pbb_isid=0xabcdef,pbb_uca=1");
        assertEquals(0xabcdef, exact(pbb, Field.PBB_ISID));
        assertEquals(1, exact(pbb, Field.PBB_UCA));
    }

    @Test
    void dlVlanIsATaggedVid() {
        assertEquals(0x1005, exact(m("dl_vlan=5"), Field.VLAN_VID));
        assertEquals(0, exact(m("dl_vlan=0xffff"), Field.VLAN_VID), "0xffff means no VLAN tag");
        assertEquals("dl_vlan=5", FlowFormatter.formatMatch(m("dl_vlan=5")));
        assertEquals("vlan_tci=0x0000/0x1fff", FlowFormatter.formatMatch(m("dl_vlan=0xffff")));
        same("dl_vlan=0xffff", m("vlan_tci=0x0000/0x1fff"));
    }

    @Test
    void vlanPcpImpliesATag() {
        FlowMatch match = m("dl_vlan_pcp=3");
        assertEquals(3, exact(match, Field.VLAN_PCP));
        FlowMatch.Entry vid = entry(match, Field.VLAN_VID);
        assertEquals(Field.VID_PRESENT, vid.value());
        assertEquals(Field.VID_PRESENT, vid.mask());
        assertEquals("dl_vlan_pcp=3", FlowFormatter.formatMatch(match));
        same("vlan_tci=0x7005", m("vlan_pcp=3,dl_vlan=5"));
        assertEquals("dl_vlan=5,dl_vlan_pcp=3", FlowFormatter.formatMatch(m("vlan_pcp=3,vlan_vid=0x1005")));
    }

    @Test
    void vlanVidOpenFlow13Style() {
        assertEquals(0x1005, exact(m("vlan_vid=0x1005"), Field.VLAN_VID));
        assertEquals(0, exact(m("vlan_vid=0"), Field.VLAN_VID), "OFPVID_NONE: untagged");
        FlowMatch anyTagged = m("vlan_vid=0x1000/0x1000");
        assertEquals(Field.VID_PRESENT, entry(anyTagged, Field.VLAN_VID).mask());
        assertEquals("vlan_tci=0x1000/0x1000", FlowFormatter.formatMatch(anyTagged));
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> m("vlan_vid=5"));
        assertTrue(e.getMessage().contains("present bit"), e.getMessage());
    }

    @Test
    void vlanTciWhole() {
        FlowMatch.Entry e = entry(m("vlan_tci=0x1123/0x1fff"), Field.VLAN_TCI);
        assertEquals(0x1123, e.value());
        assertEquals(0x1fff, e.mask());
        assertEquals("dl_vlan=291", FlowFormatter.formatMatch(m("vlan_tci=0x1123/0x1fff")));
        assertEquals("vlan_tci=0x0000", FlowFormatter.formatMatch(m("vlan_tci=0")));
        assertEquals("vlan_tci=0xe000/0xe000", FlowFormatter.formatMatch(m("vlan_tci=0xe000/0xe000")));
        assertEquals("dl_vlan_pcp=7", FlowFormatter.formatMatch(m("vlan_tci=0xf000/0xf000")), "as OVS prints it");
        assertEquals(0x8100, exact(m("cvlan_tci=0x8100"), Field.CVLAN_TCI));
    }

    @Test
    void oxmNamesAreAcceptedToo() {
        same("ip,nw_src=1.2.3.4", m("eth_type=0x800,ipv4_src=1.2.3.4"));
        same("tcp,tp_dst=1", m("ip,ip_proto=6,tcp_dst=1"));
        same("icmp6,icmp_type=135,nd_target=::1", m("icmp6,icmpv6_type=135,ipv6_nd_target=::1"));
    }

    @Test
    void prerequisitesAreChecked() {
        OpenFlowException e = assertThrows(OpenFlowException.class, () -> m("tcp_dst=80"));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
        assertTrue(e.getMessage().contains("tcp_dst"), e.getMessage());
        e = assertThrows(OpenFlowException.class, () -> m("udp,tcp_dst=80"));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
        e = assertThrows(OpenFlowException.class, () -> m("nw_src=10.0.0.1"));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
        e = assertThrows(OpenFlowException.class, () -> m("ipv6,arp_spa=10.0.0.1"));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
        e = assertThrows(OpenFlowException.class, () -> m("icmp6,nd_target=::1"));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
        e = assertThrows(OpenFlowException.class, () -> m("mpls_label=5"));
        assertEquals(OfError.BAD_MATCH_BAD_PREREQ, e.error());
    }

    @Test
    void protocolDependentNamesWithoutAProtocol() {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> m("ip,tp_dst=80"));
        assertEquals(4, e.column());
        assertTrue(e.getMessage().endsWith("tp_dst needs a protocol: add tcp, udp or sctp"), e.getMessage());
        e = assertThrows(FlowSyntaxException.class, () -> m("tcp,icmp_type=3"));
        assertTrue(e.getMessage().contains("icmp_type needs a protocol: add icmp or icmp6"), e.getMessage());
    }

    @Test
    void unmaskableFieldsMayBeMaskedInText() {
        FlowMatch.Entry e = entry(m("in_port=0x10/0xf0"), Field.IN_PORT);
        assertEquals(0xf0, e.mask());
        assertEquals("in_port=0x10/0xf0", FlowFormatter.formatMatch(m("in_port=0x10/0xf0")));
        assertEquals("ip,ip_dscp=0x8/0x38", FlowFormatter.formatMatch(m("ip,ip_dscp=8/0x38")));
    }
}
