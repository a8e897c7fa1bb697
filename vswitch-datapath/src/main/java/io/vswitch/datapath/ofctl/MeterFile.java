package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.meter.MeterMod;
import java.nio.file.Path;
import java.util.List;

/**
 * A file of meters in ovs-ofctl {@code add-meter} syntax, one per line ({@link MeterParser}), blank lines and
 * {@code #} comments ignored. Errors name the file, line and column as {@link FlowFile.FlowFileException}; a
 * file with any error yields no meters at all. (The multi-line text {@code dump-meters} prints is one meter over
 * several lines, so it is not a meter file: print meters for a file with {@link MeterFormatter#formatMeterMod}.)
 */
public final class MeterFile {
    public static List<MeterMod> load(Path path) {
        return load(path, MeterMod.Command.ADD);
    }

    /** Every line as a meter-mod of {@code command} (a file of mod-meter or del-meter lines). */
    public static List<MeterMod> load(Path path, MeterMod.Command command) {
        return FlowFile.loadLines(path, line -> MeterParser.parseMeter(line, command));
    }

    public static List<MeterMod> parse(String name, String text) {
        return parse(name, text, MeterMod.Command.ADD);
    }

    public static List<MeterMod> parse(String name, String text, MeterMod.Command command) {
        return FlowFile.parseLines(name, text, line -> MeterParser.parseMeter(line, command));
    }

    private MeterFile() {}
}
