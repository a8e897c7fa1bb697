package io.vswitch.vethbridge.link;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.NetlinkSocket;
import io.vswitch.linux.netlink.NlAttrs;
import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import io.vswitch.vethbridge.Names;
import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.VethBridgeException;
import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Links of one namespace over its netlink socket: veth pairs (peer created directly in another
 * namespace with IFLA_NET_NS_FD), bridges, and the settings of any link. Every name is checked
 * before the kernel sees it; refusals name the object ("veth name h1-eth0 already exists",
 * "interface h9 not found in namespace h1", "bridge br9 not found").
 *
 * <p>Links we create carry the owner's alias (set right after creation: the kernel ignores
 * IFLA_IFALIAS in RTM_NEWLINK). A failure after creation deletes what the call created.
 */
public final class Links {
    private final Netns ns;

    public Links(Netns ns) {
        this.ns = ns;
    }

    public Netns namespace() {
        return ns;
    }

    // ---------------------------------------------------------------- queries

    /** Every link of the namespace, in ifindex order. */
    public List<Link> list() throws IOException {
        List<Link> out = new ArrayList<>();
        for (NlMessage m : rtnl().dump(new NlRequest(Rtnl.RTM_GETLINK, 0).header(Rtnl.IFINFOMSG_SIZE),
                "list links of", ns.toString())) {
            if (m.type() == Rtnl.RTM_NEWLINK) {
                out.add(parse(m));
            }
        }
        return out;
    }

    /** The link named {@code name}, if there is one (one RTM_GETLINK by name, no dump). */
    public Optional<Link> find(String name) throws IOException {
        Names.checkInterface(name);
        NlRequest r = new NlRequest(Rtnl.RTM_GETLINK, 0).header(Rtnl.IFINFOMSG_SIZE).attrString(Rtnl.IFLA_IFNAME, name);
        try {
            List<NlMessage> answer = rtnl().query(r, "look up", name);
            return answer.stream().filter(m -> m.type() == Rtnl.RTM_NEWLINK).map(Links::parse).findFirst();
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The link named {@code name}; "interface NAME not found [in namespace NS]" when none. */
    public Link get(String name) throws IOException {
        return find(name).orElseThrow(() -> new VethBridgeException("interface " + name + " not found" + where(ns)));
    }

    /** Whether the link exists. */
    public boolean exists(String name) throws IOException {
        return find(name).isPresent();
    }

    // ---------------------------------------------------------------- creation

    /**
     * Creates the veth pair {@code name} (here) -- {@code peerName} (in {@code peerNs}, or here
     * when null), both down, both marked as {@code owner}'s.
     *
     * @return the end {@code name} as created
     * @throws VethBridgeException "veth name NAME already exists" (in either namespace)
     */
    public Link addVeth(String name, String peerName, Netns peerNs, Owner owner) throws IOException {
        return addVeth(name, peerName, peerNs, owner, VethOptions.NONE);
    }

    /**
     * How a veth pair is made in its one creating request: the local end enslaved to a bridge,
     * both ends up, an MTU for both.
     *
     * @param bridge bridge of this namespace for the local end, or null
     * @param up     both ends up
     * @param mtu    MTU of both ends, 0 for the kernel's default
     */
    public record VethOptions(String bridge, boolean up, int mtu) {
        public static final VethOptions NONE = new VethOptions(null, false, 0);

        public VethOptions {
            if (bridge != null) {
                Names.checkInterface(bridge);
            }
            if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
                throw new IllegalArgumentException("MTU " + mtu + " is out of range (68 to 65535)");
            }
        }
    }

    /**
     * As {@link #addVeth(String, String, Netns, Owner)}, with the pair enslaved, up and sized as
     * {@code options} say -- all in the one RTM_NEWLINK that creates it (IFLA_MASTER and the
     * flags of both ifinfomsgs), so the kernel makes it whole or not at all. Then the two aliases.
     */
    public Link addVeth(String name, String peerName, Netns peerNs, Owner owner, VethOptions options)
            throws IOException {
        Names.checkInterface(name);
        Names.checkInterface(peerName);
        Netns peerSide = peerNs == null ? ns : peerNs;
        if (name.equals(peerName) && peerSide == ns) {
            throw new VethBridgeException("veth name " + name + " used for both ends");
        }
        int master = options.bridge() == null ? 0 : bridgeIndex(options.bridge());
        NlRequest r = newLink(name, "veth");
        if (options.up()) {
            r.header32(Rtnl.IFI_FLAGS, Rtnl.IFF_UP).header32(Rtnl.IFI_CHANGE, Rtnl.IFF_UP);
        }
        if (master != 0) {
            r.attr32(Rtnl.IFLA_MASTER, master);
        }
        if (options.mtu() != 0) {
            r.attr32(Rtnl.IFLA_MTU, options.mtu());
        }
        int info = r.nest(Rtnl.IFLA_LINKINFO);
        r.attrString(Rtnl.IFLA_INFO_KIND, "veth");
        int data = r.nest(Rtnl.IFLA_INFO_DATA);
        int peer = r.nest(Rtnl.VETH_INFO_PEER);
        // the peer's own ifinfomsg, then its attributes. Not IFF_UP here: veth cannot open the peer
        // before both ends are linked (ENOTCONN); it goes up with its alias below.
        r.raw(new byte[Rtnl.IFINFOMSG_SIZE]);
        r.attrString(Rtnl.IFLA_IFNAME, peerName);
        if (options.mtu() != 0) {
            r.attr32(Rtnl.IFLA_MTU, options.mtu());
        }
        if (peerSide != ns) {
            r.attr32(Rtnl.IFLA_NET_NS_FD, peerSide.fd());
        }
        r.end(peer).end(data).end(info);
        Links peerLinks = peerSide == ns ? this : new Links(peerSide);
        try {
            rtnl().execute(r, "create veth", name);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) {
                // which name was taken? (the kernel's answer does not say)
                String taken = exists(name) ? name + " already exists" + where(ns)
                        : peerName + " already exists" + where(peerSide);
                throw new VethBridgeException("veth name " + taken, e);
            }
            throw e;
        }
        try {
            setAlias(name, owner.alias());
            peerLinks.setLink(peerName, "set alias" + (options.up() ? " and up" : "") + " on", e -> {
                e.attrString(Rtnl.IFLA_IFALIAS, owner.alias());
                if (options.up()) {
                    e.header32(Rtnl.IFI_FLAGS, Rtnl.IFF_UP).header32(Rtnl.IFI_CHANGE, Rtnl.IFF_UP);
                }
            });
            return get(name);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(name);
            throw e;
        }
    }

    private int bridgeIndex(String bridge) throws IOException {
        Link br = find(Names.checkInterface(bridge)).orElseThrow(() ->
                new VethBridgeException("bridge " + bridge + " not found" + where(ns)));
        if (!"bridge".equals(br.kind())) {
            throw new VethBridgeException(bridge + " is no bridge (kind " + (br.kind().isEmpty() ? "none" : br.kind()) + ")");
        }
        return br.index();
    }

    /**
     * Creates the bridge {@code name} (down) with {@code options}, marked as {@code owner}'s.
     *
     * @return the bridge as created
     */
    public Link addBridge(String name, BridgeOptions options, Owner owner) throws IOException {
        Names.checkInterface(name);
        if (exists(name)) {
            throw new VethBridgeException("bridge name " + name + " already exists" + where(ns));
        }
        NlRequest r = newLink(name, "bridge");
        int info = r.nest(Rtnl.IFLA_LINKINFO);
        r.attrString(Rtnl.IFLA_INFO_KIND, "bridge");
        int data = r.nest(Rtnl.IFLA_INFO_DATA);
        r.attr32(Rtnl.IFLA_BR_STP_STATE, options.stp() ? 1 : 0);
        if (options.vlanFiltering()) {
            // only when asked: a kernel without CONFIG_BRIDGE_VLAN_FILTERING refuses even "off"
            r.attr8(Rtnl.IFLA_BR_VLAN_FILTERING, 1);
        }
        if (options.ageing() != null) {
            r.attr32(Rtnl.IFLA_BR_AGEING_TIME, options.ageingCentis());
        }
        r.end(data).end(info);
        try {
            createOrExplain(r, "bridge", name);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EOPNOTSUPP && options.vlanFiltering()) {
                throw new VethBridgeException("bridge " + name + ": VLAN filtering is not available in this kernel "
                        + "(built without CONFIG_BRIDGE_VLAN_FILTERING)", e);
            }
            throw e;
        }
        try {
            setAlias(name, owner.alias());
            return get(name);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(name);
            throw e;
        }
    }

    private NlRequest newLink(String name, String kind) {
        return new NlRequest(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                .header(Rtnl.IFINFOMSG_SIZE).attrString(Rtnl.IFLA_IFNAME, name);
    }

    private void createOrExplain(NlRequest r, String kind, String name) throws IOException {
        try {
            rtnl().execute(r, "create " + kind, name);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) {
                throw new VethBridgeException(kind + " name " + name + " already exists: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- settings

    /** Brings {@code name} up or down. */
    public void setUp(String name, boolean up) throws IOException {
        setLink(name, "set " + (up ? "up" : "down"), r -> r.header32(Rtnl.IFI_FLAGS, up ? Rtnl.IFF_UP : 0)
                .header32(Rtnl.IFI_CHANGE, Rtnl.IFF_UP));
    }

    public void setMtu(String name, int mtu) throws IOException {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException(name + ": MTU " + mtu + " is out of range (68 to 65535)");
        }
        setLink(name, "set MTU " + mtu + " on", r -> r.attr32(Rtnl.IFLA_MTU, mtu));
    }

    /** Sets the MAC address, "aa:bb:cc:dd:ee:ff". */
    public void setMac(String name, String mac) throws IOException {
        byte[] b = parseMac(mac);
        setLink(name, "set MAC " + mac + " on", r -> r.attr(Rtnl.IFLA_ADDRESS, b));
    }

    /** Renames {@code name} to {@code newName} (the kernel wants the link down). */
    public void rename(String name, String newName) throws IOException {
        Names.checkInterface(newName);
        if (exists(newName)) {
            throw new VethBridgeException("interface name " + newName + " already exists" + where(ns));
        }
        // IFLA_IFNAME is the new name here, so the link is named by its index
        NlRequest r = new NlRequest(Rtnl.RTM_NEWLINK, 0).header(Rtnl.IFINFOMSG_SIZE)
                .header32(Rtnl.IFI_INDEX, get(name).index()).attrString(Rtnl.IFLA_IFNAME, newName);
        rtnl().execute(r, "rename to " + newName + ":", name);
    }

    /** Enslaves {@code name} to the bridge {@code bridge} of this namespace. */
    public void setMaster(String name, String bridge) throws IOException {
        int index = bridgeIndex(bridge);
        setLink(name, "enslave to " + bridge + ":", r -> r.attr32(Rtnl.IFLA_MASTER, index));
    }

    /** Detaches {@code name} from its bridge (no-op when it has none). */
    public void noMaster(String name) throws IOException {
        setLink(name, "detach from its bridge:", r -> r.attr32(Rtnl.IFLA_MASTER, 0));
    }

    /** Moves {@code name} into {@code target} (it arrives down, addresses gone, as the kernel does). */
    public void moveTo(String name, Netns target) throws IOException {
        if (new Links(target).exists(name)) {
            throw new VethBridgeException("interface name " + name + " already exists" + where(target));
        }
        setLink(name, "move to namespace " + target + ":", r -> r.attr32(Rtnl.IFLA_NET_NS_FD, target.fd()));
    }

    /** Moves {@code name} into the namespace of process {@code pid} (IFLA_NET_NS_PID). */
    public void moveToPid(String name, int pid) throws IOException {
        setLink(name, "move to the namespace of pid " + pid + ":", r -> r.attr32(Rtnl.IFLA_NET_NS_PID, pid));
    }

    /** Sets the alias of {@code name}. */
    public void setAlias(String name, String alias) throws IOException {
        setLink(name, "set alias on", r -> r.attrString(Rtnl.IFLA_IFALIAS, alias));
    }

    /** Deletes {@code name} (for a veth, both ends). */
    public void delete(String name) throws IOException {
        Names.checkInterface(name);
        NlRequest r = new NlRequest(Rtnl.RTM_DELLINK, 0).header(Rtnl.IFINFOMSG_SIZE).attrString(Rtnl.IFLA_IFNAME, name);
        try {
            rtnl().execute(r, "delete link", name);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new VethBridgeException("interface " + name + " not found" + where(ns), e);
            }
            throw e;
        }
    }

    /** Deletes by ifindex; false when it was already gone (e.g. the other end of a deleted veth). */
    public boolean deleteIndex(int index) throws IOException {
        NlRequest r = new NlRequest(Rtnl.RTM_DELLINK, 0).header(Rtnl.IFINFOMSG_SIZE).header32(Rtnl.IFI_INDEX, index);
        try {
            rtnl().execute(r, "delete link", "#" + index);
            return true;
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) {
                return false;
            }
            throw e;
        }
    }

    void deleteQuietly(String name) {
        try {
            delete(name);
        } catch (IOException | RuntimeException ignored) {
            // best effort while undoing a failed creation; the original failure is what the caller sees
        }
    }

    private interface Edit {
        void apply(NlRequest r);
    }

    /** One RTM_NEWLINK (change) on the link named {@code name}. */
    private void setLink(String name, String what, Edit edit) throws IOException {
        Names.checkInterface(name);
        // RTM_NEWLINK without NLM_F_CREATE on an existing name changes it (as `ip link set` does),
        // identifying the link by IFLA_IFNAME
        NlRequest r = new NlRequest(Rtnl.RTM_NEWLINK, 0).header(Rtnl.IFINFOMSG_SIZE)
                .attrString(Rtnl.IFLA_IFNAME, name);
        edit.apply(r);
        try {
            rtnl().execute(r, what, name);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new VethBridgeException("interface " + name + " not found" + where(ns), e);
            }
            throw e;
        }
    }

    private NetlinkSocket rtnl() throws IOException {
        return ns.rtnl();
    }

    private static String where(Netns ns) {
        return ns.name() == null && "root".equals(ns.toString()) ? "" : " in namespace " + ns;
    }

    static Link parse(NlMessage m) {
        NlAttrs a = m.attrs(Rtnl.IFINFOMSG_SIZE);
        byte[] mac = a.bytes(Rtnl.IFLA_ADDRESS);
        String kind = a.nested(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND);
        return new Link(m.i32(Rtnl.IFI_INDEX), a.string(Rtnl.IFLA_IFNAME), kind == null ? "" : kind,
                a.u32(Rtnl.IFLA_MTU, 0), mac == null ? "" : HexFormat.ofDelimiter(":").formatHex(mac),
                (m.i32(Rtnl.IFI_FLAGS) & Rtnl.IFF_UP) != 0, a.u32(Rtnl.IFLA_MASTER, 0), a.string(Rtnl.IFLA_IFALIAS));
    }

    /** "aa:bb:cc:dd:ee:ff" to 6 bytes; rejects anything else with the text it got. */
    public static byte[] parseMac(String mac) {
        String[] parts = mac == null ? new String[0] : mac.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("invalid MAC address '" + mac + "' (want aa:bb:cc:dd:ee:ff)");
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2 || !parts[i].chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("invalid MAC address '" + mac + "' (want aa:bb:cc:dd:ee:ff)");
            }
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
