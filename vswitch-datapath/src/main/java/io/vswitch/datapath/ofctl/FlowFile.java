package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.table.FlowMod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A file of flows in ovs-ofctl's {@code add-flows} format: one flow per line, blank lines and {@code #} comments
 * ignored. Errors name the file, line and column ({@code demo.flows:3:17: unknown field 'nw_dts'}); a file with
 * any error yields no flows at all. {@link GroupFile} and {@link MeterFile} read groups and meters the same way.
 */
public final class FlowFile {
    /** A flow, group or meter file that could not be parsed. */
    public static final class FlowFileException extends IllegalArgumentException {
        public FlowFileException(String message) {
            super(message);
        }
    }

    public static List<FlowMod> load(Path path) {
        return loadLines(path, line -> FlowParser.parseFlow(line, FlowMod.Command.ADD));
    }

    public static List<FlowMod> parse(String name, String text) {
        return parseLines(name, text, line -> FlowParser.parseFlow(line, FlowMod.Command.ADD));
    }

    /**
     * Parses each non-blank, non-comment line of {@code text} with {@code parser}; shared by the flow, group and
     * meter files. Syntax errors are reported at file:line:column, OpenFlow errors at the line's first column.
     */
    static <T> List<T> parseLines(String name, String text, Function<String, T> parser) {
        List<T> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            int indent = line.indexOf(trimmed.charAt(0));
            try {
                out.add(parser.apply(trimmed));
            } catch (FlowSyntaxException e) {
                String msg = e.getMessage().replaceFirst("^column \\d+: ", "");
                throw new FlowFileException(name + ":" + (i + 1) + ":" + (indent + e.column()) + ": " + msg);
            } catch (OpenFlowException e) {
                throw new FlowFileException(name + ":" + (i + 1) + ":" + (indent + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    static <T> List<T> loadLines(Path path, Function<String, T> parser) {
        try {
            return parseLines(path.toString(), Files.readString(path), parser);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private FlowFile() {}
}
