package io.vswitch.datapath.packet;

import static io.vswitch.datapath.flow.Field.*;
import static io.vswitch.datapath.packet.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PacketParserTest {
    static final long MAC_52 = 0x525400123456L, MAC_GW = 0x00005e000101L;

    @Nested
    class Ethernet {
        @Test
        void inPortSetAndPhyPortZero() {
            FlowKey k = parse(TCP_SYN, 7);
            assertEquals(7, k.get(IN_PORT));
            assertEquals(0, k.get(IN_PHY_PORT));
            assertEquals(MAC_GW, k.get(ETH_DST));
            assertEquals(MAC_52, k.get(ETH_SRC));
            assertEquals(0x0800, k.get(ETH_TYPE));
            assertEquals(0, k.get(VLAN_TCI));
        }

        @Test
        void ieee8023FrameGetsDlTypeNone() {
            Packet p = packet(IEEE8023_LLC);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(PacketParser.ETH_TYPE_NONE, k.ethType());
            assertEquals(0x0180c2000000L, k.get(ETH_DST));
            assertEquals(p.start + 12, p.ethTypeOffset);
            assertEquals(-1, p.l3);
            assertEquals(-1, p.l2_5);
        }

        @Test
        void emptyAndShortFrames() {
            for (int len = 0; len < 14; len++) {
                Packet p = Packet.of(new byte[len]);
                FlowKey k = new FlowKey();
                assertFalse(PacketParser.parse(p, 3, k));
                assertTrue(p.truncated);
                assertEquals(3, k.inPort());
            }
        }
    }

    @Nested
    class Vlan {
        @Test
        void singleTagDropsDeiAndSetsPresent() {
            Packet p = packet(VLAN_TCP);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(10 | VID_PRESENT, k.get(VLAN_VID));
            assertEquals(5, k.get(VLAN_PCP));
            assertEquals(5 << 13 | VID_PRESENT | 10, k.get(VLAN_TCI));
            assertEquals(0, k.get(CVLAN_TCI));
            assertEquals(0x0800, k.ethType());
            assertEquals(p.start + 16, p.ethTypeOffset);
            assertEquals(p.start + 18, p.l3);
            assertEquals(22, k.get(TCP_SRC));
            assertEquals(50000, k.get(TCP_DST));
            assertEquals(0x010, k.get(TCP_FLAGS));
        }

        @Test
        void qinqOuterAndInner() {
            Packet p = packet(QINQ_UDP);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(100 | VID_PRESENT, k.get(VLAN_VID));
            assertEquals(3, k.get(VLAN_PCP));
            assertEquals(200 | VID_PRESENT, k.get(CVLAN_TCI));
            assertEquals(0x0800, k.ethType());
            assertEquals(p.start + 20, p.ethTypeOffset);
            assertEquals(17, k.ipProto());
            assertEquals(1234, k.get(UDP_SRC));
            assertEquals(4321, k.get(UDP_DST));
        }

        @Test
        void thirdTagStopsParsing() {
            // QinQ frame with one more 0x8100 tag inserted after the two.
            String hex = QINQ_UDP.substring(0, 40) + "8100012c" + QINQ_UDP.substring(40);
            Packet p = packet(hex);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(0x8100, k.ethType());
            assertEquals(-1, p.l3);
        }
    }

    @Nested
    class Arp {
        @Test
        void request() {
            Packet p = packet(ARP_REQUEST);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(0x0806, k.ethType());
            assertEquals(1, k.get(ARP_OP));
            assertEquals(ip4(192, 168, 1, 10), k.get(ARP_SPA));
            assertEquals(ip4(192, 168, 1, 1), k.get(ARP_TPA));
            assertEquals(0x001122334455L, k.get(ARP_SHA));
            assertEquals(0, k.get(ARP_THA));
            assertEquals(0, k.ipProto());
            assertEquals(p.start + 14, p.l3);
            assertEquals(-1, p.l4);
        }

        @Test
        void nonEthernetArpOnlyHasEthType() {
            String hex = ARP_REQUEST.substring(0, 28) + "0006" + ARP_REQUEST.substring(32); // htype 6 (IEEE 802)
            FlowKey k = new FlowKey();
            Packet p = packet(hex);
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(0x0806, k.ethType());
            assertEquals(0, k.get(ARP_OP));
            assertEquals(-1, p.l3);
        }
    }

    @Nested
    class Ipv4 {
        @Test
        void tcpSyn() {
            Packet p = packet(TCP_SYN);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(ip4(10, 0, 0, 1), k.get(IPV4_SRC));
            assertEquals(ip4(10, 0, 0, 2), k.get(IPV4_DST));
            assertEquals(6, k.ipProto());
            assertEquals(46, k.get(IP_DSCP));
            assertEquals(1, k.get(IP_ECN));
            assertEquals(64, k.get(NW_TTL));
            assertEquals(0, k.get(NW_FRAG)); // DF alone is not a fragment
            assertEquals(49152, k.get(TCP_SRC));
            assertEquals(80, k.get(TCP_DST));
            assertEquals(0x002, k.get(TCP_FLAGS));
            assertEquals(p.start + 14, p.l3);
            assertEquals(p.start + 34, p.l4);
        }

        @Test
        void optionsMoveL4() {
            Packet p = packet(UDP_IP_OPTIONS);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(p.start + 14 + 24, p.l4);
            assertEquals(17, k.ipProto());
            assertEquals(1, k.get(NW_TTL));
            assertEquals(5353, k.get(UDP_SRC));
            assertEquals(53, k.get(UDP_DST));
            assertEquals(ip4(198, 51, 100, 7), k.get(IPV4_DST));
        }

        @Test
        void firstFragmentHasL4() {
            FlowKey k = parse(IPV4_FRAG_FIRST, 1);
            assertEquals(FlowKey.FRAG_ANY, k.get(NW_FRAG));
            assertEquals(4000, k.get(UDP_SRC));
            assertEquals(4001, k.get(UDP_DST));
        }

        @Test
        void laterFragmentHasNoL4() {
            Packet p = packet(IPV4_FRAG_LATER);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(FlowKey.FRAG_ANY | FlowKey.FRAG_LATER, k.get(NW_FRAG));
            assertEquals(17, k.ipProto());
            assertEquals(0, k.words[FlowKey.W_L4]);
            assertEquals(-1, p.l4);
        }

        @Test
        void icmpEcho() {
            FlowKey k = parse(ICMP_ECHO, 1);
            assertEquals(1, k.ipProto());
            assertEquals(8, k.get(ICMPV4_TYPE));
            assertEquals(0, k.get(ICMPV4_CODE));
        }

        @Test
        void sctp() {
            FlowKey k = parse(SCTP_INIT, 1);
            assertEquals(132, k.ipProto());
            assertEquals(5000, k.get(SCTP_SRC));
            assertEquals(38412, k.get(SCTP_DST));
            assertNull(ChecksumVerifier.check(packet(SCTP_INIT)));
        }

        @Test
        void badVersionOrHeaderLengthIsMalformed() {
            String badIhl = TCP_SYN.substring(0, 28) + "44" + TCP_SYN.substring(30);
            Packet p = packet(badIhl);
            FlowKey k = new FlowKey();
            assertFalse(PacketParser.parse(p, 1, k));
            assertTrue(p.truncated);
            assertEquals(0x0800, k.ethType());
            assertEquals(0, k.get(IPV4_SRC));
        }

        @Test
        void ethernetPaddingIsNotPayload() {
            // ICMP echo has 16 bytes of ICMP; the frame is padded: the UDP/ICMP end comes from total length.
            Packet p = packet(TCP_SYN);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(60, p.length);
        }
    }

    @Nested
    class Ipv6 {
        @Test
        void tcpWithTrafficClassAndFlowLabel() {
            Packet p = packet(IPV6_TCP);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(0x86dd, k.ethType());
            assertEquals(0x2e, k.get(IP_DSCP));
            assertEquals(2, k.get(IP_ECN));
            assertEquals(0xabcde, k.get(IPV6_FLABEL));
            assertEquals(17, k.get(NW_TTL));
            long[] src = ip6("2001:db8::1"), dst = ip6("2001:db8::2");
            assertEquals(src[0], k.getHigh(IPV6_SRC));
            assertEquals(src[1], k.getLow(IPV6_SRC));
            assertEquals(dst[0], k.getHigh(IPV6_DST));
            assertEquals(dst[1], k.getLow(IPV6_DST));
            assertEquals(6, k.ipProto());
            assertEquals(0, k.get(IPV6_EXTHDR));
            assertEquals(443, k.get(TCP_SRC));
            assertEquals(51000, k.get(TCP_DST));
            assertEquals(0x018, k.get(TCP_FLAGS));
            assertEquals(p.start + 54, p.l4);
        }

        @Test
        void neighbourSolicitationWithSll() {
            FlowKey k = parse(IPV6_NS_SLL, 1);
            assertEquals(58, k.ipProto());
            assertEquals(255, k.get(NW_TTL));
            assertEquals(135, k.get(ICMPV6_TYPE));
            assertEquals(0, k.get(ICMPV6_CODE));
            long[] t = ip6("fe80::2");
            assertEquals(t[0], k.getHigh(IPV6_ND_TARGET));
            assertEquals(t[1], k.getLow(IPV6_ND_TARGET));
            assertEquals(MAC_52, k.get(IPV6_ND_SLL));
            assertEquals(0, k.get(IPV6_ND_TLL));
        }

        @Test
        void neighbourAdvertisementWithTll() {
            FlowKey k = parse(IPV6_NA_TLL, 1);
            assertEquals(136, k.get(ICMPV6_TYPE));
            assertEquals(0x525400abcdefL, k.get(IPV6_ND_TLL));
            assertEquals(0, k.get(IPV6_ND_SLL));
        }

        @Test
        void zeroLengthNdOptionInvalidatesNdFields() {
            String hex = IPV6_NS_SLL.substring(0, (14 + 40 + 24 + 1) * 2) + "00" + IPV6_NS_SLL.substring((14 + 40 + 26) * 2);
            FlowKey k = new FlowKey();
            PacketParser.parse(packet(hex), 1, k);
            assertEquals(135, k.get(ICMPV6_TYPE));
            assertEquals(0, k.getHigh(IPV6_ND_TARGET));
            assertEquals(0, k.get(IPV6_ND_SLL));
        }

        @Test
        void hopByHopAndFirstFragment() {
            Packet p = packet(IPV6_HBH_FRAG_FIRST);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(17, k.ipProto());
            assertEquals(PacketParser.EXTHDR_HOP | PacketParser.EXTHDR_FRAG, k.get(IPV6_EXTHDR));
            assertEquals(FlowKey.FRAG_ANY, k.get(NW_FRAG));
            assertEquals(546, k.get(UDP_SRC));
            assertEquals(547, k.get(UDP_DST));
            assertEquals(p.start + 14 + 40 + 16, p.l4);
        }

        @Test
        void laterFragment() {
            Packet p = packet(IPV6_HBH_FRAG_LATER);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(17, k.ipProto());
            assertEquals(FlowKey.FRAG_ANY | FlowKey.FRAG_LATER, k.get(NW_FRAG));
            assertEquals(PacketParser.EXTHDR_HOP | PacketParser.EXTHDR_FRAG, k.get(IPV6_EXTHDR));
            assertEquals(-1, p.l4);
            assertEquals(0, k.words[FlowKey.W_L4]);
        }

        @Test
        void destinationOptionsThenEspStops() {
            Packet p = packet(IPV6_DEST_ESP);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(50, k.ipProto());
            assertEquals(PacketParser.EXTHDR_DEST | PacketParser.EXTHDR_ESP, k.get(IPV6_EXTHDR));
            assertEquals(-1, p.l4);
        }

        @Test
        void routingBeforeHopByHopIsUnsequencedAndNoNextHeader() {
            FlowKey k = parse(IPV6_UNSEQ_NONEXT, 1);
            assertEquals(59, k.ipProto());
            assertEquals(PacketParser.EXTHDR_ROUTER | PacketParser.EXTHDR_HOP | PacketParser.EXTHDR_UNSEQ
                    | PacketParser.EXTHDR_NONEXT, k.get(IPV6_EXTHDR));
        }

        @Test
        void repeatedHeaderIsUnrep() {
            // Two routing headers, then no next header.
            String eth = IPV6_UNSEQ_NONEXT.substring(0, 28);
            String ip = "60000000" + "0010" + "2b" + "40" + IPV6_UNSEQ_NONEXT.substring(44, 108);
            String hex = eth + ip + "2b00040000000000" + "3b00040000000000";
            FlowKey k = parse(hex, 1);
            assertEquals(PacketParser.EXTHDR_ROUTER | PacketParser.EXTHDR_UNREP | PacketParser.EXTHDR_NONEXT,
                    k.get(IPV6_EXTHDR));
        }
    }

    @Nested
    class Mpls {
        @Test
        void topLabelOnly() {
            Packet p = packet(MPLS_2_LABELS);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(0x8847, k.ethType());
            assertEquals(1000, k.get(MPLS_LABEL));
            assertEquals(5, k.get(MPLS_TC));
            assertEquals(0, k.get(MPLS_BOS));
            assertEquals(63, k.get(MPLS_TTL));
            assertEquals(p.start + 14, p.l2_5);
            assertEquals(-1, p.l3);
            assertEquals(0, k.ipProto());
            assertEquals(0, k.get(IPV4_SRC));
        }
    }

    @Nested
    class Pbb {
        @Test
        void itag() {
            Packet p = packet(PBB);
            FlowKey k = new FlowKey();
            assertTrue(PacketParser.parse(p, 1, k));
            assertEquals(0x88e7, k.ethType());
            assertEquals(0x123456, k.get(PBB_ISID));
            assertEquals(1, k.get(PBB_UCA));
            assertEquals(0xbL, k.get(ETH_DST));
            assertEquals(p.start + 14, p.l2_5);
            assertEquals(-1, p.l3);
        }
    }

    @Nested
    class Truncation {
        /** Every prefix of every sample parses without throwing, and gives a prefix of the fields. */
        @Test
        void everyPrefixOfEverySample() {
            FlowKey full = new FlowKey(), cut = new FlowKey();
            for (String hex : ALL) {
                byte[] frame = bytes(hex);
                Packet p = Packet.of(frame);
                assertTrue(PacketParser.parse(p, 9, full), hex);
                for (int len = 0; len < frame.length; len++) {
                    p.load(frame, 0, len);
                    boolean ok = PacketParser.parse(p, 9, cut);
                    assertEquals(ok, !p.truncated);
                    for (Field f : Field.values()) {
                        if (f.is128()) {
                            long h = cut.getHigh(f), l = cut.getLow(f);
                            assertTrue((h == 0 && l == 0) || (h == full.getHigh(f) && l == full.getLow(f)),
                                    f + " at length " + len + " of " + hex);
                        } else {
                            long v = cut.get(f);
                            assertTrue(v == 0 || v == full.get(f), f + " at length " + len + " of " + hex);
                        }
                    }
                }
            }
        }

        @Test
        void truncatedTcpKeepsIpFields() {
            byte[] frame = bytes(TCP_SYN);
            Packet p = Packet.of(frame);
            p.load(frame, 0, 14 + 20 + 10);
            FlowKey k = new FlowKey();
            assertFalse(PacketParser.parse(p, 1, k));
            assertTrue(p.truncated);
            assertEquals(ip4(10, 0, 0, 2), k.get(IPV4_DST));
            assertEquals(6, k.ipProto());
            assertEquals(0, k.get(TCP_DST));
            assertEquals(-1, p.l4);
        }
    }

    @Nested
    class Fuzz {
        /** Random bytes (and sample frames with random bytes flipped): the parser never throws. */
        @Test
        void randomFramesNeverThrow() {
            SplittableRandom rnd = new SplittableRandom(0x5eed);
            Packet p = Packet.allocate();
            FlowKey k = new FlowKey();
            byte[] buf = new byte[256];
            byte[][] samples = new byte[ALL.length][];
            for (int i = 0; i < ALL.length; i++) samples[i] = bytes(ALL[i]);
            for (int n = 0; n < 200_000; n++) {
                int len;
                if ((n & 1) == 0) {
                    len = rnd.nextInt(buf.length + 1);
                    for (int i = 0; i < len; i++) buf[i] = (byte) rnd.nextInt(256);
                    // Steer half of the random frames into the interesting EtherTypes.
                    if (len >= 14 && rnd.nextBoolean()) {
                        int[] types = {0x0800, 0x86dd, 0x0806, 0x8847, 0x88e7, 0x8100, 0x88a8};
                        int t = types[rnd.nextInt(types.length)];
                        buf[12] = (byte) (t >>> 8);
                        buf[13] = (byte) t;
                    }
                } else {
                    byte[] s = samples[rnd.nextInt(samples.length)];
                    len = Math.min(buf.length, s.length);
                    System.arraycopy(s, 0, buf, 0, len);
                    for (int flips = rnd.nextInt(1, 4); flips > 0; flips--) buf[rnd.nextInt(len)] = (byte) rnd.nextInt(256);
                    len = rnd.nextInt(len + 1);
                }
                p.load(buf, 0, len);
                boolean ok = PacketParser.parse(p, 1, k);
                assertEquals(ok, !p.truncated);
                assertTrue(p.l3 < 0 || (p.l3 >= p.start && p.l3 <= p.end()));
                assertTrue(p.l4 < 0 || (p.l4 >= p.start && p.l4 <= p.end()));
            }
        }
    }

    @Test
    void sampleChecksumsAreValid() {
        for (String hex : ALL) assertNull(ChecksumVerifier.check(packet(hex)), hex);
    }
}
