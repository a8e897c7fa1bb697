package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.vswitchd.control.CommandHandler;
import io.vswitch.vswitchd.netem.LinkEmulator;
import io.vswitch.vswitchd.netem.LinkParams;
import io.vswitch.datapath.packet.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Link emulation in the datapath (this kernel has no netem qdisc): delay, rate and loss measured end to end with
 * ping and iperf3 between real namespaces, against explicit tolerances (delay within 10% or 100 us, rate within
 * 5%), plus the emulator's own timing with a fake clock.
 */
class LinkEmulationTest extends DaemonTestBase {
    String p1, p2;

    @BeforeEach
    void start() throws Exception {
        p1 = net.host("h1", "10.0.0.1");
        p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        assertTrue(net.ping("h1", "10.0.0.2", 2));
    }

    /** Average RTT in ms of {@code count} pings from h1 to h2. */
    private double rttMs(int count) {
        String out = net.in(net.ns("h1"), "ping", "-c", String.valueOf(count), "-i", "0.02", "-q", "10.0.0.2");
        Matcher m = Pattern.compile("= ([\\d.]+)/([\\d.]+)/").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(2));
    }

    @Test
    void delayIsAddedInEachDirectionAndRemovable() {
        double base = rttMs(20);
        ok("set-link", "br0", p1, "out", "delay=15ms");
        ok("set-link", "br0", p2, "out", "delay=15ms");
        double shaped = rttMs(30);
        double added = shaped - base;
        assertEquals(30.0, added, Math.max(3.0, 0.1), "30 ms added to the round trip (base " + base + " ms, shaped " + shaped + " ms)");
        ok("clear-link", "br0", p1);
        ok("clear-link", "br0", p2);
        assertTrue(rttMs(20) < base + 3, "removed at run time");
    }

    @Test
    void ingressDelayCountsToo() {
        double base = rttMs(20);
        ok("set-link", "br0", p2, "in", "delay=20ms");
        double added = rttMs(30) - base;
        assertEquals(20.0, added, 2.0, "the reply waits 20 ms on the way in");
    }

    @Test
    void rateLimitHoldsUdpToTheRate() {
        ok("set-link", "br0", p2, "out", "rate=20mbit");
        net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5301");
        String out = net.in(net.ns("h1"), "iperf3", "-c", "10.0.0.2", "-p", "5301", "-u", "-b", "40M", "-t", "4", "-J");
        // end.sum_received: what the receiver got over the whole test.
        Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([\\d.e+]+)").matcher(out);
        double receivedBps = m.find() ? Double.parseDouble(m.group(1)) : -1;
        assertTrue(receivedBps > 0, out);
        // 20 Mbit/s of frames carry 20 * 1448/1490 Mbit/s of UDP payload (Ethernet+IP+UDP headers: 42 bytes).
        double expected = 20e6 * 1448 / 1490;
        assertEquals(expected, receivedBps, expected * 0.05, "UDP goodput through a 20 Mbit/s link");
    }

    @Test
    void lossDropsTheConfiguredShare() {
        ok("set-link", "br0", p2, "out", "loss=20%");
        net.in(net.ns("h1"), "ping", "-c", "500", "-i", "0.002", "-q", "-W", "1", "10.0.0.2").lines().count();
        String stats = ok("show-link", "br0", p2);
        Matcher m = Pattern.compile("offered (\\d+), delivered \\d+, lost (\\d+)").matcher(stats);
        assertTrue(m.find(), stats);
        double share = Double.parseDouble(m.group(2)) / Double.parseDouble(m.group(1));
        assertEquals(0.20, share, 0.06, "lost " + m.group(2) + " of " + m.group(1));
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        CommandHandler.Response r = ctl.handle(List.of("set-link", "br0", p1, "delay=10"));
        assertEquals(2, r.status());
        assertTrue(r.output().contains("give a unit"), r.output());
        r = ctl.handle(List.of("set-link", "br0", p1, "jitter=5ms", "delay=1ms"));
        assertTrue(r.output().contains("must not exceed delay"), r.output());
        r = ctl.handle(List.of("set-link", "br0", "nope", "delay=1ms"));
        assertEquals("bridge br0 has no port nope\n", r.output());
        assertTrue(ok("show-link", "br0", p1).contains("out: not emulated"));
    }

    @Test
    void emulatorTimingWithAFakeClock() {
        LinkEmulator e = new LinkEmulator(LinkParams.parse(List.of("delay=1ms", "rate=8mbit", "limit=3")), 1);
        Packet p = Packet.of(new byte[1000]); // 8000 bits: 1 ms at 8 Mbit/s
        List<Long> out = new ArrayList<>();
        long[] clock = {0};
        assertTrue(e.offer(p, 0));
        assertTrue(e.offer(p, 0));
        assertTrue(e.offer(p, 0));
        assertFalse(e.offer(p, 0), "limit=3: the fourth is tail-dropped");
        for (clock[0] = 0; clock[0] <= 5_000_000; clock[0] += 100_000) e.release(clock[0], x -> out.add(clock[0]));
        assertEquals(List.of(2_000_000L, 3_000_000L, 4_000_000L), out, "serialisation (1 ms each) then 1 ms of delay");
        assertEquals(1, e.queueDrops());
    }
}
