package io.vswitch.datapath.packet;

import static io.vswitch.datapath.flow.Field.*;
import static io.vswitch.datapath.packet.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PacketEditorTest {
    static FlowKey reparse(Packet p) {
        FlowKey k = new FlowKey();
        PacketParser.parse(p, 0, k);
        return k;
    }

    static String hex(Packet p) {
        return HexFormat.of().formatHex(p.toBytes());
    }

    @Nested
    class Checksums {
        /**
         * On every sample frame, set every field whose header the frame has to random values: the checksums stay
         * valid (verified from scratch) and the re-parse shows the value the key editor computes.
         */
        @Test
        void everyFieldOnEverySample() {
            SplittableRandom rnd = new SplittableRandom(99);
            int edits = 0;
            for (String sample : ALL) {
                for (Field f : Field.values()) {
                    for (int round = 0; round < 20; round++) {
                        Packet p = packet(sample);
                        FlowKey k = new FlowKey();
                        PacketParser.parse(p, 0, k);
                        long v = rnd.nextLong(), lo = rnd.nextLong();
                        int proto = k.ipProto(), l4 = p.l4 - p.start;
                        PacketEditor.setField(p, f, v, lo);
                        // set ip_proto keeps the L4 bytes: their checksum stays where the old protocol has it
                        String bad = f == IP_PROTO ? ChecksumVerifier.check(p, proto, l4) : ChecksumVerifier.check(p);
                        assertNull(bad, () -> bad + " after " + f + " on " + sample);
                        if (FlowKeyEditor.setField(k, f, v, lo)) {
                            FlowKey r = reparse(p);
                            for (int w = 0; w <= FlowKey.W_TUNNEL; w++) r.words[w] = k.words[w];
                            assertEquals(k, r, () -> f + " on " + sample);
                            edits++;
                        }
                    }
                }
            }
            assertTrue(edits > 5000);
        }

        @Test
        void ipv4AddressUpdatesHeaderAndTcpChecksums() {
            Packet p = packet(TCP_SYN);
            PacketParser.parse(p, 0, new FlowKey());
            int ipCsum = p.u16(p.l3 + 10), tcpCsum = p.u16(p.l4 + 16);
            PacketEditor.setField(p, IPV4_DST, ip4(192, 168, 7, 9), 0);
            assertNotEquals(ipCsum, p.u16(p.l3 + 10));
            assertNotEquals(tcpCsum, p.u16(p.l4 + 16));
            assertNull(ChecksumVerifier.check(p));
            assertEquals(ip4(192, 168, 7, 9), reparse(p).get(IPV4_DST));
        }

        /** Frames of the OpenFlow 1.3 conformance suite (os-ken): set ip_proto 6 -> 17 on IPv4 and IPv6 TCP. */
        @Test
        void ipProtoKeepsTheL4BytesAndUpdatesTheirChecksumForThePseudoHeader() {
            String[][] cases = {
                {"22222222222212111111111108004520004b000000004006db1ec0a80a0ac0a814142b6708ae000000000000000060000000cb4c0000000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                 "22222222222212111111111108004520004b000000004011db13c0a80a0ac0a814142b6708ae000000000000000060000000cb410000000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},
                {"22222222222212111111111186dd620000640037064000100000000000000000000000000010002000000000000000000000000000202b6708ae0000000000000000600000006a5c0000000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                 "22222222222212111111111186dd620000640037114000100000000000000000000000000010002000000000000000000000000000202b6708ae0000000000000000600000006a510000000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}};
            for (String[] c : cases) {
                Packet p = Packet.of(HexFormat.of().parseHex(c[0]));
                PacketParser.parse(p, 0, new FlowKey());
                PacketEditor.setField(p, IP_PROTO, 17, 0);
                assertEquals(c[1], hex(p));
                assertEquals(17, reparse(p).ipProto());
            }
        }

        @Test
        void zeroUdpChecksumStaysZero() {
            // UDP_IP_OPTIONS with its UDP checksum zeroed (UDP starts at 14 + 24, checksum at +6).
            byte[] b = bytes(UDP_IP_OPTIONS);
            b[14 + 24 + 6] = 0;
            b[14 + 24 + 7] = 0;
            Packet p = Packet.of(b);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.setField(p, IPV4_SRC, ip4(1, 2, 3, 4), 0);
            PacketEditor.setField(p, UDP_DST, 5300, 0);
            assertEquals(0, p.u16(p.l4 + 6));
            assertNull(ChecksumVerifier.check(p));
        }

        @Test
        void sctpCrcIsRecomputed() {
            Packet p = packet(SCTP_INIT);
            PacketParser.parse(p, 0, new FlowKey());
            long crc = p.u32(p.l4 + 8);
            PacketEditor.setField(p, SCTP_DST, 9999, 0);
            assertNotEquals(crc, p.u32(p.l4 + 8));
            assertNull(ChecksumVerifier.check(p));
            assertEquals(9999, reparse(p).get(SCTP_DST));
        }

        @Test
        void ndSllRewritesTheOptionAndIcmpv6Checksum() {
            Packet p = packet(IPV6_NS_SLL);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.setField(p, IPV6_ND_SLL, 0x0a0b0c0d0e0fL, 0);
            assertNull(ChecksumVerifier.check(p));
            assertEquals(0x0a0b0c0d0e0fL, reparse(p).get(IPV6_ND_SLL));
            byte[] before = p.toBytes();
            PacketEditor.setField(p, IPV6_ND_TLL, 0x010203040506L, 0); // an NS has no TLL: no-op
            assertArrayEquals(before, p.toBytes());
        }

        @Test
        void ipv6AddressUpdatesTcpChecksum() {
            Packet p = packet(IPV6_TCP);
            PacketParser.parse(p, 0, new FlowKey());
            long[] a = ip6("2001:db8:1::99");
            PacketEditor.setField(p, IPV6_SRC, a[0], a[1]);
            assertNull(ChecksumVerifier.check(p));
            FlowKey k = reparse(p);
            assertEquals(a[0], k.getHigh(IPV6_SRC));
            assertEquals(a[1], k.getLow(IPV6_SRC));
        }
    }

    @Nested
    class Vlan {
        @Test
        void pushOnUntaggedInsertsZeroTciAfterMacs() {
            Packet p = packet(TCP_SYN);
            PacketParser.parse(p, 0, new FlowKey());
            int l3 = p.l3;
            PacketEditor.pushVlan(p, 0x8100);
            assertEquals(TCP_SYN.substring(0, 24) + "81000000" + TCP_SYN.substring(24), hex(p));
            assertEquals(l3, p.l3);
            FlowKey k = reparse(p);
            assertEquals(VID_PRESENT, k.get(VLAN_TCI));
            assertEquals(49152, k.get(TCP_SRC));
        }

        @Test
        void pushOnTaggedCopiesTciAndPopRestores() {
            Packet p = packet(VLAN_TCP);
            FlowKey before = new FlowKey();
            PacketParser.parse(p, 0, before);
            PacketEditor.pushVlan(p, 0x88a8);
            FlowKey k = reparse(p);
            assertEquals(before.get(VLAN_TCI), k.get(VLAN_TCI));
            assertEquals(before.get(VLAN_TCI), k.get(CVLAN_TCI));
            assertEquals(0x88a8, p.u16(p.start + 12));
            assertEquals(0x8100, p.u16(p.start + 16));
            PacketEditor.popVlan(p);
            assertEquals(VLAN_TCP, hex(p));
        }

        @Test
        void popOnQinqPromotesInner() {
            Packet p = packet(QINQ_UDP);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.popVlan(p);
            FlowKey k = reparse(p);
            assertEquals(200 | VID_PRESENT, k.get(VLAN_TCI));
            assertEquals(0, k.get(CVLAN_TCI));
            PacketEditor.popVlan(p);
            k = reparse(p);
            assertEquals(0, k.get(VLAN_TCI));
            assertEquals(1234, k.get(UDP_SRC));
            assertNull(ChecksumVerifier.check(p));
            PacketEditor.popVlan(p); // no tag: no-op
            assertEquals(0x0800, reparse(p).ethType());
        }

        @Test
        void setVidAndPcpOnOuterTag() {
            Packet p = packet(QINQ_UDP);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.setField(p, VLAN_VID, 0xabc | VID_PRESENT, 0);
            PacketEditor.setField(p, VLAN_PCP, 6, 0);
            FlowKey k = reparse(p);
            assertEquals(0xabc | VID_PRESENT, k.get(VLAN_VID));
            assertEquals(6, k.get(VLAN_PCP));
            assertEquals(200 | VID_PRESENT, k.get(CVLAN_TCI));
        }
    }

    @Nested
    class Mpls {
        @Test
        void pushOnIpTakesIpTtl() {
            Packet p = packet(UDP_IP_OPTIONS); // TTL 1
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.pushMpls(p, 0x8847);
            assertEquals(TCP_SYN.substring(0, 24) + "8847" + "00000101" + UDP_IP_OPTIONS.substring(28), hex(p));
            FlowKey k = reparse(p);
            assertEquals(0x8847, k.ethType());
            assertEquals(0, k.get(MPLS_LABEL));
            assertEquals(1, k.get(MPLS_BOS));
            assertEquals(1, k.get(MPLS_TTL));
            assertEquals(p.start + 14, p.l2_5);
            assertEquals(-1, p.l3);
        }

        @Test
        void pushOnNonIpUsesTheDefaultAndOnMplsCopiesTop() {
            Packet p = packet(ARP_REQUEST);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.pushMpls(p, 0x8848);
            assertEquals(PacketEditor.DEFAULT_MPLS_TTL, reparse(p).get(MPLS_TTL));

            p = packet(MPLS_2_LABELS);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.pushMpls(p, 0x8847);
            FlowKey k = reparse(p);
            assertEquals(1000, k.get(MPLS_LABEL));
            assertEquals(5, k.get(MPLS_TC));
            assertEquals(0, k.get(MPLS_BOS));
            assertEquals(63, k.get(MPLS_TTL));
        }

        @Test
        void pushAfterVlanTags() {
            Packet p = packet(VLAN_TCP);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.pushMpls(p, 0x8847);
            assertEquals(0x8100, p.u16(p.start + 12));
            assertEquals(0x8847, p.u16(p.start + 16));
            assertEquals(p.start + 18, p.l2_5);
            FlowKey k = reparse(p);
            assertEquals(10 | VID_PRESENT, k.get(VLAN_VID));
            assertEquals(64, k.get(MPLS_TTL));
        }

        @Test
        void popTwiceRevealsIp() {
            Packet p = packet(MPLS_2_LABELS);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.popMpls(p, 0x8847);
            FlowKey k = reparse(p);
            assertEquals(2000, k.get(MPLS_LABEL));
            assertEquals(1, k.get(MPLS_BOS));
            assertEquals(62, k.get(MPLS_TTL));
            PacketEditor.popMpls(p, 0x0800);
            int l3 = p.l3, l4 = p.l4;
            k = reparse(p);
            assertEquals(l3, p.l3);
            assertEquals(l4, p.l4);
            assertEquals(0x0800, k.ethType());
            assertEquals(1, k.ipProto());
            assertEquals(ip4(10, 0, 0, 9), k.get(IPV4_DST));
            assertNull(ChecksumVerifier.check(p));
        }

        /**
         * The conformance suite's 60-byte MPLS/IPv4/ICMP frame: the pop leaves 56 bytes, padded back to 60 with
         * zeros; a frame that was shorter than 60 before the pop is not padded beyond what it was.
         */
        @Test
        void popKeepsAMinimumSizeFrameMinimumSize() {
            String in = "22222222222212111111111188470006474045200024000000004001db4ac0a80a0ac0a81414080059da000000000123456789abcdef000000000000";
            Packet p = Packet.of(HexFormat.of().parseHex(in));
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.popMpls(p, 0x0800);
            assertEquals("222222222222121111111111080045200024000000004001db4ac0a80a0ac0a81414080059da000000000123456789abcdef00000000000000000000", hex(p));
            assertNull(ChecksumVerifier.check(p));

            p = Packet.of(HexFormat.of().parseHex(in.substring(0, 2 * 58)));
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.popMpls(p, 0x0800);
            assertEquals(58, p.length);
        }

        @Test
        void ttlActions() {
            Packet p = packet(MPLS_2_LABELS); // top ttl 63, second 62, IP ttl 64
            PacketParser.parse(p, 0, new FlowKey());
            assertTrue(PacketEditor.decMplsTtl(p));
            assertEquals(62, reparse(p).get(MPLS_TTL));
            PacketEditor.setMplsTtl(p, 9);
            PacketEditor.copyTtlIn(p); // second label gets 9
            PacketEditor.setMplsTtl(p, 1);
            assertFalse(PacketEditor.decMplsTtl(p));
            assertEquals(1, reparse(p).get(MPLS_TTL));
            PacketEditor.copyTtlOut(p); // top gets the second's 9
            assertEquals(9, reparse(p).get(MPLS_TTL));
            PacketEditor.popMpls(p, 0x8847);
            assertEquals(9, reparse(p).get(MPLS_TTL));
            PacketEditor.setMplsTtl(p, 33);
            PacketEditor.copyTtlIn(p); // into the IPv4 header, with its checksum
            PacketEditor.popMpls(p, 0x0800);
            FlowKey k = reparse(p);
            assertEquals(33, k.get(NW_TTL));
            assertNull(ChecksumVerifier.check(p));
        }
    }

    @Nested
    class Pbb {
        @Test
        void pushCopiesMacsAndPopRestores() {
            Packet p = packet(TCP_SYN);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.pushPbb(p, 0x88e7);
            assertEquals(TCP_SYN.substring(0, 24) + "88e7" + "00000000" + TCP_SYN, hex(p));
            FlowKey k = reparse(p);
            assertEquals(0x88e7, k.ethType());
            assertEquals(0, k.get(PBB_ISID));
            assertEquals(PacketParserTest.MAC_GW, k.get(ETH_DST));
            PacketEditor.setField(p, PBB_ISID, 0xfedcba, 0);
            PacketEditor.pushPbb(p, 0x88e7); // copies the I-TAG
            assertEquals(0xfedcba, reparse(p).get(PBB_ISID));
            PacketEditor.popPbb(p);
            PacketEditor.popPbb(p);
            assertEquals(TCP_SYN, hex(p));
            assertEquals(p.start + 34, p.l4);
        }

        @Test
        void popRevealsCustomerFrame() {
            Packet p = packet(PBB);
            PacketParser.parse(p, 0, new FlowKey());
            PacketEditor.popPbb(p);
            FlowKey k = reparse(p);
            assertEquals(0x0cL, k.get(ETH_DST));
            assertEquals(0x0800, k.ethType());
            assertEquals(1234, k.get(UDP_SRC));
        }
    }

    @Nested
    class NwTtl {
        @Test
        void decrementUntilExpired() {
            Packet p = packet(TCP_SYN);
            PacketParser.parse(p, 0, new FlowKey());
            assertTrue(PacketEditor.decNwTtl(p));
            assertEquals(63, reparse(p).get(NW_TTL));
            assertNull(ChecksumVerifier.check(p));
            PacketEditor.setNwTtl(p, 2);
            assertTrue(PacketEditor.decNwTtl(p));
            byte[] at1 = p.toBytes();
            assertFalse(PacketEditor.decNwTtl(p));
            assertArrayEquals(at1, p.toBytes());
            PacketEditor.setNwTtl(p, 0);
            assertFalse(PacketEditor.decNwTtl(p));
            assertNull(ChecksumVerifier.check(p));
        }

        @Test
        void ipv6HopLimit() {
            Packet p = packet(IPV6_TCP);
            PacketParser.parse(p, 0, new FlowKey());
            assertTrue(PacketEditor.decNwTtl(p));
            assertEquals(16, reparse(p).get(NW_TTL));
        }

        @Test
        void nonIpIsNoOp() {
            Packet p = packet(ARP_REQUEST);
            PacketParser.parse(p, 0, new FlowKey());
            assertTrue(PacketEditor.decNwTtl(p));
            assertEquals(ARP_REQUEST, hex(p));
        }
    }

    @Nested
    class Fuzz {
        /** Editing damaged frames (random bytes flipped in samples, random lengths) never throws. */
        @Test
        void editingDamagedFramesNeverThrows() {
            RandomKeys actions = new RandomKeys(11);
            SplittableRandom rnd = actions.random();
            byte[][] samples = new byte[ALL.length][];
            for (int i = 0; i < ALL.length; i++) samples[i] = bytes(ALL[i]);
            Packet p = Packet.allocate();
            FlowKey k = new FlowKey();
            byte[] buf = new byte[256];
            for (int n = 0; n < 50_000; n++) {
                byte[] s = samples[rnd.nextInt(samples.length)];
                int len = s.length;
                System.arraycopy(s, 0, buf, 0, len);
                for (int flips = rnd.nextInt(0, 4); flips > 0; flips--) buf[rnd.nextInt(len)] = (byte) rnd.nextInt(256);
                if (rnd.nextBoolean()) len = rnd.nextInt(len + 1);
                p.load(buf, 0, len);
                PacketParser.parse(p, 1, k);
                for (int a = rnd.nextInt(1, 5); a > 0; a--) PacketEditor.execute(actions.action(), p);
                PacketParser.parse(p, 1, k);
            }
        }
    }
}
