package io.vswitch.datapath.packet;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Parse and edit paths allocate nothing (measured with the thread's allocation counter after warm-up). */
class PacketAllocationTest {
    @Test
    void parseAndEditDoNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported()) return;
        byte[][] frames = new byte[Frames.ALL.length][];
        for (int i = 0; i < frames.length; i++) frames[i] = Frames.bytes(Frames.ALL[i]);
        byte[] syn = Frames.bytes(Frames.TCP_SYN);
        Packet p = Packet.allocate();
        FlowKey k = new FlowKey();
        run(frames, syn, p, k, 20_000); // warm up (interpreter, JIT)
        long before = mx.getCurrentThreadAllocatedBytes();
        int sink = run(frames, syn, p, k, 20_000);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink != 0);
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 20k rounds");
    }

    private static int run(byte[][] frames, byte[] syn, Packet p, FlowKey k, int rounds) {
        int sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (byte[] f : frames) {
                p.load(f, 0, f.length);
                if (PacketParser.parse(p, 1, k)) sink++;
            }
            p.load(syn, 0, syn.length);
            PacketParser.parse(p, 1, k);
            PacketEditor.setField(p, Field.IPV4_DST, r, 0);
            PacketEditor.setField(p, Field.TCP_DST, r, 0);
            PacketEditor.pushVlan(p, 0x8100);
            PacketEditor.pushMpls(p, 0x8847);
            PacketEditor.decMplsTtl(p);
            PacketEditor.popMpls(p, 0x0800);
            PacketEditor.popVlan(p);
            if (PacketEditor.decNwTtl(p)) sink++;
        }
        return sink;
    }
}
