package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.FlowMatch;

/** Placeholder: replaced by the ovs-ofctl text formatter. */
public final class FlowFormatter {
    public static String formatKey(FlowKey key) {
        return java.util.Arrays.toString(key.words);
    }

    public static String formatMatch(FlowMatch match) {
        return match.entries().toString();
    }

    private FlowFormatter() {}
}
