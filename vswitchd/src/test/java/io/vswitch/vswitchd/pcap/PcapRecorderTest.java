package io.vswitch.vswitchd.pcap;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.packet.Packet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's ring without a datapath: drops are counted, nothing is lost or torn, files read back. */
class PcapRecorderTest {
    @TempDir
    Path dir;

    /** A 64-byte frame whose bytes 14..21 hold {@code id} and whose remaining bytes repeat its low byte. */
    private static Packet frame(long id, int length) {
        byte[] f = new byte[length];
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5; // local experimental ethertype
        ByteBuffer.wrap(f).putLong(14, id);
        for (int i = 22; i < length; i++) f[i] = (byte) id;
        return Packet.of(f);
    }

    private static List<byte[]> read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            byte[] f;
            while ((f = r.next()) != null) {
                assertEquals(f.length, r.originalLength(), "nothing truncated");
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void everyOfferedFrameIsWrittenOrCountedAsDropped() throws Exception {
        Path file = dir.resolve("burst.pcap");
        PcapRecorder r = PcapRecorder.start(file, PcapRecorder.Direction.BOTH, 4, 2048, "pcap-test");
        int producers = 3, each = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                Packet[] mine = new Packet[16];
                for (int i = 0; i < mine.length; i++) mine[i] = frame(((long) id << 32) | i, 64 + i);
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) r.offer(mine[i % mine.length], System.nanoTime());
            }));
        }
        go.countDown();
        for (Thread t : threads) t.join();
        PcapRecorder.Result res = r.stop();
        assertNull(res.error());
        assertEquals((long) producers * each, res.written() + res.dropped(), res.toString());
        assertTrue(res.dropped() > 0, "a 4-slot ring under three busy producers must overflow: " + res);
        List<byte[]> frames = read(file);
        assertEquals(res.written(), frames.size());
        for (byte[] f : frames) { // whole and untorn: the length and the fill byte agree with the id
            long id = ByteBuffer.wrap(f).getLong(14);
            assertEquals(64 + (id & 0xffff), f.length);
            for (int i = 22; i < f.length; i++) assertEquals((byte) id, f[i]);
        }
        assertSame(res, r.stop(), "stop is idempotent");
    }

    @Test
    void framesAreKeptInOrderAndLongFramesAreCut() throws Exception {
        Path file = dir.resolve("order.pcap");
        PcapRecorder r = PcapRecorder.start(file, PcapRecorder.Direction.RX, 64, 100, "pcap-test");
        assertTrue(r.rx());
        assertFalse(r.tx());
        for (int i = 0; i < 50; i++) {
            r.offer(frame(i, 60 + i), System.nanoTime());
            Thread.sleep(i % 10 == 0 ? 2 : 0); // let the writer catch up now and then, as a live port would
        }
        PcapRecorder.Result res = r.stop();
        assertEquals(50, res.written());
        assertEquals(0, res.dropped());
        List<byte[]> frames = read(file);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertEquals(i, ByteBuffer.wrap(frames.get(i)).getLong(14), "in order");
            assertEquals(Math.min(60 + i, 100), frames.get(i).length, "cut to the slot size");
            seen.add((long) i);
        }
        assertEquals(50, seen.size());
    }

    @Test
    void unwritableFilesAreRefusedAndNothingIsCreated() {
        Path missing = dir.resolve("no/such/dir/x.pcap");
        IOException e = assertThrows(IOException.class, () -> PcapRecorder.start(missing, PcapRecorder.Direction.BOTH, 4, 2048, "t"));
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertThrows(IOException.class, () -> PcapRecorder.start(dir, PcapRecorder.Direction.BOTH, 4, 2048, "t"));
        assertThrows(IllegalArgumentException.class, () -> PcapRecorder.start(dir.resolve("y"), PcapRecorder.Direction.BOTH, 3, 2048, "t"));
        assertFalse(Files.exists(dir.resolve("y")));
        assertThrows(IllegalArgumentException.class, () -> PcapRecorder.Direction.parse("sideways"));
    }
}
