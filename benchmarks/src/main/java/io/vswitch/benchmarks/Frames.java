package io.vswitch.benchmarks;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketComposer;

/** Frames for benchmarks, described in ovs-ofctl field syntax and composed by the datapath's own composer. */
final class Frames {
    static Packet of(String fields) {
        FlowKey k = FlowParser.parseKey(fields);
        Packet p = Packet.allocate();
        PacketComposer.compose(k, p);
        return p;
    }

    static Packet tcp(int inPort, String src, String dst, int sport, int dport) {
        return of("in_port=" + inPort + ",tcp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=" + src
                + ",nw_dst=" + dst + ",tp_src=" + sport + ",tp_dst=" + dport);
    }

    private Frames() {}
}
