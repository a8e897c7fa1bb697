package io.vswitch.vethbridge.cni;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A client of vswitchd's control socket ({@code RUNDIR/vswitchd.ctl}), speaking its plain-text protocol (see
 * vswitchd's {@code ControlProtocol}: {@code "a ARG"} lines, a {@code "."}, then {@code "status N"} and the
 * output). Written here rather than depending on the vswitchd module: the plugin needs two commands, not the
 * daemon's classes.
 */
final class VswitchdControl {
    record Reply(int status, String output) { }

    private final Path socket;

    VswitchdControl(Path rundir) {
        this.socket = rundir.resolve("vswitchd.ctl");
    }

    Reply run(String... args) throws CniException {
        if (!Files.exists(socket)) {
            throw new CniException(CniException.TRY_AGAIN_LATER, "vswitchd is not running (no control socket " + socket + ")",
                    "start it with bin/vswitchd, or set vswitchdRundir");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Writer w = new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8);
            for (String a : List.of(args)) w.write("a " + a + "\n");
            w.write(".\n");
            w.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String status = r.readLine();
            if (status == null || !status.startsWith("status ")) throw new IOException("unexpected reply " + status);
            StringBuilder out = new StringBuilder();
            for (String line; (line = r.readLine()) != null; ) out.append(line).append('\n');
            return new Reply(Integer.parseInt(status.substring(7).strip()), out.toString().strip());
        } catch (IOException | NumberFormatException e) {
            throw new CniException(CniException.IO_FAILURE, "talking to vswitchd at " + socket + ": " + e.getMessage());
        }
    }
}
