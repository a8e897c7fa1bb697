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
        return FlowFile.loadLines(path, line -> MeterParser.parseMeter(line, MeterMod.Command.ADD));
    }

    public static List<MeterMod> parse(String name, String text) {
        return FlowFile.parseLines(name, text, line -> MeterParser.parseMeter(line, MeterMod.Command.ADD));
    }

    private MeterFile() {}
}
