package io.vswitch.benchmarks.netns;

import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.Plumbing;
import io.vswitch.vethbridge.cleanup.Cleanup;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import io.vswitch.vethbridge.netns.NetnsOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * benchmarks/netns, our side: N hosts, each a named namespace with a veth pair whose root end is
 * in a Linux bridge, an address on the namespace end, both ends and loopback up -- then all torn
 * down: each namespace deleted (its veth goes with it, the kernel removes the pairs in batches),
 * and the clock stops when the last root end is gone. Sequential, one host after the other, as
 * the `ip` side of the script does it. Prints "create SECONDS CPU_SECONDS" and "delete SECONDS CPU_SECONDS" (CPU: user + system of this process).
 *
 * <p>MODE {@code named}: named namespaces as `ip netns add` makes them -- the same work as the
 * `ip` side. {@code named-fast}: the same with IPv6 off in the namespaces
 * ({@link NetnsOptions#FAST_START}; the script's `ip` side then runs sysctl in each namespace).
 * {@code anon-fast}: what an emulator would use -- anonymous namespaces held by this process (no
 * bind mount, no marker: they cannot outlive it), IPv6 off; delete is closing the handles.
 * {@code anon-fast-par}: the same built by 4 threads (the emulator can build hosts in parallel).
 *
 * <pre>java -cp benchmarks.jar io.vswitch.benchmarks.netns.NetnsBench N PREFIX BRIDGE MODE   # build and tear down
 * java -cp benchmarks.jar io.vswitch.benchmarks.netns.NetnsBench --cleanup PREFIX      # remove leftovers</pre>
 */
public final class NetnsBench {
    private NetnsBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--cleanup")) {
            System.out.println("cleanup: " + Cleanup.run(new Owner(args[1])));
            return;
        }
        int n = Integer.parseInt(args[0]);
        String prefix = args[1];
        String bridge = args[2];
        String mode = args.length < 4 ? "named" : args[3];
        boolean named = mode.startsWith("named");
        NetnsOptions options = mode.endsWith("-fast") ? NetnsOptions.FAST_START : NetnsOptions.DEFAULT;
        Owner owner = new Owner(prefix);
        try (Netns root = Netns.root()) {
            Links links = new Links(root);
            links.addBridge(bridge, BridgeOptions.DEFAULTS, owner);
            links.setUp(bridge, true);
            warmUp(root, prefix + "w", bridge, owner);

            List<Netns> held = java.util.Collections.synchronizedList(new ArrayList<>());
            int threads = mode.endsWith("-par") ? PARALLEL : 1;
            long c0 = cpu();
            long t0 = System.nanoTime();
            List<Thread> builders = new ArrayList<>();
            List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int first = t;
                Runnable build = () -> {
                    // each builder its own root handle: its own netlink socket, no lock shared with the others
                    try (Netns myRoot = threads == 1 ? null : Netns.root()) {
                        Netns r = myRoot == null ? root : myRoot;
                        for (int i = first; i < n; i += threads) {
                            Netns ns = named ? NamedNamespaces.create(prefix + i, owner, options) : Netns.anonymous(options);
                            Plumbing.attach(r, ns, new Plumbing.Attachment(prefix + i + "h", bridge, "eth0",
                                    List.of(Cidr.parse(address(i))), null, 0), owner);
                            if (named) {
                                ns.close();
                            } else {
                                held.add(ns);
                            }
                        }
                    } catch (Exception e) {
                        failures.add(e);
                    }
                };
                if (threads == 1) {
                    build.run();
                } else {
                    builders.add(Thread.ofPlatform().start(build));
                }
            }
            for (Thread b : builders) {
                b.join();
            }
            if (!failures.isEmpty()) {
                throw failures.getFirst();
            }
            long t1 = System.nanoTime();
            long c1 = cpu();
            if (named) {
                for (int i = 0; i < n; i++) {
                    NamedNamespaces.delete(prefix + i);
                }
            } else {
                held.forEach(Netns::close);
            }
            while (links.list().stream().anyMatch(l -> l.name().startsWith(prefix))) {
                Thread.sleep(1); // the kernel destroys the namespaces (and their veths) asynchronously
            }
            long t2 = System.nanoTime();
            long c2 = cpu();
            links.delete(bridge);
            System.out.printf("create %.3f %.3f%n", (t1 - t0) / 1e9, (c1 - c0) / 1e9);
            System.out.printf("delete %.3f %.3f%n", (t2 - t1) / 1e9, (c2 - c1) / 1e9);
        }
    }

    /** Builder threads of the "-par" modes (the machine has 2 CPUs; more threads overlap kernel waits). */
    private static final int PARALLEL = 4;

    /** Hosts built and removed before the timed run. */
    private static final int WARM_UP = 50;

    /**
     * A few hosts first, so class loading and most JIT compilation are not in the timed run: the
     * emulator is a long-running process. (A one-shot `vbridge` command pays ~0.3 s of JVM start.)
     */
    private static void warmUp(Netns root, String prefix, String bridge, Owner owner) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            try (Netns ns = NamedNamespaces.create(prefix + i, owner)) {
                Plumbing.attach(root, ns, new Plumbing.Attachment(prefix + i + "h", bridge, "eth0",
                        List.of(Cidr.parse("10.201.0." + (i + 1) + "/24")), null, 0), owner);
            }
            new Links(root).delete(prefix + i + "h");
            NamedNamespaces.delete(prefix + i);
        }
    }

    /** CPU time of this process, all threads (user + system), in ns. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String address(int i) {
        return "10.200." + (i / 250) + "." + (i % 250 + 1) + "/16";
    }
}
