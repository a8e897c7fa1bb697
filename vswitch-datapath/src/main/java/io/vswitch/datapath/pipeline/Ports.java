package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.action.OfPort;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The datapath's view of its ports: numbers, names, link state, OpenFlow port config, and per-port counters.
 * Port I/O lives elsewhere (vswitchd); the pipeline needs to know which ports exist (FLOOD, ALL, output
 * validation) and which are live (fast-failover groups). Changes are made through the {@link Pipeline}, which
 * invalidates cached decisions that depended on them.
 */
public final class Ports {
    /** OpenFlow 1.3 ofp_port_config bits (plus 1.0's NO_FLOOD, which Open vSwitch still honours). */
    public static final int CONFIG_PORT_DOWN = 1, CONFIG_NO_RECV = 4, CONFIG_NO_FLOOD = 16, CONFIG_NO_FWD = 32,
            CONFIG_NO_PACKET_IN = 64;

    /** One port and its counters. Counter fields are updated by datapath threads. */
    public static final class Port {
        public final int number;
        public final String name;
        volatile boolean linkUp;
        volatile int config;
        /** NORMAL's access VLAN (Open vSwitch's {@code tag}): 0 for a trunk that carries every VLAN. */
        volatile int tag;
        public final AtomicLong rxPackets = new AtomicLong(), rxBytes = new AtomicLong(),
                txPackets = new AtomicLong(), txBytes = new AtomicLong(),
                rxDropped = new AtomicLong(), txDropped = new AtomicLong(),
                rxErrors = new AtomicLong(), malformed = new AtomicLong();

        Port(int number, String name, boolean linkUp) {
            this.number = number;
            this.name = name;
            this.linkUp = linkUp;
        }

        public boolean linkUp() { return linkUp; }

        public int config() { return config; }

        public int tag() { return tag; }

        /** Live for fast-failover: link up and not administratively down. */
        public boolean live() { return linkUp && (config & CONFIG_PORT_DOWN) == 0; }
    }

    private final Map<Integer, Port> byNumber = new ConcurrentHashMap<>();
    /** Port numbers in ascending order, for FLOOD/ALL (rebuilt on change; read without locking). */
    private volatile int[] numbers = new int[0];

    public Port get(int number) { return byNumber.get(number); }

    public Collection<Port> all() { return byNumber.values(); }

    public int[] numbers() { return numbers; }

    public boolean live(int number) {
        Port p = byNumber.get(number);
        return p != null && p.live();
    }

    Port add(int number, String name, boolean linkUp) {
        if (!OfPort.isPhysical(number) && number != OfPort.LOCAL) {
            throw new IllegalArgumentException("port number " + Integer.toUnsignedString(number) + " is reserved");
        }
        Port p = new Port(number, name, linkUp);
        if (byNumber.putIfAbsent(number, p) != null) {
            throw new IllegalArgumentException("port " + Integer.toUnsignedString(number) + " already exists");
        }
        rebuild();
        return p;
    }

    Port remove(int number) {
        Port p = byNumber.remove(number);
        rebuild();
        return p;
    }

    private void rebuild() {
        int[] n = byNumber.keySet().stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(n);
        numbers = n;
    }

    /** Counts a frame the parser found truncated or malformed on {@code port}. */
    public void countMalformed(int port) {
        Port p = byNumber.get(port);
        if (p != null) p.malformed.incrementAndGet();
    }
}
