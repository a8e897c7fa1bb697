package io.vswitch.benchmarks;

import io.vswitch.datapath.cache.FastPath;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One packet through the fast path without an exact-match cache: parse, megaflow lookup, execute (output to a
 * port). The megaflow cache holds {@code subtables} distinct masks and traffic is spread evenly over them, so a
 * lookup probes about half of them on average (as Open vSwitch's dpcls does, subtables are kept in order of use).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FastPathBenchmark {
    @Param({"1", "10", "30"})
    int subtables;

    private Pipeline pipeline;
    private FastPath megaflowOnly;
    private Packet[] packets;
    private int next;
    private Sink sink;

    /** Counts outputs so the work cannot be optimised away, without allocating. */
    static final class Sink implements PacketSink {
        Blackhole bh;

        @Override public void output(int port, Packet p, int queueId) { bh.consume(port); }

        @Override public void packetIn(Packet p, PacketIn pi) { bh.consume(pi); }
    }

    @Setup
    public void setup(Blackhole bh) {
        pipeline = new Pipeline();
        int ports = subtables + 1;
        for (int i = 1; i <= ports; i++) pipeline.addPort(i, "p" + i, true);
        // Table 0 sends port i's traffic to table i, whose only entry has a mask of its own: so each ingress port
        // yields megaflows with a distinct mask (in_port plus table i's fields), i.e. one megaflow subtable each.
        String[] shapes = {"ip,nw_dst=10.0.0.0/8", "tcp,tp_dst=80", "ip,nw_src=10.0.0.0/16", "tcp,nw_dst=10.0.0.2,tp_dst=80",
            "ip,nw_dst=10.0.0.2", "tcp,tp_src=40000", "ip,nw_tos=0", "ip,nw_src=10.0.0.1,nw_dst=10.0.0.0/24"};
        for (int i = 1; i <= subtables; i++) {
            add("table=0,priority=10,in_port=" + i + ",actions=goto_table:" + i);
            // A single dl_dst bit above the low byte (zero in our frames) makes each table's mask distinct.
            long bit = 1L << (8 + i);
            String mask = String.format("%02x:%02x:%02x:%02x:%02x:%02x", (bit >>> 40) & 255, (bit >>> 32) & 255,
                    (bit >>> 24) & 255, (bit >>> 16) & 255, (bit >>> 8) & 255, bit & 255);
            add("table=" + i + ",priority=10," + shapes[(i - 1) % shapes.length] + ",dl_dst=00:00:00:00:00:00/" + mask
                    + ",actions=output:" + ports);
            add("table=" + i + ",priority=0,actions=output:" + ports);
        }
        megaflowOnly = new FastPath(pipeline, 0, 100_000);
        packets = new Packet[subtables * 8];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = Frames.tcp(1 + i % subtables, "10.0.0.1", "10.0.0.2", 40000 + i / subtables, 80);
        }
        sink = new Sink();
        sink.bh = bh;
        for (Packet p : packets) megaflowOnly.process(p, inPort(p), sink, 0);
        if (megaflowOnly.megaflowSubtables() != subtables) {
            throw new IllegalStateException("expected " + subtables + " megaflow subtables, got " + megaflowOnly.megaflowSubtables());
        }
    }

    private void add(String flow) {
        pipeline.flowMod(FlowParser.parseFlow(flow, FlowMod.Command.ADD));
    }

    private int inPort(Packet p) {
        for (int i = 0; i < packets.length; i++) if (packets[i] == p) return 1 + i % subtables;
        throw new IllegalArgumentException();
    }

    @Benchmark
    public void megaflowHit() {
        int i = next;
        next = i + 1 == packets.length ? 0 : i + 1;
        megaflowOnly.process(packets[i], 1 + i % subtables, sink, 0);
    }
}
