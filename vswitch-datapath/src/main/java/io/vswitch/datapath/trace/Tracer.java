package io.vswitch.datapath.trace;

import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowFormatter;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.pipeline.Translation;
import io.vswitch.datapath.pipeline.ActionExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains what the pipeline does with a packet, as {@code ovs-appctl ofproto/trace} does: the parsed flow, each
 * table's matching entry and what each action did, the megaflow a cache would keep (which bits mattered), the
 * datapath actions, and the frames that come out, port by port.
 *
 * <p>Tracing runs the real slow path (the same {@link Pipeline#translate} the caches use), so it is also the tool
 * tests use to read decisions back. It does not touch counters, but NORMAL learns from traced packets as it would
 * from real ones, as in Open vSwitch.
 */
public final class Tracer {
    /** The outcome of a trace: the report and the pieces tests look at. */
    public record Result(FlowKey flow, Translation translation, List<String> outputs, String report) {
        /** Ports the packet leaves on, in order ("2", "CONTROLLER"). */
        public List<String> ports() {
            List<String> ports = new ArrayList<>();
            for (String o : outputs) ports.add(o.substring(0, o.indexOf(':')));
            return ports;
        }
    }

    private final Pipeline pipeline;

    public Tracer(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    public Result trace(Packet packet, int inPort, long now) {
        FlowKey key = new FlowKey();
        boolean whole = PacketParser.parse(packet, inPort, key);
        StringBuilder report = new StringBuilder();
        report.append("Flow: ").append(FlowFormatter.formatKey(key)).append('\n');
        if (!whole) report.append("  (frame truncated or malformed: fields past the damage are absent)\n");
        report.append('\n');
        Translation t = pipeline.translate(key, packet, (depth, text) ->
                report.append("  ".repeat(Math.max(0, depth))).append(text).append('\n'), now);

        List<String> outputs = new ArrayList<>();
        Packet copy = Packet.allocate(Math.max(Packet.DEFAULT_CAPACITY, packet.capacity()));
        copy.copyFrom(packet);
        new ActionExecutor().execute(t.actions, copy, new PacketSink() {
            @Override
            public void output(int port, Packet p, int queueId) {
                outputs.add(OfPort.name(port) + ":" + p);
            }

            @Override
            public void packetIn(Packet p, PacketIn pi) {
                outputs.add("CONTROLLER:" + p);
            }
        }, now);

        report.append('\n');
        report.append("Megaflow: ").append(FlowFormatter.formatMegaflow(t.key, t.mask)).append(t.cacheable ? "" : " (not cacheable)").append('\n');
        report.append("Datapath actions: ").append(t.actions).append('\n');
        for (String o : outputs) {
            int colon = o.indexOf(':');
            report.append("  -> ").append(o, 0, colon).append(": ").append(o.substring(colon + 1)).append('\n');
        }
        if (outputs.isEmpty()) report.append("  -> dropped\n");
        return new Result(key, t, outputs, report.toString());
    }

}
