package io.vswitch.vethbridge;

import io.vswitch.vethbridge.ip.Addresses;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.ip.Routes;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The composite step an emulator host or a container needs: a veth pair from one namespace
 * (usually the root, optionally into a bridge there) into another, addressed, up, with a
 * default route. All or nothing: when a step fails, the pair is deleted again and the failure
 * is rethrown, so no half-made link stays behind.
 */
public final class Plumbing {
    private Plumbing() {
    }

    /**
     * What to build.
     *
     * @param hostIf    name of the end that stays in the host namespace (e.g. "h1-eth0" or "veth1234")
     * @param bridge    bridge in the host namespace to enslave that end to, or null
     * @param nsIf      name of the end in the target namespace (e.g. "eth0")
     * @param addresses addresses for the namespace end (may be empty)
     * @param gateway   default route via this address, or null
     * @param mtu       MTU for both ends, or 0 for the kernel's default
     */
    public record Attachment(String hostIf, String bridge, String nsIf, List<Cidr> addresses, InetAddress gateway,
                             int mtu) {
        public Attachment {
            Names.checkInterface(hostIf);
            Names.checkInterface(nsIf);
            if (bridge != null) {
                Names.checkInterface(bridge);
            }
            addresses = List.copyOf(addresses);
        }
    }

    /** The two ends as built. */
    public record Attached(Link host, Link inside) {
    }

    /**
     * Builds {@code a} between {@code host} and {@code ns}, marked as {@code owner}'s: one
     * RTM_NEWLINK makes the pair enslaved, sized and up on both ends; then the two aliases, the
     * addresses, the route -- 6 netlink round trips for one address and no route.
     */
    public static Attached attach(Netns host, Netns ns, Attachment a, Owner owner) throws IOException {
        Links hostLinks = new Links(host);
        Links nsLinks = new Links(ns);
        Link hostEnd = hostLinks.addVeth(a.hostIf(), a.nsIf(), ns, owner, new Links.VethOptions(a.bridge(), true, a.mtu()));
        try {
            Link inside = nsLinks.get(a.nsIf());
            Addresses addrs = new Addresses(ns);
            for (Cidr c : a.addresses()) {
                addrs.add(inside, c, true);
            }
            if (a.gateway() != null) {
                new Routes(ns).addDefault(a.gateway(), a.nsIf());
            }
            return new Attached(hostEnd, inside);
        } catch (IOException | RuntimeException e) {
            try {
                hostLinks.delete(a.hostIf());
            } catch (IOException | RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }
}
