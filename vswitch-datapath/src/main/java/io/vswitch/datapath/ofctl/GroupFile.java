package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.group.GroupMod;
import java.nio.file.Path;
import java.util.List;

/**
 * A file of groups in ovs-ofctl's {@code add-groups} format: one group per line ({@link GroupParser} syntax),
 * blank lines and {@code #} comments ignored. Errors name the file, line and column
 * ({@code lb.groups:2:19: unknown group type 'selct' ...}) as {@link FlowFile.FlowFileException}; a file with
 * any error yields no groups at all.
 */
public final class GroupFile {
    public static List<GroupMod> load(Path path) {
        return load(path, GroupMod.Command.ADD);
    }

    /** Every line as a group-mod of {@code command} (a file of mod-group or del-groups lines). */
    public static List<GroupMod> load(Path path, GroupMod.Command command) {
        return FlowFile.loadLines(path, line -> GroupParser.parseGroup(line, command));
    }

    public static List<GroupMod> parse(String name, String text) {
        return parse(name, text, GroupMod.Command.ADD);
    }

    public static List<GroupMod> parse(String name, String text, GroupMod.Command command) {
        return FlowFile.parseLines(name, text, line -> GroupParser.parseGroup(line, command));
    }

    private GroupFile() {}
}
