package io.vswitch.vswitchd.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The control socket's wire format (a UNIX stream socket, one request per connection):
 * <pre>
 *   request:   "a " + argument, one line each (an argument never holds a newline), then "."
 *   response:  "status N" (0 = success, as vsctl's exit code), then the output lines, then end of stream
 * </pre>
 * Plain text on purpose: a person can drive it with {@code socat} when debugging.
 */
public final class ControlProtocol {
    public static void writeRequest(Writer w, List<String> args) throws IOException {
        for (String a : args) {
            if (a.indexOf('\n') >= 0) throw new IllegalArgumentException("argument holds a newline: " + a);
            w.write("a " + a + "\n");
        }
        w.write(".\n");
        w.flush();
    }

    public static List<String> readRequest(BufferedReader r) throws IOException {
        List<String> args = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null && !line.equals(".")) {
            if (!line.startsWith("a ")) throw new IOException("bad request line: " + line);
            args.add(line.substring(2));
        }
        if (line == null) throw new IOException("request ended before its end mark");
        return args;
    }

    private ControlProtocol() {}
}
