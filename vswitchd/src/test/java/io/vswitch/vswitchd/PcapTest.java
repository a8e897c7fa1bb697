package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * pcap-record and pcap-replay on real ports: hosts in namespaces ping through a bridge while a port is recorded,
 * and tshark (not our reader) says what the file holds; crafted frames replayed into one port must leave by the
 * other and reach the host behind it.
 */
class PcapTest extends DaemonTestBase {

    @Test
    void recordsBothDirectionsOfAPingAndTsharkReadsThem() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        Path both = dir.resolve("p2-both.pcap"), rxOnly = dir.resolve("p1-rx.pcap");
        ok("pcap-record", "br0", p2, both.toString());
        ok("pcap-record", "br0", p1, rxOnly.toString(), "rx");
        assertTrue(net.ping("h1", "10.0.0.2", 5), "h1 -> h2 while recording");
        String show = ok("show");
        assertTrue(show.contains("pcap: " + both + " (both), written: "), show);
        assertTrue(show.contains("pcap: " + rxOnly + " (rx), written: "), show);
        String stopped = ok("pcap-stop", "br0", p2);
        assertTrue(stopped.matches("(?s)\\d+ frames written to .*p2-both\\.pcap, 0 dropped.*"), stopped);
        ok("pcap-stop", "br0", p1);

        // On h2's port: the requests go out to h2 (tx), the replies come in from it (rx).
        List<String> types = tshark(both, "icmp", "icmp.type");
        assertEquals(5, types.stream().filter("8"::equals).count(), "echo requests: " + types);
        assertEquals(5, types.stream().filter("0"::equals).count(), "echo replies: " + types);
        // On h1's port, received only: h1's requests, none of the replies the switch sent it.
        List<String> rx = tshark(rxOnly, "icmp", "icmp.type");
        assertEquals(List.of("8", "8", "8", "8", "8"), rx);
        // Every frame written is there (ARP included), with the count pcap-stop printed.
        int written = Integer.parseInt(stopped.substring(0, stopped.indexOf(' ')));
        assertEquals(written, tshark(both, "", "frame.len").size());
        assertTrue(tshark(both, "icmp", "ip.src").contains("10.0.0.2"));
    }

    @Test
    void replayedFramesEnterAsIfReceivedAndLeaveByTheOtherPort() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        ok("add-flow", "br0", "in_port=1,actions=output:2");
        Path crafted = dir.resolve("crafted.pcap");
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) frames.add(udpFrame(i, 7000 + i));
        writePcap(crafted, frames);
        long h2Before = rxPacketsInside("h2");

        Path out = dir.resolve("p2-tx.pcap"), in = dir.resolve("p1-rx.pcap");
        ok("pcap-record", "br0", p2, out.toString(), "tx");
        ok("pcap-record", "br0", p1, in.toString(), "rx");
        String replayed = ok("pcap-replay", "br0", p1, crafted.toString(), "--rate", "100");
        assertTrue(replayed.startsWith("replayed 20 frames in "), replayed);
        double seconds = Double.parseDouble(replayed.replaceAll("(?s).* in ([0-9.]+) s.*", "$1"));
        assertTrue(seconds >= 0.18, "20 frames at 100/s take ~0.19 s, not " + seconds);
        ok("pcap-stop", "br0", p2);
        ok("pcap-stop", "br0", p1);

        assertTrue(ok("dump-ports", "br0").matches("(?s).*port 2 .*tx pkts=20,.*"), ok("dump-ports", "br0"));
        List<String> ports = tshark(out, "udp", "udp.dstport");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) expected.add(String.valueOf(7000 + i));
        assertEquals(expected, ports, "out of port 2, in order");
        assertEquals(expected, tshark(in, "udp", "udp.dstport"), "recorded as received on port 1");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (rxPacketsInside("h2") - h2Before < 20 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(rxPacketsInside("h2") - h2Before >= 20, "h2's eth0 received the 20 frames");

        // Unpaced, the same file again: all 20 again.
        assertTrue(ok("pcap-replay", "br0", p1, crafted.toString()).startsWith("replayed 20 frames"));
        assertTrue(ok("dump-ports", "br0").matches("(?s).*port 2 .*tx pkts=40,.*"));
    }

    @Test
    void recordingIsFinishedWhenThePortGoesAndAtShutdown() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        Path a = dir.resolve("deleted-port.pcap"), b = dir.resolve("shutdown.pcap");
        ok("pcap-record", "br0", p1, a.toString());
        ok("pcap-record", "br0", p2, b.toString());
        assertTrue(net.ping("h1", "10.0.0.2", 3));
        ok("del-port", "br0", p1);
        assertEquals(6, tshark(a, "icmp", "icmp.type").size(), "3 requests and 3 replies, file closed by del-port");
        ok("add-port", "br0", p1);
        assertTrue(net.ping("h1", "10.0.0.2", 2));
        daemon.close();
        daemon = null;
        assertEquals(10, tshark(b, "icmp", "icmp.type").size(), "5 pings both ways, file closed at shutdown");
    }

    @Test
    void errorsAreSpecificAndLeaveNothingBehind() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        ok("add-flow", "br0", "in_port=1,actions=output:2");
        Path f = dir.resolve("x.pcap");

        assertEquals("no such bridge br9\n", fail("pcap-record", "br9", p1, f.toString()).output());
        assertEquals("bridge br0 has no port nope\n", fail("pcap-record", "br0", "nope", f.toString()).output());
        assertEquals(2, fail("pcap-record", "br0", p1, f.toString(), "sideways").status());
        assertEquals(2, fail("pcap-record", "br0", p1).status());
        Path missingDir = dir.resolve("no/such/dir/x.pcap");
        String e = fail("pcap-record", "br0", p1, missingDir.toString()).output();
        assertTrue(e.startsWith("cannot record to " + missingDir + ": ") && e.contains("No such file or directory"), e);
        assertTrue(fail("pcap-record", "br0", p1, dir.toString()).output().contains("is a directory"));
        assertFalse(Files.exists(f), "nothing created by refused commands");
        assertEquals("port " + p1 + " on bridge br0 is not being recorded\n", fail("pcap-stop", "br0", p1).output());

        ok("pcap-record", "br0", p1, f.toString());
        assertTrue(fail("pcap-record", "br0", p1, dir.resolve("y.pcap").toString()).output().contains("is already being recorded to " + f));
        assertTrue(fail("pcap-record", "br0", p2, f.toString()).output().contains("is already being written by the recording of port " + p1));
        assertFalse(Files.exists(dir.resolve("y.pcap")));
        assertTrue(ok("pcap-stop", "br0", p1).startsWith("0 frames written"));

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a capture, just some text that is long enough\n");
        String notPcap = fail("pcap-replay", "br0", p1, text.toString()).output();
        assertTrue(notPcap.startsWith("cannot replay " + text + ": " + text + " is not a pcap file"), notPcap);
        assertTrue(fail("pcap-replay", "br0", p1, dir.resolve("absent.pcap").toString()).output().contains("no such file"));
        assertEquals(2, fail("pcap-replay", "br0", p1, f.toString(), "--rate", "0").status());
        assertEquals(2, fail("pcap-replay", "br0", p1, f.toString(), "--rate", "fast").status());
        assertEquals(2, fail("pcap-replay", "br0", p1, f.toString(), "--speed", "1").status());

        // A capture whose last record is cut off: refused before anything is injected.
        Path cut = dir.resolve("cut.pcap");
        writePcap(cut, List.of(udpFrame(1, 7001), udpFrame(2, 7002)));
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
        assertTrue(fail("pcap-replay", "br0", p1, cut.toString()).output().startsWith("cannot replay " + cut), "truncated file");
        assertTrue(ok("dump-ports", "br0").matches("(?s).*port 2 .*tx pkts=0,.*"), "nothing was injected");
    }

    // ------------------------------------------------------------------------------------ helpers

    /** The values of {@code field} of the frames matching {@code filter} in {@code file}, as tshark reads them. */
    private static List<String> tshark(Path file, String filter, String field) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields", "-e", field));
        if (!filter.isEmpty()) cmd.addAll(List.of("-Y", filter));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tshark timed out");
        assertEquals(0, p.exitValue(), "tshark -r " + file + " failed: " + out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private long rxPacketsInside(String host) {
        return Long.parseLong(net.in(net.ns(host), "cat", "/sys/class/net/eth0/statistics/rx_packets").strip());
    }

    /** An Ethernet/IPv4/UDP frame 10.0.0.1:5000 -> 10.0.0.2:dstPort, with valid IP checksum (UDP checksum 0). */
    static byte[] udpFrame(int seq, int dstPort) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + 18).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x02}).put(new byte[] {0x02, 0, 0, 0, 0, 0x01}).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 18)).putShort((short) seq).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
        int sum = 0;
        for (int i = ip; i < ip + 20; i += 2) sum += b.getShort(i) & 0xffff;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        b.putShort(ip + 10, (short) ~sum);
        b.putShort((short) 5000).putShort((short) dstPort).putShort((short) (8 + 18)).putShort((short) 0);
        b.put("replayed by vswitch".getBytes(StandardCharsets.US_ASCII), 0, 18);
        return b.array();
    }

    /** Writes a classic pcap file by hand (not with the code under test): microsecond stamps, Ethernet. */
    static void writePcap(Path file, List<byte[]> frames) throws IOException {
        int size = 24;
        for (byte[] f : frames) size += 16 + f.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        long t = System.currentTimeMillis() * 1000;
        for (byte[] f : frames) {
            b.putInt((int) (t / 1_000_000)).putInt((int) (t % 1_000_000)).putInt(f.length).putInt(f.length).put(f);
            t += 1000;
        }
        Files.write(file, b.array());
    }
}
