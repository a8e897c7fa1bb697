package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.cache.FastPath;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.trace.Tracer;
import java.util.ArrayList;
import java.util.List;

/**
 * A test bridge: a pipeline with ports 1..n, a controllable clock, flows given as ovs-ofctl text, and packets
 * given as fields, sent through the fast path (so caches are always in the loop) with outputs recorded.
 */
final class Bridge {
    final Pipeline pipeline;
    final FastPath fastPath;
    long now = 1_000_000_000L;
    final List<String> outputs = new ArrayList<>();
    final List<PacketIn> packetIns = new ArrayList<>();
    final List<Packet> frames = new ArrayList<>();
    final PacketSink sink = new PacketSink() {
        @Override
        public void output(int port, Packet p, int queueId) {
            outputs.add(Integer.toUnsignedString(port));
            frames.add(copy(p));
        }

        @Override
        public void packetIn(Packet p, PacketIn pi) {
            outputs.add("CONTROLLER");
            packetIns.add(pi);
            frames.add(copy(p));
        }
    };

    Bridge(int ports) {
        pipeline = new Pipeline(8, () -> now);
        for (int i = 1; i <= ports; i++) pipeline.addPort(i, "p" + i, true);
        fastPath = new FastPath(pipeline);
    }

    Bridge flows(String... flows) {
        for (String f : flows) pipeline.flowMod(FlowParser.parseFlow(f, FlowMod.Command.ADD));
        return this;
    }

    void mod(String flow, FlowMod.Command command) {
        pipeline.flowMod(FlowParser.parseFlow(flow, command));
    }

    /** Sends a packet described by fields; returns the ports it left on ("CONTROLLER" for packet-ins). */
    List<String> send(String fields) {
        FlowKey k = FlowParser.parseKey(fields);
        Packet p = Packet.allocate();
        PacketComposer.compose(k, p);
        return send(p, k.inPort());
    }

    List<String> send(Packet p, int inPort) {
        outputs.clear();
        packetIns.clear();
        frames.clear();
        fastPath.process(p, inPort, sink, now);
        return List.copyOf(outputs);
    }

    String trace(String fields) {
        FlowKey k = FlowParser.parseKey(fields);
        Packet p = Packet.allocate();
        PacketComposer.compose(k, p);
        return new Tracer(pipeline).trace(p, k.inPort(), now).report();
    }

    /** The key of the i-th frame that came out. */
    FlowKey outKey(int i) {
        FlowKey k = new FlowKey();
        PacketParser.parse(frames.get(i), 0, k);
        return k;
    }

    private static Packet copy(Packet p) {
        Packet c = Packet.allocate(Math.max(Packet.DEFAULT_CAPACITY, p.capacity()));
        c.copyFrom(p);
        return c;
    }
}
