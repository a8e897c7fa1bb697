package io.vswitch.vswitchd.port;

import io.vswitch.datapath.packet.Packet;
import java.lang.foreign.MemorySegment;

/**
 * Frames one datapath thread has for one port, in that thread's own buffers: the datapath copies each output into
 * the next slot (outputs of one frame to several ports must not share a buffer, and the receive buffer is reused
 * for the next frame), and {@link Port#send} hands the batch to the device in one system call. Each thread has
 * its own batch per port, so threads never share one; the port serialises sends.
 *
 * <p>Slots start small and grow, once each, to the largest frame they are given (a 64 KiB GSO super-frame).
 */
public final class TxBatch {
    private static final int INITIAL_SLOT = 2048;

    final Packet[] slots;
    final MemorySegment[] buffers;
    final int[] starts;
    final int[] lengths;
    int count;

    public TxBatch(int size) {
        slots = new Packet[size];
        buffers = new MemorySegment[size];
        starts = new int[size];
        lengths = new int[size];
        for (int i = 0; i < size; i++) {
            slots[i] = Packet.allocate(INITIAL_SLOT);
            buffers[i] = slots[i].buffer();
        }
    }

    /** Copies {@code p} into the next slot; false when the batch is full (send it, then add again). */
    public boolean add(Packet p) {
        if (count == slots.length) return false;
        Packet s = slots[count];
        if (s.capacity() - Packet.HEADROOM < p.length) {
            s = slots[count] = Packet.allocate(Math.max(p.capacity(), p.length + Packet.HEADROOM));
            buffers[count] = s.buffer();
        }
        s.copyFrom(p);
        starts[count] = s.start;
        lengths[count] = s.length;
        count++;
        return true;
    }

    public int count() { return count; }

    public boolean isEmpty() { return count == 0; }

    public void clear() { count = 0; }

    /** Frame {@code i} of the batch. */
    public Packet get(int i) { return slots[i]; }

    /** Drops frame {@code i}, keeping the order of the others. */
    void remove(int i) {
        Packet p = slots[i];
        MemorySegment b = buffers[i];
        System.arraycopy(slots, i + 1, slots, i, count - i - 1);
        System.arraycopy(buffers, i + 1, buffers, i, count - i - 1);
        System.arraycopy(starts, i + 1, starts, i, count - i - 1);
        System.arraycopy(lengths, i + 1, lengths, i, count - i - 1);
        count--;
        slots[count] = p; // keep the buffer for reuse
        buffers[count] = b;
    }
}
