package io.vswitch.datapath.cli;

import io.vswitch.datapath.cache.FastPath;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.ofctl.FlowFile;
import io.vswitch.datapath.ofctl.GroupFile;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.trace.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Trace packets through a sample flow table, then run traffic through the cached fast path.",
            "The table: ARP by NORMAL, a web server, a VLAN trunk, a load-balancing select group. Shows each",
            "trace, the cache statistics and the counters the caches credited to each flow."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--packets", defaultValue = "2000000", description = "Packets for the fast-path run (default: ${DEFAULT-VALUE}).")
    long packets;

    @Option(names = "--flows", defaultValue = "256", description = "Distinct TCP connections in that traffic (default: ${DEFAULT-VALUE}).")
    int connections;

    @Override
    public Integer call() throws IOException {
        Pipeline pipeline = new Pipeline();
        for (int i = 1; i <= 4; i++) pipeline.addPort(i, "p" + i, true);
        String group = "group_id=1,type=select,bucket=weight:1,actions=output:3,bucket=weight:1,actions=output:4";
        for (GroupMod g : GroupFile.parse("demo group", group)) pipeline.groupMod(g);
        String text;
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.flows")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<FlowMod> mods = FlowFile.parse("demo.flows", text);
        for (FlowMod m : mods) pipeline.flowMod(m);
        System.out.println("== Group table");
        System.out.println("  " + group);
        System.out.println("== Flow table (demo.flows, " + mods.size() + " flows)");
        for (String line : text.split("\n")) if (!line.isBlank() && !line.startsWith("#")) System.out.println("  " + line);

        Tracer tracer = new Tracer(pipeline);
        String[] samples = {
            "in_port=1,arp,arp_op=1,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.1,arp_tpa=10.0.0.2",
            "in_port=1,tcp,dl_src=00:00:00:00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=40000,tp_dst=80",
            "in_port=1,udp,dl_src=00:00:00:00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.3,tp_src=5000,tp_dst=53",
            "in_port=2,tcp,nw_src=10.0.0.2,nw_dst=10.0.1.7,tp_src=80,tp_dst=40000",
            "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.9,nw_ttl=1"};
        for (String s : samples) {
            System.out.println();
            System.out.println("== vswitch trace '" + s + "'");
            Packet p = Packet.allocate();
            FlowKey k = FlowParser.parseKey(s);
            PacketComposer.compose(k, p);
            System.out.print(tracer.trace(p, k.inPort(), pipeline.clock().getAsLong()).report());
        }

        System.out.println();
        System.out.println("== Fast path: warm-up, then " + packets + " packets of " + connections + " TCP connections from port 1");
        Packet[] frames = new Packet[connections];
        for (int i = 0; i < connections; i++) {
            FlowKey k = FlowParser.parseKey("in_port=1,tcp,dl_src=00:00:00:00:00:01,nw_src=10.0.0.1,nw_dst=10.0.1." + (i % 200 + 1)
                    + ",tp_src=" + (10000 + i) + ",tp_dst=80");
            frames[i] = Packet.allocate();
            PacketComposer.compose(k, frames[i]);
        }
        Packet work = Packet.allocate();
        long[] perPort = new long[6];
        PacketSink sink = new PacketSink() {
            @Override public void output(int port, Packet p, int queueId) { if (port > 0 && port < 6) perPort[port]++; }

            @Override public void packetIn(Packet p, PacketIn pi) { perPort[0]++; }
        };
        FastPath fast = new FastPath(pipeline);
        // As a datapath thread does: one clock read per batch of 32. A first pass warms the JIT up.
        long elapsed = 0;
        for (int pass = 0; pass < 2; pass++) {
            long total = pass == 0 ? Math.min(packets, 500_000) : packets;
            long start = System.nanoTime();
            long now = start;
            for (long n = 0; n < total; n++) {
                if ((n & 31) == 0) now = System.nanoTime();
                work.copyFrom(frames[(int) (n % connections)]);
                fast.process(work, 1, sink, now);
            }
            elapsed = System.nanoTime() - start;
        }
        fast.flushStats(pipeline.clock().getAsLong());
        System.out.printf("  %.0f ns/packet after warm-up, copying each frame in included (a rough figure on a shared VM: bin/bench has the JMH numbers)%n",
                (double) elapsed / packets);
        System.out.println("  " + fast.stats().toString().replace("\n", "\n  "));
        System.out.printf("  out: port 3 %d, port 4 %d (select group buckets), controller %d%n", perPort[3], perPort[4], perPort[0]);
        System.out.println();
        System.out.println("== Flow counters after the run (credited from the caches)");
        for (FlowEntry e : pipeline.tables().entries(FlowMod.ALL_TABLES)) {
            String match = io.vswitch.datapath.ofctl.FlowFormatter.formatMatch(e.match);
            System.out.printf("  table=%d, n_packets=%d, priority=%d%s actions=%s%n", e.tableId, e.packets(), e.priority,
                    match.isEmpty() ? "" : "," + match, io.vswitch.datapath.ofctl.FlowFormatter.formatInstructions(e.instructions()));
        }
        return 0;
    }
}
