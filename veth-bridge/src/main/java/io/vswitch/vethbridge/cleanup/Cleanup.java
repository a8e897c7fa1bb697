package io.vswitch.vethbridge.cleanup;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.VethBridgeException;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.NamedNamespaces;
import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes exactly what we created -- after a crash too -- and nothing else:
 * <ol>
 *   <li>links whose alias is {@code "vswitch:<tag>"} (any tag when no owner is given), in the
 *       root namespace and in every named namespace that is not ours (ours go whole in step 2);
 *       deleting one end of a veth removes the other;</li>
 *   <li>named namespaces with our marker under /run/vswitch/netns (unmounted, unlinked,
 *       marker removed; also a marker whose namespace a crash never mounted).</li>
 * </ol>
 * Links and namespaces without our mark are never touched. Idempotent: a second run finds
 * nothing. Anonymous namespaces need no cleanup: they die with the process that held them.
 */
public final class Cleanup {
    private Cleanup() {
    }

    /** What a run removed. */
    public record Report(List<String> links, List<String> namespaces, List<String> problems) {
        public boolean nothingLeft() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            return "removed " + links.size() + " link(s), " + namespaces.size() + " namespace(s)"
                    + (problems.isEmpty() ? "" : "; " + problems.size() + " problem(s): " + String.join("; ", problems));
        }
    }

    /** Removes what {@code owner} created (null: what any owner of ours created). */
    public static Report run(Owner owner) throws IOException {
        List<String> links = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> ours = NamedNamespaces.owned(owner);
        try (Netns root = Netns.root()) {
            removeLinks(root, owner, links, problems);
        }
        for (String name : NamedNamespaces.list()) {
            if (ours.contains(name)) {
                continue;
            }
            try (Netns ns = NamedNamespaces.open(name)) {
                removeLinks(ns, owner, links, problems);
            } catch (VethBridgeException gone) {
                // deleted by its owner since we listed it: nothing of ours can be in it any more
            } catch (LinuxException e) {
                // EINVAL from setns: a file under /var/run/netns that is no namespace (a stale, unmounted
                // leftover of someone else's); nothing of ours can be in it either
                if (e.errno() != Errno.EINVAL) {
                    problems.add("namespace " + name + ": " + e.getMessage());
                }
            } catch (IOException e) {
                problems.add("namespace " + name + ": " + e.getMessage());
            }
        }
        for (String name : ours) {
            try {
                NamedNamespaces.delete(name);
                namespaces.add(name);
            } catch (IOException e) {
                problems.add("namespace " + name + ": " + e.getMessage());
            }
        }
        return new Report(List.copyOf(links), List.copyOf(namespaces), List.copyOf(problems));
    }

    private static void removeLinks(Netns ns, Owner owner, List<String> removed, List<String> problems)
            throws IOException {
        Links links = new Links(ns);
        for (Link l : links.list()) {
            if (Owner.marks(owner, l.alias())) {
                try {
                    if (links.deleteIndex(l.index())) {
                        removed.add(ns.name() == null ? l.name() : ns.name() + "/" + l.name());
                    }
                } catch (IOException e) {
                    problems.add(l.name() + " in " + ns + ": " + e.getMessage());
                }
            }
        }
    }
}
