package io.vswitch.datapath.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Cache hits (exact-match and megaflow) and the slow path's table lookup allocate nothing per packet, measured
 * with the thread's allocated-bytes counter after a warm-up long enough for the JIT (JMH's -prof gc in
 * benchmarks/ measures the same with more precision).
 */
class FastPathAllocationTest {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private long allocatedBy(Runnable r) {
        long before = MX.getCurrentThreadAllocatedBytes();
        r.run();
        return MX.getCurrentThreadAllocatedBytes() - before;
    }

    private static final class CountingSink implements PacketSink {
        long outputs;

        @Override public void output(int port, Packet p, int queueId) { outputs++; }

        @Override public void packetIn(Packet p, PacketIn pi) { outputs++; }
    }

    @Test
    void cacheHitsAndTableLookupsDoNotAllocate() {
        assumeTrue(MX.isThreadAllocatedMemorySupported());
        Pipeline pipeline = new Pipeline();
        for (int i = 1; i <= 3; i++) pipeline.addPort(i, "p" + i, true);
        pipeline.flowMod(FlowParser.parseFlow("table=0,priority=10,ip,actions=dec_ttl,goto_table:1", FlowMod.Command.ADD));
        pipeline.flowMod(FlowParser.parseFlow("table=1,priority=10,tcp,tp_dst=80,actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:2",
                FlowMod.Command.ADD));
        Packet[] pristine = new Packet[16];
        for (int i = 0; i < pristine.length; i++) {
            FlowKey k = FlowParser.parseKey("in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=" + (1000 + i) + ",tp_dst=80");
            pristine[i] = Packet.allocate();
            PacketComposer.compose(k, pristine[i]);
        }
        Packet work = Packet.allocate();
        CountingSink sink = new CountingSink();
        FastPath withEmc = new FastPath(pipeline);
        FastPath megaflowOnly = new FastPath(pipeline, 0, 1000);
        FlowKey key = new FlowKey();
        long[] wildcards = new long[FlowKey.WORDS];

        Runnable emcHits = () -> {
            for (int n = 0; n < 50_000; n++) {
                work.copyFrom(pristine[n & 15]);
                withEmc.process(work, 1, sink, n);
            }
        };
        Runnable megaflowHits = () -> {
            for (int n = 0; n < 50_000; n++) {
                work.copyFrom(pristine[n & 15]);
                megaflowOnly.process(work, 1, sink, n);
            }
        };
        Runnable lookups = () -> {
            for (int n = 0; n < 50_000; n++) {
                PacketParser.parse(pristine[n & 15], 1, key);
                pipeline.table(1).classifier().lookup(key.words, wildcards);
            }
        };
        for (int warm = 0; warm < 4; warm++) {
            emcHits.run();
            megaflowHits.run();
            lookups.run();
        }
        assertTrue(allocatedBy(emcHits) < 4096, "exact-match hits allocated");
        assertTrue(allocatedBy(megaflowHits) < 4096, "megaflow hits allocated");
        assertTrue(allocatedBy(lookups) < 4096, "table lookups allocated");
        assertEquals(1, megaflowOnly.stats().upcalls(), "tp_src is not consulted: one megaflow serves all 16 connections");
        assertEquals(2 * 5 * 50_000, sink.outputs, "every cached packet was forwarded once");
    }
}
