package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Guards against silent drift of the hard-coded numbers: compiles src/test/c/layout.c with gcc,
 * runs it, and compares each "Class.NAME value" line with the Java constant. Also fails when a
 * constant is added to Libc, Errno or netlink.Rtnl without a line in layout.c (unchecked numbers are not
 * allowed). Skipped where gcc is missing.
 */
class LayoutDriftTest {
    @Test
    void everyConstantMatchesTheCHeaders() throws Exception {
        Path source = Path.of("src/test/c/layout.c").toAbsolutePath();
        Assumptions.assumeTrue(Files.exists(source), "run from the module directory");
        Path dir = Files.createTempDirectory("lfT-layout");
        try {
            Path exe = dir.resolve("layout");
            String compile = run(List.of("gcc", "-Wall", "-o", exe.toString(), source.toString()), true);
            Assumptions.assumeTrue(compile != null, "gcc not available");
            String out = run(List.of(exe.toString()), false);

            Map<String, Long> c = new TreeMap<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    String[] kv = line.trim().split(" ");
                    c.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            Map<String, Long> java = new TreeMap<>();
            constants(Libc.class, java);
            constants(Errno.class, java);
            constants(io.vswitch.linux.netlink.Rtnl.class, java);

            List<String> problems = new ArrayList<>();
            for (var e : java.entrySet()) {
                Long v = c.get(e.getKey());
                if (v == null) {
                    problems.add(e.getKey() + " = " + e.getValue() + " is not checked by layout.c");
                } else if (v.longValue() != e.getValue().longValue()) {
                    problems.add(e.getKey() + " is " + e.getValue() + " in Java but " + v + " in C");
                }
            }
            for (String k : c.keySet()) {
                if (!java.containsKey(k)) {
                    problems.add(k + " is printed by layout.c but is no constant in Java");
                }
            }
            assertEquals(List.of(), problems);
            assertTrue(java.size() > 90, "found the constants: " + java.size());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Policy numbers, not kernel ones: nothing in C to check them against. */
    private static final java.util.Set<String> POLICY = java.util.Set.of(
            "Libc.ERRNO_CHECK_INTERVAL", "Libc.ERRNO_CHECK_MASK");

    /** The static final int/long fields of {@code type} that are not private and not policy. */
    private static void constants(Class<?> type, Map<String, Long> into) throws IllegalAccessException {
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && !Modifier.isPrivate(m)
                    && (f.getType() == int.class || f.getType() == long.class)) {
                String key = type.getSimpleName() + "." + f.getName();
                if (!POLICY.contains(key)) {
                    into.put(key, ((Number) f.get(null)).longValue());
                }
            }
        }
    }

    /** Runs {@code cmd}; returns its output, or null if it could not start and {@code mayBeMissing}. */
    private static String run(List<String> cmd, boolean mayBeMissing) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (mayBeMissing) {
                return null;
            }
            throw e;
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + ": no exit after 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), cmd + ": " + out);
        return out;
    }
}
