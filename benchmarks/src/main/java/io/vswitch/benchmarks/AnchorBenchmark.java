package io.vswitch.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Anchors: fixed work whose cost depends only on the machine, run in the same session as the datapath
 * benchmarks. This VM is shared and its speed drifts by several times between runs; datapath figures are
 * reported both in ns and as a ratio to {@code dependentMultiplies} (100 dependent 64-bit multiplies, ~300 cycles
 * on an idle core), which cancels most of that drift.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AnchorBenchmark {
    private long seed = 0x9E3779B97F4A7C15L;

    @Benchmark
    public long dependentMultiplies() {
        long x = seed;
        for (int i = 0; i < 100; i++) x = x * 0xff51afd7ed558ccdL + i;
        return x;
    }
}
