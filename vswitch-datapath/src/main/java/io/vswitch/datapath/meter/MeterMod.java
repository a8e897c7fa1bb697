package io.vswitch.datapath.meter;

import java.util.List;

/** A meter table modification (OFPT_METER_MOD). */
public record MeterMod(Command command, int meterId, int flags, List<MeterBand> bands) {
    public enum Command { ADD, MODIFY, DELETE }

    public static final int FLAG_KBPS = 1, FLAG_PKTPS = 2, FLAG_BURST = 4, FLAG_STATS = 8;
    /** OFPM_MAX, and the virtual meters: slow path, controller, all. */
    public static final int MAX = 0xffff0000, SLOWPATH = 0xfffffffd, CONTROLLER = 0xfffffffe, ALL = 0xffffffff;

    public MeterMod {
        bands = List.copyOf(bands);
    }
}
