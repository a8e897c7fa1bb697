package io.vswitch.vswitchd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: real network namespaces with a veth into the root namespace, made with iproute2 (test set-up
 * only; the daemon itself never forks). Everything made is recorded and removed by {@link #close}, also after a
 * failure; names carry a per-run prefix so parallel or crashed runs never collide with others.
 */
final class Netns implements AutoCloseable {
    static final String PREFIX = "vst" + Long.toString(ProcessHandle.current().pid() % 46656, 36);

    private final List<String> namespaces = new ArrayList<>();
    private final List<String> links = new ArrayList<>();

    /** Creates namespace {@code prefix+name} with {@code eth0} (10.0.0.N/24) whose peer {@code prefix+name} sits in the root namespace. */
    String host(String name, String ip) {
        String ns = PREFIX + name;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        String root = PREFIX + name;
        run("ip", "link", "add", root, "type", "veth", "peer", "name", "eth0", "netns", ns);
        links.add(root);
        // No IPv6 on the switch side: no router solicitations or other chatter from our ports.
        run("sysctl", "-qw", "net.ipv6.conf." + root + ".disable_ipv6=1");
        run("ip", "link", "set", root, "up");
        in(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        in(ns, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        in(ns, "ip", "link", "set", "eth0", "up");
        in(ns, "ip", "link", "set", "lo", "up");
        return root;
    }

    String ns(String name) { return PREFIX + name; }

    /** A veth pair in the root namespace, both ends up, IPv6 off (e.g. a trunk between two bridges). */
    void vethPair(String a, String b) {
        run("ip", "link", "add", PREFIX + a, "type", "veth", "peer", "name", PREFIX + b);
        links.add(PREFIX + a);
        for (String end : new String[] {PREFIX + a, PREFIX + b}) {
            run("sysctl", "-qw", "net.ipv6.conf." + end + ".disable_ipv6=1");
            run("ip", "link", "set", end, "up");
        }
    }

    String in(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return run(full.toArray(new String[0]));
    }

    /** Whether {@code count} pings from namespace {@code from} to {@code ip} all come back (1 s deadline each). */
    boolean ping(String from, String ip, int count) {
        return exit("ip", "netns", "exec", PREFIX + from, "ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "1", "-q", ip) == 0;
    }

    static String run(String... cmd) {
        Output o = output(List.of(cmd));
        if (o.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": exit " + o.exit() + ": " + o.text().strip());
        return o.text();
    }

    /** A command's exit status and its output (stdout and stderr together). */
    record Output(int exit, String text) { }

    /** Runs {@code cmd} to its end (30 s at most, else it fails) and returns its exit status and output. */
    static Output output(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
            }
            return new Output(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    static int exit(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        for (String l : links) exit("ip", "link", "del", l);
        // Processes a test started inside (iperf3 -s -D waits for a client that a failed test never sends) would
        // outlive the namespace: kill them first.
        for (String ns : namespaces) {
            for (String pid : output(List.of("ip", "netns", "pids", ns)).text().split("\\s+")) {
                if (pid.matches("\\d+")) exit("kill", "-9", pid);
            }
        }
        for (String ns : namespaces) exit("ip", "netns", "del", ns);
        links.clear();
        namespaces.clear();
    }

    /** Whether anything with our prefix is left in the root namespace or as a namespace. */
    static List<String> leftovers() {
        List<String> left = new ArrayList<>();
        for (String l : run("ip", "-o", "link", "show").split("\n")) {
            String[] f = l.split(": ");
            if (f.length > 1 && f[1].startsWith(PREFIX)) left.add(f[1]);
        }
        for (String n : run("ip", "netns", "list").split("\n")) if (n.startsWith(PREFIX)) left.add(n.split(" ")[0]);
        return left;
    }
}
