package io.vswitch.vethbridge.cli;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.cleanup.Cleanup;
import io.vswitch.vethbridge.ip.Addresses;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.ip.Routes;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import io.vswitch.vethbridge.shaping.KernelShaping;
import io.vswitch.vethbridge.shaping.LinkShaping;
import io.vswitch.vethbridge.shaping.QdiscCapabilities;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vbridge}: namespaces, veths, bridges, addresses, routes and shaping from the shell,
 * through the same library the emulator uses (rtnetlink, no `ip` processes). Exit status: 0 done,
 * 1 refused (with one line saying why), 2 bad usage, 3 permission denied.
 */
@Command(name = "vbridge", mixinStandardHelpOptions = true, version = "vbridge 0.1.0",
        description = "Network plumbing for containers and emulated hosts (rtnetlink through FFM).",
        subcommands = {Vbridge.NetnsCmd.class, Vbridge.VethCmd.class, Vbridge.BridgeCmd.class, Vbridge.LinkCmd.class,
            Vbridge.AddrCmd.class, Vbridge.RouteCmd.class, Vbridge.ShapeCmd.class, Vbridge.CleanupCmd.class,
            Vbridge.CapabilitiesCmd.class},
        footer = {"", "Exit status: 0 success, 1 refused (one line says why), 2 bad usage, 3 permission denied.",
            "Everything created is marked with the owner tag (--owner, default 'cli'); 'cleanup' removes exactly that."})
public final class Vbridge implements Runnable {
    static final String DEFAULT_OWNER = "cli";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (try --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line; returns the exit status (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Vbridge());
        cl.setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("vbridge: " + e.getMessage());
            if (e instanceof LinuxException le && (le.errno() == Errno.EPERM || le.errno() == Errno.EACCES)) {
                return 3;
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return 3;
            }
            return 1;
        });
        return cl.execute(args);
    }

    /** {@code --netns NAME}: the named namespace a command works in; the root one when absent. */
    static final class NetnsOption {
        @Option(names = "--netns", paramLabel = "NAME", description = "work in this named namespace (default: root)")
        String name;

        Netns open() throws IOException {
            return name == null ? Netns.root() : NamedNamespaces.open(name);
        }
    }

    @Command(name = "netns", description = "Named network namespaces (as `ip netns` keeps them).",
            subcommands = {NetnsCmd.Add.class, NetnsCmd.Del.class, NetnsCmd.ListCmd.class})
    static final class NetnsCmd {
        @Command(name = "add", description = "Create NAME (loopback up).")
        static final class Add implements Callable<Integer> {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--owner", defaultValue = DEFAULT_OWNER) String owner;

            @Override
            public Integer call() throws IOException {
                NamedNamespaces.create(name, new Owner(owner)).close();
                return 0;
            }
        }

        @Command(name = "del", description = "Delete NAME (and the links inside it).")
        static final class Del implements Callable<Integer> {
            @Parameters(paramLabel = "NAME") String name;

            @Override
            public Integer call() throws IOException {
                NamedNamespaces.delete(name);
                return 0;
            }
        }

        @Command(name = "list", description = "Named namespaces; ours show their owner.")
        static final class ListCmd implements Callable<Integer> {
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws IOException {
                for (String n : NamedNamespaces.list()) {
                    spec.commandLine().getOut().println(n + NamedNamespaces.ownerOf(n).map(o -> " (owner " + o + ")").orElse(""));
                }
                return 0;
            }
        }
    }

    @Command(name = "veth", description = "veth pairs.", subcommands = VethCmd.Add.class)
    static final class VethCmd {
        @Command(name = "add", description = "Create the pair NAME -- PEER, PEER directly in --peer-netns.")
        static final class Add implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "NAME") String name;
            @Parameters(index = "1", paramLabel = "PEER") String peer;
            @CommandLine.Mixin NetnsOption netns;
            @Option(names = "--peer-netns", description = "namespace of PEER (default: that of NAME)") String peerNetns;
            @Option(names = "--bridge", description = "enslave NAME to this bridge") String bridge;
            @Option(names = "--up", description = "bring both ends up") boolean up;
            @Option(names = "--owner", defaultValue = DEFAULT_OWNER) String owner;

            @Override
            public Integer call() throws IOException {
                try (Netns a = netns.open(); Netns b = peerNetns == null ? null : NamedNamespaces.open(peerNetns)) {
                    Links links = new Links(a);
                    if (bridge != null && links.find(bridge).isEmpty()) {
                        throw new io.vswitch.vethbridge.VethBridgeException("bridge " + bridge + " not found");
                    }
                    links.addVeth(name, peer, b, new Owner(owner));
                    try {
                        if (bridge != null) {
                            links.setMaster(name, bridge);
                        }
                        if (up) {
                            links.setUp(name, true);
                            new Links(b == null ? a : b).setUp(peer, true);
                        }
                    } catch (IOException | RuntimeException e) {
                        links.delete(name);
                        throw e;
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "bridge", description = "Linux bridges.", subcommands = BridgeCmd.Add.class)
    static final class BridgeCmd {
        @Command(name = "add", description = "Create bridge NAME (up).")
        static final class Add implements Callable<Integer> {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--stp", description = "spanning tree on") boolean stp;
            @Option(names = "--ageing", paramLabel = "SECONDS", description = "MAC ageing time") Integer ageing;
            @Option(names = "--vlan-filtering") boolean vlanFiltering;
            @CommandLine.Mixin NetnsOption netns;
            @Option(names = "--owner", defaultValue = DEFAULT_OWNER) String owner;

            @Override
            public Integer call() throws IOException {
                try (Netns n = netns.open()) {
                    Links links = new Links(n);
                    links.addBridge(name, new BridgeOptions(stp, ageing == null ? null : Duration.ofSeconds(ageing),
                            vlanFiltering), new Owner(owner));
                    links.setUp(name, true);
                }
                return 0;
            }
        }
    }

    @Command(name = "link", description = "Change or delete a link.", subcommands = {LinkCmd.Set.class, LinkCmd.Del.class})
    static final class LinkCmd {
        @Command(name = "set", description = "Change DEV: --up/--down --mtu --mac --master/--nomaster --name --to-netns.")
        static final class Set implements Callable<Integer> {
            @Parameters(paramLabel = "DEV") String dev;
            @CommandLine.Mixin NetnsOption netns;
            @Option(names = "--up") boolean up;
            @Option(names = "--down") boolean down;
            @Option(names = "--mtu") Integer mtu;
            @Option(names = "--mac") String mac;
            @Option(names = "--master") String master;
            @Option(names = "--nomaster") boolean nomaster;
            @Option(names = "--name") String newName;
            @Option(names = "--to-netns") String toNetns;

            @Override
            public Integer call() throws IOException {
                try (Netns n = netns.open()) {
                    Links links = new Links(n);
                    String d = dev;
                    if (mtu != null) links.setMtu(d, mtu);
                    if (mac != null) links.setMac(d, mac);
                    if (master != null) links.setMaster(d, master);
                    if (nomaster) links.noMaster(d);
                    if (newName != null) {
                        links.rename(d, newName);
                        d = newName;
                    }
                    if (up || down) links.setUp(d, up);
                    if (toNetns != null) {
                        try (Netns t = NamedNamespaces.open(toNetns)) {
                            links.moveTo(d, t);
                        }
                    }
                }
                return 0;
            }
        }

        @Command(name = "del", description = "Delete DEV (a veth: both ends).")
        static final class Del implements Callable<Integer> {
            @Parameters(paramLabel = "DEV") String dev;
            @CommandLine.Mixin NetnsOption netns;

            @Override
            public Integer call() throws IOException {
                try (Netns n = netns.open()) {
                    new Links(n).delete(dev);
                }
                return 0;
            }
        }
    }

    @Command(name = "addr", description = "Addresses.", subcommands = AddrCmd.Add.class)
    static final class AddrCmd {
        @Command(name = "add", description = "Add CIDR (IPv4 or IPv6) to DEV.")
        static final class Add implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "DEV") String dev;
            @Parameters(index = "1", paramLabel = "CIDR") String cidr;
            @CommandLine.Mixin NetnsOption netns;

            @Override
            public Integer call() throws IOException {
                Cidr c = Cidr.parse(cidr);
                try (Netns n = netns.open()) {
                    new Addresses(n).add(dev, c, true);
                }
                return 0;
            }
        }
    }

    @Command(name = "route", description = "Routes.", subcommands = RouteCmd.Add.class)
    static final class RouteCmd {
        @Command(name = "add", description = "Add a route to DEST (a CIDR or 'default').")
        static final class Add implements Callable<Integer> {
            @Parameters(paramLabel = "DEST") String dest;
            @Option(names = "--via", paramLabel = "GW") String via;
            @Option(names = "--dev") String dev;
            @CommandLine.Mixin NetnsOption netns;
            @Option(names = "--ipv6", description = "with 'default' and no --via: the IPv6 default") boolean ipv6;

            @Override
            public Integer call() throws IOException {
                java.net.InetAddress gw = via == null ? null : Cidr.parseAddress(via, "invalid gateway " + via);
                Cidr dst = dest.equals("default")
                        ? Cidr.parse(gw instanceof java.net.Inet6Address || (gw == null && ipv6) ? "::/0" : "0.0.0.0/0")
                        : Cidr.parse(dest);
                try (Netns n = netns.open()) {
                    new Routes(n).add(dst, gw, dev);
                }
                return 0;
            }
        }
    }

    @Command(name = "shape", description = "Traffic shaping on a link's egress (kernel qdiscs).",
            subcommands = {ShapeCmd.SetCmd.class, ShapeCmd.Clear.class})
    static final class ShapeCmd {
        @Command(name = "set", description = "Shape DEV: rate=10mbit burst=32kb limit=100 delay=10ms jitter=1ms "
                + "distribution=normal loss=1% loss-corr=25% duplicate=1% reorder=5%")
        static final class SetCmd implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "DEV") String dev;
            @Parameters(index = "1..*", paramLabel = "KEY=VALUE") List<String> params;
            @CommandLine.Mixin NetnsOption netns;

            @Override
            public Integer call() throws IOException {
                LinkShaping s = LinkShaping.parse(params.toArray(String[]::new));
                try (Netns n = netns.open()) {
                    new KernelShaping().apply(n, dev, s);
                }
                return 0;
            }
        }

        @Command(name = "clear", description = "Remove shaping from DEV.")
        static final class Clear implements Callable<Integer> {
            @Parameters(paramLabel = "DEV") String dev;
            @CommandLine.Mixin NetnsOption netns;

            @Override
            public Integer call() throws IOException {
                try (Netns n = netns.open()) {
                    new KernelShaping().clear(n, dev);
                }
                return 0;
            }
        }
    }

    @Command(name = "cleanup", description = "Remove every link and namespace we created (of --owner only, if given).")
    static final class CleanupCmd implements Callable<Integer> {
        @Option(names = "--owner") String owner;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Cleanup.Report r = Cleanup.run(owner == null ? null : new Owner(owner));
            spec.commandLine().getOut().println(r);
            if (!r.nothingLeft()) {
                throw new io.vswitch.vethbridge.VethBridgeException("cleanup incomplete: " + String.join("; ", r.problems()));
            }
            return 0;
        }
    }

    @Command(name = "capabilities", description = "Which qdiscs this kernel has, and what shaping they allow.")
    static final class CapabilitiesCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            for (Map.Entry<String, Boolean> e : QdiscCapabilities.get().all().entrySet()) {
                out.println(String.format("%-9s %s", e.getKey(), e.getValue() ? "yes" : "no"));
            }
            out.println("shaping: " + new KernelShaping().supported().stream().map(LinkShaping.Param::key).toList());
            if (!QdiscCapabilities.get().has("netem")) {
                out.println("netem not available in this kernel: delay/loss need the switch's own link emulation "
                        + "(vsctl set-link)");
            }
            return 0;
        }
    }
}
