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
        batchesAllocateNothing(AfPacketSocket.RxMode.MMSG);
    }

    @Test
    void ringReceiveBatchesAllocateNothing() throws Exception {
        batchesAllocateNothing(AfPacketSocket.RxMode.RING);
    }

    @Test
    void adaptiveReceiveBatchesAllocateNothing() throws Exception {
        // Back-to-back batches: the warm-up moves it to the ring (a swap allocates; it is not per batch).
        batchesAllocateNothing(AfPacketSocket.RxMode.ADAPTIVE);
    }

    private void batchesAllocateNothing(AfPacketSocket.RxMode mode) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported()) {
            return;
        }
        try (VethPair veth = VethPair.create();
             Arena arena = Arena.ofConfined();
             AfPacketSocket sa = AfPacketSocket.open(veth.a, BATCH);
             AfPacketSocket sb = AfPacketSocket.open(veth.b, BATCH, false, mode)) {
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

    @Test
    void epollWaitAndTapBatchesAllocateNothing() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported()) {
            return;
        }
        VethPair.assumeRoot();
        String name = VethPair.PREFIX + "m1";
        try (TapDevice tap = TapDevice.open(name, BATCH);
             Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.open()) {
            java.nio.file.Path sysctl = java.nio.file.Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6");
            if (java.nio.file.Files.exists(sysctl)) {
                java.nio.file.Files.writeString(sysctl, "1");
            }
            NetDevice.setUp(name, true);
            epoll.add(tap.fd(), 1);
            MemorySegment[] bufs = new MemorySegment[BATCH];
            int[] starts = new int[BATCH];
            int[] lengths = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                bufs[i] = arena.allocate(Frames.BUF, 64);
                byte[] f = Frames.frame(i, 64);
                MemorySegment.copy(MemorySegment.ofArray(f), 0, bufs[i], Frames.OFFSET, f.length);
                starts[i] = Frames.OFFSET;
                lengths[i] = f.length;
            }
            int[] tokens = new int[4];
            int[] rs = new int[BATCH];
            int[] rl = new int[BATCH];
            long sink = 0;
            long[] perOp = new long[3];
            for (int pass = 0; pass < 4; pass++) {
                java.util.Arrays.fill(perOp, 0);
                for (int r = 0; r < 3000; r++) {
                    // Written frames enter the stack, which drops them (nothing listens); reads find none.
                    long t0 = mx.getCurrentThreadAllocatedBytes();
                    sink += tap.send(bufs, starts, lengths, BATCH);
                    long t1 = mx.getCurrentThreadAllocatedBytes();
                    sink += tap.receive(bufs, Frames.OFFSET, 2048, rs, rl);
                    long t2 = mx.getCurrentThreadAllocatedBytes();
                    sink += epoll.wait(tokens, 0);
                    if ((r & 63) == 0) {
                        epoll.wakeup();
                    }
                    long t3 = mx.getCurrentThreadAllocatedBytes();
                    perOp[0] += t1 - t0;
                    perOp[1] += t2 - t1;
                    perOp[2] += t3 - t2;
                }
            }
            assertTrue(perOp[0] + perOp[1] + perOp[2] < 8192, "allocated (send, receive, epoll) "
                    + java.util.Arrays.toString(perOp) + " bytes in 3000 rounds");
            assertTrue(sink > 0);
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
