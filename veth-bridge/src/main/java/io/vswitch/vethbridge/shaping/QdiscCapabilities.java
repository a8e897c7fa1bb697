package io.vswitch.vethbridge.shaping;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.Namespaces;
import io.vswitch.linux.NetlinkSocket;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which qdisc kinds the running kernel has, found by asking it: in a throwaway network
 * namespace (so no real device is touched), a root qdisc of each kind is requested on its
 * loopback without options. "Specified qdisc kind is unknown" (ENOENT) means absent -- after the
 * kernel tried to load the module; any other answer (success, or EINVAL for the missing options)
 * means present. /proc/modules and /sys/module cannot tell: built-in qdiscs without parameters
 * appear in neither. Probed once per process.
 */
public final class QdiscCapabilities {
    /** The kinds probed: those a shaping back end could use, and the usual defaults. */
    public static final List<String> KINDS = List.of("tbf", "htb", "netem", "pfifo", "bfifo", "fq_codel", "sfq", "prio",
            "fq", "cake");

    private static volatile QdiscCapabilities probed;

    private final Map<String, Boolean> kinds;

    QdiscCapabilities(Map<String, Boolean> kinds) {
        this.kinds = Map.copyOf(kinds);
    }

    /** The kernel's answer, probed on first use. */
    public static QdiscCapabilities get() throws IOException {
        QdiscCapabilities c = probed;
        if (c == null) {
            synchronized (QdiscCapabilities.class) {
                if (probed == null) {
                    probed = probe();
                }
                c = probed;
            }
        }
        return c;
    }

    public boolean has(String kind) {
        return kinds.getOrDefault(kind, false);
    }

    /** Kind to availability, in {@link #KINDS} order. */
    public Map<String, Boolean> all() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String k : KINDS) {
            out.put(k, kinds.get(k));
        }
        return out;
    }

    private static QdiscCapabilities probe() throws IOException {
        try {
            return Namespaces.callInNew(() -> {
                Map<String, Boolean> found = new LinkedHashMap<>();
                try (NetlinkSocket s = NetlinkSocket.openRoute()) {
                    for (String kind : KINDS) {
                        // the loopback of a fresh namespace is ifindex 1
                        NlRequest r = new NlRequest(Rtnl.RTM_NEWQDISC, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE)
                                .header(Rtnl.TCMSG_SIZE).header32(Rtnl.TCM_IFINDEX, 1)
                                .header32(Rtnl.TCM_PARENT, (int) Rtnl.TC_H_ROOT).attrString(Rtnl.TCA_KIND, kind);
                        try {
                            s.execute(r, "probe qdisc", kind);
                            found.put(kind, true);
                        } catch (LinuxException e) {
                            found.put(kind, e.errno() != Errno.ENOENT);
                        }
                    }
                }
                return new QdiscCapabilities(found);
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("probe qdisc kinds: " + e.getMessage(), e);
        }
    }
}
