package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TPACKET_V3 receive ring of AfPacketSocket against a real veth pair: sender sa (sendmmsg), ring receiver sb. */
class AfPacketRingTest {
    private static final int BATCH = 32;

    private VethPair veth;
    private Arena arena;
    private AfPacketSocket sa;
    private AfPacketSocket sb;
    private MemorySegment[] txBufs;
    private MemorySegment[] rxBufs;

    @BeforeEach
    void setUp() throws Exception {
        veth = VethPair.create();
        arena = Arena.ofConfined();
        txBufs = Frames.buffers(arena, BATCH);
        rxBufs = Frames.buffers(arena, BATCH);
    }

    private void open(boolean vnet) throws LinuxException {
        sa = AfPacketSocket.open(veth.a, BATCH, vnet);
        sb = AfPacketSocket.open(veth.b, BATCH, vnet, true);
        assertTrue(sb.rxRing());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (sa != null) sa.close();
            if (sb != null) sb.close();
            if (arena != null) arena.close();
        } finally {
            if (veth != null) veth.close();
        }
    }

    @AfterAll
    static void noneLeft() throws Exception {
        VethPair.assertNoneLeft();
    }

    @Test
    void batchArrivesIntactWithVlanTagsReinserted() throws Exception {
        open(false);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            byte[] f = Frames.frame(i, 60 + i * 45); // 60 .. 1455 bytes
            if (i % 4 == 1) f = Frames.tagged(f, 0x8100, 0xA000 | i);
            if (i % 4 == 2) f = Frames.tagged(f, 0x88a8, 0x3000 | i);
            if (i % 8 == 3) f = Frames.tagged(Frames.tagged(f, 0x8100, 0x0064), 0x88a8, 0x00c8);
            sent.add(f);
        }
        assertEquals(BATCH, Frames.send(sa, txBufs, sent));
        Thread.sleep(50); // all queued in one block, retired by the timer

        Frames.Received r = Frames.receive(sb, rxBufs, 2048, BATCH, 3000);
        assertEquals(BATCH, r.frames().size());
        for (int i = 0; i < BATCH; i++) {
            byte[] f = sent.get(i);
            assertArrayEquals(f, r.frames().get(i), "frame " + i + ": " + Frames.hex(r.frames().get(i)));
            boolean tagged = i % 4 == 1 || i % 4 == 2 || i % 8 == 3;
            assertEquals(tagged ? Frames.OFFSET - AfPacketSocket.VLAN_HEADROOM : Frames.OFFSET, r.startsSeen().get(i)[0]);
        }
        assertTrue(r.largestBatch() > 1, "one receive returned several frames, largest " + r.largestBatch());
        assertEquals(0, sb.truncated());
        assertEquals(0, sb.kernelDrops());
    }

    @Test
    void longFramesAreTruncatedAndCounted() throws Exception {
        open(false);
        assertEquals(1, Frames.send(sa, txBufs, List.of(Frames.frame(3, 1000))));
        Frames.Received r = Frames.receive(sb, rxBufs, 500, 1, 3000);
        assertEquals(1, r.frames().size());
        assertEquals(500, r.frames().get(0).length);
        assertEquals(1, sb.truncated());
    }

    @Test
    void blocksAreReturnedOverMoreFramesThanTheRingHolds() throws Exception {
        open(false);
        int len = 1400; // ~1,500 ring bytes each: ~170 per block, ~2,800 in the ring
        int ringFrames = AfPacketSocket.RING_BLOCKS * (AfPacketSocket.RING_BLOCK_SIZE / (len + 100));
        int perRound = 800, rounds = (ringFrames * 2) / perRound + 1;
        int seq = 0;
        int[] st = new int[BATCH], ln = new int[BATCH];
        for (int round = 0; round < rounds; round++) {
            BitSet seen = new BitSet();
            int first = seq;
            for (int k = 0; k < perRound; k += BATCH) {
                List<byte[]> chunk = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) chunk.add(Frames.frame(seq++, len));
                assertEquals(BATCH, Frames.send(sa, txBufs, chunk));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            int count = 0;
            while (count < seq - first && System.nanoTime() < deadline) {
                int n = sb.receive(rxBufs, Frames.OFFSET, 2048, st, ln);
                if (n == 0) {
                    Thread.sleep(1);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    byte[] f = rxBufs[i].asSlice(st[i], ln[i]).toArray(ValueLayout.JAVA_BYTE);
                    if (!Frames.ours(f)) continue;
                    int s = (f[14] & 0xff) << 24 | (f[15] & 0xff) << 16 | (f[16] & 0xff) << 8 | (f[17] & 0xff);
                    assertArrayEquals(Frames.frame(s, len), f, "frame " + s);
                    assertTrue(s >= first && s < seq && !seen.get(s - first), "unexpected or repeated frame " + s);
                    seen.set(s - first);
                    count++;
                }
            }
            assertEquals(seq - first, count, "round " + round + " complete");
        }
        assertTrue(seq > ringFrames * 2, seq + " frames through a ring of ~" + ringFrames);
        assertEquals(0, sb.kernelDrops());
    }

    @Test
    void gsoFrameArrivesWholeWithItsVnetHeader() throws Exception {
        open(true);
        int payload = 20_000, len = 14 + 20 + 20 + payload;
        MemorySegment big = arena.allocate(len + 64, 64);
        MemorySegment[] bigRx = new MemorySegment[BATCH];
        for (int i = 0; i < BATCH; i++) bigRx[i] = arena.allocate(65_536 + 64, 64);
        byte[] f = new byte[len];
        byte[] hdr = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0,
                0x45, 0, (byte) ((len - 14) >>> 8), (byte) (len - 14), 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
        System.arraycopy(hdr, 0, f, 0, hdr.length);
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += (f[i] & 0xff) << 8 | (f[i + 1] & 0xff);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        f[24] = (byte) (~sum >>> 8);
        f[25] = (byte) ~sum;
        for (int i = hdr.length; i < len; i++) f[i] = (byte) (i * 13);
        MemorySegment.copy(MemorySegment.ofArray(f), 0, big, 64, len);
        sa.setTxVnet(0, AfPacketSocket.VNET_NEEDS_CSUM, AfPacketSocket.VNET_GSO_TCPV4, 54, 1448, 34, 16);
        assertEquals(1, sa.send(new MemorySegment[] {big}, new int[] {64}, new int[] {len}, 1));

        int[] st = new int[BATCH], ln = new int[BATCH];
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            int n = sb.receive(bigRx, Frames.OFFSET, 65_536, st, ln);
            for (int i = 0; i < n; i++) {
                byte[] got = bigRx[i].asSlice(st[i], ln[i]).toArray(ValueLayout.JAVA_BYTE);
                if (got.length < 14 || got[12] != 8 || got[13] != 0) continue; // not IPv4 (e.g. IPv6 chatter)
                assertEquals(len, got.length, "the super-frame arrived whole");
                assertArrayEquals(java.util.Arrays.copyOfRange(f, 34, len), java.util.Arrays.copyOfRange(got, 34, len));
                assertEquals(AfPacketSocket.VNET_GSO_TCPV4, sb.rxGsoType(i) & ~AfPacketSocket.VNET_GSO_ECN);
                assertEquals(1448, sb.rxGsoSize(i));
                assertEquals(54, sb.rxHdrLen(i));
                assertEquals(AfPacketSocket.VNET_NEEDS_CSUM, sb.rxVnetFlags(i) & AfPacketSocket.VNET_NEEDS_CSUM);
                assertEquals(34, sb.rxCsumStart(i));
                assertEquals(16, sb.rxCsumOffset(i));
                return;
            }
            if (n == 0) Thread.sleep(1);
        }
        throw new AssertionError("no GSO frame arrived");
    }
}
