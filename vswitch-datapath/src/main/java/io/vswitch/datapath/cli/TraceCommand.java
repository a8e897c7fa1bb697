package io.vswitch.datapath.cli;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.trace.Tracer;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Explain what the flow tables do with a packet, table by table (like ovs-appctl ofproto/trace).",
            "The packet is given as fields, e.g. 'in_port=1,tcp,nw_dst=10.0.0.2,tp_dst=80', or as --hex bytes."},
        footer = {"", "Example:", "  vswitch trace -f 'priority=10,ip,nw_dst=10.0.0.2,actions=output:2' 'in_port=1,ip,nw_dst=10.0.0.2'"})
final class TraceCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions pipelineOptions = new PipelineOptions();

    @Parameters(arity = "0..1", paramLabel = "PACKET", description = "The packet's fields in ovs-ofctl syntax.")
    String fields;

    @Option(names = "--hex", paramLabel = "BYTES", description = "The frame as hex bytes (instead of PACKET).")
    String hex;

    @Option(names = "--in-port", paramLabel = "PORT", defaultValue = "1", description = "Ingress port for --hex (default: ${DEFAULT-VALUE}).")
    int inPort;

    @Override
    public Integer call() {
        if ((fields == null) == (hex == null)) {
            throw new IllegalArgumentException("give the packet either as fields (PACKET) or as --hex bytes");
        }
        Pipeline pipeline = pipelineOptions.build();
        Packet packet;
        int port;
        if (hex != null) {
            byte[] frame;
            try {
                frame = HexFormat.of().parseHex(hex.replaceAll("[\\s:]", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--hex: not hex bytes: " + e.getMessage());
            }
            packet = Packet.of(frame);
            port = inPort;
        } else {
            FlowKey key = FlowParser.parseKey(fields);
            packet = Packet.allocate();
            PacketComposer.compose(key, packet);
            port = key.inPort();
        }
        Tracer.Result r = new Tracer(pipeline).trace(packet, port, pipeline.clock().getAsLong());
        System.out.print(r.report());
        return 0;
    }
}
