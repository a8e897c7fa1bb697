package io.vswitch.benchmarks;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.pipeline.ActionExecutor;
import io.vswitch.datapath.pipeline.DpActions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Executing datapath actions on a parsed TCP/IPv4 frame. Each invocation first restores the frame from a pristine
 * copy (edits must not accumulate); {@code copyOnly} measures that restore alone, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ActionBenchmark {
    private Packet pristine, work;
    private final ActionExecutor executor = new ActionExecutor();
    private DpActions output, setFieldOutput, pushVlanOutput;
    private FastPathBenchmark.Sink sink;

    @Setup
    public void setup(Blackhole bh) {
        pristine = Frames.tcp(1, "10.0.0.1", "10.0.0.2", 40000, 80);
        PacketParser.parse(pristine, 1, new FlowKey());
        work = Packet.allocate();
        output = new DpActions.Builder().add(DpActions.OUTPUT, 2).build();
        setFieldOutput = new DpActions.Builder()
                .add(DpActions.SET_FIELD, Field.IPV4_DST.ordinal(), 0, 0x0a000063L, 0, null)
                .add(DpActions.OUTPUT, 2).build();
        pushVlanOutput = new DpActions.Builder()
                .add(DpActions.PUSH_VLAN, 0x8100)
                .add(DpActions.SET_FIELD, Field.VLAN_VID.ordinal(), 0, 100 | Field.VID_PRESENT, 0, null)
                .add(DpActions.OUTPUT, 2).build();
        sink = new FastPathBenchmark.Sink();
        sink.bh = bh;
    }

    @Benchmark
    public void copyOnly() {
        work.copyFrom(pristine);
    }

    @Benchmark
    public void output() {
        work.copyFrom(pristine);
        executor.execute(output, work, sink, 0);
    }

    @Benchmark
    public void setFieldAndOutput() {
        work.copyFrom(pristine);
        executor.execute(setFieldOutput, work, sink, 0);
    }

    @Benchmark
    public void pushVlanAndOutput() {
        work.copyFrom(pristine);
        executor.execute(pushVlanOutput, work, sink, 0);
    }
}
