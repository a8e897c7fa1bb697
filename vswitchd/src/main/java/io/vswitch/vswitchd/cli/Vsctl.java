package io.vswitch.vswitchd.cli;

import io.vswitch.datapath.ofctl.FlowFile;
import io.vswitch.vswitchd.control.ControlProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vsctl}: configures a running vswitchd (ovs-vsctl's bridge/port commands, ovs-ofctl's flow commands). */
@Command(name = "vsctl", mixinStandardHelpOptions = true, version = "vsctl 0.1.0",
        description = "Configure a running vswitchd.",
        footer = {"", "Commands:",
            "  add-br BR [dpid=HEX] [fail-mode=standalone|secure]   del-br BR   list-br   br-exists BR",
            "  add-port BR IFACE [type=afpacket|internal|patch] [ofport=N] [peer=PORT] [rx=auto|mmsg|ring] [tag=VLAN]",
            "    del-port BR PORT   list-ports BR      (tag: an access port of that VLAN for NORMAL, as OVS's tag)",
            "  set-fail-mode BR standalone|secure   get-fail-mode BR",
            "  set-controller BR TARGET...   del-controller BR   get-controller BR   show",
            "    (targets: tcp:IP:PORT ssl:IP:PORT ptcp:PORT[:IP] pssl:PORT[:IP])",
            "  set-ssl PRIVATE-KEY CERTIFICATE CA-CERT   get-ssl      (TLS files of ssl:/pssl: targets, PEM)",
            "  set-controller-rate-limit BR RATE [BURST]   (packet-ins per second, >= 100; 0 = no limit)",
            "  add-flow BR FLOW   add-flows BR FILE   mod-flows BR FLOW   del-flows BR [MATCH]   dump-flows BR [MATCH]",
            "  add-group BR GROUP   mod-group BR GROUP   del-groups BR [GROUP]   dump-groups BR",
            "  add-meter BR METER   mod-meter BR METER   del-meter BR METER   dump-meters BR",
            "  dump-ports BR   fdb-show BR   trace BR PACKET   trace BR --hex BYTES[@IN_PORT]   pmd-stats-show   pmd-rxq-show",
            "  set-link BR PORT [in|out|both] delay=10ms jitter=1ms loss=1% loss-corr=25% rate=100mbit limit=1000",
            "  clear-link BR PORT   show-link BR PORT      (link emulation in the datapath: no netem qdisc needed)",
            "  pcap-record BR PORT FILE [rx|tx|both]   pcap-stop BR PORT   pcap-replay BR PORT FILE [--rate PPS]",
            "    (record: the port's frames to a pcap file, both ways by default; stop: prints frames written and",
            "    dropped; replay: the file's frames enter BR as if received on PORT, unpaced unless --rate)",
            "", "Exit status: 0 success, 1 refused (no such bridge, port in use, OpenFlow error), 2 bad usage,",
            "3 permission denied, 4 no daemon running."})
public final class Vsctl implements Callable<Integer> {
    @Option(names = "--rundir", defaultValue = "/run/vswitch", description = "vswitchd's run directory (default: ${DEFAULT-VALUE}).")
    Path rundir;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "A command and its arguments (see below).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        List<String> request = new ArrayList<>(args);
        if (request.get(0).equals("add-flows") || request.get(0).equals("add-groups")) {
            if (request.size() != 3) throw new IllegalArgumentException("usage: " + request.get(0) + " BRIDGE FILE");
            Path file = Path.of(request.get(2));
            List<String> lines = readFile(file, request.get(0).equals("add-flows"));
            request = new ArrayList<>(List.of(request.get(0), request.get(1)));
            request.addAll(lines);
        }
        String cmd = request.get(0);
        if ((cmd.equals("pcap-record") || cmd.equals("pcap-replay")) && request.size() >= 4) {
            // The daemon runs elsewhere: a file named relative to where vsctl runs must mean the same file there.
            request.set(3, Path.of(request.get(3)).toAbsolutePath().toString());
        }
        Path socket = rundir.resolve("vswitchd.ctl");
        if (!Files.exists(socket)) {
            System.err.println("vsctl: no vswitchd is running (no control socket at " + socket + "; start bin/vswitchd, or give --rundir)");
            return 4;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (java.nio.file.AccessDeniedException | SecurityException e) {
                System.err.println("vsctl: permission denied on " + socket + " (the control socket is root's: run vsctl as root)");
                return 3;
            } catch (IOException e) {
                boolean denied = String.valueOf(e.getMessage()).contains("Permission denied");
                System.err.println("vsctl: " + (denied ? "permission denied on " + socket + " (run vsctl as root)"
                        : "cannot reach vswitchd at " + socket + ": " + e.getMessage()));
                return denied ? 3 : 4;
            }
            ControlProtocol.writeRequest(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8), request);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String status = in.readLine();
            if (status == null || !status.startsWith("status ")) {
                System.err.println("vsctl: vswitchd closed the connection without an answer");
                return 1;
            }
            int code = Integer.parseInt(status.substring(7));
            StringBuilder out = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) out.append(line).append('\n');
            if (code == 0) System.out.print(out);
            else System.err.print("vsctl: " + out);
            return code;
        }
    }

    /** Reads a flow or group file; flow syntax errors are reported here, as FILE:LINE:COL. */
    private static List<String> readFile(Path file, boolean flows) throws IOException {
        String text = Files.readString(file);
        if (flows) FlowFile.parse(file.toString(), text); // throws FILE:LINE:COL: ... on the first bad line
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) lines.add(t);
        }
        return lines;
    }

    /** vsctl's command line: options it does not know (pcap-replay's --rate) are passed on to the daemon. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Vsctl());
        cl.setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("vsctl: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        System.exit(cl.execute(args));
    }
}
