package io.vswitch.datapath.packet;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.ofctl.FlowParser;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowKeyEditor#apply(Action, FlowKey, long[])} reports every key bit an edit's outcome depended on, so a
 * slow path that edits keys can un-wildcard them: without them a megaflow would cover keys on which the same
 * edit behaves differently.
 */
class FlowKeyEditorReadMaskTest {
    private static long[] readBy(Action a, String key) {
        long[] m = new long[FlowKey.WORDS];
        FlowKeyEditor.apply(a, FlowParser.parseKey(key), m);
        return m;
    }

    private static boolean covers(long[] m, Field f) {
        long bits = f.valueMask << f.shift;
        return (m[f.word] & bits) == bits;
    }

    @Test
    void l4SetFieldsReadFragmentFlagsAndPrerequisites() {
        for (Action a : new Action[] {new Action.SetField(Field.TCP_SRC, 80), new Action.SetField(Field.TCP_DST, 80)}) {
            long[] m = readBy(a, "tcp,nw_src=10.0.0.1");
            assertTrue(covers(m, Field.NW_FRAG), a + " reads nw_frag (no L4 header in later fragments)");
            assertTrue(covers(m, Field.ETH_TYPE));
            assertTrue(covers(m, Field.IP_PROTO));
        }
        assertTrue(covers(readBy(new Action.SetField(Field.ICMPV4_TYPE, 3), "icmp"), Field.NW_FRAG));
        long[] proto = readBy(new Action.SetField(Field.IP_PROTO, 17), "tcp");
        assertTrue(covers(proto, Field.NW_FRAG), "ip_proto: whether L4 is cleared depends on the fragment flags");
        assertTrue(covers(proto, Field.IP_PROTO), "ip_proto: the old value decides whether anything changes");
    }

    @Test
    void ndSetFieldsReadIcmpv6TypeCodeAndTheOldAddress() {
        String ns = "icmp6,icmp_type=135,icmp_code=0,nd_target=fe80::1,nd_sll=00:00:00:00:00:0a";
        long[] target = readBy(new Action.SetField(Field.IPV6_ND_TARGET, 0, 1), ns);
        assertTrue(covers(target, Field.ICMPV6_TYPE));
        assertTrue(covers(target, Field.ICMPV6_CODE), "nd_target is set only for ND code 0");
        long[] sll = readBy(new Action.SetField(Field.IPV6_ND_SLL, 0x0b), ns);
        assertTrue(covers(sll, Field.IPV6_ND_SLL), "an old address of zero may be an absent option");
        assertTrue(covers(sll, Field.ICMPV6_CODE));
        long[] code = readBy(new Action.SetField(Field.ICMPV6_CODE, 1), ns);
        assertTrue(covers(code, Field.ICMPV6_TYPE), "turning ND into non-ND depends on the type");
    }

    @Test
    void ethTypeSetFieldReadsTheOldEthType() {
        assertTrue(covers(readBy(new Action.SetField(Field.ETH_TYPE, 0x88b5), "ip"), Field.ETH_TYPE));
    }

    @Test
    void addressSetFieldsReadOnlyWhatDecidesTheirPresence() {
        long[] m = readBy(new Action.SetField(Field.ETH_DST, 5), "tcp");
        for (long w : m) assertEquals(0, w, "eth_dst is always there: nothing read");
        long[] ip = readBy(new Action.SetField(Field.IPV4_DST, 5), "tcp");
        assertTrue(covers(ip, Field.ETH_TYPE));
        assertFalse(covers(ip, Field.IPV4_DST), "the old address does not matter");
    }

    @Test
    void twoArgumentApplyIsUnchanged() {
        FlowKey a = FlowParser.parseKey("tcp,tp_src=1"), b = FlowParser.parseKey("tcp,tp_src=1");
        Action set = new Action.SetField(Field.TCP_SRC, 80);
        assertEquals(FlowKeyEditor.apply(set, a), FlowKeyEditor.apply(set, b, new long[FlowKey.WORDS]));
        assertArrayEquals(a.words, b.words);
    }
}
