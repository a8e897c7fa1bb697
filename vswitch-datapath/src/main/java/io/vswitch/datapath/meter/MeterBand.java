package io.vswitch.datapath.meter;

/**
 * A meter band: when the measured rate exceeds {@code rate}, {@code type} applies (drop, or raise the drop
 * precedence of the DSCP by {@code precLevel}). Rates are in kbit/s or packets/s and bursts in kbit or packets,
 * following the meter's flags.
 */
public record MeterBand(Type type, long rate, long burstSize, int precLevel) {
    public enum Type {
        DROP(1), DSCP_REMARK(2);

        public final int code;

        Type(int code) { this.code = code; }
    }
}
