package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** TapDevice against the kernel, with an AfPacketSocket on the same interface as the other side. */
class TapDeviceTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final int BATCH = 16;

    @AfterAll
    static void noneLeft() throws Exception {
        VethPair.assertNoneLeft();
    }

    private static TapDevice openUp() throws Exception {
        VethPair.assumeRoot();
        String name = VethPair.PREFIX + "t" + SEQ.incrementAndGet();
        TapDevice tap = TapDevice.open(name, BATCH);
        try {
            assertEquals(name, tap.name());
            Path sysctl = Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6");
            if (Files.exists(sysctl)) {
                Files.writeString(sysctl, "1");
            }
            NetDevice.setUp(name, true);
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (!NetDevice.hasCarrier(name) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(NetDevice.hasCarrier(name), "tap has carrier while its fd is open");
            return tap;
        } catch (Exception | Error e) {
            tap.close();
            throw e;
        }
    }

    @Test
    void framesFlowBothWaysWithTagsIntact() throws Exception {
        try (TapDevice tap = openUp();
             AfPacketSocket sock = AfPacketSocket.open(tap.name(), BATCH);
             Arena arena = Arena.ofConfined()) {
            assertEquals(NetDevice.index(tap.name()), tap.ifindex());
            MemorySegment[] tx = new MemorySegment[BATCH];
            MemorySegment[] rx = new MemorySegment[BATCH];
            for (int i = 0; i < BATCH; i++) {
                tx[i] = arena.allocate(Frames.BUF, 64);
                rx[i] = arena.allocate(Frames.BUF, 64);
            }
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] f = Frames.frame(i, 64 + 100 * i);
                frames.add(i % 2 == 0 ? f : Frames.tagged(f, i < 4 ? 0x8100 : 0x88a8, 0x2000 | i));
            }

            // tap -> kernel -> AF_PACKET socket
            int[] starts = new int[frames.size()];
            int[] lengths = new int[frames.size()];
            for (int i = 0; i < frames.size(); i++) {
                MemorySegment.copy(MemorySegment.ofArray(frames.get(i)), 0, tx[i], Frames.OFFSET, frames.get(i).length);
                starts[i] = Frames.OFFSET;
                lengths[i] = frames.get(i).length;
            }
            assertEquals(frames.size(), tap.send(tx, starts, lengths, frames.size()));
            assertEquals(frames.size(), tap.txPackets());
            Frames.Received r = Frames.receive(sock, rx, 2048, frames.size(), 3000);
            assertEquals(frames.size(), r.frames().size());
            for (int i = 0; i < frames.size(); i++) {
                assertArrayEquals(frames.get(i), r.frames().get(i), "tap->socket frame " + i);
            }

            // AF_PACKET socket -> kernel -> tap
            assertEquals(frames.size(), Frames.send(sock, tx, frames));
            List<byte[]> got = new ArrayList<>();
            int[] rs = new int[BATCH];
            int[] rl = new int[BATCH];
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (got.size() < frames.size() && System.nanoTime() < deadline) {
                int n = tap.receive(rx, Frames.OFFSET, 2048, rs, rl);
                for (int i = 0; i < n; i++) {
                    assertEquals(Frames.OFFSET, rs[i]);
                    byte[] f = rx[i].asSlice(rs[i], rl[i]).toArray(ValueLayout.JAVA_BYTE);
                    if (Frames.ours(f)) {
                        got.add(f);
                    }
                }
                if (n == 0) {
                    Thread.sleep(1);
                }
            }
            assertEquals(frames.size(), got.size());
            for (int i = 0; i < frames.size(); i++) {
                assertArrayEquals(frames.get(i), got.get(i), "socket->tap frame " + i);
            }
            assertEquals(0, tap.receive(rx, Frames.OFFSET, 2048, rs, rl), "nothing more waiting");
        }
    }

    @Test
    void longFramesAreTruncated() throws Exception {
        try (TapDevice tap = openUp();
             AfPacketSocket sock = AfPacketSocket.open(tap.name(), BATCH);
             Arena arena = Arena.ofConfined()) {
            MemorySegment[] bufs = {arena.allocate(Frames.BUF, 64)};
            byte[] f = Frames.frame(3, 400);
            assertEquals(1, Frames.send(sock, bufs, List.of(f)));
            int[] rs = new int[1];
            int[] rl = new int[1];
            long deadline = System.nanoTime() + 3_000_000_000L;
            int n = 0;
            while (n == 0 && System.nanoTime() < deadline) {
                n = tap.receive(bufs, Frames.OFFSET, 100, rs, rl);
            }
            assertEquals(1, n);
            assertEquals(100, rl[0]);
            assertEquals(1, tap.truncated());
        }
    }

    @Test
    void closingRemovesTheInterface() throws Exception {
        TapDevice tap = openUp();
        String name = tap.name();
        try {
            assertTrue(Files.exists(Path.of("/sys/class/net", name)));
        } finally {
            tap.close();
        }
        tap.close();
        assertFalse(Files.exists(Path.of("/sys/class/net", name)), name + " gone after close");
        LinuxException e = assertThrows(LinuxException.class, () -> NetDevice.index(name));
        assertEquals(Errno.ENODEV, e.errno());
    }
}
