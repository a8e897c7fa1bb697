package io.vswitch.datapath.action;

import io.vswitch.datapath.flow.Field;

/**
 * OpenFlow actions (OpenFlow 1.3 section 5.12), as immutable values. The pipeline translates them into the
 * datapath's compiled actions; the text syntax and the OpenFlow channel produce them.
 */
public sealed interface Action {
    /** Position in the action set's execution order (OpenFlow 1.3 section 5.10): copy-TTL-in first, output last. */
    int actionSetOrder();

    /** Output to a port (or reserved port); {@code maxLen} applies to CONTROLLER (0xffff: whole packet). */
    record Output(int port, int maxLen) implements Action {
        public static final int NO_BUFFER_MAX_LEN = 0xffff;

        public Output(int port) { this(port, NO_BUFFER_MAX_LEN); }

        public int actionSetOrder() { return 10; }
    }

    /** Sets a field; 128-bit fields carry their high word in {@code value} and the low word in {@code valueLow}. */
    record SetField(Field field, long value, long valueLow) implements Action {
        public SetField(Field field, long value) { this(field, value, 0); }

        public int actionSetOrder() { return 7; }
    }

    record PushVlan(int ethType) implements Action { public int actionSetOrder() { return 4; } }

    record PopVlan() implements Action { public int actionSetOrder() { return 1; } }

    record PushMpls(int ethType) implements Action { public int actionSetOrder() { return 2; } }

    /** Pops the top MPLS label; {@code ethType} is the Ethernet type of what follows. */
    record PopMpls(int ethType) implements Action { public int actionSetOrder() { return 1; } }

    record PushPbb(int ethType) implements Action { public int actionSetOrder() { return 3; } }

    record PopPbb() implements Action { public int actionSetOrder() { return 1; } }

    record SetMplsTtl(int ttl) implements Action { public int actionSetOrder() { return 7; } }

    record DecMplsTtl() implements Action { public int actionSetOrder() { return 6; } }

    record SetNwTtl(int ttl) implements Action { public int actionSetOrder() { return 7; } }

    record DecNwTtl() implements Action { public int actionSetOrder() { return 6; } }

    record CopyTtlOut() implements Action { public int actionSetOrder() { return 5; } }

    record CopyTtlIn() implements Action { public int actionSetOrder() { return 0; } }

    record SetQueue(int queueId) implements Action { public int actionSetOrder() { return 8; } }

    record Group(int groupId) implements Action { public int actionSetOrder() { return 9; } }
}
