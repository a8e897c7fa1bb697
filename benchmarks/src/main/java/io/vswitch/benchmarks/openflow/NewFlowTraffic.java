package io.vswitch.benchmarks.openflow;

import io.vswitch.benchmarks.forwarding.PacedSender;
import io.vswitch.linux.AfPacketSocket;
import io.vswitch.linux.Epoll;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Traffic for the flow setup benchmark: every frame sent is the first (and only) packet of a new flow, and the
 * receiver counts the distinct flows that arrived.
 *
 * <pre>
 *   send    --iface eth0 --seconds S --src-mac M --dst-mac M --dst-ip A [--rate PPS (0: as fast as possible)]
 *   receive --iface eth0 --seconds S          (prints "ready", then one JSON line after S seconds)
 * </pre>
 * Frame i (60 bytes, Ethernet/IPv4/UDP to port 9): source address 10.128.0.0 + (i mod 2^22), source port
 * 1024 + (i / 2^22), so (nw_src, tp_src) is distinct for 2^22 * 64,512 frames; payload: magic, i, and
 * {@link System#nanoTime()} at the send call (CLOCK_MONOTONIC, shared by all processes on the host and not
 * namespaced), which gives the receiver each flow's setup latency: sender → switch → packet-in → controller →
 * packet-out → switch → receiver.
 *
 * <p>Both ends use the project's {@link AfPacketSocket} (sendmmsg / recvmmsg, batches of 32). The sender rewrites
 * the address, port, checksum, index and timestamp of each batch's 32 preallocated frames: nothing per packet is
 * allocated or forked.
 */
public final class NewFlowTraffic {
    static final int MAGIC = 0x0F5E7B0C;
    static final int SIZE = 60, BATCH = 32;
    static final int OFF_SRC_IP = 26, OFF_IP_CSUM = 24, OFF_SPORT = 34, OFF_MAGIC = 42, OFF_INDEX = 46, OFF_TIME = 50;
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** At most this many flows are tracked (and sent): 2^24, 2 MiB of bits. */
    static final int MAX_FLOWS = 1 << 24;

    private NewFlowTraffic() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("send") || args[0].equals("receive"))) {
            throw new IllegalArgumentException("usage: NewFlowTraffic send|receive --iface IF --seconds S ...");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("send")) {
            send(Args.parse(rest, "iface", "seconds", "src-mac", "dst-mac", "dst-ip", "rate"));
        } else {
            receive(Args.parse(rest, "iface", "seconds"));
        }
    }

    static int srcIp(int i) {
        return 0x0A800000 | (i & 0x3FFFFF);
    }

    static int srcPort(int i) {
        return 1024 + (i >>> 22);
    }

    private static void send(Map<String, String> o) throws Exception {
        double seconds = Args.doubleArg(o, "seconds", 5, 0.1, 3600);
        double rate = Args.doubleArg(o, "rate", 0, 0, 1e8);
        byte[] dst = PacedSender.mac(Args.req(o, "dst-mac")), src = PacedSender.mac(Args.req(o, "src-mac"));
        byte[] dstIp = PacedSender.ip(Args.req(o, "dst-ip"));
        try (Arena arena = Arena.ofConfined(); AfPacketSocket socket = AfPacketSocket.open(Args.req(o, "iface"), BATCH)) {
            MemorySegment[] frames = new MemorySegment[BATCH];
            int[] starts = new int[BATCH], lengths = new int[BATCH];
            for (int k = 0; k < BATCH; k++) {
                MemorySegment f = arena.allocate(SIZE, 64);
                f.fill((byte) 0);
                MemorySegment.copy(dst, 0, f, ValueLayout.JAVA_BYTE, 0, 6);
                MemorySegment.copy(src, 0, f, ValueLayout.JAVA_BYTE, 6, 6);
                f.set(SHORT_BE, 12, (short) 0x0800);
                f.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
                f.set(SHORT_BE, 16, (short) (SIZE - 14));
                f.set(SHORT_BE, 20, (short) 0x4000); // DF
                f.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);
                f.set(ValueLayout.JAVA_BYTE, 23, (byte) 17);
                MemorySegment.copy(dstIp, 0, f, ValueLayout.JAVA_BYTE, 30, 4);
                f.set(SHORT_BE, 36, (short) 9);
                f.set(SHORT_BE, 38, (short) (SIZE - 34));
                f.set(INT_BE, OFF_MAGIC, MAGIC);
                frames[k] = f;
                lengths[k] = SIZE;
            }
            long refused0 = socket.txDrops();
            long t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9);
            double nsPerFrame = rate > 0 ? 1e9 / rate : 0;
            int next = 0;
            long now;
            while ((now = System.nanoTime()) < end && next < MAX_FLOWS - BATCH) {
                int n = BATCH;
                if (rate > 0) {
                    long due = (long) ((now - t0) / nsPerFrame) + 1 - next;
                    if (due <= 0) {
                        LockSupport.parkNanos(Math.max(1_000, (long) (-due * nsPerFrame)));
                        continue;
                    }
                    n = (int) Math.min(BATCH, due);
                }
                for (int k = 0; k < n; k++) {
                    MemorySegment f = frames[k];
                    int i = next + k;
                    f.set(INT_BE, OFF_SRC_IP, srcIp(i));
                    f.set(SHORT_BE, OFF_SPORT, (short) srcPort(i));
                    f.set(INT_BE, OFF_INDEX, i);
                    f.set(LONG_BE, OFF_TIME, now);
                    f.set(SHORT_BE, OFF_IP_CSUM, (short) 0);
                    f.set(SHORT_BE, OFF_IP_CSUM, ipChecksum(f));
                }
                // Frames the kernel refuses are lost flows: they count as offered, never as set up.
                socket.send(frames, starts, lengths, n);
                next += n;
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "{\"sent\": %d, \"refused\": %d, \"seconds\": %.3f, \"offered_pps\": %.0f}",
                    next, socket.txDrops() - refused0, elapsed, next / elapsed));
        }
    }

    static short ipChecksum(MemorySegment f) {
        int sum = 0;
        for (int off = 14; off < 34; off += 2) sum += Short.toUnsignedInt(f.get(SHORT_BE, off));
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (short) ~sum;
    }

    private static void receive(Map<String, String> o) throws Exception {
        double seconds = Args.doubleArg(o, "seconds", 5, 0.1, 3600);
        BitSet seen = new BitSet(MAX_FLOWS);
        long[] latencies = new long[1 << 22];
        int nLat = 0;
        long distinct = 0, duplicates = 0, other = 0, firstAt = 0, lastAt = 0;
        try (Arena arena = Arena.ofConfined(); AfPacketSocket socket = AfPacketSocket.open(Args.req(o, "iface"), BATCH);
             Epoll epoll = Epoll.open()) {
            epoll.add(socket.fd(), 0);
            MemorySegment[] bufs = new MemorySegment[BATCH];
            for (int k = 0; k < BATCH; k++) bufs[k] = arena.allocate(2048 + 64, 64);
            int[] starts = new int[BATCH], lengths = new int[BATCH], tokens = new int[4];
            System.out.println("ready");
            System.out.flush();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                if (epoll.wait(tokens, 20) == 0) continue;
                int n;
                while ((n = socket.receive(bufs, 64, 2048, starts, lengths)) > 0) {
                    long now = System.nanoTime();
                    for (int k = 0; k < n; k++) {
                        MemorySegment f = bufs[k];
                        int s = starts[k];
                        if (lengths[k] < OFF_TIME + 8 || f.get(INT_BE, s + OFF_MAGIC) != MAGIC) {
                            other++;
                            continue;
                        }
                        int i = f.get(INT_BE, s + OFF_INDEX);
                        if (i < 0 || i >= MAX_FLOWS) {
                            other++;
                        } else if (seen.get(i)) {
                            duplicates++;
                        } else {
                            seen.set(i);
                            if (distinct++ == 0) firstAt = now;
                            lastAt = now;
                            if (nLat < latencies.length) latencies[nLat++] = now - f.get(LONG_BE, s + OFF_TIME);
                        }
                    }
                }
            }
        }
        Arrays.sort(latencies, 0, nLat);
        System.out.println(String.format(Locale.ROOT,
                "{\"distinct_flows\": %d, \"duplicates\": %d, \"other_frames\": %d, \"arrival_window_s\": %.3f, "
                        + "\"latency_p50_us\": %.1f, \"latency_p90_us\": %.1f, \"latency_p99_us\": %.1f, \"latency_min_us\": %.1f}",
                distinct, duplicates, other, distinct > 1 ? (lastAt - firstAt) / 1e9 : 0,
                pct(latencies, nLat, 0.50), pct(latencies, nLat, 0.90), pct(latencies, nLat, 0.99),
                nLat == 0 ? 0 : latencies[0] / 1e3));
    }

    private static double pct(long[] sorted, int n, double q) {
        return n == 0 ? 0 : sorted[Math.min(n - 1, (int) (n * q))] / 1e3;
    }
}
