package io.vswitch.vethbridge;

import java.nio.charset.StandardCharsets;

/** Validation of interface and namespace names, with messages that name the offender. */
public final class Names {
    /** IFNAMSIZ - 1: the kernel keeps 16 bytes including the NUL. */
    public static final int MAX_IFNAME_BYTES = 15;
    /** NAME_MAX for the file under /var/run/netns. */
    public static final int MAX_NETNS_BYTES = 255;

    private Names() {
    }

    /**
     * Checks an interface name as the kernel's {@code dev_valid_name} does: 1-15 bytes, not "."
     * or "..", no '/', ':' or whitespace.
     *
     * @throws IllegalArgumentException e.g. "h1-eth0-very-long-name: interface names are at most 15 bytes"
     */
    public static String checkInterface(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("interface name is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_IFNAME_BYTES) {
            throw new IllegalArgumentException(name + ": interface names are at most " + MAX_IFNAME_BYTES + " bytes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(name + ": not a valid interface name");
        }
        checkChars(name, "interface", true);
        return name;
    }

    /** Checks a namespace name: a file name under /var/run/netns (no '/', no whitespace, not "." or ".."). */
    public static String checkNamespace(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("namespace name is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NETNS_BYTES) {
            throw new IllegalArgumentException(name + ": namespace names are at most " + MAX_NETNS_BYTES + " bytes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(name + ": not a valid namespace name");
        }
        checkChars(name, "namespace", false);
        return name;
    }

    private static void checkChars(String name, String what, boolean colon) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || (colon && c == ':') || Character.isWhitespace(c) || Character.isISOControl(c)) {
                String shown = Character.isWhitespace(c) || Character.isISOControl(c)
                        ? String.format("\\u%04x", (int) c) : String.valueOf(c);
                throw new IllegalArgumentException(name + ": " + what + " names may not contain '" + shown + "'");
            }
        }
    }
}
