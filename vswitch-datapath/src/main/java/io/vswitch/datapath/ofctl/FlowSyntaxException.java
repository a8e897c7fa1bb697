package io.vswitch.datapath.ofctl;

/** A flow, match or action text that cannot be parsed; the message names the column and what is wrong. */
public final class FlowSyntaxException extends IllegalArgumentException {
    private final int column;

    public FlowSyntaxException(int column, String message) {
        super("column " + column + ": " + message);
        this.column = column;
    }

    /** 1-based column in the parsed text where the problem starts. */
    public int column() {
        return column;
    }
}
