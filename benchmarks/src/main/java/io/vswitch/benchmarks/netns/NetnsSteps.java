package io.vswitch.benchmarks.netns;

import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.ip.Addresses;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;
import io.vswitch.vethbridge.netns.NetnsOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * benchmarks/netns/breakdown, our side: where a host's set-up time goes. Builds N hosts as NetnsBench's
 * {@code anon-fast} mode does (anonymous namespace with IPv6 off, a veth pair into one Linux bridge, an address),
 * timing each step, twice (the first round warms the JIT up); prints the mean per host and step.
 *
 * <pre>java -cp benchmarks.jar io.vswitch.benchmarks.netns.NetnsSteps N PREFIX</pre>
 */
public final class NetnsSteps {
    private NetnsSteps() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String prefix = args[1];
        Owner owner = new Owner(prefix);
        String bridge = prefix + "br";
        try (Netns root = Netns.root()) {
            Links links = new Links(root);
            links.addBridge(bridge, BridgeOptions.DEFAULTS, owner);
            try {
                links.setUp(bridge, true);
                for (int round = 0; round < 2; round++) {
                    long namespace = 0, veth = 0, lookup = 0, address = 0;
                    List<Netns> held = new ArrayList<>();
                    try {
                        for (int i = 0; i < n; i++) {
                            long t0 = System.nanoTime();
                            Netns ns = Netns.anonymous(NetnsOptions.FAST_START);
                            held.add(ns);
                            long t1 = System.nanoTime();
                            links.addVeth(prefix + round + "x" + i, "eth0", ns, owner, new Links.VethOptions(bridge, true, 0));
                            long t2 = System.nanoTime();
                            Link inside = new Links(ns).get("eth0");
                            long t3 = System.nanoTime();
                            new Addresses(ns).add(inside, Cidr.parse(NetnsBench.address(i)), true);
                            long t4 = System.nanoTime();
                            namespace += t1 - t0;
                            veth += t2 - t1;
                            lookup += t3 - t2;
                            address += t4 - t3;
                        }
                    } finally {
                        held.forEach(Netns::close);
                    }
                    System.out.printf("round %d, N=%d, ms per host: namespace %.2f, veth into bridge %.2f, link lookup %.2f,"
                            + " address %.2f, total %.2f%n", round + 1, n, namespace / 1e6 / n, veth / 1e6 / n,
                            lookup / 1e6 / n, address / 1e6 / n, (namespace + veth + lookup + address) / 1e6 / n);
                    String built = prefix + round;
                    while (links.list().stream().anyMatch(l -> l.name().startsWith(built))) {
                        Thread.sleep(10); // the kernel removes the namespaces' veths asynchronously
                    }
                }
            } finally {
                links.delete(bridge);
            }
        }
    }
}
