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
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** IPv4/IPv6 addresses of the links of one namespace (RTM_NEWADDR/DELADDR/GETADDR). */
public final class Addresses {
    private final Netns ns;
    private final Links links;

    public Addresses(Netns ns) {
        this.ns = ns;
        this.links = new Links(ns);
    }

    /**
     * Adds {@code cidr} to {@code dev}. {@code noDad}: an IPv6 address usable at once (no
     * duplicate address detection), what an emulator wants for a fast start.
     *
     * @throws VethBridgeException "address A/N already on DEV", "interface DEV not found in namespace NS"
     */
    public void add(String dev, Cidr cidr, boolean noDad) throws IOException {
        add(links.get(dev), cidr, noDad);
    }

    /** As {@link #add(String, Cidr, boolean)} for a link already looked up (saves a round trip). */
    public void add(io.vswitch.vethbridge.link.Link link, Cidr cidr, boolean noDad) throws IOException {
        String dev = link.name();
        int index = link.index();
        NlRequest r = request(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, index, cidr);
        if (noDad && !cidr.isIpv4()) {
            r.attr32(Rtnl.IFA_FLAGS, Rtnl.IFA_F_NODAD);
        }
        try {
            ns.rtnl().execute(r, "add address " + cidr + " to", dev);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) {
                throw new VethBridgeException("address " + cidr + " already on " + dev, e);
            }
            throw e;
        }
    }

    public void add(String dev, Cidr cidr) throws IOException {
        add(dev, cidr, true);
    }

    /** Removes {@code cidr} from {@code dev}. */
    public void delete(String dev, Cidr cidr) throws IOException {
        int index = links.get(dev).index();
        try {
            ns.rtnl().execute(request(Rtnl.RTM_DELADDR, 0, index, cidr), "delete address " + cidr + " from", dev);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EADDRNOTAVAIL) {
                throw new VethBridgeException("address " + cidr + " not on " + dev, e);
            }
            throw e;
        }
    }

    /** The addresses of {@code dev} (both families), as the kernel lists them. */
    public List<Cidr> list(String dev) throws IOException {
        int index = links.get(dev).index();
        List<Cidr> out = new ArrayList<>();
        NlRequest r = new NlRequest(Rtnl.RTM_GETADDR, 0).header(Rtnl.IFADDRMSG_SIZE);
        for (NlMessage m : ns.rtnl().dump(r, "list addresses of", dev)) {
            if (m.type() != Rtnl.RTM_NEWADDR || m.i32(Rtnl.IFA_INDEX) != index) {
                continue;
            }
            NlAttrs a = m.attrs(Rtnl.IFADDRMSG_SIZE);
            byte[] addr = a.has(Rtnl.IFA_LOCAL) ? a.bytes(Rtnl.IFA_LOCAL) : a.bytes(Rtnl.IFA_ADDRESS);
            if (addr != null) {
                out.add(new Cidr(InetAddress.getByAddress(addr), m.u8(Rtnl.IFA_PREFIXLEN)));
            }
        }
        return out;
    }

    private static NlRequest request(int type, int flags, int index, Cidr cidr) {
        byte[] a = cidr.address().getAddress();
        NlRequest r = new NlRequest(type, flags).header(Rtnl.IFADDRMSG_SIZE)
                .header8(0, cidr.family()).header8(Rtnl.IFA_PREFIXLEN, cidr.prefix())
                .header8(Rtnl.IFA_SCOPE, Rtnl.RT_SCOPE_UNIVERSE).header32(Rtnl.IFA_INDEX, index);
        r.attr(Rtnl.IFA_LOCAL, a).attr(Rtnl.IFA_ADDRESS, a);
        return r;
    }

    static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
