package io.vswitch.linux;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test frames: locally administered MACs, EtherType 0x88b5 (local experimental) and a sequence number. */
final class Frames {
    static final int ETHERTYPE = 0x88b5;
    static final int OFFSET = 64;
    static final int BUF = 2048 + OFFSET;

    private Frames() {
    }

    /** An untagged frame of {@code len} bytes carrying {@code seq}. */
    static byte[] frame(int seq, int len) {
        byte[] f = new byte[len];
        byte[] dst = {0x02, 0, 0, 0, 0, 0x02};
        byte[] src = {0x02, 0, 0, 0, 0, 0x01};
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (ETHERTYPE >>> 8);
        f[13] = (byte) ETHERTYPE;
        f[14] = (byte) (seq >>> 24);
        f[15] = (byte) (seq >>> 16);
        f[16] = (byte) (seq >>> 8);
        f[17] = (byte) seq;
        for (int i = 18; i < len; i++) {
            f[i] = (byte) (i * 7 + seq);
        }
        return f;
    }

    /** {@code frame} with a VLAN tag (TPID, TCI) inserted after the MACs. */
    static byte[] tagged(byte[] frame, int tpid, int tci) {
        byte[] f = new byte[frame.length + 4];
        System.arraycopy(frame, 0, f, 0, 12);
        f[12] = (byte) (tpid >>> 8);
        f[13] = (byte) tpid;
        f[14] = (byte) (tci >>> 8);
        f[15] = (byte) tci;
        System.arraycopy(frame, 12, f, 16, frame.length - 12);
        return f;
    }

    /** Whether {@code f} is one of ours (EtherType after any VLAN tags). */
    static boolean ours(byte[] f) {
        int pos = 12;
        while (pos + 2 <= f.length) {
            int type = (f[pos] & 0xff) << 8 | (f[pos + 1] & 0xff);
            if (type == 0x8100 || type == 0x88a8) {
                pos += 4;
                continue;
            }
            return type == ETHERTYPE;
        }
        return false;
    }

    /** {@code n} native frame buffers of BUF bytes each, 64-byte aligned, in {@code arena}. */
    static MemorySegment[] buffers(java.lang.foreign.Arena arena, int n) {
        MemorySegment[] b = new MemorySegment[n];
        for (int i = 0; i < n; i++) b[i] = arena.allocate(BUF, 64);
        return b;
    }

    /** Copies {@code frames} into {@code bufs} at OFFSET and sends them in one call. */
    static int send(AfPacketSocket s, MemorySegment[] bufs, List<byte[]> frames) throws LinuxException {
        int[] starts = new int[frames.size()];
        int[] lengths = new int[frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            MemorySegment.copy(MemorySegment.ofArray(frames.get(i)), 0, bufs[i], OFFSET, frames.get(i).length);
            starts[i] = OFFSET;
            lengths[i] = frames.get(i).length;
        }
        return s.send(bufs, starts, lengths, frames.size());
    }

    /** A batch result: the frames of each non-empty receive, ours only. */
    record Received(List<byte[]> frames, int largestBatch, List<int[]> startsSeen) {
    }

    /**
     * Receives until {@code want} of our frames arrived or {@code timeoutMillis} passed, polling
     * every millisecond.
     */
    static Received receive(AfPacketSocket s, MemorySegment[] bufs, int maxLen, int want, long timeoutMillis)
            throws Exception {
        List<byte[]> got = new ArrayList<>();
        List<int[]> starts = new ArrayList<>();
        int[] st = new int[bufs.length];
        int[] len = new int[bufs.length];
        int largest = 0;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (got.size() < want && System.nanoTime() < deadline) {
            int n = s.receive(bufs, OFFSET, maxLen, st, len);
            if (n == 0) {
                Thread.sleep(1);
                continue;
            }
            largest = Math.max(largest, n);
            for (int i = 0; i < n; i++) {
                byte[] f = bufs[i].asSlice(st[i], len[i]).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                if (ours(f)) {
                    got.add(f);
                    starts.add(new int[] {st[i], len[i]});
                }
            }
        }
        return new Received(got, largest, starts);
    }

    static String hex(byte[] f) {
        StringBuilder sb = new StringBuilder();
        for (byte b : Arrays.copyOf(f, Math.min(f.length, 32))) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
