package io.vswitch.vethbridge.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vswitch.vethbridge.Owner;
import io.vswitch.vethbridge.Plumbing;
import io.vswitch.vethbridge.VethBridgeException;
import io.vswitch.vethbridge.ip.Addresses;
import io.vswitch.vethbridge.ip.Cidr;
import io.vswitch.vethbridge.ip.Route;
import io.vswitch.vethbridge.ip.Routes;
import io.vswitch.vethbridge.link.BridgeOptions;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CNI plugin ({@code bin/vswitch-cni}; CNI specification 1.0: ADD, DEL, CHECK, VERSION). A runtime runs it
 * with the command and the container in CNI_* environment variables and the network configuration on stdin
 * ({@link NetConf}); it answers with a result or an error object on stdout and exit status 0 or 1. The protocol
 * is environment and stdin, not command-line options, so this is not a picocli command.
 *
 * <p>ADD makes a veth pair {@code vethXXXXXXXX} (a hash of container id and interface name: the same on a retried
 * ADD and on DEL) into the container's namespace as CNI_IFNAME, with the end in the host namespace enslaved to a
 * Linux bridge (made if missing, with the gateway address when {@code isGateway}) or added as a port of a vswitchd
 * bridge; the address comes from the IPAM ({@link HostLocalIpam} built in, or a delegate plugin). Any failure
 * undoes what was made (veth, port, address) before the error is reported. DEL removes what ADD made and releases
 * the address; what is already gone is not an error. CHECK compares the container's network with the result ADD
 * returned and fails with a message naming the first difference.
 */
public final class CniPlugin {
    static final String BUILTIN_IPAM = "vswitch-ipam";

    private final Map<String, String> env;
    private final ObjectMapper json = new ObjectMapper();

    CniPlugin(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0) {
            System.err.println("vswitch-cni: a CNI plugin, run by a container runtime: CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, "
                    + "CNI_IFNAME and CNI_PATH in the environment, the network configuration (JSON) on stdin. See README.");
            System.exit(args[0].equals("--help") || args[0].equals("-h") ? 0 : 2);
        }
        System.exit(new CniPlugin(System.getenv()).run(System.in, System.out));
    }

    /** Runs one command; writes the result or the error object to {@code out}; returns the exit status. */
    int run(InputStream in, PrintStream out) throws IOException {
        String command = env.getOrDefault("CNI_COMMAND", "");
        String version = "1.0.0";
        try {
            if (command.equals("VERSION")) {
                ObjectNode v = json.createObjectNode().put("cniVersion", "1.0.0");
                NetConf.SUPPORTED_VERSIONS.forEach(v.putArray("supportedVersions")::add);
                out.println(json.writeValueAsString(v));
                return 0;
            }
            byte[] stdin = in.readAllBytes();
            NetConf conf = NetConf.parse(stdin, json);
            version = conf.cniVersion();
            switch (command) {
                case "ADD" -> out.println(json.writeValueAsString(add(conf, stdin)));
                case "DEL" -> del(conf, stdin);
                case "CHECK" -> check(conf, stdin);
                default -> throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_COMMAND must be ADD, DEL, CHECK or VERSION, not '" + command + "'");
            }
            return 0;
        } catch (CniException e) {
            ObjectNode err = json.createObjectNode().put("cniVersion", version).put("code", e.code).put("msg", e.getMessage());
            if (!e.details.isEmpty()) err.put("details", e.details);
            out.println(json.writeValueAsString(err));
            return 1;
        }
    }

    private String requireEnv(String name) throws CniException {
        String v = env.get(name);
        if (v == null || v.isEmpty()) throw new CniException(CniException.INVALID_ENVIRONMENT, name + " is not set");
        return v;
    }

    private String ifname() throws CniException {
        String n = requireEnv("CNI_IFNAME");
        try {
            return io.vswitch.vethbridge.Names.checkInterface(n);
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_IFNAME: " + e.getMessage());
        }
    }

    /** The host end's name: stable for a container and interface, 12 bytes. */
    static String hostInterface(String containerId, String ifname) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((containerId + "/" + ifname).getBytes(StandardCharsets.UTF_8));
            return "veth" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Owner owner(NetConf c) {
        String tag = "cni." + c.name();
        return new Owner(tag.length() > 40 ? tag.substring(0, 40) : tag);
    }

    // ------------------------------------------------------------------------------------------------ IPAM

    private HostLocalIpam.Allocation allocate(NetConf c, byte[] stdin, String containerId, String ifname) throws CniException, IOException {
        String type = c.ipam().get("type").asText();
        if (type.equals(BUILTIN_IPAM)) return HostLocalIpam.fromConfig(c.name(), c.ipam()).allocate(containerId, ifname);
        JsonNode r = DelegateIpam.run(type, "ADD", env, stdin, json);
        if (r == null || !r.path("ips").isArray() || r.path("ips").isEmpty()) {
            throw new CniException(CniException.IO_FAILURE, "IPAM plugin " + type + " returned no address");
        }
        JsonNode ip = r.path("ips").get(0);
        InetAddress gw = ip.hasNonNull("gateway") ? Cidr.parseAddress(ip.get("gateway").asText(), "IPAM gateway") : null;
        List<HostLocalIpam.RouteSpec> routes = new ArrayList<>();
        for (JsonNode rt : r.path("routes")) {
            routes.add(new HostLocalIpam.RouteSpec(Cidr.parse(rt.path("dst").asText()),
                    rt.hasNonNull("gw") ? Cidr.parseAddress(rt.get("gw").asText(), "IPAM route gw") : null));
        }
        return new HostLocalIpam.Allocation(Cidr.parse(ip.path("address").asText()), gw, routes);
    }

    private void release(NetConf c, byte[] stdin, String containerId, String ifname) throws CniException, IOException {
        String type = c.ipam().get("type").asText();
        if (type.equals(BUILTIN_IPAM)) HostLocalIpam.fromConfig(c.name(), c.ipam()).release(containerId, ifname);
        else DelegateIpam.run(type, "DEL", env, stdin, json);
    }

    // ------------------------------------------------------------------------------------------------ ADD

    private ObjectNode add(NetConf c, byte[] stdin) throws CniException, IOException {
        String containerId = requireEnv("CNI_CONTAINERID"), netnsPath = requireEnv("CNI_NETNS"), ifname = ifname();
        if (c.vlan() != 0 && c.attach() == NetConf.Attach.LINUX_BRIDGE) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "vlan: access VLANs need \"attach\": \"vswitchd\"",
                    "Linux bridge VLAN filtering is not driven by this plugin (and this machine's kernel lacks it)");
        }
        String hostIf = hostInterface(containerId, ifname);
        try (Netns root = Netns.root(); Netns ns = openContainer(netnsPath)) {
            if (new Links(root).exists(hostIf)) {
                // Checked before the IPAM: a failing repeated ADD must not release the address the first one holds.
                throw new CniException(CniException.ALREADY_ATTACHED, "container " + containerId + " " + ifname
                        + " is already attached (" + hostIf + " exists)", "run DEL first");
            }
            HostLocalIpam.Allocation a = allocate(c, stdin, containerId, ifname);
            try {
                if (c.attach() == NetConf.Attach.LINUX_BRIDGE) ensureBridge(root, c, a);
                Plumbing.Attached made = Plumbing.attach(root, ns, new Plumbing.Attachment(hostIf,
                        c.attach() == NetConf.Attach.LINUX_BRIDGE ? c.bridge() : null, ifname, List.of(a.address()), null, c.mtu()), owner(c));
                try {
                    Routes routes = new Routes(ns);
                    for (HostLocalIpam.RouteSpec r : a.routes()) {
                        InetAddress gw = r.gw() != null ? r.gw() : a.gateway();
                        if (r.dst().prefix() == 0) routes.addDefault(gw, ifname);
                        else routes.add(r.dst(), gw, ifname);
                    }
                    if (c.attach() == NetConf.Attach.VSWITCHD) {
                        VswitchdControl.Reply reply = new VswitchdControl(java.nio.file.Path.of(c.vswitchdRundir())).run(c.vlan() == 0
                                ? new String[]{"add-port", c.bridge(), hostIf} : new String[]{"add-port", c.bridge(), hostIf, "tag=" + c.vlan()});
                        if (reply.status() != 0) {
                            throw new CniException(CniException.IO_FAILURE, "vswitchd refused to add " + hostIf + " to bridge " + c.bridge() + ": " + reply.output());
                        }
                    }
                    return result(c, made, netnsPath, a);
                } catch (CniException | IOException | RuntimeException e) {
                    try {
                        new Links(root).delete(hostIf);
                    } catch (IOException | RuntimeException undo) {
                        e.addSuppressed(undo);
                    }
                    throw e;
                }
            } catch (CniException | IOException | RuntimeException e) {
                try {
                    release(c, stdin, containerId, ifname);
                } catch (CniException | IOException | RuntimeException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
        } catch (VethBridgeException e) {
            throw new CniException(CniException.IO_FAILURE, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.INVALID_CONFIG, e.getMessage());
        }
    }

    private static Netns openContainer(String path) throws CniException, IOException {
        try {
            return Netns.open(java.nio.file.Path.of(path));
        } catch (VethBridgeException e) {
            throw new CniException(CniException.UNKNOWN_CONTAINER, "container network namespace " + path + " does not exist");
        }
    }

    /** The Linux bridge, made (and marked as ours) if missing, up, with the gateway address when it is the gateway. */
    private static void ensureBridge(Netns root, NetConf c, HostLocalIpam.Allocation a) throws IOException {
        Links links = new Links(root);
        if (!links.exists(c.bridge())) {
            try {
                links.addBridge(c.bridge(), BridgeOptions.DEFAULTS, owner(c));
            } catch (VethBridgeException raced) {
                if (!links.exists(c.bridge())) throw raced; // another ADD made it meanwhile: fine
            }
        }
        links.setUp(c.bridge(), true);
        if (c.isGateway() && a.gateway() != null) {
            Cidr gw = new Cidr(a.gateway(), a.address().prefix());
            Addresses addrs = new Addresses(root);
            if (!addrs.list(c.bridge()).contains(gw)) {
                try {
                    addrs.add(c.bridge(), gw);
                } catch (VethBridgeException raced) {
                    if (!addrs.list(c.bridge()).contains(gw)) throw raced;
                }
            }
        }
    }

    private ObjectNode result(NetConf c, Plumbing.Attached made, String netnsPath, HostLocalIpam.Allocation a) {
        ObjectNode r = json.createObjectNode().put("cniVersion", c.cniVersion());
        ArrayNode ifs = r.putArray("interfaces");
        ifs.addObject().put("name", made.host().name()).put("mac", made.host().mac());
        ifs.addObject().put("name", made.inside().name()).put("mac", made.inside().mac()).put("sandbox", netnsPath);
        ObjectNode ip = r.putArray("ips").addObject();
        if (!NetConf.atLeast(c.cniVersion(), "1.0.0")) ip.put("version", a.address().isIpv4() ? "4" : "6");
        ip.put("address", a.address().address().getHostAddress() + "/" + a.address().prefix());
        if (a.gateway() != null) ip.put("gateway", a.gateway().getHostAddress());
        ip.put("interface", 1);
        ArrayNode routes = r.putArray("routes");
        for (HostLocalIpam.RouteSpec rt : a.routes()) {
            ObjectNode o = routes.addObject().put("dst", rt.dst().toString());
            InetAddress gw = rt.gw() != null ? rt.gw() : a.gateway();
            if (gw != null) o.put("gw", gw.getHostAddress());
        }
        r.putObject("dns");
        return r;
    }

    // ------------------------------------------------------------------------------------------------ DEL

    private void del(NetConf c, byte[] stdin) throws CniException, IOException {
        String containerId = requireEnv("CNI_CONTAINERID"), ifname = ifname();
        String hostIf = hostInterface(containerId, ifname);
        if (c.attach() == NetConf.Attach.VSWITCHD) {
            try {
                new VswitchdControl(java.nio.file.Path.of(c.vswitchdRundir())).run("del-port", c.bridge(), hostIf);
            } catch (CniException daemonGone) {
                // nothing to remove from a daemon that is not running (its configuration is ours to fix at start)
            }
        }
        try (Netns root = Netns.root()) {
            Links links = new Links(root);
            Optional<Link> l = links.find(hostIf);
            // Deleting our end deletes the container's end too. Only a link marked as ours goes.
            if (l.isPresent() && Owner.marks(owner(c), l.get().alias())) links.delete(hostIf);
        } catch (VethBridgeException e) {
            throw new CniException(CniException.IO_FAILURE, e.getMessage());
        }
        release(c, stdin, containerId, ifname);
    }

    // ------------------------------------------------------------------------------------------------ CHECK

    private void check(NetConf c, byte[] stdin) throws CniException, IOException {
        if (!NetConf.atLeast(c.cniVersion(), "0.4.0")) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "CHECK needs cniVersion 0.4.0 or later, not " + c.cniVersion());
        }
        JsonNode prev = c.prevResult();
        if (prev == null || !prev.isObject()) throw new CniException(CniException.INVALID_CONFIG, "CHECK needs prevResult (the result of ADD)");
        String containerId = requireEnv("CNI_CONTAINERID"), netnsPath = requireEnv("CNI_NETNS"), ifname = ifname();
        String hostIf = hostInterface(containerId, ifname);
        try (Netns root = Netns.root(); Netns ns = openContainer(netnsPath)) {
            Optional<Link> inside = new Links(ns).find(ifname);
            if (inside.isEmpty()) fail("interface " + ifname + " is missing in " + netnsPath);
            if (!inside.get().up()) fail("interface " + ifname + " in " + netnsPath + " is down");
            List<Cidr> have = new Addresses(ns).list(ifname);
            for (JsonNode ip : prev.path("ips")) {
                Cidr want = Cidr.parse(ip.path("address").asText());
                if (!have.contains(want)) fail("address " + want + " is missing on " + ifname + " in " + netnsPath + " (it has " + have + ")");
            }
            List<Route> routes = new Routes(ns).list();
            for (JsonNode rt : prev.path("routes")) {
                Cidr dst = Cidr.parse(rt.path("dst").asText());
                InetAddress gw = rt.hasNonNull("gw") ? Cidr.parseAddress(rt.get("gw").asText(), "prevResult route gw") : null;
                boolean found = routes.stream().anyMatch(r -> r.destination().network().equals(dst.network())
                        && r.destination().prefix() == dst.prefix() && (gw == null || gw.equals(r.gateway())));
                if (!found) fail("route to " + dst + (gw == null ? "" : " via " + gw.getHostAddress()) + " is missing in " + netnsPath);
            }
            Links hostLinks = new Links(root);
            Optional<Link> host = hostLinks.find(hostIf);
            if (host.isEmpty()) fail("host interface " + hostIf + " is missing");
            if (c.attach() == NetConf.Attach.LINUX_BRIDGE) {
                Optional<Link> br = hostLinks.find(c.bridge());
                if (br.isEmpty() || host.get().master() != br.get().index()) fail(hostIf + " is not a port of bridge " + c.bridge());
            } else {
                VswitchdControl.Reply ports = new VswitchdControl(java.nio.file.Path.of(c.vswitchdRundir())).run("list-ports", c.bridge());
                if (ports.status() != 0 || !List.of(ports.output().split("\n")).contains(hostIf)) {
                    fail(hostIf + " is not a port of vswitchd bridge " + c.bridge() + (ports.status() != 0 ? ": " + ports.output() : ""));
                }
            }
            if (c.ipam().get("type").asText().equals(BUILTIN_IPAM)) {
                Optional<HostLocalIpam.Allocation> held = HostLocalIpam.fromConfig(c.name(), c.ipam()).find(containerId, ifname);
                if (held.isEmpty()) fail("the IPAM holds no address for container " + containerId + " " + ifname);
            } else {
                DelegateIpam.run(c.ipam().get("type").asText(), "CHECK", env, stdin, json);
            }
        } catch (VethBridgeException e) {
            throw new CniException(CniException.IO_FAILURE, e.getMessage());
        }
    }

    private static void fail(String what) throws CniException {
        throw new CniException(CniException.CHECK_FAILED, "CHECK failed: " + what);
    }
}
