package io.vswitch.vswitchd;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.vswitchd.cli.Vsctl;
import io.vswitch.vswitchd.control.CommandHandler;
import io.vswitch.vswitchd.control.ControlServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * vswitchd with real namespaces, veths and ping: hosts in their own network namespaces, their veth peers as
 * AF_PACKET ports of bridges in one daemon, configured through the same command handler vsctl talks to.
 */
class VswitchdTest extends DaemonTestBase {

    @Test
    void standaloneBridgeLearnsAndForwards() {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2"), p3 = net.host("h3", "10.0.0.3");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        ok("add-port", "br0", p3);
        assertTrue(net.ping("h1", "10.0.0.2", 3), "h1 -> h2 through NORMAL");
        assertTrue(net.ping("h3", "10.0.0.1", 3), "h3 -> h1 through NORMAL");
        String fdb = ok("fdb-show", "br0");
        assertTrue(fdb.lines().count() >= 4, "three hosts learned: " + fdb);
        String flows = ok("dump-flows", "br0");
        assertTrue(flows.matches("(?s).*n_packets=[1-9].*priority=0 actions=NORMAL.*"), flows);
    }

    @Test
    void tcpFlowsWithOffloadsOn() {
        // veths keep TX checksum offload and TSO on: frames arrive with partial checksums, many as 64 KiB GSO
        // super-frames. Both must reach the other side intact (Open vSwitch's userspace datapath drops them).
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        assertTrue(net.ping("h1", "10.0.0.2", 1));
        net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5299");
        String out = net.in(net.ns("h1"), "iperf3", "-c", "10.0.0.2", "-p", "5299", "-t", "2", "-J");
        var m = java.util.regex.Pattern.compile("\"sum_received\"[^}]*\"bytes\":\\s*(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        long bytes = Long.parseLong(m.group(1));
        assertTrue(bytes > 50_000_000L, "2 s of TCP moved only " + bytes + " bytes");
    }

    @Test
    void autoPortsTakeTheRingUnderLoadAndGiveItBackWhenQuiet() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        var a = (io.vswitch.vswitchd.port.AfPacketPort) daemon.bridge("br0").port(p1);
        assertEquals(io.vswitch.linux.AfPacketSocket.RxMode.ADAPTIVE, a.rxMode(), "rx=auto is the default");
        assertTrue(net.ping("h1", "10.0.0.2", 3));
        assertEquals(0, a.rxModeSwitches(), "a few pings leave it on recvmmsg");
        assertFalse(a.rxRing());

        // Small datagrams from h1 as fast as iperf3 sends them, for 2 s: more than the thread forwards, so the
        // port's socket overflows and the ring takes over.
        net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5296");
        String out = net.in(net.ns("h1"), "iperf3", "-c", "10.0.0.2", "-p", "5296", "-u", "-b", "0", "-l", "100",
                "-t", "2", "-J");
        var m = java.util.regex.Pattern.compile("\"sum\"[^}]*\"packets\":\\s*(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(a.rxModeSwitches() >= 1, "the ring took over during " + m.group(1) + " datagrams");

        // Quiet again: back to recvmmsg without waiting for a frame (the next one is handed over at once, not after
        // a ring block's retire timer), and forwarding is whole.
        assertTrue(await(() -> !a.rxRing(), 2), "back on recvmmsg when the load stops");
        assertTrue(net.ping("h1", "10.0.0.2", 5), "ping after the load");
        assertFalse(a.rxRing(), "still on recvmmsg");
        assertTrue(a.rxModeSwitches() >= 2);
        assertTrue(ok("show").contains("receiving by: recvmmsg (rx=auto, "),
                "show says how the port receives");
    }

    @Test
    void ringPortsForwardPingAndTcpAndTheOptionPersists() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1, "rx=ring");
        ok("add-port", "br0", p2, "rx=ring");
        assertTrue(((io.vswitch.vswitchd.port.AfPacketPort) daemon.bridge("br0").port(p1)).rxRing());
        assertTrue(net.ping("h1", "10.0.0.2", 3), "ping through two ring ports");
        net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5297");
        String out = net.in(net.ns("h1"), "iperf3", "-c", "10.0.0.2", "-p", "5297", "-t", "2", "-J");
        var m = java.util.regex.Pattern.compile("\"sum_received\"[^}]*\"bytes\":\\s*(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        long bytes = Long.parseLong(m.group(1));
        assertTrue(bytes > 50_000_000L, "2 s of TCP through ring ports moved only " + bytes + " bytes");
        assertTrue(Files.readString(dir.resolve("vswitchd.conf")).contains("rx"), "rx=ring is in the configuration");

        daemon.close();
        daemon = new Daemon(dir.resolve("vswitchd.conf"), 1);
        daemon.restore();
        ctl = new CommandHandler(daemon);
        assertTrue(((io.vswitch.vswitchd.port.AfPacketPort) daemon.bridge("br0").port(p2)).rxRing(), "still a ring after restart");
        assertTrue(net.ping("h1", "10.0.0.2", 2), "forwarding through ring ports after the restart");

        String p3 = net.host("h3", "10.0.0.3");
        assertTrue(fail("add-port", "br0", p3, "rx=mmap").output().contains("rx must be auto, mmsg or ring"));
        assertTrue(fail("add-port", "br0", p3, "foo=1").output().contains("takes only rx=auto|mmsg|ring"));
        ok("add-port", "br0", p3, "rx=mmsg");
        assertTrue(net.ping("h3", "10.0.0.1", 2), "a recvmmsg port and a ring port together");
    }

    /** Replaces the fixture's daemon by one with two datapath threads; hosts h1, h2 on br0; returns their ports. */
    private String[] twoHostsOnATwoThreadDaemon(boolean autoBalance) throws Exception {
        daemon.close();
        daemon = new Daemon(dir.resolve("vswitchd-2pmd.conf"), 2);
        daemon.setAutoBalance(autoBalance);
        ctl = new CommandHandler(daemon);
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        return new String[] {p1, p2};
    }

    @Test
    void portsSpreadOverThreadsUnderLoadAndComeBackTogetherWhenQuiet() throws Exception {
        // Automatic placement (the daemon's timer calls rebalance every 500 ms; here the test does): both ports
        // start on pmd0; a TCP stream through the switch (data one way, ACKs the other) loads both, so one moves to
        // pmd1 while the stream runs, and the stream survives the move; once quiet, both are back on pmd0.
        String[] ports = twoHostsOnATwoThreadDaemon(true);
        String p1 = ports[0], p2 = ports[1];
        String before = ok("pmd-rxq-show");
        assertTrue(before.matches("(?s)pmd thread 0:\n  port: " + p1 + " .*\n  port: " + p2 + " .*pmd thread 1:\nautomatic.*"), before);
        assertTrue(net.ping("h1", "10.0.0.2", 2));

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread balancer = Thread.ofPlatform().name("test-balancer").start(() -> {
            while (!stop.get()) {
                daemon.rebalance();
                try {
                    Thread.sleep(Daemon.REBALANCE_INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5297");
            var client = new ProcessBuilder("ip", "netns", "exec", net.ns("h1"), "iperf3", "-c", "10.0.0.2", "-p", "5297", "-t", "6", "-J")
                    .redirectErrorStream(true).start();
            String[] spread = new String[1];
            boolean moved = await(() -> {
                String s = daemon.pmdRxqShow();
                spread[0] = s;
                return s.matches("(?s)pmd thread 0:\n  port: \\S+ .*\npmd thread 1:\n  port: \\S+ .*");
            }, 6);
            assertTrue(moved, "a port moved to pmd1 under load: " + spread[0]);
            // A patch port on the bridge (drained by pmd0 alone) brings every port of the bridge home, load or not.
            ok("add-port", "br0", "pp0", "type=patch", "peer=pp1");
            assertTrue(await(() -> daemon.pmdRxqShow().contains("pmd thread 1:\nautomatic"), 4),
                    "a bridge with a patch port stays on pmd0: " + daemon.pmdRxqShow());
            String out = new String(client.getInputStream().readAllBytes());
            assertTrue(client.waitFor(15, java.util.concurrent.TimeUnit.SECONDS));
            var m = java.util.regex.Pattern.compile("\"sum_received\"[^}]*\"bytes\":\\s*(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            assertTrue(Long.parseLong(m.group(1)) > 50_000_000L, "the stream went on across the move: " + m.group(1) + " bytes");
            assertTrue(await(() -> daemon.pmdRxqShow().matches("(?s)pmd thread 0:\n  port: .*\n  port: .*pmd thread 1:\nautomatic.*"), 5),
                    "both ports back on pmd0 when quiet: " + daemon.pmdRxqShow());
            assertTrue(net.ping("h2", "10.0.0.1", 2), "forwarding after the ports came back");
        } finally {
            stop.set(true);
            balancer.join();
        }
    }

    @Test
    void twoDatapathThreadsEachSendOnTheOthersPorts() throws Exception {
        // Without automatic placement ports go to the thread with the fewest: p1 on pmd0, p2 on pmd1, so every
        // frame crosses threads on output.
        String[] ports = twoHostsOnATwoThreadDaemon(false);
        String p1 = ports[0], p2 = ports[1];
        String stats = ok("pmd-stats-show");
        assertTrue(stats.contains("pmd thread 0:\n  ports: br0/" + p1) && stats.contains("pmd thread 1:\n  ports: br0/" + p2), stats);
        assertTrue(net.ping("h1", "10.0.0.2", 2));
        net.in(net.ns("h2"), "iperf3", "-s", "-D", "-1", "-p", "5298");
        String out = net.in(net.ns("h1"), "iperf3", "-c", "10.0.0.2", "-p", "5298", "-t", "2", "--bidir", "-J");
        var m = java.util.regex.Pattern.compile("\"sum_received_bidir_reverse\"[^}]*\"bytes\":\\s*(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1)) > 10_000_000L, "both directions at once through two threads");
    }

    @Test
    void framesLargerThanTheEgressMtuAreDroppedAndCounted() {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        Netns.run("ip", "link", "set", p2, "mtu", "1000");
        ok("add-br", "br0");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        assertTrue(net.ping("h1", "10.0.0.2", 1), "small frames pass");
        // 1400-byte pings do not fit port 2's 1000-byte MTU (h1 may send them: its own MTU is 1500).
        assertFalse(Netns.exit("ip", "netns", "exec", net.ns("h1"), "ping", "-c", "2", "-W", "1", "-M", "dont", "-s", "1400", "10.0.0.2") == 0);
        assertTrue(ok("dump-ports", "br0").matches("(?s).*port 2 .*tx pkts=\\d+, bytes=\\d+, drop=[1-9].*"), ok("dump-ports", "br0"));
        assertTrue(net.ping("h1", "10.0.0.2", 1), "and small frames still pass after");
    }

    @Test
    void secureBridgeForwardsOnlyWhatFlowsSay() {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        assertFalse(net.ping("h1", "10.0.0.2", 1), "no flows: nothing passes");
        ok("add-flow", "br0", "in_port=1,actions=output:2");
        ok("add-flow", "br0", "in_port=2,actions=output:1");
        assertTrue(net.ping("h1", "10.0.0.2", 3));
        ok("del-flows", "br0", "in_port=2");
        assertFalse(net.ping("h1", "10.0.0.2", 1), "replies dropped once their flow is gone");
    }

    @Test
    void vlanAccessPortsThroughFlows() {
        // h1 and h2 are access ports of VLAN 10 on br0, h3 of VLAN 20: tagged internally, untagged on the wire.
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2"), p3 = net.host("h3", "10.0.0.3");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        ok("add-port", "br0", p3, "ofport=3");
        ok("add-flow", "br0", "table=0,in_port=1,actions=push_vlan:0x8100,set_field:4106->vlan_vid,goto_table:1");
        ok("add-flow", "br0", "table=0,in_port=2,actions=push_vlan:0x8100,set_field:4106->vlan_vid,goto_table:1");
        ok("add-flow", "br0", "table=0,in_port=3,actions=push_vlan:0x8100,set_field:4116->vlan_vid,goto_table:1");
        ok("add-flow", "br0", "table=1,dl_vlan=10,actions=pop_vlan,NORMAL");
        ok("add-flow", "br0", "table=1,dl_vlan=20,actions=pop_vlan,NORMAL");
        assertTrue(net.ping("h1", "10.0.0.2", 2), "same VLAN");
        // NORMAL learns per VLAN on the popped frame (VLAN 0 here), so separation comes from the flows below.
        ok("add-flow", "br0", "table=1,priority=40000,dl_vlan=20,actions=pop_vlan,output:3");
        ok("add-flow", "br0", "table=1,priority=40000,dl_vlan=10,actions=pop_vlan,output:1,output:2");
        assertFalse(net.ping("h3", "10.0.0.1", 1), "different VLANs do not meet");
        assertTrue(net.ping("h2", "10.0.0.1", 2));
    }

    @Test
    void vlanTrunkBetweenTwoBridgesOverARealLink() {
        // h1 (br0) and h2 (br1) are access ports of VLAN 10; br0 and br1 are joined by a trunk over a veth pair.
        // The kernel strips the tag of every frame received on the trunk; the port must put it back, or br1's
        // dl_vlan=10 flow never matches. (This kernel has no 8021q module, so no VLAN interfaces in namespaces.)
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        net.vethPair("ta", "tb");
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-br", "br1", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", Netns.PREFIX + "ta", "ofport=9");
        ok("add-port", "br1", p2, "ofport=1");
        ok("add-port", "br1", Netns.PREFIX + "tb", "ofport=9");
        for (String br : new String[] {"br0", "br1"}) {
            ok("add-flow", br, "in_port=1,actions=push_vlan:0x8100,set_field:4106->vlan_vid,output:9");
            ok("add-flow", br, "in_port=9,dl_vlan=10,actions=pop_vlan,output:1");
        }
        assertTrue(net.ping("h1", "10.0.0.2", 3), "across the VLAN 10 trunk");
        String flows = ok("dump-flows", "br1");
        assertTrue(flows.matches("(?s).*n_packets=[1-9]\\d*.*in_port=9,dl_vlan=10 actions=pop_vlan.*"), flows);
    }

    /**
     * NORMAL's own access ports (tag=, as Open vSwitch): h1 and h2 in VLAN 10 on br0 and br1, h3 in VLAN 20 on br0,
     * the two standalone bridges joined by a trunk over a real veth pair (tags on the wire, put back on receive).
     */
    @Test
    void normalAccessPortsAndATrunk() {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2"), p3 = net.host("h3", "10.0.0.3");
        net.vethPair("ta", "tb");
        ok("add-br", "br0");
        ok("add-br", "br1");
        ok("add-port", "br0", p1, "tag=10");
        ok("add-port", "br0", p3, "tag=20");
        ok("add-port", "br0", Netns.PREFIX + "ta");
        ok("add-port", "br1", Netns.PREFIX + "tb");
        ok("add-port", "br1", p2, "tag=10");
        assertTrue(ok("show").contains("tag: 10"), ok("show"));
        assertTrue(net.ping("h1", "10.0.0.2", 3), "VLAN 10 across the trunk");
        assertFalse(net.ping("h3", "10.0.0.2", 1), "VLAN 20 does not reach VLAN 10");
        net.vethPair("xa", "xb");
        var bad = fail("add-port", "br1", Netns.PREFIX + "xa", "tag=5000");
        assertTrue(bad.output().contains("1-4094"), bad.output());
    }

    @Test
    void patchPortsJoinTwoBridges() {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        ok("add-br", "br1");
        ok("add-port", "br0", p1);
        ok("add-port", "br1", p2);
        ok("add-port", "br0", "patch-a", "type=patch", "peer=patch-b");
        ok("add-port", "br1", "patch-b", "type=patch", "peer=patch-a");
        assertTrue(net.ping("h1", "10.0.0.2", 3), "across the patch");
    }

    @Test
    void fastFailoverFollowsALinkGoingDown() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2"), p3 = net.host("h3", "10.0.0.2");
        // h2 and h3 both answer 10.0.0.2: traffic goes to h2 while its link is up, to h3 after.
        net.in(net.ns("h3"), "ip", "link", "set", "eth0", "address", net.in(net.ns("h2"), "cat", "/sys/class/net/eth0/address").strip());
        ok("add-br", "br0", "fail-mode=secure");
        ok("add-port", "br0", p1, "ofport=1");
        ok("add-port", "br0", p2, "ofport=2");
        ok("add-port", "br0", p3, "ofport=3");
        ok("add-group", "br0", "group_id=1,type=ff,bucket=watch_port:2,actions=output:2,bucket=watch_port:3,actions=output:3");
        ok("add-flow", "br0", "in_port=1,actions=group:1");
        ok("add-flow", "br0", "in_port=2,actions=output:1");
        ok("add-flow", "br0", "in_port=3,actions=output:1");
        assertTrue(net.ping("h1", "10.0.0.2", 2));
        assertTrue(ok("dump-ports", "br0").matches("(?s).*port 2 .*tx pkts=[1-9].*"));
        daemon.startLinkMonitor();
        long before = System.nanoTime();
        Netns.run("ip", "link", "set", p2, "down");
        // The kernel's link notification, not a poll (the test calls no refresh): seen well within the poll's second.
        var pipeline = daemon.bridge("br0").pipeline();
        assertTrue(await(() -> !pipeline.ports().get(2).linkUp(), 5), "link down seen");
        long ms = (System.nanoTime() - before) / 1_000_000;
        assertTrue(ms < 500, "link down seen after " + ms + " ms");
        assertTrue(ok("show").contains("ofport: 2, type: afpacket, link: down"));
        assertTrue(net.ping("h1", "10.0.0.2", 2), "failed over to h3");
        assertTrue(ok("dump-ports", "br0").matches("(?s).*port 3 .*tx pkts=[1-9].*"));
        Netns.run("ip", "link", "set", p2, "up");
        assertTrue(await(() -> pipeline.ports().get(2).linkUp(), 5), "link up again");
    }

    @Test
    void internalPortLetsTheHostTalkThroughTheBridge() {
        String p1 = net.host("h1", "10.0.0.1");
        String internal = Netns.PREFIX + "br";
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        try {
            ok("add-port", "br0", internal, "type=internal");
            Netns.run("ip", "addr", "add", "10.0.0.254/24", "dev", internal);
            assertTrue(ok("show").contains("ofport: LOCAL, type: internal, link: up"));
            assertTrue(net.ping("h1", "10.0.0.254", 3), "host namespace -> bridge's own interface");
        } finally {
            ok("del-port", "br0", internal);
        }
        assertEquals(1, Netns.exit("ip", "link", "show", internal), "the TAP interface goes with its port");
    }

    @Test
    void portDevicesStaySilent() throws Exception {
        String p1 = net.host("h1", "10.0.0.1");
        Netns.run("sysctl", "-qw", "net.ipv6.conf." + p1 + ".disable_ipv6=0");
        ok("add-br", "br0");
        ok("add-port", "br0", p1);
        assertEquals("1", Files.readString(Path.of("/proc/sys/net/ipv6/conf", p1, "disable_ipv6")).strip(),
                "no router solicitations or DAD from a port's device");
        ok("del-port", "br0", p1);
        assertEquals("0", Files.readString(Path.of("/proc/sys/net/ipv6/conf", p1, "disable_ipv6")).strip(), "restored");
    }

    @Test
    void restartRestoresTheConfiguration() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "dpid=00000000000000a1");
        ok("add-port", "br0", p1, "ofport=7");
        ok("add-port", "br0", p2, "ofport=9");
        ok("set-controller", "br0", "tcp:127.0.0.1:6653");
        daemon.close();
        daemon = new Daemon(dir.resolve("vswitchd.conf"), 1);
        daemon.restore();
        ctl = new CommandHandler(daemon);
        String show = ok("show");
        assertTrue(show.contains("datapath_id: 00000000000000a1"), show);
        assertTrue(show.contains("ofport: 7") && show.contains("ofport: 9"), show);
        assertTrue(show.contains("Controller \"tcp:127.0.0.1:6653\""), show);
        assertTrue(net.ping("h1", "10.0.0.2", 2), "forwarding again after the restart");
    }

    /** vswitchd --bridge: a transient bridge forwards like any other but never reaches the configuration file. */
    @Test
    void transientBridgeIsNeverSaved() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0");
        daemon.addBridge("tb0", 1L, io.vswitch.vswitchd.bridge.Bridge.FailMode.STANDALONE, false);
        daemon.addPort("tb0", p1, "afpacket", 1, java.util.Map.of());
        daemon.addPort("tb0", p2, "afpacket", 2, java.util.Map.of());
        assertTrue(net.ping("h1", "10.0.0.2", 2), "the transient bridge forwards");
        String saved = Files.readString(dir.resolve("vswitchd.conf"));
        assertTrue(saved.contains("br0"), saved);
        assertFalse(saved.contains("tb0") || saved.contains(p1), saved);
        daemon.close();
        daemon = new Daemon(dir.resolve("vswitchd.conf"), 1);
        daemon.restore();
        assertEquals(java.util.List.of("br0"), daemon.bridges().stream().map(b -> b.name()).toList());
    }

    @Test
    void errorsAreSpecificAndChangeNothing() throws Exception {
        String p1 = net.host("h1", "10.0.0.1");
        ok("add-br", "br0");
        ok("add-br", "br1");
        ok("add-port", "br0", p1);
        String before = Files.readString(dir.resolve("vswitchd.conf"));
        assertEquals("no such bridge br9\n", fail("add-port", "br9", p1).output());
        assertEquals("port " + p1 + " is already on bridge br0\n", fail("add-port", "br1", p1).output());
        assertTrue(fail("add-port", "br1", Netns.PREFIX + "nope").output().contains("No such device"), "missing interface");
        assertEquals("bridge br0 already exists\n", fail("add-br", "br0").output());
        assertTrue(fail("add-flow", "br0", "tcp,tp_dts=80,actions=drop").output().contains("unknown field 'tp_dts'"));
        assertTrue(fail("add-flow", "br0", "ip,actions=group:5").output().contains("BAD_ACTION_BAD_OUT_GROUP"));
        assertEquals(2, fail("add-br").status(), "usage error");
        assertEquals(before, Files.readString(dir.resolve("vswitchd.conf")), "refused commands do not touch the configuration");
        assertEquals(2, ok("dump-flows", "br0").lines().count() + 1, "only the default flow");
    }

    @Test
    void vsctlTalksToTheDaemonOverTheControlSocket() throws Exception {
        Path rundir = dir.resolve("run");
        try (ControlServer server = new ControlServer(rundir.resolve("vswitchd.ctl"), ctl)) {
            assertEquals(0, vsctl(rundir, "add-br", "br5"));
            assertEquals(0, vsctl(rundir, "list-br"));
            assertEquals(1, vsctl(rundir, "del-br", "br6"), "refused: exit 1");
            assertEquals(2, vsctl(rundir, "frobnicate"), "unknown command: exit 2");
        }
        assertEquals(4, vsctl(rundir, "list-br"), "no daemon: exit 4");
    }

    private static int vsctl(Path rundir, String... args) {
        PrintStream saved = System.out, savedErr = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            String[] all = new String[args.length + 2];
            all[0] = "--rundir";
            all[1] = rundir.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            return Vsctl.commandLine().execute(all);
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
    }
}
