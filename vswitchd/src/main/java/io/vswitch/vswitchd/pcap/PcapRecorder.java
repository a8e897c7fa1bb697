package io.vswitch.vswitchd.pcap;

import io.vswitch.datapath.packet.Packet;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Records one port's frames to a pcap file without slowing the datapath.
 *
 * <h2>How</h2>
 * <pre>
 *   datapath thread(s)                         writer thread ("pcap-PORT")
 *   offer(frame, now):                          loop:
 *     claim slot (CAS on tail) ──full──► drop++   slot published? ─no─► park 1 ms (flush the file when idle)
 *     copy frame into the slot's byte[]            │yes
 *     publish (sequence = pos + 1)  ───────────►  dumpRaw(frame, wall-clock stamp); free the slot
 * </pre>
 * A bounded multi-producer, single-consumer ring (D. Vyukov's bounded queue): {@code slots} preallocated buffers,
 * each with a sequence number that says whose turn it is. A producer never waits: when the ring is full the frame
 * is dropped and counted. Several producers are possible because a port receives on its own datapath thread
 * while any thread may output to it.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code sequence[i] == pos}: slot free for the producer claiming position {@code pos};
 *       {@code sequence[i] == pos + 1}: filled, for the writer; the writer frees it as {@code pos + slots}.</li>
 *   <li>The writer reads a slot only after its producer published it, so a producer still copying when
 *       {@link #stop} returns writes into a buffer nobody reads again: stopping is safe without waiting for
 *       producers; the daemon still lets its datapath threads pass a barrier first so no frame in flight is lost.</li>
 *   <li>Frames are copied whole (the slots hold the largest frame a port can carry, a GSO super-frame included),
 *       so nothing is truncated: caplen == len. Timestamps are the datapath's batch clock (monotonic), turned
 *       into wall-clock time with an offset taken when the recording started.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * Not recording: one field read per received batch and per output ({@code Port.recorder() == null}).
 * Recording: one CAS and one copy per frame on the datapath thread; the system calls happen on the writer.
 *
 * <p>The file is written with pcap4j (libpcap's {@code pcap_dump}), microsecond timestamps, link type Ethernet,
 * so tcpdump, tshark and Wireshark read it.
 */
public final class PcapRecorder {
    /** Which frames of the port are recorded. */
    public enum Direction {
        RX, TX, BOTH;

        public static Direction parse(String s) {
            return switch (s) {
                case "rx" -> RX;
                case "tx" -> TX;
                case "both" -> BOTH;
                default -> throw new IllegalArgumentException("direction must be rx, tx or both, not '" + s + "'");
            };
        }
    }

    /** What a finished recording did. */
    public record Result(Path file, long written, long dropped, String error) {
        @Override
        public String toString() {
            return written + " frames written to " + file + ", " + dropped + " dropped (ring full)"
                    + (error == null ? "" : "; write error: " + error);
        }
    }

    /** The snapshot length written in the file header: the largest Ethernet frame pcap readers accept. */
    static final int FILE_SNAPLEN = 262_144;
    private static final long IDLE_PARK_NANOS = 1_000_000L;

    private final Path file;
    private final boolean rx, tx;
    private final int slotCapacity;
    private final byte[][] data;
    private final int[] lengths;
    private final long[] stamps;
    private final AtomicLongArray sequence;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private long head; // writer thread only
    private volatile long written;
    private volatile String error;
    private volatile boolean stopping;
    private final long wallOffsetNanos;
    private final PcapHandle handle;
    private final PcapDumper dumper;
    private final Thread writer;
    private Result result;

    private PcapRecorder(Path file, Direction direction, int slots, int slotCapacity, PcapHandle handle, PcapDumper dumper,
                         String threadName) {
        this.file = file;
        this.rx = direction != Direction.TX;
        this.tx = direction != Direction.RX;
        this.slotCapacity = slotCapacity;
        this.data = new byte[slots][slotCapacity];
        this.lengths = new int[slots];
        this.stamps = new long[slots];
        this.sequence = new AtomicLongArray(slots);
        for (int i = 0; i < slots; i++) sequence.set(i, i);
        this.mask = slots - 1;
        this.handle = handle;
        this.dumper = dumper;
        this.wallOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        this.writer = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::write);
    }

    /**
     * Creates (or truncates) {@code file} and starts the writer thread. {@code slots} (a power of two) buffers of
     * {@code slotCapacity} bytes are allocated now; longer frames are cut to {@code slotCapacity}.
     *
     * @throws IOException with the reason the file cannot be written (no such directory, permission denied, is a
     *                     directory); nothing is created then
     */
    public static PcapRecorder start(Path file, Direction direction, int slots, int slotCapacity, String threadName)
            throws IOException {
        if (slots < 2 || Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two >= 2, not " + slots);
        if (slotCapacity < 64) throw new IllegalArgumentException("slotCapacity must be >= 64, not " + slotCapacity);
        if (Files.isDirectory(file)) throw new IOException(file + " is a directory");
        boolean existed = Files.exists(file);
        PcapHandle h;
        PcapDumper d;
        try {
            h = Pcaps.openDead(DataLinkType.EN10MB, FILE_SNAPLEN, PcapHandle.TimestampPrecision.MICRO);
        } catch (PcapNativeException e) {
            throw new IOException("libpcap: " + e.getMessage(), e);
        } catch (LinkageError e) { // UnsatisfiedLinkError, or pcap4j's native mappings failing to initialise
            throw new IOException("libpcap cannot be loaded (install libpcap0.8): " + e.getMessage(), e);
        }
        try {
            d = h.dumpOpen(file.toString());
        } catch (PcapNativeException | NotOpenException e) {
            h.close();
            throw new IOException(e.getMessage(), e);
        }
        PcapRecorder r;
        try {
            r = new PcapRecorder(file, direction, slots, slotCapacity, h, d, threadName);
        } catch (OutOfMemoryError e) {
            d.close();
            h.close();
            if (!existed) Files.deleteIfExists(file);
            throw new IOException("no memory for " + slots + " frame buffers of " + slotCapacity + " bytes", e);
        }
        r.writer.start();
        return r;
    }

    public Path file() { return file; }

    /** Whether received frames are recorded. */
    public boolean rx() { return rx; }

    /** Whether transmitted frames are recorded. */
    public boolean tx() { return tx; }

    public long written() { return written; }

    public long dropped() { return dropped.get(); }

    /**
     * Copies {@code p}'s frame into the ring, stamped {@code nanoTime} ({@link System#nanoTime} clock), or drops
     * and counts it when the ring is full. Never blocks, never allocates; any thread.
     */
    public void offer(Packet p, long nanoTime) {
        long pos;
        int i;
        for (;;) {
            pos = tail.get();
            i = (int) (pos & mask);
            long seq = sequence.getAcquire(i);
            if (seq == pos) {
                if (tail.compareAndSet(pos, pos + 1)) break;
            } else if (seq < pos) {
                dropped.incrementAndGet(); // full: the writer has not freed this slot yet
                return;
            }
            // seq > pos: another producer claimed pos first; retry with the new tail
        }
        int len = Math.min(p.length, slotCapacity);
        MemorySegment.copy(p.buffer(), ValueLayout.JAVA_BYTE, p.start, data[i], 0, len);
        lengths[i] = len;
        stamps[i] = nanoTime;
        sequence.setRelease(i, pos + 1);
    }

    /** The writer thread: drains the ring to the file until stopped, then drains what is left and closes. */
    private void write() {
        boolean unflushed = false;
        for (;;) {
            boolean last = stopping; // read before draining: frames published before stop() are all written
            int n = drain();
            if (n > 0) {
                unflushed = true;
                continue;
            }
            if (last) break;
            if (unflushed) { // idle: let readers of a live file see what we have
                flush();
                unflushed = false;
            }
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
        flush();
        dumper.close();
        handle.close();
    }

    private int drain() {
        int n = 0;
        for (;;) {
            long pos = head;
            int i = (int) (pos & mask);
            if (sequence.getAcquire(i) != pos + 1) return n;
            if (error == null) {
                long wall = stamps[i] + wallOffsetNanos;
                Timestamp ts = new Timestamp(Math.floorDiv(wall, 1_000_000L));
                ts.setNanos((int) Math.floorMod(wall, 1_000_000_000L));
                try {
                    dumper.dumpRaw(Arrays.copyOf(data[i], lengths[i]), ts);
                    written++;
                } catch (NotOpenException e) {
                    error = "file closed";
                }
            }
            sequence.setRelease(i, pos + mask + 1);
            head = pos + 1;
            n++;
        }
    }

    private void flush() {
        if (error != null) return;
        try {
            dumper.flush();
        } catch (PcapNativeException | NotOpenException e) {
            error = e.getMessage(); // e.g. disk full: later frames are freed unwritten, stop() reports it
        }
    }

    /**
     * Writes what is still in the ring, closes the file and returns the totals. Call once producers no longer
     * offer (see the class comment for why a late producer is harmless anyway); later calls return the same.
     */
    public synchronized Result stop() {
        if (result != null) return result;
        stopping = true;
        LockSupport.unpark(writer);
        boolean interrupted = false;
        for (;;) {
            try {
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the file must be closed before we return: keep waiting
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        result = new Result(file, written, dropped.get(), error);
        return result;
    }
}
