package io.vswitch.vswitchd.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's persistent configuration: bridges, their ports, controllers and fail modes (not flows: as with
 * Open vSwitch, controllers re-install those). A line-oriented text file, written atomically (temporary file,
 * fsync, rename) after every change, read back at start:
 * <pre>
 *   bridge br0 dpid=0x00000000000000a1 fail-mode=standalone
 *   port br0 veth-a type=afpacket ofport=1
 *   port br0 to-br1 type=patch ofport=2 peer=to-br0
 *   controller br0 tcp:127.0.0.1:6653
 *   ssl /etc/vswitch/key.pem /etc/vswitch/cert.pem /etc/vswitch/cacert.pem
 * </pre>
 */
public final class Config {
    public record PortConfig(String name, String type, int ofport, Map<String, String> options) { }

    /** A bridge; {@code packetInRate}/{@code packetInBurst} limit packet-ins to its controllers (0 = no limit). */
    public record BridgeConfig(String name, long dpid, String failMode, List<PortConfig> ports, List<String> controllers,
                               long packetInRate, long packetInBurst) { }

    /** The TLS files of {@code ssl:} and {@code pssl:} controller connections ({@code vsctl set-ssl}). */
    public record SslConfig(String privateKey, String certificate, String caCertificate) { }

    private final List<BridgeConfig> bridges;
    private final SslConfig ssl;

    public Config(List<BridgeConfig> bridges) {
        this(bridges, null);
    }

    public Config(List<BridgeConfig> bridges, SslConfig ssl) {
        this.bridges = List.copyOf(bridges);
        this.ssl = ssl;
    }

    public List<BridgeConfig> bridges() { return bridges; }

    /** The TLS files, or null if none were set. */
    public SslConfig ssl() { return ssl; }

    public static Config load(Path file) throws IOException {
        if (!Files.exists(file)) return new Config(List.of());
        Map<String, BridgeConfig> byName = new LinkedHashMap<>();
        Map<String, List<PortConfig>> ports = new LinkedHashMap<>();
        Map<String, List<String>> controllers = new LinkedHashMap<>();
        SslConfig ssl = null;
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] f = t.split("\\s+");
            try {
                switch (f[0]) {
                    case "bridge" -> {
                        Map<String, String> o = options(f, 2);
                        byName.put(f[1], new BridgeConfig(f[1], Long.decode(o.getOrDefault("dpid", "0")),
                                o.getOrDefault("fail-mode", "standalone"), List.of(), List.of(),
                                Long.parseLong(o.getOrDefault("packet-in-rate", "0")), Long.parseLong(o.getOrDefault("packet-in-burst", "0"))));
                        ports.put(f[1], new ArrayList<>());
                        controllers.put(f[1], new ArrayList<>());
                    }
                    case "port" -> {
                        Map<String, String> o = options(f, 3);
                        String type = o.remove("type");
                        int ofport = Integer.parseInt(o.remove("ofport"));
                        require(ports.get(f[1]), "port of unknown bridge " + f[1]).add(new PortConfig(f[2], type, ofport, o));
                    }
                    case "ssl" -> {
                        if (f.length != 4) throw new IllegalArgumentException("expected: ssl PRIVATE-KEY CERTIFICATE CA-CERT");
                        ssl = new SslConfig(f[1], f[2], f[3]);
                    }
                    case "controller" -> require(controllers.get(f[1]), "controller of unknown bridge " + f[1]).add(f[2]);
                    default -> throw new IllegalArgumentException("unknown record '" + f[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        List<BridgeConfig> out = new ArrayList<>();
        for (BridgeConfig b : byName.values()) {
            out.add(new BridgeConfig(b.name(), b.dpid(), b.failMode(), ports.get(b.name()), controllers.get(b.name()),
                    b.packetInRate(), b.packetInBurst()));
        }
        return new Config(out, ssl);
    }

    private static <T> T require(T v, String what) {
        if (v == null) throw new IllegalArgumentException(what);
        return v;
    }

    private static Map<String, String> options(String[] f, int from) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = from; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("expected key=value, got '" + f[i] + "'");
            o.put(f[i].substring(0, eq), f[i].substring(eq + 1));
        }
        return o;
    }

    /** Writes the file atomically: readers (and a crash) see the old or the new content, never half of one. */
    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# vswitchd configuration: written by vswitchd, change it with vsctl\n");
        if (ssl != null) sb.append("ssl ").append(ssl.privateKey()).append(' ').append(ssl.certificate()).append(' ').append(ssl.caCertificate()).append('\n');
        for (BridgeConfig b : bridges) {
            sb.append(String.format("bridge %s dpid=0x%016x fail-mode=%s", b.name(), b.dpid(), b.failMode()));
            if (b.packetInRate() > 0) sb.append(" packet-in-rate=").append(b.packetInRate()).append(" packet-in-burst=").append(b.packetInBurst());
            sb.append('\n');
            for (PortConfig p : b.ports()) {
                sb.append("port ").append(b.name()).append(' ').append(p.name()).append(" type=").append(p.type())
                        .append(" ofport=").append(p.ofport());
                p.options().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
                sb.append('\n');
            }
            for (String c : b.controllers()) sb.append("controller ").append(b.name()).append(' ').append(c).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
