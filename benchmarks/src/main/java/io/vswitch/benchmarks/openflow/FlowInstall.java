package io.vswitch.benchmarks.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * Flow installation rate, pipelined: N distinct OpenFlow 1.3 flow-mods ({@code priority=100,ip,nw_src=<i-th
 * address>,actions=output:PORT}, the same flows {@code --write-file} writes in ovs-ofctl syntax) sent back to back
 * with one barrier at the end.
 *
 * <pre>
 *   connect, HELLO/FEATURES, delete all flows + barrier, flow_count must be 0
 *   [warm-up: the first W flows at priority 99, barrier, delete all + barrier]      not timed
 *   encode N flow-mods + BARRIER_REQUEST into one byte array                         not timed
 *   clock starts ─ write the array (one socket write) ─ BARRIER_REPLY ─ clock "barrier"
 *                 ─ AGGREGATE request ─ reply with flow_count == N ─ clock "confirmed"
 * </pre>
 * Any OFPT_ERROR during the run, or a flow count other than N, fails the run (exit 1). Prints one JSON line.
 *
 * <p>{@code --write-file FILE --flows N --out-port P} only writes the ovs-ofctl {@code add-flows} file of the same
 * flows (for the other way of installing them) and exits.
 */
public final class FlowInstall {
    private FlowInstall() {
    }

    /** The i-th flow's source address: 10.0.0.1, 10.0.0.2, ... (i from 0, up to 2^24 - 2). */
    static int address(int i) {
        if (i < 0 || i >= (1 << 24) - 1) throw new IllegalArgumentException("flow index out of range: " + i);
        return (10 << 24) | (i + 1);
    }

    static String dotted(int a) {
        return (a >>> 24) + "." + ((a >> 16) & 0xff) + "." + ((a >> 8) & 0xff) + "." + (a & 0xff);
    }

    /** N flow-mods (xids 1000.., priority {@code priority}) and a barrier (xid {@code barrierXid}), encoded. */
    static byte[] encode(int flows, int priority, int outPort, long barrierXid) {
        ByteBuf b = Unpooled.buffer(flows * 96 + 16);
        var f = OfConnection.OF13;
        List<OFInstruction> instructions = List.of(f.instructions().applyActions(List.of(
                f.actions().buildOutput().setPort(OFPort.of(outPort)).setMaxLen(0).build())));
        for (int i = 0; i < flows; i++) {
            f.buildFlowAdd().setXid(1000L + i).setTableId(TableId.of(0)).setPriority(priority)
                    .setBufferId(OFBufferId.NO_BUFFER).setOutPort(OFPort.ANY).setCookie(U64.ZERO)
                    .setFlags(EnumSet.noneOf(OFFlowModFlags.class))
                    .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                            .setExact(MatchField.IPV4_SRC, IPv4Address.of(address(i))).build())
                    .setInstructions(instructions).build().writeTo(b);
        }
        f.buildBarrierRequest().setXid(barrierXid).build().writeTo(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Args.parse(args, "connect", "flows", "out-port", "write-file", "warmup");
        int flows = Args.intArg(o, "flows", 100_000, 1, (1 << 24) - 2);
        int outPort = Args.intArg(o, "out-port", 2, 1, 0xfeff);
        if (o.containsKey("write-file")) {
            List<String> lines = new ArrayList<>(flows);
            for (int i = 0; i < flows; i++) {
                lines.add("priority=100,ip,nw_src=" + dotted(address(i)) + ",actions=output:" + outPort);
            }
            Files.write(Path.of(o.get("write-file")), lines);
            return;
        }
        int warmup = Args.intArg(o, "warmup", Math.min(flows, 20_000), 0, flows);
        try (OfConnection c = OfConnection.connect(Args.req(o, "connect"))) {
            c.handshake();
            c.deleteAllFlows();
            long before = c.flowCount();
            if (before != 0) throw new IOException("the switch still has " + before + " flows after delete-all");
            if (warmup > 0) {
                // Some of the same work first, untimed: JIT-compiles our agent (and the client), for both switches.
                c.writeRaw(encode(warmup, 99, outPort, 1));
                c.flush();
                c.await(1, OFBarrierReply.class);
                c.deleteAllFlows();
            }
            long barrierXid = 2;
            byte[] batch = encode(flows, 100, outPort, barrierXid);
            long t0 = System.nanoTime();
            c.writeRaw(batch);
            c.flush();
            OFMessage reply = c.await(barrierXid, OFBarrierReply.class);
            long t1 = System.nanoTime();
            long count = c.flowCount();
            long t2 = System.nanoTime();
            if (count != flows) {
                throw new IOException("flow_count " + count + " after the barrier, expected " + flows);
            }
            double toBarrier = (t1 - t0) / 1e9, toConfirmed = (t2 - t0) / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "{\"flows\": %d, \"bytes\": %d, \"seconds_to_barrier\": %.4f, \"seconds_to_confirmed\": %.4f, "
                            + "\"flows_per_s\": %.0f, \"flows_per_s_confirmed\": %.0f, \"flow_count\": %d, \"reply\": \"%s\"}",
                    flows, batch.length, toBarrier, toConfirmed, flows / toBarrier, flows / toConfirmed, count,
                    reply.getType()));
            c.deleteAllFlows();
        }
    }
}
