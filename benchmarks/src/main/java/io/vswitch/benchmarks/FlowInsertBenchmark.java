package io.vswitch.benchmarks;

import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Installing 100k distinct flows into one table through {@link Pipeline#flowMod} (validation, classifier insert,
 * cache invalidation bookkeeping), flow-mods prepared in advance. One shot per iteration, a fresh pipeline each.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class FlowInsertBenchmark {
    static final int FLOWS = 100_000;
    private FlowMod[] mods;
    private Pipeline pipeline;

    @Setup(Level.Trial)
    public void prepare() {
        mods = new FlowMod[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            mods[i] = FlowParser.parseFlow("priority=100,tcp,nw_src=10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)
                    + ",nw_dst=10.255.0.1,tp_dst=80,actions=output:2", FlowMod.Command.ADD);
        }
    }

    @Setup(Level.Iteration)
    public void fresh() {
        pipeline = new Pipeline();
        pipeline.addPort(1, "p1", true);
        pipeline.addPort(2, "p2", true);
    }

    @Benchmark
    public int insert100k() {
        for (FlowMod m : mods) pipeline.flowMod(m);
        return pipeline.table(0).size();
    }
}
