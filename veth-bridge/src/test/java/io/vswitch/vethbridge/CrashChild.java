package io.vswitch.vethbridge;

import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import java.util.List;

/**
 * Child process for CleanupTest: builds a bridge and hosts (namespace + veth into the bridge)
 * under {@code args[0]} as prefix and owner tag, printing "built N" after each, until killed.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        String p = args[0];
        Owner owner = new Owner(p);
        try (Netns root = Netns.root()) {
            String br = p + "kb";
            new Links(root).addBridge(br, BridgeOptions.DEFAULTS, owner);
            for (int i = 0; i < 500; i++) {
                try (Netns ns = NamedNamespaces.create(p + "k" + i, owner)) {
                    Plumbing.attach(root, ns, new Plumbing.Attachment(p + "k" + i + "h", br, "eth0",
                            List.of(Cidr.parse("10.3." + (i / 250) + "." + (i % 250 + 1) + "/16")), null, 0), owner);
                }
                System.out.println("built " + i);
                System.out.flush();
            }
        }
        Thread.sleep(60_000); // never reached in the test: it kills us mid-build
    }
}
