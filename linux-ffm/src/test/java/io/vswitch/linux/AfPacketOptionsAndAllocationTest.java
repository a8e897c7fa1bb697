package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The options set at open took effect, and a send/receive batch allocates nothing. */
class AfPacketOptionsAndAllocationTest {
    private static final int BATCH = 32;

    @AfterAll
    static void noneLeft() throws Exception {
        VethPair.assertNoneLeft();
    }

    @Test
    void optionsSetAtOpenTookEffect() throws Exception {
        try (VethPair veth = VethPair.create(); AfPacketSocket s = AfPacketSocket.open(veth.a, 8)) {
            assertEquals(1, s.intOption(Libc.SOL_PACKET, Libc.PACKET_AUXDATA), "PACKET_AUXDATA");
            assertEquals(1, s.intOption(Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING), "PACKET_IGNORE_OUTGOING");
            assertEquals(1, s.intOption(Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS), "PACKET_QDISC_BYPASS");
            // The kernel doubles the requested size for bookkeeping.
            assertTrue(s.intOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF) >= AfPacketSocket.SOCKET_BUFFER_BYTES);
            assertTrue(s.intOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF) >= AfPacketSocket.SOCKET_BUFFER_BYTES);
        }
    }

    @Test
    void sendAndReceiveBatchesAllocateNothing() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported()) {
            return;
        }
        try (VethPair veth = VethPair.create();
             Arena arena = Arena.ofConfined();
             AfPacketSocket sa = AfPacketSocket.open(veth.a, BATCH);
             AfPacketSocket sb = AfPacketSocket.open(veth.b, BATCH)) {
            MemorySegment[] tx = new MemorySegment[BATCH];
            MemorySegment[] rx = new MemorySegment[BATCH];
            int[] starts = new int[BATCH];
            int[] lengths = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                tx[i] = arena.allocate(Frames.BUF, 64);
                rx[i] = arena.allocate(Frames.BUF, 64);
                // Every other frame VLAN-tagged, so the re-insertion path runs too.
                byte[] f = Frames.frame(i, 64);
                if (i % 2 == 0) {
                    f = Frames.tagged(f, 0x8100, 100 + i);
                }
                MemorySegment.copy(MemorySegment.ofArray(f), 0, tx[i], Frames.OFFSET, f.length);
                starts[i] = Frames.OFFSET;
                lengths[i] = f.length;
            }
            int[] rs = new int[BATCH];
            int[] rl = new int[BATCH];
            long sink = rounds(sa, sb, tx, starts, lengths, rx, rs, rl, 1500); // warm up
            long before = mx.getCurrentThreadAllocatedBytes();
            sink += rounds(sa, sb, tx, starts, lengths, rx, rs, rl, 1500);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertTrue(sink > 0);
            assertTrue(allocated < 8192, "allocated " + allocated + " bytes in 1500 batches of " + BATCH);
        }
    }

    private static long rounds(AfPacketSocket sa, AfPacketSocket sb, MemorySegment[] tx, int[] starts,
                               int[] lengths, MemorySegment[] rx, int[] rs, int[] rl, int rounds)
            throws LinuxException {
        long got = 0;
        for (int r = 0; r < rounds; r++) {
            int sent = sa.send(tx, starts, lengths, BATCH);
            int want = sent;
            long spins = 0;
            while (want > 0 && spins++ < 1_000_000) {
                int n = sb.receive(rx, Frames.OFFSET, 2048, rs, rl);
                want -= n;
                got += n;
            }
        }
        return got;
    }
}
