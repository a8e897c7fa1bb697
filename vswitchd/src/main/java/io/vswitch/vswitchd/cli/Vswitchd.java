package io.vswitch.vswitchd.cli;

import io.vswitch.vswitchd.Daemon;
import io.vswitch.vswitchd.bridge.Bridge;
import io.vswitch.vswitchd.control.CommandHandler;
import io.vswitch.vswitchd.control.ControlServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vswitchd}: the switch daemon. Runs in the foreground until SIGTERM/SIGINT, then releases everything. */
@Command(name = "vswitchd", mixinStandardHelpOptions = true, version = "vswitchd 0.1.0",
        description = {"The switch daemon: hosts bridges whose ports are Linux network devices (AF_PACKET) or patches",
            "between bridges, forwards with the cached datapath, and is configured with vsctl over a control socket.",
            "Its configuration (bridges, ports, controllers, fail modes) persists and is restored at start.",
            "With --bridge it also makes one transient bridge at start (never saved, gone at exit), e.g. for a test",
            "harness: vswitchd --rundir /tmp/v --config /tmp/v/conf --bridge br0 --dpid 1 --controller tcp:127.0.0.1:6653 --ports 'eth1 eth2'"})
public final class Vswitchd implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Vswitchd.class);

    @Option(names = "--rundir", defaultValue = "/run/vswitch", description = "Directory of the control socket and pid file (default: ${DEFAULT-VALUE}).")
    Path rundir;

    @Option(names = "--config", defaultValue = "/var/lib/vswitch/vswitchd.conf", description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--pmd-threads", paramLabel = "N",
            description = "Datapath threads (default: one per CPU, at most 8; they sleep in epoll when idle). "
                    + "Measured on 2 cores: ports on two threads carry ~1.5x the TCP of one; see --pmd-auto-lb for which port goes where.")
    Integer threads;

    @Option(names = "--pmd-auto-lb", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Place ports on datapath threads by measured load (default: on): all on one thread while the load is low "
                    + "(a request and its answer cross the switch without a thread wake-up), spread when a thread is busy with "
                    + "several loaded ports. --no-pmd-auto-lb keeps each port where it was added (the thread with the fewest ports).")
    boolean autoBalance;

    /** One datapath thread per CPU, at most 8: idle threads cost nothing, busy ports get a core each. */
    static int defaultThreads() {
        return Math.min(8, Runtime.getRuntime().availableProcessors());
    }

    @Option(names = "--probe-interval", defaultValue = "5",
            description = "OpenFlow inactivity probe in seconds (default: ${DEFAULT-VALUE}): echo after this long without a message, "
                    + "disconnect after twice; a fail-standalone bridge fails open after three intervals without a controller.")
    int probeSeconds;

    @Option(names = "--bridge", paramLabel = "NAME",
            description = "Make this bridge at start, transient: not written to the configuration file, removed at exit.")
    String bridge;

    @Option(names = "--dpid", paramLabel = "HEX", description = "Datapath id of the --bridge (up to 16 hex digits; default: derived from its name).")
    String dpid;

    @Option(names = "--controller", paramLabel = "TARGET",
            description = "Controller of the --bridge (tcp:IP:PORT, ssl:IP:PORT, ptcp:PORT[:IP], pssl:PORT[:IP]); repeatable.")
    List<String> controllers = new ArrayList<>();

    @Option(names = "--ports", paramLabel = "IFACES",
            description = "Network devices to add to the --bridge as OpenFlow ports 1, 2, 3... in this order (space- or comma-separated; repeatable).")
    List<String> ports = new ArrayList<>();

    @Option(names = "--fail-mode", paramLabel = "MODE", defaultValue = "secure",
            description = "Fail mode of the --bridge: secure (default: forward only what flows say) or standalone.")
    String failMode;

    @Override
    public Integer call() throws Exception {
        if (threads == null) threads = defaultThreads();
        if (threads < 1 || threads > 64) throw new IllegalArgumentException("--pmd-threads must be 1-64");
        Long bridgeDpid = checkBridgeOptions();
        Files.createDirectories(rundir);
        Path pidFile = rundir.resolve("vswitchd.pid");
        if (probeSeconds < 1 || probeSeconds > 3600) throw new IllegalArgumentException("--probe-interval must be 1-3600 seconds");
        Daemon daemon = new Daemon(config, threads, probeSeconds);
        daemon.setAutoBalance(autoBalance);
        ControlServer control;
        try {
            daemon.restore();
            daemon.startLinkMonitor();
            if (bridge != null) makeTransientBridge(daemon, bridgeDpid);
            control = new ControlServer(rundir.resolve("vswitchd.ctl"), new CommandHandler(daemon));
        } catch (Exception e) {
            daemon.close();
            throw e;
        }
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("housekeeping").daemon(true).unstarted(r));
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                daemon.refreshLinks();
                daemon.syncStats();
                daemon.expire();
            } catch (Exception e) {
                log.warn("housekeeping: {}", e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                daemon.rebalance();
            } catch (RuntimeException e) {
                log.warn("placing ports on datapath threads: {}", e.getMessage());
            }
        }, Daemon.REBALANCE_INTERVAL_MS, Daemon.REBALANCE_INTERVAL_MS, TimeUnit.MILLISECONDS);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            log.info("stopping: closing the control socket, datapath threads and ports");
            housekeeping.shutdownNow();
            control.close();
            daemon.close();
            try {
                Files.deleteIfExists(pidFile);
            } catch (java.io.IOException ignored) {
                // best effort: the pid file is informational
            }
            stopped.countDown();
        }));
        log.info("vswitchd ready: control socket {}, config {}, {} datapath thread(s)", rundir.resolve("vswitchd.ctl"), config, threads);
        stopped.await();
        return 0;
    }

    /** Checks the --bridge options before anything is made; returns the parsed --dpid (null: derived from the name). */
    Long checkBridgeOptions() {
        boolean bridgeOptions = dpid != null || !controllers.isEmpty() || !ports.isEmpty();
        if (bridge == null) {
            if (bridgeOptions) throw new IllegalArgumentException("--dpid, --controller and --ports need --bridge NAME");
            return null;
        }
        if (!failMode.equals("secure") && !failMode.equals("standalone")) {
            throw new IllegalArgumentException("--fail-mode must be secure or standalone, not '" + failMode + "'");
        }
        if (dpid == null) return null;
        String hex = dpid.startsWith("0x") ? dpid.substring(2) : dpid;
        if (!hex.matches("[0-9A-Fa-f]{1,16}")) throw new IllegalArgumentException("--dpid must be 1-16 hex digits, not '" + dpid + "'");
        return Long.parseUnsignedLong(hex, 16);
    }

    /** The --bridge: made, then its ports numbered 1..N in the order given, then its controllers connected. */
    private void makeTransientBridge(Daemon daemon, Long bridgeDpid) throws Daemon.DaemonException, java.io.IOException {
        daemon.addBridge(bridge, bridgeDpid, Bridge.FailMode.valueOf(failMode.toUpperCase()), false);
        int number = 1;
        for (String list : ports) {
            for (String iface : list.trim().split("[\\s,]+")) {
                if (iface.isEmpty()) continue;
                daemon.addPort(bridge, iface, "afpacket", number++, Map.of());
            }
        }
        if (!controllers.isEmpty()) daemon.setControllers(bridge, controllers);
        log.info("transient bridge {}: dpid {}, {} port(s), controllers {}", bridge,
                String.format("%016x", daemon.bridge(bridge).dpid()), number - 1, controllers);
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Vswitchd());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("vswitchd: " + ex.getMessage());
            return 1;
        });
        int code = cl.execute(args);
        if (code != 0) System.exit(code);
    }
}
