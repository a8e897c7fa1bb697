package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.vswitchd.control.CommandHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check (run with -Dvswitch.measure=true): ping RTT through vswitchd (VswitchdTest's fixture:
 * two namespaces, two AF_PACKET ports) with rx=mmsg and rx=ring, idle and beside a TCP stream; prints the
 * figures. The ring adds the block retire timer's delay at low load (tp_retire_blk_tov, rounded up to a jiffy).
 */
@EnabledIfSystemProperty(named = "vswitch.measure", matches = "true")
class RxRingLatencyMeasurement {
    @TempDir
    Path dir;

    @Test
    void pingRttWithAndWithoutTheRing() throws Exception {
        StringBuilder report = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (String rx : List.of("mmsg", "ring")) {
                report.append(measure(rx, round)).append('\n');
            }
        }
        System.out.println("RXRING-MEASUREMENT\n" + report);
    }

    private String measure(String rx, int round) throws Exception {
        try (Netns net = new Netns()) {
            Daemon daemon = new Daemon(dir.resolve("m-" + rx + round + ".conf"), 1);
            try {
                CommandHandler ctl = new CommandHandler(daemon);
                String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
                for (List<String> c : List.of(List.of("add-br", "br0"), List.of("add-port", "br0", p1, "rx=" + rx),
                        List.of("add-port", "br0", p2, "rx=" + rx))) {
                    assertEquals(0, ctl.handle(c).status(), c.toString());
                }
                assertTrue(net.ping("h1", "10.0.0.2", 2));
                net.in(net.ns("h1"), "ping", "-c", "300", "-i", "0.002", "-q", "10.0.0.2"); // warm-up
                String idle = rtt(net.in(net.ns("h1"), "ping", "-c", "500", "-i", "0.01", "-q", "10.0.0.2"));
                String sparse = rtt(net.in(net.ns("h1"), "ping", "-c", "50", "-i", "0.1", "-q", "10.0.0.2"));
                // Beside a rate-limited TCP stream (200 Mbit/s): the ring's blocks fill sooner.
                net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5296");
                Thread.sleep(200);
                Process load = new ProcessBuilder("ip", "netns", "exec", net.ns("h1"), "iperf3", "-c", "10.0.0.2",
                        "-p", "5296", "-t", "6", "-b", "200M").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Thread.sleep(1000);
                String loaded = rtt(net.in(net.ns("h1"), "ping", "-c", "300", "-i", "0.01", "-q", "10.0.0.2"));
                load.waitFor();
                return String.format("rx=%s round %d: ping -i 0.01 %s | ping -i 0.1 %s | beside 200M TCP %s",
                        rx, round, idle, sparse, loaded);
            } finally {
                daemon.close();
            }
        }
    }

    private static String rtt(String pingOut) {
        Matcher m = Pattern.compile("rtt min/avg/max/mdev = ([0-9./]+) ms").matcher(pingOut);
        Matcher loss = Pattern.compile("(\\d+)% packet loss").matcher(pingOut);
        return (m.find() ? "min/avg/max/mdev " + m.group(1) + " ms" : "no rtt") + (loss.find() ? " loss " + loss.group(1) + "%" : "");
    }
}
