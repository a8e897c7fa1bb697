package io.vswitch.vethbridge;

import static io.vswitch.vethbridge.TestNet.OWNER;
import static io.vswitch.vethbridge.TestNet.name;
import static io.vswitch.vethbridge.TestNet.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;
import io.vswitch.vethbridge.shaping.KernelShaping;
import io.vswitch.vethbridge.shaping.LinkShaping;
import io.vswitch.vethbridge.shaping.QdiscCapabilities;
import io.vswitch.vethbridge.shaping.UnsupportedShapingException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Kernel shaping: tbf applied, changed at run time and removed (checked with `tc`); netem refused precisely. */
class ShapingTest extends NetTestBase {
    @Test
    void tbfRateIsAppliedChangedAndRemoved() throws Exception {
        String a = name("s1a");
        new Links(root).addVeth(a, name("s1b"), null, OWNER);
        KernelShaping k = new KernelShaping();
        k.apply(root, a, LinkShaping.parse("rate=10mbit burst=32kb limit=50"));
        String tc = sh("tc", "qdisc", "show", "dev", a);
        assertTrue(tc.contains("qdisc tbf 1: root") && tc.contains("rate 10Mbit") && tc.contains("burst 32Kb"), tc);
        k.apply(root, a, LinkShaping.parse("rate=2500kbit"));
        tc = sh("tc", "qdisc", "show", "dev", a);
        assertTrue(tc.contains("rate 2500Kbit") && tc.lines().count() == 1, tc);
        k.clear(root, a);
        assertTrue(!sh("tc", "qdisc", "show", "dev", a).contains("tbf"));
        k.clear(root, a); // idempotent
    }

    @Test
    void netemParametersAreRefusedPreciselyWhenTheKernelHasNoNetem() throws Exception {
        String a = name("s2a");
        new Links(root).addVeth(a, name("s2b"), null, OWNER);
        KernelShaping k = new KernelShaping();
        k.apply(root, a, LinkShaping.parse("rate=5mbit"));
        if (QdiscCapabilities.get().has("netem")) {
            k.apply(root, a, LinkShaping.parse("rate=5mbit delay=10ms loss=1%"));
            assertTrue(sh("tc", "qdisc", "show", "dev", a).contains("netem"));
            return;
        }
        UnsupportedShapingException e = assertThrows(UnsupportedShapingException.class,
                () -> k.apply(root, a, LinkShaping.parse("rate=1mbit delay=10ms jitter=1ms loss=1% loss-corr=25%")));
        assertEquals("netem not available in this kernel: delay/loss need the switch's own link emulation "
                + "(asked for delay=10ms jitter=1ms loss=1% loss-corr=25% on " + a + ")", e.getMessage());
        assertEquals(EnumSet.of(LinkShaping.Param.DELAY, LinkShaping.Param.JITTER, LinkShaping.Param.LOSS,
                LinkShaping.Param.LOSS_CORRELATION), e.unsupported());
        // nothing changed: the rate is still the old one
        assertTrue(sh("tc", "qdisc", "show", "dev", a).contains("rate 5Mbit"));
        assertTrue(!k.supported().contains(LinkShaping.Param.DELAY));
        assertTrue(k.supported().contains(LinkShaping.Param.RATE));
    }

    @Test
    void capabilitiesMatchWhatTcCanDo() throws Exception {
        QdiscCapabilities caps = QdiscCapabilities.get();
        String a = name("s3a");
        new Links(root).addVeth(a, name("s3b"), null, OWNER);
        // tc as the witness: netem must be creatable exactly when we say it is
        boolean tcNetem = TestNet.run("tc", "qdisc", "add", "dev", a, "root", "netem", "delay", "1ms").rc() == 0;
        assertEquals(tcNetem, caps.has("netem"));
        assertTrue(caps.has("tbf"));
        assertEquals(QdiscCapabilities.KINDS.size(), caps.all().size());
    }
}
