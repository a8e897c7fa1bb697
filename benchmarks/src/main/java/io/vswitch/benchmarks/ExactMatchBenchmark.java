package io.vswitch.benchmarks;

import io.vswitch.datapath.cache.FastPath;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One packet through the fast path when the exact-match cache answers: parse + hash + EMC probe + execute
 * (output to a port). 64 flows take turns, all resident in the EMC.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ExactMatchBenchmark {
    private FastPath fastPath;
    private Packet[] packets;
    private int next;
    private FastPathBenchmark.Sink sink;

    @Setup
    public void setup(Blackhole bh) {
        Pipeline pipeline = new Pipeline();
        pipeline.addPort(1, "p1", true);
        pipeline.addPort(2, "p2", true);
        pipeline.flowMod(FlowParser.parseFlow("priority=10,tcp,nw_dst=10.0.0.0/8,tp_dst=80,actions=output:2", FlowMod.Command.ADD));
        fastPath = new FastPath(pipeline);
        sink = new FastPathBenchmark.Sink();
        sink.bh = bh;
        packets = new Packet[64];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = Frames.tcp(1, "10.0.0.1", "10.0.0.2", 40000 + i, 80);
            fastPath.process(packets[i], 1, sink, 0);
        }
    }

    @Benchmark
    public void emcHit() {
        int i = next;
        next = (i + 1) & 63;
        fastPath.process(packets[i], 1, sink, 0);
    }
}
