package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.table.FlowMod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of flows in ovs-ofctl's {@code add-flows} format: one flow per line, blank lines and {@code #} comments
 * ignored. Errors name the file, line and column ({@code demo.flows:3:17: unknown field 'nw_dts'}); a file with
 * any error yields no flows at all.
 */
public final class FlowFile {
    /** A flow file that could not be read or parsed. */
    public static final class FlowFileException extends IllegalArgumentException {
        public FlowFileException(String message) {
            super(message);
        }
    }

    public static List<FlowMod> load(Path path) {
        try {
            return parse(path.toString(), Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public static List<FlowMod> parse(String name, String text) {
        List<FlowMod> mods = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            int indent = line.indexOf(trimmed.charAt(0));
            try {
                mods.add(FlowParser.parseFlow(trimmed, FlowMod.Command.ADD));
            } catch (FlowSyntaxException e) {
                String msg = e.getMessage().replaceFirst("^column \\d+: ", "");
                throw new FlowFileException(name + ":" + (i + 1) + ":" + (indent + e.column()) + ": " + msg);
            } catch (OpenFlowException e) {
                throw new FlowFileException(name + ":" + (i + 1) + ":" + (indent + 1) + ": " + e.getMessage());
            }
        }
        return mods;
    }

    private FlowFile() {}
}
