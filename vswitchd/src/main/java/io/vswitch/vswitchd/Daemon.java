package io.vswitch.vswitchd;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.linux.AfPacketSocket;
import io.vswitch.linux.LinuxException;
import io.vswitch.openflow.OpenFlowAgent;
import io.vswitch.openflow.SwitchBackend;
import io.vswitch.vswitchd.bridge.Bridge;
import io.vswitch.vswitchd.config.Config;
import io.vswitch.vswitchd.pcap.PcapReader;
import io.vswitch.vswitchd.pcap.PcapRecorder;
import io.vswitch.vswitchd.pmd.DatapathThread;
import io.vswitch.vswitchd.pmd.PortPlacement;
import io.vswitch.vswitchd.port.AfPacketPort;
import io.vswitch.vswitchd.port.PatchPort;
import io.vswitch.vswitchd.port.Port;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch daemon's state and its operations: bridges, ports, datapath threads, the persistent configuration.
 * Every operation is checked before it changes anything and fails with a {@link DaemonException} whose message
 * says what is wrong ("no such bridge br9", "port veth0 is already on bridge br1"); successful changes are saved
 * to the configuration file at once. Operations are serialised (one control thread, synchronized methods).
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** Packet buffer size of ports (headroom included): room for a 64 KiB GSO super-frame and its tags. */
    public static final int FRAME_CAPACITY = 66 * 1024 + 256;
    /**
     * Frame buffers of a port recording: 256 x 66 KiB = 17 MiB while it runs. Whole GSO super-frames fit, and at
     * ~1 us per frame on the writer a full ring is 256 frames of slack (~0.25 ms of line-rate 64-byte frames).
     */
    static final int RECORD_SLOTS = 256;

    /** A refused operation; {@code exitCode} is what vsctl exits with. */
    public static final class DaemonException extends Exception {
        public final int exitCode;

        public DaemonException(String message) {
            this(message, 1);
        }

        public DaemonException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private final Path configFile;
    private final Map<String, Bridge> bridges = new LinkedHashMap<>();
    /** Bridges left out of the configuration file (see {@link #addBridge(String, Long, Bridge.FailMode, boolean)}). */
    private final java.util.Set<String> transientBridges = new java.util.HashSet<>();
    private final Map<Port, DatapathThread> owner = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Port, Map<String, String>> portOptions = new HashMap<>();
    private final DatapathThread[] threads;
    /** The OpenFlow agent: one event loop group for every bridge's controller connections, made on first use. */
    private OpenFlowAgent agent;
    /** TLS files for ssl:/pssl: controller targets, or null. */
    private Config.SslConfig ssl;
    private final int probeSeconds;

    public Daemon(Path configFile, int threadCount) throws LinuxException {
        this(configFile, threadCount, 5);
    }

    /**
     * @param probeSeconds the OpenFlow inactivity probe: an echo request after this long without a message from a
     *                     controller, disconnect after twice; a fail-standalone bridge fails open after three
     */
    public Daemon(Path configFile, int threadCount, int probeSeconds) throws LinuxException {
        this.configFile = configFile;
        this.probeSeconds = probeSeconds;
        this.threads = new DatapathThread[threadCount];
        for (int i = 0; i < threadCount; i++) {
            threads[i] = new DatapathThread(i);
            threads[i].start();
        }
    }

    /** Re-creates what the configuration file describes; ports whose device is missing are reported and skipped. */
    public synchronized void restore() throws IOException {
        Config c = Config.load(configFile);
        if (c.ssl() != null) {
            try {
                agent().setTls(Path.of(c.ssl().privateKey()), Path.of(c.ssl().certificate()), Path.of(c.ssl().caCertificate()));
                ssl = c.ssl();
            } catch (IllegalArgumentException e) {
                ssl = c.ssl(); // stays configured: fixing the files and restarting, or set-ssl, brings it back
                log.error("{} (ssl: and pssl: controllers stay down; fix with vsctl set-ssl)", e.getMessage());
            }
        }
        for (Config.BridgeConfig b : c.bridges()) {
            Bridge br = new Bridge(b.name(), b.dpid(), Bridge.FailMode.valueOf(b.failMode().toUpperCase()));
            br.setControllers(b.controllers());
            br.setPacketInLimit(b.packetInRate(), b.packetInBurst());
            bridges.put(b.name(), br);
            for (Config.PortConfig p : b.ports()) {
                try {
                    attach(br, p.name(), p.type(), p.ofport(), new LinkedHashMap<>(p.options()));
                } catch (DaemonException e) {
                    log.error("restoring port {} on bridge {}: {} (the port stays configured; fix the device and restart, or vsctl del-port)",
                            p.name(), b.name(), e.getMessage());
                }
            }
            log.info("restored bridge {} with {} ports", b.name(), br.ports().size());
            try {
                connectControllers(br);
            } catch (DaemonException e) {
                log.error("bridge {}: controllers: {} (fix with vsctl set-controller)", b.name(), e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------------------------ bridges

    public synchronized void addBridge(String name, Long dpid, Bridge.FailMode failMode) throws DaemonException, IOException {
        addBridge(name, dpid, failMode, true);
    }

    /**
     * Adds a bridge; a transient one ({@code persistent == false}, e.g. {@code vswitchd --bridge}) is never written
     * to the configuration file, nor are its ports and controllers, and is gone when the daemon stops.
     */
    public synchronized void addBridge(String name, Long dpid, Bridge.FailMode failMode, boolean persistent)
            throws DaemonException, IOException {
        checkName(name, "bridge");
        if (bridges.containsKey(name)) throw new DaemonException("bridge " + name + " already exists");
        long id = dpid != null ? dpid : defaultDpid(name);
        bridges.put(name, new Bridge(name, id, failMode == null ? Bridge.FailMode.STANDALONE : failMode));
        if (!persistent) transientBridges.add(name);
        save();
    }

    /** Like Open vSwitch, a datapath id derived from the name unless given: stable across restarts. */
    private static long defaultDpid(String name) {
        return (name.hashCode() & 0xffffffffL) | 0x0000_a000_0000_0000L;
    }

    public synchronized void delBridge(String name) throws DaemonException, IOException {
        Bridge b = bridge(name);
        if (b.openflow != null) {
            b.openflow.close();
            b.openflow = null;
        }
        for (Port p : b.ports()) detach(b, p);
        for (DatapathThread t : threads) await(t.removeBridge(b));
        bridges.remove(name);
        transientBridges.remove(name);
        save();
    }

    public synchronized Bridge bridge(String name) throws DaemonException {
        Bridge b = bridges.get(name);
        if (b == null) throw new DaemonException("no such bridge " + name);
        return b;
    }

    public synchronized List<Bridge> bridges() { return List.copyOf(bridges.values()); }

    public synchronized void setFailMode(String bridge, Bridge.FailMode mode) throws DaemonException, IOException {
        Bridge b = bridge(bridge);
        b.setFailMode(mode);
        if (b.openflow != null) b.openflow.failModeChanged();
        save();
    }

    /**
     * Sets the TLS files for {@code ssl:}/{@code pssl:} controllers (as {@code ovs-vsctl set-ssl}): checked now
     * (readable, parseable), then bridges with TLS targets reconnect with them.
     */
    public synchronized void setSsl(String privateKey, String certificate, String caCertificate) throws DaemonException, IOException {
        try {
            agent().setTls(Path.of(privateKey).toAbsolutePath(), Path.of(certificate).toAbsolutePath(), Path.of(caCertificate).toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new DaemonException(e.getMessage());
        }
        ssl = new Config.SslConfig(Path.of(privateKey).toAbsolutePath().toString(), Path.of(certificate).toAbsolutePath().toString(),
                Path.of(caCertificate).toAbsolutePath().toString());
        save();
        for (Bridge b : bridges.values()) {
            if (b.controllers().stream().anyMatch(t -> t.startsWith("ssl:") || t.startsWith("pssl:"))) connectControllers(b);
        }
    }

    public synchronized Config.SslConfig ssl() { return ssl; }

    /**
     * Limits the bridge's packet-ins to {@code rate} per second with bursts of {@code burst} (0 = a quarter of the
     * rate), as Open vSwitch's controller_rate_limit/controller_burst_limit; rate 0 removes the limit.
     */
    public synchronized void setPacketInLimit(String bridge, long rate, long burst) throws DaemonException, IOException {
        if (rate != 0 && rate < 100) throw new DaemonException("packet-in rate limit must be 0 (none) or at least 100 per second, not " + rate);
        if (burst != 0 && burst < 25) throw new DaemonException("packet-in burst limit must be at least 25, not " + burst);
        Bridge b = bridge(bridge);
        long effectiveBurst = rate == 0 ? 0 : burst == 0 ? Math.max(25, rate / 4) : burst;
        b.setPacketInLimit(rate, effectiveBurst);
        if (b.openflow != null) b.openflow.setPacketInLimit(rate, effectiveBurst);
        save();
    }

    private OpenFlowAgent agent() {
        if (agent == null) agent = new OpenFlowAgent(2, probeSeconds);
        return agent;
    }

    public synchronized void setControllers(String bridge, List<String> targets) throws DaemonException, IOException {
        for (String t : targets) {
            if (!t.matches("(tcp|ssl):[^:]+:\\d+|(ptcp|pssl):\\d+(:[^:]+)?|unix:.+|punix:.+")) {
                throw new DaemonException("bad controller target '" + t + "' (expected tcp:IP:PORT, ssl:IP:PORT, ptcp:PORT[:IP], pssl:PORT[:IP])");
            }
        }
        Bridge b = bridge(bridge);
        b.setControllers(targets);
        save();
        connectControllers(b);
    }

    /**
     * (Re)opens the bridge's OpenFlow connections from its targets: passive listeners bind now (an error if the
     * port is taken), active connections connect and reconnect in the background. Targets the agent does not
     * support yet (ssl, pssl, unix, punix) stay configured and are reported in the log.
     */
    private void connectControllers(Bridge b) throws DaemonException {
        if (b.openflow != null) {
            b.openflow.close();
            b.openflow = null;
        }
        List<String> supported = new ArrayList<>();
        for (String t : b.controllers()) {
            if (t.matches("p?(tcp|ssl):.*")) supported.add(t);
            else log.warn("bridge {}: controller target {} is not supported yet (tcp:, ssl:, ptcp:, pssl: are), ignored", b.name(), t);
        }
        if (supported.isEmpty()) return;
        OpenFlowAgent.Session s = agent().attach(new Backend(b));
        s.setPacketInLimit(b.packetInRate(), b.packetInBurst());
        try {
            s.setTargets(supported);
        } catch (RuntimeException e) {
            s.close();
            throw new DaemonException("bridge " + b.name() + ": cannot open controller connection: " + e.getMessage());
        }
        b.openflow = s;
    }

    /** Tells the bridge's controllers about a port change (OFPT_PORT_STATUS). */
    private static void portStatus(Bridge b, Port p, int reason) {
        OpenFlowAgent.Session s = b.openflow;
        if (s != null) s.portStatus(reason, portInfo(b, p));
    }

    private static SwitchBackend.PortInfo portInfo(Bridge bridge, Port p) {
        io.vswitch.datapath.pipeline.Ports.Port pp = bridge.pipeline().ports().get(p.number());
        return new SwitchBackend.PortInfo(p.number(), p.name(), mac(bridge, p), p.linkUp(), pp == null ? 0 : pp.config(),
                p.rxPackets(), p.txPackets(), p.rxBytes(), p.txBytes(), p.rxDropped(), p.txDropped(), p.rxErrors());
    }

    /** The device's MAC, or (patch ports, no device) a locally administered one made from the port number. */
    private static byte[] mac(Bridge bridge, Port p) {
        if (p.type() != Port.Type.PATCH) {
            try {
                return io.vswitch.linux.NetDevice.macAddress(p.name());
            } catch (LinuxException | RuntimeException e) {
                // fall through
            }
        }
        int n = p.number();
        return new byte[]{2, 0, (byte) (bridge.dpid() >>> 8), (byte) bridge.dpid(), (byte) (n >>> 8), (byte) n};
    }

    /** What the OpenFlow agent sees of a bridge. */
    private final class Backend implements SwitchBackend {
        private final Bridge bridge;

        Backend(Bridge bridge) { this.bridge = bridge; }

        @Override public long datapathId() { return bridge.dpid(); }

        @Override public String name() { return bridge.name(); }

        @Override public io.vswitch.datapath.pipeline.Pipeline pipeline() { return bridge.pipeline(); }

        @Override public boolean failStandalone() { return bridge.failMode() == Bridge.FailMode.STANDALONE; }

        @Override
        public List<PortInfo> ports() {
            List<PortInfo> list = new ArrayList<>();
            for (Port p : bridge.ports()) list.add(portInfo(bridge, p));
            return list;
        }

        @Override
        public void packetOut(byte[] frame, int inPort, List<io.vswitch.datapath.action.Action> actions) {
            // No daemon lock here: this runs on an agent thread, and the daemon, holding its lock, may be waiting for
            // that thread (closing a listener). The owner map is concurrent for this reason.
            DatapathThread t = threads[0];
            for (Port p : bridge.ports()) {
                DatapathThread o = owner.get(p);
                if (o != null) { t = o; break; }
            }
            try {
                t.packetOut(bridge, frame, inPort, actions).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("datapath thread did not run the packet-out within 5 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }

        @Override
        public void syncStats() {
            try {
                Daemon.this.syncStats();
            } catch (DaemonException e) {
                log.warn("bridge {}: statistics may be stale: {}", bridge.name(), e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------------------------ ports

    public synchronized Port addPort(String bridge, String iface, String type, Integer ofport, Map<String, String> options)
            throws DaemonException, IOException {
        Bridge b = bridge(bridge);
        checkName(iface, "port");
        for (Bridge other : bridges.values()) {
            if (other.port(iface) != null) throw new DaemonException("port " + iface + " is already on bridge " + other.name());
        }
        int number = type.equals("internal") ? io.vswitch.datapath.action.OfPort.LOCAL : ofport != null ? ofport : b.freePortNumber();
        if (!type.equals("internal") && (number < 1 || number > 0xfeff)) throw new DaemonException("ofport " + number + " is out of range (1-65279)");
        if (b.port(number) != null) throw new DaemonException("ofport " + number + " is already used by " + b.port(number).name() + " on " + bridge);
        Port p = attach(b, iface, type, number, new LinkedHashMap<>(options));
        save();
        return p;
    }

    private Port attach(Bridge b, String iface, String type, int number, Map<String, String> options) throws DaemonException {
        Port p;
        DatapathThread thread;
        // tag=N (any type): an access port of VLAN N for NORMAL, as Open vSwitch's port tag.
        int tag = 0;
        Map<String, String> all = options;
        options = new LinkedHashMap<>(options);
        if (options.containsKey("tag")) {
            String t = options.remove("tag");
            try {
                tag = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                tag = -1;
            }
            if (tag < 1 || tag > 4094) throw new DaemonException("tag must be a VLAN id 1-4094, not '" + t + "'", 2);
        }
        switch (type) {
            case "afpacket", "system" -> {
                // rx=auto (default: recvmmsg when quiet, the TPACKET_V3 ring under load), rx=mmsg (always
                // recvmmsg, lowest latency) or rx=ring (always the ring: up to a jiffy of retire-timer delay per hop
                // at low load); see AfPacketSocket.
                String rx = options.getOrDefault("rx", "auto");
                AfPacketSocket.RxMode mode = switch (rx) {
                    case "auto" -> AfPacketSocket.RxMode.ADAPTIVE;
                    case "mmsg" -> AfPacketSocket.RxMode.MMSG;
                    case "ring" -> AfPacketSocket.RxMode.RING;
                    default -> throw new DaemonException("rx must be auto, mmsg or ring, not '" + rx + "'", 2);
                };
                if (options.size() > (options.containsKey("rx") ? 1 : 0)) {
                    var unknown = new java.util.TreeSet<>(options.keySet());
                    unknown.remove("rx");
                    throw new DaemonException("type=afpacket takes only rx=auto|mmsg|ring and tag=VLAN (got " + unknown + ")");
                }
                try {
                    p = AfPacketPort.open(number, iface, FRAME_CAPACITY, mode);
                } catch (LinuxException e) {
                    int code = e.errno() == 1 || e.errno() == 13 ? 3 : 2; // EPERM/EACCES: permission denied
                    throw new DaemonException(e.getMessage(), code);
                }
                thread = placeNew();
            }
            case "patch" -> {
                String peerName = options.get("peer");
                if (peerName == null || options.size() != 1) throw new DaemonException("type=patch needs the option peer=NAME (and may have tag=VLAN)");
                PatchPort pp = new PatchPort(number, iface, peerName);
                for (Bridge other : bridges.values()) {
                    if (other.port(peerName) instanceof PatchPort peer && peer.peerName().equals(iface)) pp.connect(peer);
                }
                p = pp;
                thread = threads[0]; // patch peers share a thread: frames cross without a hand-off (never moved)
            }
            case "internal" -> {
                if (!options.isEmpty()) throw new DaemonException("type=internal takes no options but tag=VLAN");
                if (b.port(io.vswitch.datapath.action.OfPort.LOCAL) != null) {
                    throw new DaemonException("bridge " + b.name() + " already has its internal port " + b.port(io.vswitch.datapath.action.OfPort.LOCAL).name());
                }
                try {
                    p = io.vswitch.vswitchd.port.InternalPort.open(iface, FRAME_CAPACITY);
                } catch (LinuxException e) {
                    throw new DaemonException(e.getMessage(), e.errno() == 1 || e.errno() == 13 ? 3 : 1);
                }
                thread = placeNew();
            }
            default -> throw new DaemonException("unknown port type '" + type + "' (afpacket, internal, patch)");
        }
        b.attach(p);
        if (tag != 0) b.pipeline().setPortTag(p.number(), tag);
        owner.put(p, thread);
        portOptions.put(p, all);
        await(thread.addPort(b, p));
        portStatus(b, p, OpenFlowAgent.Session.PORT_ADD);
        return p;
    }

    public synchronized void delPort(String bridge, String iface) throws DaemonException, IOException {
        Bridge b = bridge(bridge);
        Port p = b.port(iface);
        if (p == null) throw new DaemonException("bridge " + bridge + " has no port " + iface);
        detach(b, p);
        save();
    }

    private void detach(Bridge b, Port p) throws DaemonException {
        PcapRecorder rec = p.recorder();
        p.setRecorder(null);
        portStatus(b, p, OpenFlowAgent.Session.PORT_DELETE);
        DatapathThread t = owner.remove(p);
        try {
            if (t != null) await(t.removePort(p));
        } finally {
            if (rec != null) finishRecording(b, p, rec, "port deleted");
        }
        b.detach(p);
        portOptions.remove(p);
        p.close();
    }

    // ------------------------------------------------------------------------------------ pcap

    /**
     * Starts recording {@code port}'s frames ({@code direction}) to {@code file}, created or truncated. Refused,
     * with nothing created, if the port is missing or already recorded, or the file cannot be written.
     */
    public synchronized void pcapRecord(String bridge, String port, Path file, PcapRecorder.Direction direction)
            throws DaemonException {
        Bridge b = bridge(bridge);
        Port p = port(b, port);
        if (p.recorder() != null) {
            throw new DaemonException("port " + port + " on bridge " + bridge + " is already being recorded to "
                    + p.recorder().file() + " (pcap-stop it first)");
        }
        for (Bridge other : bridges.values()) {
            for (Port q : other.ports()) {
                if (q.recorder() != null && q.recorder().file().toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
                    throw new DaemonException(file + " is already being written by the recording of port " + q.name());
                }
            }
        }
        PcapRecorder r;
        try {
            r = PcapRecorder.start(file, direction, RECORD_SLOTS, FRAME_CAPACITY - io.vswitch.datapath.packet.Packet.HEADROOM,
                    "pcap-" + port);
        } catch (IOException e) {
            throw new DaemonException("cannot record to " + file + ": " + e.getMessage());
        }
        p.setRecorder(r);
        log.info("recording port {} on bridge {} ({}) to {}", port, bridge, direction.name().toLowerCase(), file);
    }

    /** Stops recording {@code port}: what was recorded is written and the file closed before this returns. */
    public synchronized PcapRecorder.Result pcapStop(String bridge, String port) throws DaemonException {
        Bridge b = bridge(bridge);
        Port p = port(b, port);
        PcapRecorder rec = p.recorder();
        if (rec == null) throw new DaemonException("port " + port + " on bridge " + bridge + " is not being recorded");
        p.setRecorder(null);
        // Frames a datapath thread is offering right now still get in: every thread finishes its batch first.
        try {
            for (DatapathThread t : threads) await(t.barrier());
        } finally {
            finishRecording(b, p, rec, "pcap-stop");
        }
        return rec.stop();
    }

    private static PcapRecorder.Result finishRecording(Bridge b, Port p, PcapRecorder rec, String why) {
        PcapRecorder.Result r = rec.stop();
        log.info("recording of port {} on bridge {} stopped ({}): {}", p.name(), b.name(), why, r);
        return r;
    }

    /** What a replay did. */
    public record ReplayResult(long frames, long skipped, double seconds) { }

    /**
     * Replays {@code file} into {@code port} as if its frames were received there: through the bridge's
     * pipeline (flows, NORMAL, recording of the port's rx), out of whatever ports the flows say. The whole file is
     * checked first (a pcap file of Ethernet frames, readable to its end), so a bad file injects nothing. Frames
     * go as fast as the datapath takes them (in batches) or at {@code ratePps} (0: unpaced). Frames the capture
     * cut short, shorter than an Ethernet header, or larger than a port's buffers are skipped and counted.
     *
     * <p>Runs on the caller's thread (vsctl waits for it) without holding the daemon's lock, so the daemon's
     * housekeeping goes on meanwhile; a port deleted during the replay ends it with an error.
     */
    public ReplayResult pcapReplay(String bridge, String port, Path file, long ratePps) throws DaemonException {
        if (ratePps < 0) throw new DaemonException("--rate must be positive, not " + ratePps, 2);
        Port p;
        synchronized (this) {
            p = port(bridge(bridge), port);
            if (owner.get(p) == null) throw new DaemonException("port " + port + " on bridge " + bridge + " is not served by a datapath thread");
        }
        long skipped = 0;
        try (PcapReader check = PcapReader.open(file)) { // pass 1: the whole file must read
            byte[] f;
            while ((f = check.next()) != null) if (!usable(f, check.originalLength())) skipped++;
        } catch (IOException e) {
            throw new DaemonException("cannot replay " + file + ": " + e.getMessage());
        }
        long begin = System.nanoTime();
        int burst = ratePps == 0 ? AfPacketPort.BATCH : (int) Math.max(1, Math.min(AfPacketPort.BATCH, ratePps / 1000));
        byte[][] chunk = new byte[burst][];
        long sent = 0;
        try (PcapReader in = PcapReader.open(file)) { // pass 2: inject
            byte[] f;
            int n = 0;
            while ((f = in.next()) != null) {
                if (!usable(f, in.originalLength())) continue;
                chunk[n++] = f;
                if (n == burst) {
                    pace(begin, sent, ratePps);
                    inject(p, chunk, n);
                    sent += n;
                    n = 0;
                }
            }
            if (n > 0) {
                pace(begin, sent, ratePps);
                inject(p, chunk, n);
                sent += n;
            }
        } catch (IOException e) {
            throw new DaemonException("replay of " + file + " stopped after " + sent + " frames: " + e.getMessage());
        } catch (DaemonException e) {
            throw new DaemonException("replay of " + file + " stopped after " + sent + " frames: " + e.getMessage());
        }
        return new ReplayResult(sent, skipped, (System.nanoTime() - begin) / 1e9);
    }

    /** Injects through whichever thread serves {@code p} now (the port may move between threads during a replay). */
    private void inject(Port p, byte[][] chunk, int n) throws DaemonException {
        for (int attempt = 0; ; attempt++) {
            DatapathThread t = owner.get(p);
            if (t == null) throw new DaemonException("port " + p.name() + " was removed during the replay");
            try {
                await(t.inject(p, chunk, n));
                return;
            } catch (DaemonException e) {
                if (attempt == 3 || owner.get(p) == t) throw e; // not a move in between: a real failure
            }
        }
    }

    private static boolean usable(byte[] frame, int originalLength) {
        return frame.length >= 14 && frame.length == originalLength && frame.length <= DatapathThread.maxInjectedFrame();
    }

    /** Sleeps until frame number {@code sent} is due at {@code ratePps} frames per second from {@code begin}. */
    private static void pace(long begin, long sent, long ratePps) throws DaemonException {
        if (ratePps == 0) return;
        long due = begin + (long) (sent * 1e9 / ratePps);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new DaemonException("interrupted");
            }
        }
    }

    private static Port port(Bridge b, String name) throws DaemonException {
        Port p = b.port(name);
        if (p == null) throw new DaemonException("bridge " + b.name() + " has no port " + name);
        return p;
    }

    // ------------------------------------------------------------------------------------ port placement

    /** How often {@link #rebalance} looks at the load, and how long after a move it waits before the next. */
    public static final long REBALANCE_INTERVAL_MS = 500, REBALANCE_DWELL_MS = 1000;
    private boolean autoBalance = true;
    private final Map<Port, Long> busyAtLastLook = new HashMap<>();
    private final Map<Port, Double> lastLoad = new HashMap<>();
    private long lastLook, lastMove;
    private long portMoves;

    /** pmd-auto-lb: whether ports are moved between datapath threads by load (default on). */
    public synchronized void setAutoBalance(boolean on) { autoBalance = on; }

    /**
     * A new port's thread: with automatic placement thread 0, where every port sits until load says otherwise
     * (see {@link PortPlacement}); without, the thread serving the fewest ports.
     */
    private DatapathThread placeNew() {
        return autoBalance ? threads[0] : leastLoaded();
    }

    /**
     * Measures each port's load since the last call and, with automatic placement on, moves ports between
     * datapath threads as {@link PortPlacement} says. Called every {@link #REBALANCE_INTERVAL_MS} by the daemon's
     * timer. A move takes the port off its thread (which finishes its batch first) and gives it to the other; frames
     * arriving meanwhile wait in the socket, so none is lost or reordered.
     */
    public synchronized void rebalance() {
        long now = System.nanoTime();
        long interval = now - lastLook;
        boolean first = lastLook == 0;
        lastLook = now;
        // Every served port with its bridge; patch ports are drained by thread 0 only, which may be asleep, so a
        // bridge with a patch keeps all its ports there: frames crossing the patch never wait for another wake-up.
        List<Port> ports = new ArrayList<>();
        List<Bridge> bridgeOf = new ArrayList<>();
        List<Boolean> pinned = new ArrayList<>();
        for (Bridge b : bridges.values()) {
            boolean hasPatch = b.ports().stream().anyMatch(p -> p instanceof PatchPort);
            for (Port p : b.ports()) {
                if (!owner.containsKey(p)) continue;
                ports.add(p);
                bridgeOf.add(b);
                pinned.add(hasPatch);
            }
        }
        int n = ports.size();
        double[] load = new double[n];
        int[] current = new int[n];
        boolean[] onThreadZero = new boolean[n];
        for (int i = 0; i < n; i++) {
            Port p = ports.get(i);
            long busy = p.busyNanos;
            Long before = busyAtLastLook.put(p, busy);
            load[i] = first || before == null ? 0 : Math.max(0, busy - before) / (double) interval;
            lastLoad.put(p, load[i]);
            current[i] = owner.get(p).id();
            onThreadZero[i] = pinned.get(i);
        }
        busyAtLastLook.keySet().retainAll(owner.keySet());
        lastLoad.keySet().retainAll(owner.keySet());
        if (!autoBalance || threads.length < 2 || first || now - lastMove < REBALANCE_DWELL_MS * 1_000_000L) return;
        int[] next = PortPlacement.plan(threads.length, load, current, onThreadZero);
        if (next == null) return;
        StringBuilder moved = new StringBuilder();
        for (int i = 0; i < next.length; i++) {
            if (next[i] == current[i]) continue;
            Port p = ports.get(i);
            try {
                move(p, bridgeOf.get(i), threads[next[i]]);
                moved.append(String.format(" %s (%.0f%% of a CPU) pmd%d->pmd%d;", p.name(), load[i] * 100, current[i], next[i]));
            } catch (DaemonException e) {
                log.warn("moving port {} to datapath thread {}: {}", p.name(), next[i], e.getMessage());
            }
        }
        lastMove = now;
        double total = 0;
        for (double l : load) total += l;
        boolean together = java.util.Arrays.stream(next).allMatch(t -> t == 0);
        log.info("ports {} ({}% of a CPU in all):{}", together ? "back together on pmd0" : "spread over datapath threads",
                Math.round(total * 100), moved);
    }

    private void move(Port p, Bridge b, DatapathThread to) throws DaemonException {
        DatapathThread from = owner.get(p);
        if (from == null || from == to) return;
        await(from.removePort(p));
        owner.put(p, to);
        await(to.addPort(b, p));
        portMoves++;
    }

    /** Which datapath thread serves which port, with each port's measured load (ovs-appctl dpif-netdev/pmd-rxq-show). */
    public synchronized String pmdRxqShow() {
        StringBuilder sb = new StringBuilder();
        for (DatapathThread t : threads) {
            sb.append("pmd thread ").append(t.id()).append(":\n");
            for (Bridge b : bridges.values()) {
                for (Port p : b.ports()) {
                    if (owner.get(p) != t) continue;
                    sb.append(String.format("  port: %-15s bridge: %-10s pmd usage: %3d %%%n", p.name(), b.name(),
                            Math.round(lastLoad.getOrDefault(p, 0.0) * 100)));
                }
            }
        }
        sb.append("automatic placement: ").append(autoBalance ? "on" : "off").append(", ").append(portMoves).append(" port moves\n");
        return sb.toString();
    }

    private DatapathThread leastLoaded() {
        DatapathThread best = threads[0];
        int bestCount = Integer.MAX_VALUE;
        for (DatapathThread t : threads) {
            int n = 0;
            for (DatapathThread o : owner.values()) if (o == t) n++;
            if (n < bestCount) {
                best = t;
                bestCount = n;
            }
        }
        return best;
    }

    /**
     * Emulates a link on a port: {@code direction} "out" (what the switch sends), "in" (what arrives) or "both";
     * null params remove it.
     */
    public synchronized void setLink(String bridge, String port, String direction, io.vswitch.vswitchd.netem.LinkParams params)
            throws DaemonException {
        Bridge b = bridge(bridge);
        Port p = b.port(port);
        if (p == null) throw new DaemonException("bridge " + bridge + " has no port " + port);
        boolean out = direction.equals("out") || direction.equals("both"), in = direction.equals("in") || direction.equals("both");
        if (!out && !in) throw new DaemonException("direction must be in, out or both, not '" + direction + "'", 2);
        DatapathThread t = owner.get(p);
        if (t == null) throw new DaemonException("port " + port + " is not served by a datapath thread");
        await(t.setLink(p, out, in, params));
    }

    /** Re-reads link state of every port; a change goes to the pipeline (fast-failover, flooding). */
    public synchronized void refreshLinks() {
        for (Bridge b : bridges.values()) {
            for (Port p : b.ports()) refreshLink(b, p);
        }
    }

    /** Re-reads the link state of the port on device {@code ifname}, if it is one of ours (a link notification). */
    public synchronized void refreshLink(String ifname) {
        for (Bridge b : bridges.values()) {
            Port p = b.port(ifname);
            if (p != null) refreshLink(b, p);
        }
    }

    private void refreshLink(Bridge b, Port p) {
        if (p instanceof AfPacketPort ap && ap.refreshLink()) {
            log.info("port {} on bridge {}: link {}", p.name(), b.name(), ap.linkUp() ? "up" : "down");
            b.pipeline().setLinkUp(p.number(), ap.linkUp());
            portStatus(b, p, OpenFlowAgent.Session.PORT_MODIFY);
        }
    }

    private io.vswitch.vswitchd.port.LinkMonitor linkMonitor;

    /**
     * Follows the kernel's link notifications from now on (ports' up/down and carrier seen at once); the periodic
     * {@link #refreshLinks} stays as a safety net.
     */
    public synchronized void startLinkMonitor() throws LinuxException {
        if (linkMonitor == null) linkMonitor = new io.vswitch.vswitchd.port.LinkMonitor(this::refreshLink, this::refreshLinks);
    }

    /** Makes every datapath thread credit its cached hits, so counters read next are current. */
    public void syncStats() throws DaemonException {
        for (DatapathThread t : threads) await(t.flushStats());
    }

    /** Flow/MAC expiry: called once a second. */
    public synchronized void expire() {
        long now = System.nanoTime();
        for (Bridge b : bridges.values()) {
            b.pipeline().expire(now);
            b.pipeline().macs().expire(now);
        }
    }

    public String pmdStats() {
        StringBuilder sb = new StringBuilder();
        for (DatapathThread t : threads) sb.append(t.stats());
        return sb.toString();
    }

    public synchronized String portType(Port p) {
        return switch (p.type()) {
            case AFPACKET -> "afpacket";
            case PATCH -> "patch";
            case INTERNAL -> "internal";
        };
    }

    public synchronized Map<String, String> portOptions(Port p) {
        return portOptions.getOrDefault(p, Map.of());
    }

    private void save() throws IOException {
        List<Config.BridgeConfig> list = new ArrayList<>();
        for (Bridge b : bridges.values()) {
            if (transientBridges.contains(b.name())) continue;
            List<Config.PortConfig> ports = new ArrayList<>();
            for (Port p : b.ports()) ports.add(new Config.PortConfig(p.name(), portType(p), p.number(), portOptions(p)));
            list.add(new Config.BridgeConfig(b.name(), b.dpid(), b.failMode().name().toLowerCase(), ports, b.controllers(),
                    b.packetInRate(), b.packetInBurst()));
        }
        new Config(list, ssl).save(configFile);
    }

    private static void checkName(String name, String what) throws DaemonException {
        if (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.:-]+")) {
            throw new DaemonException("bad " + what + " name '" + name + "': 1-15 characters of letters, digits, _ . : -");
        }
    }

    private static void await(CompletableFuture<Void> f) throws DaemonException {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new DaemonException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new DaemonException("datapath thread did not answer within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonException("interrupted");
        }
    }

    /**
     * Stops the datapath threads, finishes every recording (files written and closed) and closes every port
     * (sockets), leaving the configuration file as it is.
     */
    @Override
    public void close() {
        // The monitor's thread takes this lock for each notification: stop it before taking the lock ourselves.
        io.vswitch.vswitchd.port.LinkMonitor m;
        synchronized (this) {
            m = linkMonitor;
            linkMonitor = null;
        }
        if (m != null) m.close();
        closeRest();
    }

    private synchronized void closeRest() {
        for (Bridge b : bridges.values()) {
            if (b.openflow != null) b.openflow.close();
        }
        if (agent != null) agent.close();
        for (DatapathThread t : threads) t.stop();
        for (Bridge b : bridges.values()) {
            for (Port p : b.ports()) {
                PcapRecorder rec = p.recorder();
                p.setRecorder(null);
                if (rec != null) finishRecording(b, p, rec, "daemon shutdown");
                p.close();
            }
        }
        owner.clear();
    }

    /** Rethrows OpenFlow errors as daemon errors with the OpenFlow error named. */
    public static DaemonException openFlowError(OpenFlowException e) {
        return new DaemonException(e.getMessage() + " (OpenFlow error " + e.error() + ")");
    }
}
