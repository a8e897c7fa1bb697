package io.vswitch.vethbridge.ip;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.netlink.NlAttrs;
import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import io.vswitch.vethbridge.VethBridgeException;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Static routes of the main table of one namespace (RTM_NEWROUTE/DELROUTE/GETROUTE). */
public final class Routes {
    private final Netns ns;
    private final Links links;

    public Routes(Netns ns) {
        this.ns = ns;
        this.links = new Links(ns);
    }

    /**
     * Adds a route to {@code destination} via {@code gateway} (null: directly on {@code device})
     * out of {@code device} (null: the kernel picks it from the gateway).
     *
     * @throws VethBridgeException "route to D already exists", "gateway G is not reachable ..."
     */
    public void add(Cidr destination, InetAddress gateway, String device) throws IOException {
        if (gateway == null && device == null) {
            throw new IllegalArgumentException("route to " + destination + " needs a gateway or a device");
        }
        if (gateway != null && (gateway instanceof Inet4Address) != destination.isIpv4()) {
            throw new IllegalArgumentException("route to " + destination + ": gateway " + gateway.getHostAddress()
                    + " is of the other address family");
        }
        Cidr dst = destination.network();
        NlRequest r = new NlRequest(Rtnl.RTM_NEWROUTE, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL).header(Rtnl.RTMSG_SIZE)
                .header8(0, dst.family()).header8(Rtnl.RTM_DST_LEN, dst.prefix())
                .header8(Rtnl.RTM_TABLE, Rtnl.RT_TABLE_MAIN).header8(Rtnl.RTM_PROTOCOL, Rtnl.RTPROT_STATIC)
                .header8(Rtnl.RTM_SCOPE, gateway == null ? Rtnl.RT_SCOPE_LINK : Rtnl.RT_SCOPE_UNIVERSE)
                .header8(Rtnl.RTM_TYPE, Rtnl.RTN_UNICAST);
        if (dst.prefix() > 0) {
            r.attr(Rtnl.RTA_DST, dst.address().getAddress());
        }
        if (gateway != null) {
            r.attr(Rtnl.RTA_GATEWAY, gateway.getAddress());
        }
        if (device != null) {
            r.attr32(Rtnl.RTA_OIF, links.get(device).index());
        }
        String what = "add route to " + dst + (gateway == null ? "" : " via " + gateway.getHostAddress())
                + (device == null ? "" : " dev " + device) + " in";
        try {
            ns.rtnl().execute(r, what, ns.toString());
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) {
                throw new VethBridgeException("route to " + dst + " already exists in namespace " + ns, e);
            }
            if (e.errno() == Errno.ENETUNREACH) {
                throw new VethBridgeException("gateway " + gateway.getHostAddress() + " is not reachable in namespace "
                        + ns + " (no address on its subnet, or the link is down)", e);
            }
            throw e;
        }
    }

    /**
     * Deletes the main table's route to {@code destination} (via {@code gateway} when given, to pick one of several).
     *
     * @throws VethBridgeException "no route to D in namespace N"
     */
    public void delete(Cidr destination, InetAddress gateway) throws IOException {
        Cidr dst = destination.network();
        NlRequest r = new NlRequest(Rtnl.RTM_DELROUTE, 0).header(Rtnl.RTMSG_SIZE)
                .header8(0, dst.family()).header8(Rtnl.RTM_DST_LEN, dst.prefix()).header8(Rtnl.RTM_TABLE, Rtnl.RT_TABLE_MAIN);
        if (dst.prefix() > 0) {
            r.attr(Rtnl.RTA_DST, dst.address().getAddress());
        }
        if (gateway != null) {
            r.attr(Rtnl.RTA_GATEWAY, gateway.getAddress());
        }
        try {
            ns.rtnl().execute(r, "delete route to " + dst + " in", ns.toString());
        } catch (LinuxException e) {
            if (e.errno() == Errno.ESRCH) {
                throw new VethBridgeException("no route to " + dst + (gateway == null ? "" : " via " + gateway.getHostAddress())
                        + " in namespace " + ns, e);
            }
            throw e;
        }
    }

    /** The default route (0.0.0.0/0 or ::/0, by the gateway's family) via {@code gateway}. */
    public void addDefault(InetAddress gateway, String device) throws IOException {
        add(new Cidr(Addresses.address(new byte[gateway instanceof Inet4Address ? 4 : 16]), 0), gateway, device);
    }

    /** The routes of the main table, both families. */
    public List<Route> list() throws IOException {
        Map<Integer, String> names = new HashMap<>();
        for (Link l : links.list()) {
            names.put(l.index(), l.name());
        }
        List<Route> out = new ArrayList<>();
        for (NlMessage m : ns.rtnl().dump(new NlRequest(Rtnl.RTM_GETROUTE, 0).header(Rtnl.RTMSG_SIZE),
                "list routes of", ns.toString())) {
            NlAttrs a = m.attrs(Rtnl.RTMSG_SIZE);
            int table = a.u32(Rtnl.RTA_TABLE, m.u8(Rtnl.RTM_TABLE));
            if (m.type() != Rtnl.RTM_NEWROUTE || table != Rtnl.RT_TABLE_MAIN) {
                continue;
            }
            int family = m.u8(0);
            byte[] dst = a.bytes(Rtnl.RTA_DST);
            if (dst == null) {
                dst = new byte[family == Rtnl.AF_INET ? 4 : 16];
            }
            byte[] gw = a.bytes(Rtnl.RTA_GATEWAY);
            out.add(new Route(new Cidr(Addresses.address(dst), m.u8(Rtnl.RTM_DST_LEN)),
                    gw == null ? null : Addresses.address(gw), names.get(a.u32(Rtnl.RTA_OIF, 0))));
        }
        return out;
    }
}
