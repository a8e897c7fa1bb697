package io.vswitch.benchmarks;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.Classifier;
import io.vswitch.datapath.table.FlowMod;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The slow path's table lookup (with un-wildcarding) in a table of {@code entries} flows spread over 8 masks
 * (ACL-like: destination prefixes /16 to /32, with and without a TCP port), as a cache miss does it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class ClassifierBenchmark {
    @Param({"1000", "10000", "100000"})
    int entries;

    private Classifier classifier;
    private FlowKey[] keys;
    private final long[] wildcards = new long[FlowKey.WORDS];
    private int next;

    @Setup
    public void setup() {
        Pipeline p = new Pipeline(1, System::nanoTime);
        p.addPort(1, "p1", true);
        Random rnd = new Random(7);
        int[] prefixes = {16, 20, 24, 28, 32};
        for (int i = 0; i < entries; i++) {
            int prefix = prefixes[i % prefixes.length];
            String dst = "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "/" + prefix;
            String flow = i % 8 < 5 ? "priority=" + (100 + prefix) + ",ip,nw_dst=" + dst
                    : "priority=" + (200 + prefix) + ",tcp,nw_dst=" + dst + ",tp_dst=" + (1 + i % 1024);
            try {
                p.flowMod(FlowParser.parseFlow(flow + ",actions=output:1", FlowMod.Command.ADD));
            } catch (RuntimeException duplicateOrOverlap) {
                i--;
            }
        }
        classifier = p.table(0).classifier();
        keys = new FlowKey[1024];
        for (int i = 0; i < keys.length; i++) {
            var pkt = Frames.tcp(1, "10.0.0.1", "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256),
                    40000, 1 + rnd.nextInt(1024));
            keys[i] = new FlowKey();
            PacketParser.parse(pkt, 1, keys[i]);
        }
    }

    @Benchmark
    public Object lookup() {
        int i = next;
        next = (i + 1) & (keys.length - 1);
        return classifier.lookup(keys[i].words, wildcards);
    }
}
