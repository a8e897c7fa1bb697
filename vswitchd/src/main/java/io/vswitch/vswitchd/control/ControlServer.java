package io.vswitch.vswitchd.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves vsctl requests on a UNIX socket (owner-only permissions: it can reconfigure the switch), one at a time
 * on its own thread, so control operations are serialised.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final Path path;
    private final ServerSocketChannel server;
    private final CommandHandler handler;
    private final Thread thread;

    public ControlServer(Path path, CommandHandler handler) throws IOException {
        this.path = path;
        this.handler = handler;
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            // A socket left by a daemon that died: refuse if one still answers there.
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                throw new IOException("another vswitchd is listening on " + path + " (stop it first, or use --rundir)");
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().startsWith("another vswitchd")) throw stale;
                Files.delete(path);
            }
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        thread = Thread.ofPlatform().name("control").daemon(true).start(this::serve);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                Writer out = new OutputStreamWriter(Channels.newOutputStream(c), StandardCharsets.UTF_8);
                List<String> args = ControlProtocol.readRequest(in);
                CommandHandler.Response r = handler.handle(args);
                out.write("status " + r.status() + "\n");
                out.write(r.output());
                out.flush();
            } catch (IOException e) {
                if (server.isOpen()) log.warn("control connection failed: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.error("control request crashed (a bug: please report it)", e);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("closing control socket {}: {}", path, e.getMessage());
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
