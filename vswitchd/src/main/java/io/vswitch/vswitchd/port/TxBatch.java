package io.vswitch.vswitchd.port;

import io.vswitch.datapath.packet.Packet;
import java.lang.foreign.MemorySegment;

/**
 * Frames waiting to be sent on one port, in preallocated packet buffers: the datapath copies each output into the
 * next slot (outputs of one frame to several ports must not share a buffer, and the receive buffer is reused for
 * the next frame), and the port sends the batch in one system call.
 */
final class TxBatch {
    final Packet[] slots;
    final MemorySegment[] buffers;
    final int[] starts;
    final int[] lengths;
    int count;
    /** Frames too big for a slot (larger than the port's buffers), dropped. */
    long oversized;

    TxBatch(int size, int capacity) {
        slots = new Packet[size];
        buffers = new MemorySegment[size];
        starts = new int[size];
        lengths = new int[size];
        for (int i = 0; i < size; i++) {
            slots[i] = Packet.allocate(capacity);
            buffers[i] = slots[i].buffer();
        }
    }

    /** Copies {@code p} into the next slot; false when the batch is full (the caller flushes and retries). */
    boolean add(Packet p) {
        if (count == slots.length) return false;
        Packet s = slots[count];
        if (p.length > s.capacity() - Packet.HEADROOM) {
            oversized++;
            return true;
        }
        s.copyFrom(p);
        starts[count] = s.start;
        lengths[count] = s.length;
        count++;
        return true;
    }

    boolean full() { return count == slots.length; }
}
