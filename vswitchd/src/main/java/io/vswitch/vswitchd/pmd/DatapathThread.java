package io.vswitch.vswitchd.pmd;

import io.vswitch.datapath.cache.FastPath;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.pipeline.PacketIn;
import io.vswitch.datapath.pipeline.PacketSink;
import io.vswitch.linux.Epoll;
import io.vswitch.linux.LinuxException;
import io.vswitch.vswitchd.bridge.Bridge;
import io.vswitch.vswitchd.netem.LinkEmulator;
import io.vswitch.vswitchd.netem.LinkParams;
import io.vswitch.vswitchd.pcap.PcapRecorder;
import io.vswitch.vswitchd.port.AfPacketPort;
import io.vswitch.vswitchd.port.PatchPort;
import io.vswitch.vswitchd.port.Port;
import io.vswitch.vswitchd.port.TxBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A datapath thread (Open vSwitch's PMD): owns a set of ports, receives from them in batches, runs each frame
 * through its bridge's fast path, and sends the resulting batches.
 *
 * <h2>Duty cycle</h2>
 * <pre>
 *   wait on epoll (ports' fds; blocks when idle, so an idle daemon uses no CPU)
 *   for each ready port: receive one batch (up to 32) -> FastPath.process each frame -> outputs queued per port
 *   drain patch ports fed by the bridges above (bounded rounds)
 *   flush every port that got output (one sendmmsg each)
 *   every 100 ms, in a cycle that found nothing (or 100 ms late under unbroken load): credit cached hits to
 *     OpenFlow counters, drop invalidated cache entries
 * </pre>
 * One clock read per batch. Commands (add/remove a port, flush statistics) come through a queue and an eventfd
 * wake-up, and run between batches, so ports are only touched by this thread.
 *
 * <h2>Recording and replay</h2>
 * A recorded port ({@link Port#recorder()} not null) has its received batch offered to the recorder before the
 * pipeline sees (and maybe edits) it, and each output offered as it is queued; unrecorded ports cost one null
 * check per batch and per output. Replayed frames ({@link #inject}) arrive as a command and go through the same
 * path as a received batch, recording included.
 */
public final class DatapathThread implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DatapathThread.class);
    private static final long HOUSEKEEPING_NANOS = 100_000_000L;
    private static final int MAX_PATCH_ROUNDS = 8;

    private final int id;
    private final Epoll epoll;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Packet[] batch = new Packet[AfPacketPort.BATCH];
    private final int[] ready = new int[64];
    /** The ports served in the current cycle and how many frames each gave, to share out the cycle's time. */
    private Port[] servedPorts = new Port[16];
    private int[] servedFrames = new int[16];
    private int servedCount;
    private final List<Slot> slots = new ArrayList<>();
    /** One per bridge this thread has served; a list (bridges are few) so housekeeping walks it without garbage. */
    private final List<Lane> lanes = new ArrayList<>();
    private Port[] dirty = new Port[16];
    private int dirtyCount;
    private volatile boolean running = true;
    private Thread thread;

    /** Per-thread statistics (pmd-stats-show). */
    private long batches, packets, busyNanos, idleWakeups;

    /** A port this thread serves, with the sinks its link emulation releases frames into (made once). */
    private final class Slot {
        final Port port;
        final Bridge bridge;
        final Lane lane;
        final LinkEmulator.Sink toWire;
        final LinkEmulator.Sink toPipeline;

        Slot(Port port, Bridge bridge, Lane lane) {
            this.port = port;
            this.bridge = bridge;
            this.lane = lane;
            this.toWire = p -> transmit(port, p);
            this.toPipeline = p -> lane.fastPath.process(p, port.number(), lane, now);
        }
    }

    /** The clock reading of the batch being processed (one read per batch). */
    private long now;
    /** Whether any served port has link emulation (then the loop also releases due frames). */
    private boolean emulating;

    /** This thread's fast path for one bridge, and the sink that routes its outputs to the bridge's ports. */
    private final class Lane implements PacketSink {
        final Bridge bridge;
        final FastPath fastPath;

        Lane(Bridge bridge) {
            this.bridge = bridge;
            this.fastPath = new FastPath(bridge.pipeline());
        }

        @Override
        public void output(int portNumber, Packet p, int queueId) {
            Port out = bridge.port(portNumber);
            if (out == null) return;
            PcapRecorder rec = out.recorder();
            if (rec != null && rec.tx()) rec.offer(p, now);
            if (out.egress != null) {
                out.egress.offer(p, now);
                return;
            }
            transmit(out, p);
        }

        @Override
        public void packetIn(Packet p, PacketIn packetIn) {
            io.vswitch.openflow.OpenFlowAgent.Session s = bridge.openflow;
            if (s == null || s.connectedCount() == 0) {
                bridge.packetInsDropped.incrementAndGet();
                return;
            }
            byte[] frame = p.buffer().asSlice(p.start, p.length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            if (!s.offerPacketIn(packetIn, frame)) bridge.packetInsDropped.incrementAndGet();
        }
    }

    public DatapathThread(int id) throws LinuxException {
        this.id = id;
        this.epoll = Epoll.open();
        for (int i = 0; i < batch.length; i++) batch[i] = Packet.allocate(io.vswitch.vswitchd.Daemon.FRAME_CAPACITY);
    }

    public int id() { return id; }

    public void start() {
        thread = Thread.ofPlatform().name("pmd" + id).daemon(true).start(this);
    }

    /** Runs {@code command} on this thread between batches; completes when it has run. */
    public CompletableFuture<Void> submit(Runnable command) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        commands.add(() -> {
            try {
                command.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        wake();
        return done;
    }

    /** Starts serving {@code port} of {@code bridge}. */
    public CompletableFuture<Void> addPort(Bridge bridge, Port port) {
        return submit(() -> {
            Lane lane = lane(bridge);
            slots.add(new Slot(port, bridge, lane));
            recomputeEmulating(); // a port may arrive with its link emulation (moved from another thread)
            int[] fds = port.pollFds();
            for (int k = 0; k < fds.length; k++) {
                try {
                    epoll.add(fds[k], slots.size() - 1);
                } catch (LinuxException e) {
                    for (int j = 0; j < k; j++) unregister(fds[j]);
                    slots.remove(slots.size() - 1);
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        });
    }

    /** Stops serving {@code port}; completes once this thread no longer touches it. */
    public CompletableFuture<Void> removePort(Port port) {
        return submit(() -> {
            for (int i = 0; i < slots.size(); i++) {
                if (slots.get(i).port == port) {
                    for (int fd : port.pollFds()) unregister(fd);
                    slots.remove(i);
                    reindex();
                    recomputeEmulating();
                    return;
                }
            }
        });
    }

    /** Forgets a bridge's fast path (the bridge is being deleted; its ports were removed first). */
    public CompletableFuture<Void> removeBridge(Bridge bridge) {
        return submit(() -> {
            for (int i = 0; i < lanes.size(); i++) {
                if (lanes.get(i).bridge == bridge) lanes.remove(i).fastPath.flushStats(System.nanoTime());
            }
        });
    }

    /** This thread's lane for {@code bridge}, made on first use (on this thread). */
    private Lane lane(Bridge bridge) {
        for (int i = 0; i < lanes.size(); i++) if (lanes.get(i).bridge == bridge) return lanes.get(i);
        Lane lane = new Lane(bridge);
        lanes.add(lane);
        return lane;
    }

    /**
     * Executes an OpenFlow packet-out on this thread, so its frames leave through the ports like forwarded ones;
     * completes exceptionally with the {@link io.vswitch.datapath.OpenFlowException} of invalid actions.
     */
    public CompletableFuture<Void> packetOut(Bridge bridge, byte[] frame, int inPort, java.util.List<io.vswitch.datapath.action.Action> actions) {
        return submit(() -> {
            Lane lane = lane(bridge);
            if (packetOutExecutor == null) packetOutExecutor = new io.vswitch.datapath.pipeline.ActionExecutor();
            now = System.nanoTime();
            bridge.pipeline().packetOut(Packet.of(frame), inPort, actions, packetOutExecutor, lane, now);
            flushDirty();
        });
    }

    private io.vswitch.datapath.pipeline.ActionExecutor packetOutExecutor;

    /** Credits cached hits to the OpenFlow counters now (before statistics are read). */
    public CompletableFuture<Void> flushStats() {
        return submit(this::housekeep);
    }

    /**
     * Sets (or, with null params, removes) link emulation on {@code port} in one or both directions. Frames still
     * in a replaced emulator are dropped (counted there), as when tc replaces a netem qdisc.
     */
    public CompletableFuture<Void> setLink(Port port, boolean egress, boolean ingress, LinkParams params) {
        return submit(() -> {
            long seed = System.nanoTime();
            if (egress) port.egress = params == null ? null : new LinkEmulator(params, seed);
            if (ingress) port.ingress = params == null ? null : new LinkEmulator(params, seed + 1);
            recomputeEmulating();
        });
    }

    private void recomputeEmulating() {
        emulating = false;
        for (Slot s : slots) emulating |= s.port.egress != null || s.port.ingress != null;
    }

    private void reindex() {
        // Epoll tokens are slot indices: re-register after a removal shifted them.
        for (int i = 0; i < slots.size(); i++) {
            Port p = slots.get(i).port;
            for (int fd : p.pollFds()) {
                unregister(fd);
                try {
                    epoll.add(fd, i);
                } catch (LinuxException e) {
                    log.error("pmd{}: cannot re-register port {} with epoll: {}", id, p.name(), e.getMessage());
                }
            }
        }
    }

    @Override
    public void run() {
        now = System.nanoTime();
        nextHousekeeping = now + HOUSEKEEPING_NANOS;
        long lastFailureLog = 0;
        while (running) {
            try {
                int received = cycle();
                if (received < 0) return;
                // Housekeeping waits for a cycle that found nothing (epoll sleeps no later than it is due), so it
                // never runs between a request's forwarding and its answer's; under unbroken load, one period late.
                long late = now - nextHousekeeping;
                if (late >= 0 && (received == 0 || late >= HOUSEKEEPING_NANOS)) {
                    housekeep();
                    nextHousekeeping = now + HOUSEKEEPING_NANOS;
                }
            } catch (RuntimeException e) {
                // A bug must not take the thread, and with it every port it serves, down: the cycle's frames are
                // lost, the thread goes on, and the log says so (at most once a second).
                failures++;
                long t = System.nanoTime();
                if (t - lastFailureLog >= 1_000_000_000L) {
                    log.error("pmd{}: a datapath cycle failed ({} so far); its frames are lost, the thread goes on", id, failures, e);
                    lastFailureLog = t;
                }
                servedCount = 0;
                dirtyCount = 0;
            }
        }
    }

    /** Cycles that failed with an exception (a bug): see {@link #run}. */
    private long failures;

    /** When {@link #housekeep} is next due (System.nanoTime). */
    private long nextHousekeeping;

    /**
     * One duty cycle: the frames it received, or -1 if the thread must stop (epoll failed). Leaves the cycle's end
     * time in {@link #now}.
     */
    private int cycle() {
        Runnable c;
        while ((c = commands.poll()) != null) c.run();
        int n;
        try {
            int timeout = (int) Math.clamp((nextHousekeeping - now) / 1_000_000L + 1, 0L, 100L);
            n = epoll.wait(ready, emulating ? Math.min(emulationTimeout(), timeout) : timeout);
        } catch (LinuxException e) {
            log.error("pmd{}: epoll_wait failed: {}; stopping this datapath thread", id, e.getMessage());
            return -1;
        }
        long start = System.nanoTime();
        now = start;
        int received = 0;
        servedCount = 0;
        for (int i = 0; i < n; i++) {
            int token = ready[i];
            if (token >= 0 && token < slots.size()) received += served(slots.get(token), start);
        }
        received += drainPatches(start);
        if (emulating) received += releaseEmulated(start);
        flushDirty();
        long end = System.nanoTime();
        if (received > 0) {
            batches++;
            packets += received;
            busyNanos += end - start;
            shareOut(end - start);
        } else {
            idleWakeups++;
        }
        now = end;
        return received;
    }

    /** {@link #serve}, noting the port and its frames for {@link #shareOut}. */
    private int served(Slot s, long now) {
        int got = serve(s, now);
        if (got > 0) {
            if (servedCount == servedPorts.length) {
                servedPorts = java.util.Arrays.copyOf(servedPorts, servedCount * 2);
                servedFrames = java.util.Arrays.copyOf(servedFrames, servedCount * 2);
            }
            servedPorts[servedCount] = s.port;
            servedFrames[servedCount++] = got;
        }
        return got;
    }

    /**
     * Charges a busy cycle's time to the ports whose frames it served, by frame count (most cycles serve one
     * port, so this is exact there). Sends happen once per cycle for all ports, so they cannot be timed per port.
     */
    private void shareOut(long nanos) {
        int total = 0;
        for (int i = 0; i < servedCount; i++) total += servedFrames[i];
        if (total == 0) return; // only emulated releases: not charged
        for (int i = 0; i < servedCount; i++) {
            servedPorts[i].busyNanos += nanos * servedFrames[i] / total;
            servedPorts[i] = null;
        }
        servedCount = 0;
    }

    private int serve(Slot s, long now) {
        int n;
        try {
            n = s.port.receive(batch);
        } catch (IOException e) {
            log.warn("pmd{}: receive on {} failed: {}", id, s.port.name(), e.getMessage());
            return 0;
        }
        LinkEmulator in = s.port.ingress;
        if (in != null) {
            // Recorded as it arrives on the wire, then held by the emulated link before the pipeline sees it.
            PcapRecorder rec = s.port.recorder();
            if (rec != null && rec.rx()) for (int i = 0; i < n; i++) rec.offer(batch[i], now);
            for (int i = 0; i < n; i++) in.offer(batch[i], now);
            return n;
        }
        process(s, n, now);
        return n;
    }

    /** Runs the first {@code n} frames of {@code batch} through the slot's bridge as received on its port. */
    private void process(Slot s, int n, long now) {
        PcapRecorder rec = s.port.recorder();
        if (rec != null && rec.rx()) for (int i = 0; i < n; i++) rec.offer(batch[i], now);
        FastPath fp = s.lane.fastPath;
        int inPort = s.port.number();
        for (int i = 0; i < n; i++) fp.process(batch[i], inPort, s.lane, now);
    }

    /**
     * Replay: runs {@code frames[0..n)} (n at most {@link AfPacketPort#BATCH}, each at most
     * {@link #maxInjectedFrame} bytes) through {@code port}'s bridge as if received on {@code port}, then sends
     * the outputs. Completes when done; fails if this thread no longer serves the port (it was deleted).
     */
    public CompletableFuture<Void> inject(Port port, byte[][] frames, int n) {
        if (n > batch.length) throw new IllegalArgumentException("at most " + batch.length + " frames per injection, not " + n);
        return submit(() -> {
            Slot s = null;
            for (Slot x : slots) if (x.port == port) s = x;
            if (s == null) throw new IllegalStateException("port " + port.name() + " was removed during the replay");
            long now = System.nanoTime();
            this.now = now;
            for (int i = 0; i < n; i++) batch[i].load(frames[i], 0, frames[i].length);
            process(s, n, now);
            drainPatches(now); // what crossed a patch goes on now, not after the next epoll wait
            flushDirty();
        });
    }

    /** The largest frame {@link #inject} takes. */
    public static int maxInjectedFrame() {
        return io.vswitch.vswitchd.Daemon.FRAME_CAPACITY - Packet.HEADROOM;
    }

    /** Completes once this thread has finished the batch it was processing (if any). */
    public CompletableFuture<Void> barrier() {
        return submit(() -> { });
    }

    /** Releases the frames whose time has come from every emulated link, in both directions. */
    private int releaseEmulated(long now) {
        int n = 0;
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.port.ingress != null) n += s.port.ingress.release(now, s.toPipeline);
            if (s.port.egress != null) n += s.port.egress.release(now, s.toWire);
        }
        return n;
    }

    /**
     * How long epoll may sleep with frames in flight on emulated links: until the next is due, but never through
     * it. Within 2 ms of a release the thread polls instead of sleeping (epoll's millisecond timeout and the
     * scheduler's wake-up latency would make delays late by up to a millisecond; polling keeps them within
     * tens of microseconds, and costs CPU only while emulated links carry frames).
     */
    private int emulationTimeout() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.port.ingress != null) next = Math.min(next, s.port.ingress.nextRelease());
            if (s.port.egress != null) next = Math.min(next, s.port.egress.nextRelease());
        }
        if (next == Long.MAX_VALUE) return 100;
        long wait = next - System.nanoTime();
        if (wait <= 2_000_000L) {
            Thread.onSpinWait();
            return 0;
        }
        return (int) Math.min(100, wait / 1_000_000L - 1);
    }

    private int drainPatches(long now) {
        int total = 0;
        for (int round = 0; round < MAX_PATCH_ROUNDS; round++) {
            int got = 0;
            for (Slot s : slots) {
                if (s.port instanceof PatchPort pp && pp.pending()) got += served(s, now);
            }
            if (got == 0) break;
            total += got;
        }
        return total;
    }

    /** This thread's transmit batch for each port, by {@link Port#index}. */
    private TxBatch[] tx = new TxBatch[16];

    private TxBatch txBatch(Port p) {
        if (p.index >= tx.length) tx = java.util.Arrays.copyOf(tx, Math.max(tx.length * 2, p.index + 1));
        TxBatch b = tx[p.index];
        if (b == null) b = tx[p.index] = new TxBatch(AfPacketPort.BATCH);
        return b;
    }

    /** Queues a copy of {@code p} on {@code out} (sent at the end of the cycle, or now if the batch is full). */
    private void transmit(Port out, Packet p) {
        TxBatch b = txBatch(out);
        if (!b.add(p)) {
            send(out, b);
            b.add(p);
        }
        markDirty(out);
    }

    private void send(Port out, TxBatch b) {
        try {
            out.send(b);
        } catch (IOException e) {
            b.clear();
            log.warn("pmd{}: send on {} failed: {}", id, out.name(), e.getMessage());
        }
    }

    private void markDirty(Port p) {
        for (int i = 0; i < dirtyCount; i++) if (dirty[i] == p) return;
        if (dirtyCount == dirty.length) dirty = java.util.Arrays.copyOf(dirty, dirty.length * 2);
        dirty[dirtyCount++] = p;
    }

    private void flushDirty() {
        for (int i = 0; i < dirtyCount; i++) {
            send(dirty[i], txBatch(dirty[i]));
            dirty[i] = null;
        }
        dirtyCount = 0;
    }

    private void housekeep() {
        long now = System.nanoTime();
        for (int i = 0; i < lanes.size(); i++) lanes.get(i).fastPath.flushStats(now);
        // A port whose load stopped while it received by the ring goes back to recvmmsg before its next frame.
        for (int i = 0; i < slots.size(); i++) if (slots.get(i).port instanceof AfPacketPort ap) ap.idle(now);
    }

    /** Statistics in the spirit of ovs-appctl dpif-netdev/pmd-stats-show (read on the control thread). */
    public String stats() {
        StringBuilder sb = new StringBuilder();
        sb.append("pmd thread ").append(id).append(":\n");
        sb.append("  ports: ");
        for (Slot s : List.copyOf(slots)) sb.append(s.bridge.name()).append('/').append(s.port.name()).append(' ');
        sb.append('\n');
        sb.append(String.format("  packets received: %d in %d batches (%.1f per batch)%n", packets, batches,
                batches == 0 ? 0.0 : (double) packets / batches));
        sb.append(String.format("  busy time per packet: %.0f ns%n", packets == 0 ? 0.0 : (double) busyNanos / packets));
        sb.append("  idle wake-ups: ").append(idleWakeups).append('\n');
        if (failures > 0) sb.append("  failed cycles (bugs, see the log): ").append(failures).append('\n');
        for (Lane l : List.copyOf(lanes)) {
            sb.append("  bridge ").append(l.bridge.name()).append(":\n    ")
                    .append(l.fastPath.stats().toString().replace("\n", "\n    ")).append('\n');
        }
        return sb.toString();
    }

    private void wake() {
        try {
            epoll.wakeup();
        } catch (LinuxException e) {
            log.error("pmd{}: cannot wake the datapath thread: {}", id, e.getMessage());
        }
    }

    private void unregister(int fd) {
        try {
            epoll.remove(fd);
        } catch (LinuxException e) {
            log.warn("pmd{}: removing fd {} from epoll: {}", id, fd, e.getMessage());
        }
    }

    public void stop() {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        epoll.close();
    }
}
