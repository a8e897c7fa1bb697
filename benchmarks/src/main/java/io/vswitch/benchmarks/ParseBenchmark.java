package io.vswitch.benchmarks;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** Parsing a frame into a flow key (Ethernet + IPv4 + TCP, and a VLAN-tagged IPv6 UDP frame). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ParseBenchmark {
    private Packet tcp4, udp6vlan;
    private final FlowKey key = new FlowKey();

    @Setup
    public void setup() {
        tcp4 = Frames.tcp(1, "10.0.0.1", "10.0.0.2", 40000, 80);
        udp6vlan = Frames.of("in_port=1,udp6,dl_vlan=10,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,tp_src=5000,tp_dst=53");
    }

    @Benchmark
    public long tcpIpv4() {
        PacketParser.parse(tcp4, 1, key);
        return key.words[FlowKey.W_L4];
    }

    @Benchmark
    public long udpIpv6Vlan() {
        PacketParser.parse(udp6vlan, 1, key);
        return key.words[FlowKey.W_L4];
    }
}
