package io.vswitch.vethbridge.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another IPAM plugin (e.g. {@code host-local} of containernetworking-plugins) run as the CNI specification says a
 * delegate is run: found in CNI_PATH by its type, given the same environment and network configuration, its result
 * (or error) read from its stdout.
 */
final class DelegateIpam {
    private DelegateIpam() { }

    /** Runs the delegate for {@code command}; returns its result (null for DEL and CHECK, which print nothing). */
    static JsonNode run(String type, String command, Map<String, String> env, byte[] config, ObjectMapper json) throws CniException {
        Path plugin = find(type, env.getOrDefault("CNI_PATH", ""));
        ProcessBuilder pb = new ProcessBuilder(plugin.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        pb.environment().put("CNI_COMMAND", command);
        try {
            Process p = pb.start();
            p.getOutputStream().write(config);
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniException(CniException.IO_FAILURE, "IPAM plugin " + plugin + " did not finish " + command + " within 60 s");
            }
            JsonNode reply = out.length == 0 ? null : json.readTree(out);
            if (p.exitValue() != 0) {
                int code = reply == null ? CniException.IO_FAILURE : reply.path("code").asInt(CniException.IO_FAILURE);
                String msg = reply == null ? "exit status " + p.exitValue() : reply.path("msg").asText();
                throw new CniException(code, "IPAM plugin " + type + ": " + msg, reply == null ? "" : reply.path("details").asText());
            }
            return reply;
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "running IPAM plugin " + plugin + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(CniException.IO_FAILURE, "interrupted while running IPAM plugin " + plugin);
        }
    }

    static Path find(String type, String cniPath) throws CniException {
        if (!type.matches("[A-Za-z0-9_.-]+")) throw new CniException(CniException.INVALID_CONFIG, "bad IPAM type '" + type + "'");
        for (String dir : cniPath.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, type);
            if (Files.isExecutable(p)) return p;
        }
        throw new CniException(CniException.INVALID_CONFIG, "IPAM plugin " + type + " not found in CNI_PATH (" + cniPath + ")",
                "use \"vswitch-ipam\" (built in), or install it (Debian: containernetworking-plugins, in /usr/lib/cni)");
    }
}
