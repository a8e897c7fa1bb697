package io.vswitch.benchmarks.forwarding;

import io.vswitch.linux.AfPacketSocket;
import io.vswitch.linux.LinuxException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced UDP frame sender for the forwarding benchmark ({@code benchmarks/forwarding/run}), run inside the sending
 * namespace. Unlike trafgen's rate option (which sends each second's quota as one burst), it spreads the rate evenly:
 * every slice of about 50 us it sends the frames due by then in one {@code sendmmsg} of at most 32 frames, waiting
 * for the next slice on {@link System#nanoTime()} (spinning; parking only for gaps above 150 us).
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code --rate PPS --seconds S}: send at PPS for S seconds ({@code --rate 0}: as fast as possible, batches of
 *       32) and print one JSON line: target, accepted, achieved rate, frames the kernel refused.</li>
 *   <li>{@code --search --rx-dev /proc/PID/net/dev --rx-iface NAME --hi PPS [--start PPS] [--steps N]
 *       [--step-seconds S] [--max-loss 0.001]}: binary search for the highest rate whose loss stays under
 *       {@code --max-loss}. Delivered frames are counted on the receiving namespace's interface through
 *       {@code /proc/PID/net/dev} of a process living there (procfs shows that process's namespace), so the whole
 *       search runs in one warmed-up JVM. Prints one JSON line per step and a final {@code "result"} line.</li>
 * </ul>
 * Frames: Ethernet/IPv4/UDP to port 9 (discard), valid IPv4 checksum, UDP checksum 0, {@code --size} bytes handed to
 * the kernel (no FCS: 60 for "64-byte frames").
 */
public final class PacedSender {
    private static final int BATCH = 32;
    private static final long SLICE_NS = 50_000;

    private final AfPacketSocket socket;
    private final MemorySegment[] buffers = new MemorySegment[BATCH];
    private final int[] starts = new int[BATCH];
    private final int[] lengths = new int[BATCH];

    private PacedSender(AfPacketSocket socket, MemorySegment frame) {
        this.socket = socket;
        for (int i = 0; i < BATCH; i++) {
            buffers[i] = frame;
            lengths[i] = (int) frame.byteSize();
        }
    }

    /** One paced run's outcome. */
    record Run(double targetPps, long accepted, long refused, double seconds) {
        double achievedPps() {
            return accepted / seconds;
        }
    }

    /** Sends at {@code pps} (0: unpaced) for {@code seconds}. */
    Run send(double pps, double seconds) throws LinuxException {
        long refused0 = socket.txDrops();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long attempted = 0, accepted = 0;
        if (pps <= 0) {
            while (System.nanoTime() < end) {
                accepted += socket.send(buffers, starts, lengths, BATCH);
                attempted += BATCH;
            }
        } else {
            double nsPerFrame = 1e9 / pps;
            int burst = (int) Math.max(1, Math.min(BATCH, Math.ceil(pps * SLICE_NS / 1e9)));
            long now;
            while ((now = System.nanoTime()) < end) {
                long due = (long) ((now - t0) / nsPerFrame) + 1;
                long n = due - attempted;
                if (n < burst) {
                    // Not yet a full slice's worth: wait until it is (park only when the gap is long).
                    long wakeAt = t0 + (long) ((attempted + burst - 1) * nsPerFrame);
                    long gap = wakeAt - now;
                    if (gap > 150_000) {
                        LockSupport.parkNanos(gap - 100_000);
                    } else {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                int count = (int) Math.min(n, BATCH);
                accepted += socket.send(buffers, starts, lengths, count);
                attempted += count;
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Run(pps, accepted, socket.txDrops() - refused0, elapsed);
    }

    /** rx_packets of {@code iface} in a /proc/PID/net/dev file. */
    static long rxPackets(Path netDev, String iface) throws IOException {
        for (String line : Files.readAllLines(netDev)) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).strip().equals(iface)) continue;
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            return Long.parseLong(f[1]);
        }
        throw new IOException("no interface " + iface + " in " + netDev);
    }

    static MemorySegment frame(Arena arena, int size, byte[] dstMac, byte[] srcMac, byte[] srcIp, byte[] dstIp) {
        if (size < 60 || size > 9000) throw new IllegalArgumentException("--size must be 60..9000");
        MemorySegment f = arena.allocate(size, 64);
        f.fill((byte) 0);
        byte[] b = new byte[size];
        System.arraycopy(dstMac, 0, b, 0, 6);
        System.arraycopy(srcMac, 0, b, 6, 6);
        b[12] = 0x08;
        b[13] = 0x00;
        int ipLen = size - 14;
        b[14] = 0x45;
        b[16] = (byte) (ipLen >> 8);
        b[17] = (byte) ipLen;
        b[20] = 0x40; // DF
        b[22] = 64; // TTL
        b[23] = 17; // UDP
        System.arraycopy(srcIp, 0, b, 26, 4);
        System.arraycopy(dstIp, 0, b, 30, 4);
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        sum = ~sum & 0xffff;
        b[24] = (byte) (sum >> 8);
        b[25] = (byte) sum;
        int udpLen = ipLen - 20;
        b[34] = 0x13; // source port 5001
        b[35] = (byte) 0x89;
        b[36] = 0;
        b[37] = 9; // discard
        b[38] = (byte) (udpLen >> 8);
        b[39] = (byte) udpLen;
        MemorySegment.copy(b, 0, f, ValueLayout.JAVA_BYTE, 0, size);
        return f;
    }

    /** "02:00:00:00:00:01" → 6 bytes. */
    public static byte[] mac(String s) {
        String[] p = s.split(":");
        if (p.length != 6) throw new IllegalArgumentException("bad MAC " + s);
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) Integer.parseInt(p[i], 16);
        return b;
    }

    /** "10.0.0.1" → 4 bytes, network order. */
    public static byte[] ip(String s) {
        String[] p = s.split("\\.");
        if (p.length != 4) throw new IllegalArgumentException("bad IPv4 address " + s);
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(p[i]);
        return b;
    }

    private static String json(Run r) {
        return String.format(Locale.ROOT, "\"target_pps\": %.0f, \"accepted\": %d, \"refused\": %d, \"seconds\": %.3f, \"achieved_pps\": %.0f",
                r.targetPps(), r.accepted(), r.refused(), r.seconds(), r.achievedPps());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
            if (a.equals("--search")) {
                o.put("search", "true");
            } else if (i + 1 < args.length) {
                o.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        String iface = req(o, "iface");
        int size = Integer.parseInt(o.getOrDefault("size", "60"));
        try (Arena arena = Arena.ofShared(); AfPacketSocket socket = AfPacketSocket.open(iface, BATCH)) {
            MemorySegment frame = frame(arena, size, mac(req(o, "dst-mac")), mac(req(o, "src-mac")),
                    ip(req(o, "src-ip")), ip(req(o, "dst-ip")));
            PacedSender sender = new PacedSender(socket, frame);
            if (!o.containsKey("search")) {
                double seconds = Double.parseDouble(o.getOrDefault("seconds", "3"));
                double warmup = Double.parseDouble(o.getOrDefault("warmup-seconds", "0"));
                double rate = Double.parseDouble(o.getOrDefault("rate", "0"));
                if (warmup > 0) sender.send(rate, warmup);
                System.out.println("{" + json(sender.send(rate, seconds)) + "}");
                return;
            }
            search(sender, o);
        }
    }

    private static void search(PacedSender sender, Map<String, String> o) throws Exception {
        Path rxDev = Path.of(req(o, "rx-dev"));
        String rxIface = req(o, "rx-iface");
        double hi = Double.parseDouble(req(o, "hi"));
        double probe = Double.parseDouble(o.getOrDefault("start", String.valueOf(hi / 2)));
        int steps = Integer.parseInt(o.getOrDefault("steps", "5"));
        double stepSeconds = Double.parseDouble(o.getOrDefault("step-seconds", "3"));
        double maxLoss = Double.parseDouble(o.getOrDefault("max-loss", "0.001"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup-seconds", "1"));
        long drainMs = Long.parseLong(o.getOrDefault("drain-ms", "300"));

        // Warm-up (JIT, caches, the switch's flows) at a rate that should pass, not measured.
        sender.send(probe / 2, warmup);
        Thread.sleep(drainMs);

        double lo = 0;
        Run best = null;
        double bestLoss = 0;
        boolean senderLimited = false;
        List<String> lines = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            long rx0 = rxPackets(rxDev, rxIface);
            Run r = sender.send(probe, stepSeconds);
            Thread.sleep(drainMs);
            long delivered = rxPackets(rxDev, rxIface) - rx0;
            double loss = r.accepted() == 0 ? 1 : Math.max(0, 1 - (double) delivered / r.accepted());
            boolean senderKeptUp = r.achievedPps() >= 0.97 * probe;
            boolean pass = loss < maxLoss && senderKeptUp;
            String line = String.format(Locale.ROOT, "{\"step\": %d, %s, \"delivered\": %d, \"loss\": %.6f, \"sender_kept_up\": %s, \"pass\": %s}",
                    step, json(r), delivered, loss, senderKeptUp, pass);
            System.out.println(line);
            System.out.flush();
            lines.add(line);
            if (loss < maxLoss && !senderKeptUp) senderLimited = true;
            if (pass) {
                lo = probe;
                if (best == null || r.achievedPps() > best.achievedPps()) {
                    best = r;
                    bestLoss = loss;
                }
            } else {
                hi = probe;
            }
            probe = (lo + hi) / 2;
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"result\": true, \"zero_loss_pps\": %.0f, \"loss\": %.6f, \"upper_bound_pps\": %.0f, \"steps\": %d, \"sender_limited\": %s}",
                best == null ? 0.0 : best.achievedPps(), bestLoss, hi, steps, senderLimited));
    }

    private static String req(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) throw new IllegalArgumentException("missing --" + key);
        return v;
    }
}
