package io.vswitch.datapath.action;

import java.util.List;

/** OpenFlow 1.3 instructions (section 5.9), as immutable values. */
public sealed interface Instruction {
    /** Execution order within one flow entry, as the specification fixes it. */
    int order();

    record Meter(int meterId) implements Instruction { public int order() { return 0; } }

    record ApplyActions(List<Action> actions) implements Instruction {
        public ApplyActions { actions = List.copyOf(actions); }

        public int order() { return 1; }
    }

    record ClearActions() implements Instruction { public int order() { return 2; } }

    record WriteActions(List<Action> actions) implements Instruction {
        public WriteActions { actions = List.copyOf(actions); }

        public int order() { return 3; }
    }

    record WriteMetadata(long metadata, long mask) implements Instruction { public int order() { return 4; } }

    record GotoTable(int tableId) implements Instruction { public int order() { return 5; } }
}
