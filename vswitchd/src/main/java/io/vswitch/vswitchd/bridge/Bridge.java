package io.vswitch.vswitchd.bridge;

import io.vswitch.datapath.ofctl.FlowParser;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.vswitchd.port.Port;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bridge of the daemon: its OpenFlow pipeline, its ports by OpenFlow port number, datapath id, fail mode and
 * controller targets. Port membership changes go through the daemon (which also tells the datapath threads);
 * the datapath threads look ports up here by number when they output.
 */
public final class Bridge {
    /** What the bridge does while no controller is connected (OVS's fail_mode). */
    public enum FailMode {
        /**
         * Acts as a learning switch: a default {@code priority=0,actions=NORMAL} flow is installed, and when active
         * controllers are configured but none has been connected for a while, every packet is switched by NORMAL
         * (fail-open) until one connects.
         */
        STANDALONE,
        /** Forwards only what flows say (no default flow). */
        SECURE
    }

    /** The cookie of the default NORMAL flow, so it can be told apart from the controller's. */
    public static final long DEFAULT_FLOW_COOKIE = 0;

    private final String name;
    private final long dpid;
    private final Pipeline pipeline;
    private final Map<Integer, Port> ports = new ConcurrentHashMap<>();
    private volatile Port[] byNumber = new Port[64];
    private volatile FailMode failMode;
    private final List<String> controllers = new ArrayList<>();
    /** Packets sent to the controller while none is connected (issue 4 connects the channel). */
    public final AtomicLong packetInsDropped = new AtomicLong();
    /** The bridge's OpenFlow controller connections (null while it has no controller targets). */
    public volatile io.vswitch.openflow.OpenFlowAgent.Session openflow;

    public Bridge(String name, long dpid, FailMode failMode) {
        this.name = name;
        this.dpid = dpid;
        this.failMode = failMode;
        this.pipeline = new Pipeline();
        if (failMode == FailMode.STANDALONE) installDefaultFlow();
    }

    public String name() { return name; }

    public long dpid() { return dpid; }

    public Pipeline pipeline() { return pipeline; }

    public FailMode failMode() { return failMode; }

    public synchronized void setFailMode(FailMode mode) {
        if (mode == failMode) return;
        failMode = mode;
        FlowMod delete = FlowParser.parseFlow("table=0,priority=0", FlowMod.Command.DELETE_STRICT);
        pipeline.flowMod(delete);
        if (mode == FailMode.STANDALONE) installDefaultFlow();
        else pipeline.setFailOpen(false); // secure never fails open
    }

    private void installDefaultFlow() {
        pipeline.flowMod(FlowParser.parseFlow("table=0,priority=0,actions=NORMAL", FlowMod.Command.ADD));
    }

    public synchronized List<String> controllers() { return List.copyOf(controllers); }

    private long packetInRate, packetInBurst;

    public synchronized long packetInRate() { return packetInRate; }

    public synchronized long packetInBurst() { return packetInBurst; }

    public synchronized void setPacketInLimit(long rate, long burst) {
        packetInRate = rate;
        packetInBurst = burst;
    }

    public synchronized void setControllers(List<String> targets) {
        controllers.clear();
        controllers.addAll(targets);
    }

    /** The port with this OpenFlow number, or null. Called per output by datapath threads: an array lookup. */
    public Port port(int number) {
        Port[] a = byNumber;
        return number > 0 && number < a.length ? a[number] : ports.get(number);
    }

    public Port port(String portName) {
        for (Port p : ports.values()) if (p.name().equals(portName)) return p;
        return null;
    }

    public List<Port> ports() {
        List<Port> list = new ArrayList<>(ports.values());
        list.sort((a, b) -> Integer.compareUnsigned(a.number(), b.number()));
        return list;
    }

    /** Lowest free OpenFlow port number. */
    public int freePortNumber() {
        int n = 1;
        while (ports.containsKey(n)) n++;
        return n;
    }

    public void attach(Port p) {
        ports.put(p.number(), p);
        rebuildIndex();
        pipeline.addPort(p.number(), p.name(), p.linkUp());
    }

    public void detach(Port p) {
        ports.remove(p.number());
        rebuildIndex();
        pipeline.removePort(p.number());
    }

    private void rebuildIndex() {
        int max = 64;
        for (int n : ports.keySet()) if (n > 0 && n < 65536) max = Math.max(max, n + 1);
        Port[] a = new Port[max];
        for (Port p : ports.values()) if (p.number() > 0 && p.number() < max) a[p.number()] = p;
        byNumber = a;
    }
}
