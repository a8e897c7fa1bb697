package io.vswitch.openflow;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vswitch.datapath.pipeline.PacketIn;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OpenFlow agent: connects bridges ({@link SwitchBackend}s) to controllers. One {@link NioEventLoopGroup} serves
 * every connection of every bridge (a topology of 100 switches is one process with a couple of I/O threads).
 *
 * <p>Each bridge gets a {@link Session} ({@link #attach}); its targets are {@code tcp:IP:PORT} (active: connect,
 * and reconnect with exponential backoff driven by {@link Reconnect}) and {@code ptcp:PORT[:IP]} (passive: accept
 * any number of connections, e.g. from {@code ovs-ofctl}). A connection's pipeline:
 * <pre>
 *   idle (inactivity probe) -> framer+decoder (openflowj) -> encoder -> OfChannelHandler (state machine)
 * </pre>
 * Packet-ins come from datapath threads through a bounded queue per bridge ({@link Session#offerPacketIn}: never
 * blocks, drops and counts when full) and are sent on the event loop to every established connection that is not
 * a slave.
 */
public final class OpenFlowAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowAgent.class);
    public static final int PACKET_IN_QUEUE = 1024;
    static final long MIN_BACKOFF_MS = 1000, MAX_BACKOFF_MS = 8000, CONNECT_TIMEOUT_MS = 5000;

    private final EventLoopGroup group;
    private final int probeSeconds;
    /** How long without any active controller before a fail-standalone bridge fails open: three probe intervals. */
    private final long failOpenAfterMs;

    public OpenFlowAgent() {
        this(2, 5);
    }

    /**
     * @param threads      I/O threads shared by all bridges
     * @param probeSeconds inactivity probe: an echo request after this long without a message, disconnect after twice
     */
    public OpenFlowAgent(int threads, int probeSeconds) {
        if (threads < 1 || probeSeconds < 1) throw new IllegalArgumentException("threads and probeSeconds must be >= 1");
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("openflow", true));
        this.probeSeconds = probeSeconds;
        this.failOpenAfterMs = 3_000L * probeSeconds;
    }

    public Session attach(SwitchBackend backend) {
        return new Session(backend);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Sets the files TLS connections use ({@code ssl:}, {@code pssl:}), as {@code ovs-vsctl set-ssl} does: our
     * private key and certificate (PEM, PKCS#8 key), and the CA certificate that peers' certificates must be signed
     * by. Both directions verify the peer: a controller without a certificate from that CA is refused.
     */
    public void setTls(Path privateKey, Path certificate, Path caCertificate) {
        this.tls = Tls.load(privateKey, certificate, caCertificate);
    }

    private volatile Tls tls;

    private Tls tls(Target t) {
        Tls current = tls;
        if (current == null) {
            throw new IllegalArgumentException("controller target " + t + " needs TLS files: set them first (vsctl set-ssl PRIVATE-KEY CERTIFICATE CA-CERT)");
        }
        return current;
    }

    void initChannel(Channel ch, Session session, String peer, boolean active, Target target) {
        ChannelPipeline p = ch.pipeline();
        if (target.tls()) {
            Tls t = tls(target);
            p.addLast("tls", active ? t.client().newHandler(ch.alloc(), target.host(), target.port()) : t.server().newHandler(ch.alloc()));
        }
        p.addLast("idle", new IdleStateHandler(probeSeconds, 0, 0));
        p.addLast("decoder", new OfFrameDecoder());
        p.addLast("encoder", OfEncoder.INSTANCE);
        p.addLast("openflow", new OfChannelHandler(session, peer, active));
    }

    /** A parsed controller target: {@code tcp:IP:PORT}, {@code ssl:IP:PORT}, {@code ptcp:PORT[:IP]}, {@code pssl:PORT[:IP]}. */
    public record Target(boolean passive, boolean tls, String host, int port) {
        public static Target parse(String s) {
            String[] f = s.split(":");
            try {
                boolean tls = f[0].equals("ssl") || f[0].equals("pssl");
                if ((f[0].equals("tcp") || f[0].equals("ssl")) && f.length == 3) {
                    return new Target(false, tls, f[1], port(f[2]));
                }
                if ((f[0].equals("ptcp") || f[0].equals("pssl")) && (f.length == 2 || f.length == 3)) {
                    return new Target(true, tls, f.length == 3 ? f[2] : "0.0.0.0", port(f[1]));
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new IllegalArgumentException("unsupported controller target '" + s
                    + "' (supported: tcp:IP:PORT, ssl:IP:PORT, ptcp:PORT[:IP], pssl:PORT[:IP])");
        }

        private static int port(String s) {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) throw new NumberFormatException("port out of range");
            return p;
        }

        @Override
        public String toString() {
            String scheme = (passive ? "p" : "") + (tls ? "ssl" : "tcp");
            return passive ? scheme + ":" + port + ":" + host : scheme + ":" + host + ":" + port;
        }
    }

    /** One bridge's controller connections. */
    public final class Session implements AutoCloseable {
        private final SwitchBackend backend;
        private final List<OfChannelHandler> established = new CopyOnWriteArrayList<>();
        private final List<AutoCloseable> endpoints = new ArrayList<>();
        private final ArrayBlockingQueue<Object[]> packetIns = new ArrayBlockingQueue<>(PACKET_IN_QUEUE);
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private final AtomicLong packetInsDropped = new AtomicLong();
        private final AtomicLong packetInsRateLimited = new AtomicLong();
        private volatile PacketInLimiter limiter;
        private final EventLoop loop = group.next();
        private int activeTargets;
        private io.netty.util.concurrent.ScheduledFuture<?> failOpenTimer;
        private volatile boolean closed;
        private long generationId;
        private boolean generationSet;
        /**
         * Matches as controllers sent them (their OXM order and mask spelling), by the datapath match they became:
         * stats and flow-removed replies echo them. Forgotten when an entry with that match leaves the tables.
         */
        final java.util.concurrent.ConcurrentHashMap<io.vswitch.datapath.flow.FlowMatch, org.projectfloodlight.openflow.protocol.match.Match> sentMatches =
                new java.util.concurrent.ConcurrentHashMap<>();

        Session(SwitchBackend backend) {
            this.backend = backend;
            // Called with the pipeline's write lock held: only hands the entry to the channels' event loops.
            backend.pipeline().setFlowRemovedListener((entry, reason, now) -> {
                sentMatches.remove(entry.match);
                if (!entry.hasFlag(io.vswitch.datapath.table.FlowMod.FLAG_SEND_FLOW_REM)) return;
                for (OfChannelHandler h : established) h.sendFlowRemoved(entry, reason, now);
            });
        }

        /** Tells every connected controller about a port change (OFPPR_ADD 0, OFPPR_DELETE 1, OFPPR_MODIFY 2). */
        public void portStatus(int reason, SwitchBackend.PortInfo port) {
            for (OfChannelHandler h : established) h.sendPortStatus(reason, port);
        }

        public static final int PORT_ADD = 0, PORT_DELETE = 1, PORT_MODIFY = 2;

        public SwitchBackend backend() { return backend; }

        /** Packet-ins dropped because the queue was full or no controller was connected. */
        public long packetInsDropped() { return packetInsDropped.get(); }

        /** Packet-ins dropped by the rate limit. */
        public long packetInsRateLimited() { return packetInsRateLimited.get(); }

        /**
         * Limits packet-ins to {@code rate} a second with bursts of {@code burst} (0 = no limit), as Open vSwitch's
         * {@code controller_rate_limit}/{@code controller_burst_limit}; what exceeds it is dropped and counted.
         */
        public void setPacketInLimit(long rate, long burst) {
            limiter = rate == 0 ? null : new PacketInLimiter(rate, burst == 0 ? Math.max(1, rate / 4) : burst, System.nanoTime());
        }

        /** How many connections completed the handshake. */
        public int connectedCount() { return established.size(); }

        /** Replaces every target: closes the current listeners and connections, opens the new ones. */
        public synchronized void setTargets(List<String> targets) {
            List<Target> parsed = targets.stream().map(Target::parse).toList();
            for (Target t : parsed) if (t.tls()) tls(t);
            closeEndpoints();
            activeTargets = 0;
            for (Target t : parsed) {
                if (t.passive()) {
                    listen(t);
                } else {
                    connect(t);
                    activeTargets++;
                }
            }
            reevaluateFailOpen();
        }

        /** {@code ptcp:PORT[:IP]}: binds now (throws if the port is taken). */
        public synchronized void listen(Target t) {
            ServerBootstrap sb = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            OpenFlowAgent.this.initChannel(ch, Session.this, String.valueOf(ch.remoteAddress()), false, t);
                        }
                    });
            ChannelFuture f = sb.bind(new InetSocketAddress(t.host(), t.port())).syncUninterruptibly();
            Channel server = f.channel();
            log.info("bridge {}: listening for OpenFlow connections on {}", backend.name(), server.localAddress());
            endpoints.add(() -> {
                server.close().syncUninterruptibly();
                for (OfChannelHandler h : established) h.closeIfChildOf(server);
            });
        }

        /** {@code tcp:IP:PORT}: connects in the background and keeps reconnecting. */
        public synchronized void connect(Target t) {
            ActiveConnection c = new ActiveConnection(t);
            endpoints.add(c);
            loop.execute(c::tick);
        }

        private void closeEndpoints() {
            for (AutoCloseable c : endpoints) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("bridge {}: closing a controller endpoint: {}", backend.name(), e.toString());
                }
            }
            endpoints.clear();
        }

        @Override
        public synchronized void close() {
            closed = true;
            activeTargets = 0;
            setFailOpen(false, "controller targets removed");
            reevaluateFailOpen(); // cancels a pending timer
            closeEndpoints();
            backend.pipeline().setFlowRemovedListener((e, r, n) -> { });
        }

        /**
         * Hands a packet-in to the controllers; called by datapath threads. Never blocks: when the queue is full
         * or no controller is connected the packet is dropped and counted.
         */
        public boolean offerPacketIn(PacketIn pi, byte[] frame) {
            PacketInLimiter limit = limiter;
            if (limit != null && !established.isEmpty() && !limit.tryAcquire(System.nanoTime())) {
                packetInsRateLimited.incrementAndGet();
                return false;
            }
            if (established.isEmpty() || !packetIns.offer(new Object[]{pi, frame})) {
                packetInsDropped.incrementAndGet();
                return false;
            }
            if (drainScheduled.compareAndSet(false, true)) loop.execute(this::drainPacketIns);
            return true;
        }

        private void drainPacketIns() {
            drainScheduled.set(false);
            Object[] item;
            int n = 0;
            while (n++ < PACKET_IN_QUEUE && (item = packetIns.poll()) != null) {
                PacketIn pi = (PacketIn) item[0];
                byte[] frame = (byte[]) item[1];
                for (OfChannelHandler h : established) h.sendPacketInFromAnyThread(pi, frame);
            }
            if (!packetIns.isEmpty() && drainScheduled.compareAndSet(false, true)) loop.execute(this::drainPacketIns);
        }

        void established(OfChannelHandler h) {
            established.add(h);
            updateTableMiss();
            if (h.active) reevaluateFailOpen();
        }

        void removed(OfChannelHandler h) {
            if (established.remove(h)) {
                updateTableMiss();
                if (h.active) reevaluateFailOpen();
            }
        }

        // ------------------------------------------------------------------------------------ fail-open

        /**
         * Fail-standalone as Open vSwitch does it: when the bridge has active controller targets and none of them has
         * been connected for three inactivity-probe intervals, the datapath switches every packet by NORMAL
         * ("fail-open") while keeping the flow tables; the first controller to connect ends it. Passive listeners
         * ({@code ptcp:}, {@code pssl:}) are tools' doors, not controllers, and do not count. Fail-secure never fails
         * open. Runs on the session's event loop.
         */
        private void evaluateFailOpen() {
            boolean connected = false;
            for (OfChannelHandler h : established) connected |= h.active;
            boolean wantTimer = activeTargets > 0 && !connected && backend.failStandalone() && !closed;
            if (!wantTimer) {
                if (failOpenTimer != null) failOpenTimer.cancel(false);
                failOpenTimer = null;
                setFailOpen(false, connected ? "a controller connected" : "no controller is expected or fail mode is secure");
            } else if (failOpenTimer == null && !backend.pipeline().failOpen()) {
                failOpenTimer = loop.schedule(() -> {
                    failOpenTimer = null;
                    boolean now = false;
                    for (OfChannelHandler h : established) now |= h.active;
                    if (!now && activeTargets > 0 && backend.failStandalone() && !closed) {
                        setFailOpen(true, "no controller connected for " + failOpenAfterMs / 1000 + " s");
                    }
                }, failOpenAfterMs, TimeUnit.MILLISECONDS);
            }
        }

        private void setFailOpen(boolean on, String why) {
            if (backend.pipeline().failOpen() == on) return;
            backend.pipeline().setFailOpen(on);
            if (on) log.warn("bridge {}: {}: fail-open, switching every packet by NORMAL until a controller connects (fail-mode standalone)", backend.name(), why);
            else log.info("bridge {}: {}: leaving fail-open, the flow tables decide again", backend.name(), why);
        }

        /** Re-applies the fail-mode rules, e.g. after the bridge's fail mode changed. */
        public void failModeChanged() {
            reevaluateFailOpen();
        }

        /**
         * Runs {@link #evaluateFailOpen} on the session's loop. Channels close (and report it here) while the agent
         * shuts its loops down; a loop that is going away takes no task, and none is needed then.
         */
        private void reevaluateFailOpen() {
            if (!loop.isShuttingDown()) loop.execute(this::evaluateFailOpen);
        }

        /** Whether the bridge is failing open right now. */
        public boolean failingOpen() { return backend.pipeline().failOpen(); }

        /** OpenFlow 1.0 sends table misses to the controller: on while any 1.0 controller is connected. */
        private void updateTableMiss() {
            boolean any10 = false;
            for (OfChannelHandler h : established) {
                any10 |= h.factory() != null && h.factory().getVersion() == org.projectfloodlight.openflow.protocol.OFVersion.OF_10;
            }
            backend.pipeline().setTableMissToController(any10);
        }

        synchronized boolean checkGeneration(long id) {
            if (generationSet && (id - generationId) < 0) return false;
            generationId = id;
            generationSet = true;
            return true;
        }

        synchronized long generationId() { return generationId; }

        void demoteMasters(OfChannelHandler newMaster) {
            for (OfChannelHandler h : established) {
                if (h != newMaster && h.role == OFControllerRole.ROLE_MASTER) h.role = OFControllerRole.ROLE_SLAVE;
            }
        }

        /** An active connection and its reconnect state machine, driven on the session's event loop. */
        private final class ActiveConnection implements AutoCloseable {
            private final Target target;
            private final Reconnect reconnect;
            private volatile boolean closed;
            private Channel channel;

            ActiveConnection(Target target) {
                this.target = target;
                this.reconnect = new Reconnect(MIN_BACKOFF_MS, MAX_BACKOFF_MS, CONNECT_TIMEOUT_MS, now());
            }

            private long now() { return System.nanoTime() / 1_000_000; }

            void tick() {
                if (closed) return;
                long now = now();
                switch (reconnect.run(now)) {
                    case CONNECT -> attempt(now);
                    case DISCONNECT -> {
                        if (channel != null) channel.close();
                        reconnect.disconnected(now);
                    }
                    case NONE -> { }
                }
                long deadline = reconnect.deadline();
                if (deadline != Long.MAX_VALUE) loop.schedule(this::tick, Math.max(1, deadline - now()), TimeUnit.MILLISECONDS);
            }

            private void attempt(long now) {
                reconnect.connecting(now);
                Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MS)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                OpenFlowAgent.this.initChannel(ch, Session.this, target.toString(), true, target);
                            }
                        });
                ChannelFuture f = b.connect(target.host(), target.port());
                channel = f.channel();
                f.addListener(done -> {
                    if (closed) {
                        f.channel().close();
                        return;
                    }
                    if (done.isSuccess()) {
                        reconnect.connected(now());
                        f.channel().closeFuture().addListener(x -> {
                            reconnect.disconnected(now());
                            log.info("bridge {}: connection to {}:{} lost, retrying in {} ms", backend.name(), target.host(), target.port(), reconnect.backoff());
                            tick();
                        });
                    } else {
                        reconnect.disconnected(now());
                        log.debug("bridge {}: connecting to {}:{} failed: {}", backend.name(), target.host(), target.port(), done.cause().toString());
                        tick();
                    }
                });
            }

            @Override
            public void close() {
                closed = true;
                loop.execute(() -> {
                    if (channel != null) channel.close();
                });
            }
        }
    }
}
