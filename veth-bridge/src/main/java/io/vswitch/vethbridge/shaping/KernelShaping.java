package io.vswitch.vethbridge.shaping;

import io.vswitch.linux.Errno;
import io.vswitch.linux.LinuxException;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import io.vswitch.vethbridge.link.Link;
import io.vswitch.vethbridge.link.Links;
import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Shaping with kernel qdiscs over rtnetlink: the rate as a root {@code tbf} (handle 1:), the
 * netem parameters as a root {@code netem}, or as tbf's child (handle 10:, parent 1:1) when both
 * are asked for -- the layout Mininet's TCLink uses. Applying replaces the root qdisc in place
 * (NLM_F_CREATE|NLM_F_REPLACE), so a running link changes without a gap; {@link #clear} deletes
 * the root qdisc and the kernel's default comes back.
 *
 * <p>What the kernel offers is {@linkplain QdiscCapabilities probed}, never assumed: on a
 * kernel without netem, a request with delay, jitter, loss, duplication or reordering is refused
 * as a whole with "netem not available in this kernel: ..." naming the parameters.
 *
 * <p>tbf through netlink needs no rate table: with the rate's link layer set to Ethernet the
 * kernel computes transmission times itself; TCA_TBF_BURST gives the bucket in bytes and
 * TCA_TBF_RATE64 carries rates of 32 Gbit/s and more. Its queue limit is in bytes: the packet
 * limit times the device's MTU plus the Ethernet header.
 */
public final class KernelShaping implements ShapingBackend {
    private static final Set<LinkShaping.Param> RATE_PARAMS =
            EnumSet.of(LinkShaping.Param.RATE, LinkShaping.Param.BURST, LinkShaping.Param.QUEUE_LIMIT);
    private static final Set<LinkShaping.Param> NETEM_PARAMS = EnumSet.complementOf(EnumSet.copyOf(RATE_PARAMS));
    static final int TBF_HANDLE = 0x0001_0000;
    static final int TBF_CHILD_CLASS = 0x0001_0001;
    static final int NETEM_HANDLE = 0x000a_0000;
    private static final int DEFAULT_LIMIT_PACKETS = 1000;
    /** Kernel scheduler ticks are 64 ns (PSCHED_SHIFT 6, see /proc/net/psched). */
    private static final int PSCHED_SHIFT = 6;

    @Override
    public String name() {
        return "kernel qdiscs";
    }

    @Override
    public Set<LinkShaping.Param> supported() throws IOException {
        QdiscCapabilities caps = QdiscCapabilities.get();
        Set<LinkShaping.Param> s = EnumSet.noneOf(LinkShaping.Param.class);
        if (caps.has("tbf")) {
            s.addAll(RATE_PARAMS);
        }
        if (caps.has("netem")) {
            s.addAll(NETEM_PARAMS);
            s.add(LinkShaping.Param.QUEUE_LIMIT);
        }
        return s;
    }

    @Override
    public void apply(Netns ns, String device, LinkShaping shaping) throws IOException {
        Set<LinkShaping.Param> asked = shaping.requested();
        if (asked.isEmpty()) {
            clear(ns, device);
            return;
        }
        Set<LinkShaping.Param> netem = EnumSet.noneOf(LinkShaping.Param.class);
        netem.addAll(asked);
        netem.retainAll(NETEM_PARAMS);
        QdiscCapabilities caps = QdiscCapabilities.get();
        if (!netem.isEmpty() && !caps.has("netem")) {
            throw new UnsupportedShapingException("netem not available in this kernel: delay/loss need the switch's own "
                    + "link emulation (asked for " + netem.stream().map(shaping::describe).collect(Collectors.joining(" "))
                    + " on " + device + ")", netem);
        }
        boolean rate = shaping.rateBitsPerSecond() > 0;
        if (rate && !caps.has("tbf")) {
            throw new UnsupportedShapingException("tbf not available in this kernel: rate limits need the switch's own "
                    + "link emulation", EnumSet.of(LinkShaping.Param.RATE));
        }
        if (!rate && netem.isEmpty()) {
            // only a queue limit: netem is absent here (else it would take it), so no qdisc can serve it alone
            throw new UnsupportedShapingException("a queue limit alone needs netem or a rate (tbf's queue)",
                    EnumSet.of(LinkShaping.Param.QUEUE_LIMIT));
        }
        Link link = new Links(ns).get(device);
        String what = "shape " + device + " (" + shaping + ") in";
        // both messages are built (and so validated) before the first one changes anything
        NlRequest tbf = rate ? tbf(link, shaping) : null;
        NlRequest child = netem.isEmpty() ? null : netem(link.index(), shaping, rate);
        if (tbf != null) {
            ns.rtnl().execute(tbf, what, ns.toString());
        }
        if (child != null) {
            ns.rtnl().execute(child, what, ns.toString());
        }
    }

    @Override
    public void clear(Netns ns, String device) throws IOException {
        Link link = new Links(ns).get(device);
        NlRequest r = new NlRequest(Rtnl.RTM_DELQDISC, 0).header(Rtnl.TCMSG_SIZE)
                .header32(Rtnl.TCM_IFINDEX, link.index()).header32(Rtnl.TCM_PARENT, (int) Rtnl.TC_H_ROOT);
        try {
            ns.rtnl().execute(r, "remove shaping from", device);
        } catch (LinuxException e) {
            // ENOENT/EINVAL: only the kernel's default qdisc is there -- nothing of ours to remove
            if (e.errno() != Errno.ENOENT && e.errno() != Errno.EINVAL) {
                throw e;
            }
        }
    }

    /** The root tbf: RTM_NEWQDISC, kind "tbf", TCA_OPTIONS { PARMS, RATE64?, BURST }. */
    static NlRequest tbf(Link link, LinkShaping s) {
        long rateBytes = s.rateBitsPerSecond() / 8;
        long burst = s.burstBytes() > 0 ? s.burstBytes()
                : Math.max(rateBytes / 100, 2L * (link.mtu() + 14));
        int packets = s.queueLimitPackets() > 0 ? s.queueLimitPackets() : DEFAULT_LIMIT_PACKETS;
        long limitBytes = Math.min(0xFFFF_FFFFL, (long) packets * (link.mtu() + 14));
        ByteBuffer q = ByteBuffer.allocate(Rtnl.TC_TBF_QOPT_SIZE).order(ByteOrder.nativeOrder());
        q.put(Rtnl.TBF_RATE + Rtnl.RS_LINKLAYER, (byte) Rtnl.TC_LINKLAYER_ETHERNET);
        q.putInt(Rtnl.TBF_RATE + Rtnl.RS_RATE, (int) Math.min(rateBytes, 0xFFFF_FFFFL));
        q.putInt(Rtnl.TBF_LIMIT, (int) limitBytes);
        long burstNs = rateBytes == 0 ? 0 : (long) (burst * 1e9 / rateBytes);
        q.putInt(Rtnl.TBF_BUFFER, (int) Math.min(0xFFFF_FFFFL, burstNs >> PSCHED_SHIFT));
        NlRequest r = qdisc(link.index(), TBF_HANDLE, (int) Rtnl.TC_H_ROOT, "tbf");
        int opts = r.nest(Rtnl.TCA_OPTIONS);
        r.attr(Rtnl.TCA_TBF_PARMS, q.array());
        if (rateBytes >= 0xFFFF_FFFFL) {
            r.attr64(Rtnl.TCA_TBF_RATE64, rateBytes);
        }
        r.attr32(Rtnl.TCA_TBF_BURST, (int) burst);
        r.end(opts);
        return r;
    }

    /**
     * netem: TCA_OPTIONS is a struct tc_netem_qopt followed by attributes (not a pure nest):
     * 64-bit latency/jitter in ns, correlations and reordering as fractions of 2^32 - 1.
     */
    static NlRequest netem(int ifindex, LinkShaping s, boolean underTbf) throws IOException {
        ByteBuffer q = ByteBuffer.allocate(Rtnl.TC_NETEM_QOPT_SIZE).order(ByteOrder.nativeOrder());
        long delayNs = nanos(s.delay());
        long jitterNs = nanos(s.jitter());
        q.putInt(0, (int) Math.min(0xFFFF_FFFFL, delayNs >> PSCHED_SHIFT));
        q.putInt(Rtnl.NETEM_LIMIT, s.queueLimitPackets() > 0 ? s.queueLimitPackets() : DEFAULT_LIMIT_PACKETS);
        q.putInt(Rtnl.NETEM_LOSS, probability(s.lossPercent()));
        q.putInt(Rtnl.NETEM_GAP, s.reorderPercent() > 0 ? 1 : 0);
        q.putInt(Rtnl.NETEM_DUPLICATE, probability(s.duplicatePercent()));
        q.putInt(20, (int) Math.min(0xFFFF_FFFFL, jitterNs >> PSCHED_SHIFT));
        NlRequest r = qdisc(ifindex, NETEM_HANDLE, underTbf ? TBF_CHILD_CLASS : (int) Rtnl.TC_H_ROOT, "netem");
        int opts = r.nest(Rtnl.TCA_OPTIONS, false);
        r.raw(q.array());
        if (s.lossCorrelationPercent() > 0) {
            ByteBuffer c = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
            c.putInt(4, probability(s.lossCorrelationPercent()));
            r.attr(Rtnl.TCA_NETEM_CORR, c.array());
        }
        if (s.reorderPercent() > 0) {
            ByteBuffer o = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            o.putInt(0, probability(s.reorderPercent()));
            r.attr(Rtnl.TCA_NETEM_REORDER, o.array());
        }
        if (s.distribution() != null) {
            throw new UnsupportedShapingException("distribution " + s.distribution().name().toLowerCase(Locale.ROOT)
                    + " needs iproute2's table file, which this back end does not load yet",
                    EnumSet.of(LinkShaping.Param.DISTRIBUTION));
        }
        r.attr64(Rtnl.TCA_NETEM_LATENCY64, delayNs);
        r.attr64(Rtnl.TCA_NETEM_JITTER64, jitterNs);
        r.end(opts);
        return r;
    }

    private static NlRequest qdisc(int ifindex, int handle, int parent, String kind) {
        return new NlRequest(Rtnl.RTM_NEWQDISC, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE).header(Rtnl.TCMSG_SIZE)
                .header32(Rtnl.TCM_IFINDEX, ifindex).header32(Rtnl.TCM_HANDLE, handle).header32(Rtnl.TCM_PARENT, parent)
                .attrString(Rtnl.TCA_KIND, kind);
    }

    private static long nanos(Duration d) {
        return d == null ? 0 : d.toNanos();
    }

    /** A percentage as netem's u32 probability (100 % = 2^32 - 1). */
    static int probability(double percent) {
        return (int) Math.round(percent / 100.0 * 0xFFFF_FFFFL);
    }
}
