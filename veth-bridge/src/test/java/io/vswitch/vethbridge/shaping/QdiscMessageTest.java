package io.vswitch.vethbridge.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vswitch.linux.netlink.NlAttrs;
import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import io.vswitch.vethbridge.link.Link;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The qdisc messages as bytes: tbf (checked against the kernel by ShapingTest) and netem (no netem here). */
class QdiscMessageTest {
    private static NlMessage parse(NlRequest r) {
        byte[] b = r.bytes();
        return NlMessage.split(b, b.length).getFirst();
    }

    @Test
    void tbfCarriesRateBurstAndByteLimitWithoutARateTable() {
        Link link = new Link(7, "h1-eth0", "veth", 1500, "", true, 0, null);
        NlMessage m = parse(KernelShaping.tbf(link, LinkShaping.parse("rate=10mbit burst=20kb limit=10")));
        assertEquals(Rtnl.RTM_NEWQDISC, m.type());
        assertEquals(7, m.i32(Rtnl.TCM_IFINDEX));
        assertEquals(KernelShaping.TBF_HANDLE, m.i32(Rtnl.TCM_HANDLE));
        assertEquals(-1, m.i32(Rtnl.TCM_PARENT));
        NlAttrs a = m.attrs(Rtnl.TCMSG_SIZE);
        assertEquals("tbf", a.string(Rtnl.TCA_KIND));
        NlAttrs o = a.nested(Rtnl.TCA_OPTIONS);
        ByteBuffer q = ByteBuffer.wrap(o.bytes(Rtnl.TCA_TBF_PARMS)).order(ByteOrder.nativeOrder());
        assertEquals(Rtnl.TC_TBF_QOPT_SIZE, q.capacity());
        assertEquals(1_250_000, q.getInt(Rtnl.TBF_RATE + Rtnl.RS_RATE));
        assertEquals(Rtnl.TC_LINKLAYER_ETHERNET, q.get(Rtnl.TBF_RATE + Rtnl.RS_LINKLAYER));
        assertEquals(10 * 1514, q.getInt(Rtnl.TBF_LIMIT));
        assertEquals(20 * 1024, o.u32(Rtnl.TCA_TBF_BURST, -1));
        // 20 KiB at 1.25 MB/s = 16.384 ms = 256000 ticks of 64 ns
        assertEquals(256_000, q.getInt(Rtnl.TBF_BUFFER));
        assertEquals(false, o.has(Rtnl.TCA_TBF_RATE64));
        NlAttrs big = parse(KernelShaping.tbf(link, LinkShaping.parse("rate=40gbit"))).attrs(Rtnl.TCMSG_SIZE)
                .nested(Rtnl.TCA_OPTIONS);
        assertEquals(5_000_000_000L, big.u64(Rtnl.TCA_TBF_RATE64, -1));
    }

    @Test
    void netemIsAStructFollowedByAttributesUnderTbf() throws Exception {
        LinkShaping s = LinkShaping.parse("rate=1mbit delay=10ms jitter=2ms loss=50% loss-corr=25% reorder=10% limit=30");
        NlMessage m = parse(KernelShaping.netem(3, s, true));
        assertEquals(KernelShaping.NETEM_HANDLE, m.i32(Rtnl.TCM_HANDLE));
        assertEquals(KernelShaping.TBF_CHILD_CLASS, m.i32(Rtnl.TCM_PARENT));
        NlAttrs a = m.attrs(Rtnl.TCMSG_SIZE);
        assertEquals("netem", a.string(Rtnl.TCA_KIND));
        byte[] opts = a.bytes(Rtnl.TCA_OPTIONS);
        ByteBuffer b = ByteBuffer.wrap(opts).order(ByteOrder.nativeOrder());
        assertEquals(30, b.getInt(Rtnl.NETEM_LIMIT));
        assertEquals(0x7FFF_FFFF + 1, b.getInt(Rtnl.NETEM_LOSS), "50 % of 2^32 - 1, rounded");
        assertEquals(1, b.getInt(Rtnl.NETEM_GAP));
        NlAttrs tail = NlAttrs.parse(b, Rtnl.TC_NETEM_QOPT_SIZE, opts.length);
        assertEquals(10_000_000L, tail.u64(Rtnl.TCA_NETEM_LATENCY64, -1));
        assertEquals(2_000_000L, tail.u64(Rtnl.TCA_NETEM_JITTER64, -1));
        assertEquals(KernelShaping.probability(25), ByteBuffer.wrap(tail.bytes(Rtnl.TCA_NETEM_CORR))
                .order(ByteOrder.nativeOrder()).getInt(4));
        assertEquals(KernelShaping.probability(10), ByteBuffer.wrap(tail.bytes(Rtnl.TCA_NETEM_REORDER))
                .order(ByteOrder.nativeOrder()).getInt(0));
    }
}
