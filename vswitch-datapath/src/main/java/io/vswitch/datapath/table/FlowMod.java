package io.vswitch.datapath.table;

import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.FlowMatch;
import java.util.List;

/**
 * A flow table modification, as OpenFlow's OFPT_FLOW_MOD carries it (and as the text syntax of
 * {@code add-flow}/{@code del-flows} produces it).
 *
 * @param tableId    0..253, or {@link #ALL_TABLES} (255) for delete commands
 * @param cookieMask for modify/delete: only entries whose cookie matches {@code cookie} under this mask
 * @param outPort    for delete: only entries that output to this port ({@link OfPort#ANY}: no filter)
 * @param outGroup   for delete: only entries that use this group ({@link #ANY_GROUP}: no filter)
 * @param flags      {@code OFPFF_*} bits
 */
public record FlowMod(Command command, int tableId, int priority, FlowMatch match, List<Instruction> instructions,
                      long cookie, long cookieMask, int idleTimeout, int hardTimeout, int flags,
                      int outPort, int outGroup, int importance) {

    public enum Command { ADD, MODIFY, MODIFY_STRICT, DELETE, DELETE_STRICT }

    public static final int ALL_TABLES = 0xff;
    public static final int ANY_GROUP = 0xffffffff;
    public static final int DEFAULT_PRIORITY = 0x8000;

    public static final int FLAG_SEND_FLOW_REM = 1, FLAG_CHECK_OVERLAP = 2, FLAG_RESET_COUNTS = 4,
            FLAG_NO_PKT_COUNTS = 8, FLAG_NO_BYT_COUNTS = 16;

    public FlowMod {
        instructions = List.copyOf(instructions);
    }

    public static Builder add(FlowMatch match) {
        return new Builder(Command.ADD, match);
    }

    public static Builder builder(Command command, FlowMatch match) {
        return new Builder(command, match);
    }

    public Builder toBuilder() {
        return new Builder(command, match).table(tableId).priority(priority).instructions(instructions)
                .cookie(cookie, cookieMask).idleTimeout(idleTimeout).hardTimeout(hardTimeout).flags(flags)
                .outPort(outPort).outGroup(outGroup).importance(importance);
    }

    public static final class Builder {
        private final Command command;
        private final FlowMatch match;
        private int tableId;
        private int priority = DEFAULT_PRIORITY;
        private List<Instruction> instructions = List.of();
        private long cookie, cookieMask;
        private int idleTimeout, hardTimeout, flags, importance;
        private int outPort = OfPort.ANY, outGroup = ANY_GROUP;

        private Builder(Command command, FlowMatch match) {
            this.command = command;
            this.match = match;
            if (command == Command.DELETE || command == Command.DELETE_STRICT) tableId = ALL_TABLES;
        }

        public Builder table(int tableId) { this.tableId = tableId; return this; }
        public Builder priority(int priority) { this.priority = priority; return this; }
        public Builder instructions(List<Instruction> instructions) { this.instructions = instructions; return this; }
        public Builder instructions(Instruction... instructions) { this.instructions = List.of(instructions); return this; }
        public Builder cookie(long cookie) { this.cookie = cookie; return this; }
        public Builder cookie(long cookie, long mask) { this.cookie = cookie; this.cookieMask = mask; return this; }
        public Builder idleTimeout(int seconds) { this.idleTimeout = seconds; return this; }
        public Builder hardTimeout(int seconds) { this.hardTimeout = seconds; return this; }
        public Builder flags(int flags) { this.flags = flags; return this; }
        public Builder outPort(int port) { this.outPort = port; return this; }
        public Builder outGroup(int group) { this.outGroup = group; return this; }
        public Builder importance(int importance) { this.importance = importance; return this; }

        public FlowMod build() {
            return new FlowMod(command, tableId, priority, match, instructions, cookie, cookieMask,
                    idleTimeout, hardTimeout, flags, outPort, outGroup, importance);
        }
    }
}
