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
        return FlowFile.loadLines(path, line -> GroupParser.parseGroup(line, GroupMod.Command.ADD));
    }

    public static List<GroupMod> parse(String name, String text) {
        return FlowFile.parseLines(name, text, line -> GroupParser.parseGroup(line, GroupMod.Command.ADD));
    }

    private GroupFile() {}
}
