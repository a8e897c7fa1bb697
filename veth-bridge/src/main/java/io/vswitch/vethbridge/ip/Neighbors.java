package io.vswitch.vethbridge.ip;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.netlink.NlAttrs;
import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import io.vswitch.vethbridge.VethBridgeException;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Static ARP (IPv4) and ND (IPv6) entries of one namespace (RTM_NEWNEIGH, NUD_PERMANENT). */
public final class Neighbors {
    private final Netns ns;
    private final Links links;

    public Neighbors(Netns ns) {
        this.ns = ns;
        this.links = new Links(ns);
    }

    /** Adds (or replaces) the permanent entry {@code ip} is at {@code mac} on {@code dev}. */
    public void add(String dev, InetAddress ip, String mac) throws IOException {
        byte[] lladdr = Links.parseMac(mac);
        int index = links.get(dev).index();
        NlRequest r = new NlRequest(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE).header(Rtnl.NDMSG_SIZE)
                .header8(0, ip instanceof Inet4Address ? Rtnl.AF_INET : Rtnl.AF_INET6)
                .header32(Rtnl.NDM_IFINDEX, index).header16(Rtnl.NDM_STATE, Rtnl.NUD_PERMANENT)
                .attr(Rtnl.NDA_DST, ip.getAddress()).attr(Rtnl.NDA_LLADDR, lladdr);
        ns.rtnl().execute(r, "add neighbor " + ip.getHostAddress() + " lladdr " + mac + " on", dev);
    }

    /**
     * Deletes the entry of {@code ip} on {@code dev}.
     *
     * @throws VethBridgeException "no neighbor entry for IP on DEV"
     */
    public void delete(String dev, InetAddress ip) throws IOException {
        int index = links.get(dev).index();
        NlRequest r = new NlRequest(Rtnl.RTM_DELNEIGH, 0).header(Rtnl.NDMSG_SIZE)
                .header8(0, ip instanceof Inet4Address ? Rtnl.AF_INET : Rtnl.AF_INET6)
                .header32(Rtnl.NDM_IFINDEX, index).attr(Rtnl.NDA_DST, ip.getAddress());
        try {
            ns.rtnl().execute(r, "delete neighbor " + ip.getHostAddress() + " on", dev);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new VethBridgeException("no neighbor entry for " + ip.getHostAddress() + " on " + dev, e);
            }
            throw e;
        }
    }

    /** The entries on {@code dev} that have a link-layer address: IP to "aa:bb:..". */
    public Map<InetAddress, String> list(String dev) throws IOException {
        int index = links.get(dev).index();
        Map<InetAddress, String> out = new LinkedHashMap<>();
        for (NlMessage m : ns.rtnl().dump(new NlRequest(Rtnl.RTM_GETNEIGH, 0).header(Rtnl.NDMSG_SIZE),
                "list neighbors of", dev)) {
            if (m.type() != Rtnl.RTM_NEWNEIGH || m.i32(Rtnl.NDM_IFINDEX) != index) {
                continue;
            }
            NlAttrs a = m.attrs(Rtnl.NDMSG_SIZE);
            byte[] dst = a.bytes(Rtnl.NDA_DST);
            byte[] ll = a.bytes(Rtnl.NDA_LLADDR);
            if (dst != null && ll != null) {
                out.put(Addresses.address(dst), HexFormat.ofDelimiter(":").formatHex(ll));
            }
        }
        return out;
    }
}
