package io.vswitch.datapath.meter;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meter table: validates meter-mods and keeps the meters. Callers (the pipeline) serialise modifications and
 * invalidate what referred to a changed meter; lookups may come from any thread.
 */
public final class MeterTable {
    public static final int MAX_METERS = 65536, MAX_BANDS = 8;
    public static final int SUPPORTED_FLAGS = MeterMod.FLAG_KBPS | MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST
            | MeterMod.FLAG_STATS;

    private final Map<Integer, Meter> meters = new ConcurrentHashMap<>();

    public Meter get(int id) { return meters.get(id); }

    public Collection<Meter> all() { return meters.values(); }

    public int size() { return meters.size(); }

    /** Checks a meter-mod without applying it; throws the OpenFlow error it deserves. */
    public void validate(MeterMod mod) {
        int id = mod.meterId();
        boolean all = id == MeterMod.ALL;
        if (mod.command() != MeterMod.Command.DELETE || !all) {
            if (id == 0 || Integer.compareUnsigned(id, MeterMod.MAX) > 0) {
                throw new OpenFlowException(OfError.METER_MOD_FAILED_INVALID_METER,
                        "meter id " + Integer.toUnsignedString(id) + " is outside 1..0xffff0000");
            }
        }
        switch (mod.command()) {
            case ADD -> {
                if (meters.containsKey(id)) {
                    throw new OpenFlowException(OfError.METER_MOD_FAILED_METER_EXISTS, "meter " + id + " already exists");
                }
                if (meters.size() >= MAX_METERS) {
                    throw new OpenFlowException(OfError.METER_MOD_FAILED_OUT_OF_METERS, "meter table is full (" + MAX_METERS + ")");
                }
                checkConfig(mod);
            }
            case MODIFY -> {
                if (!meters.containsKey(id)) {
                    throw new OpenFlowException(OfError.METER_MOD_FAILED_UNKNOWN_METER, "meter " + id + " does not exist");
                }
                checkConfig(mod);
            }
            case DELETE -> { }
        }
    }

    private static void checkConfig(MeterMod mod) {
        int f = mod.flags();
        if ((f & ~SUPPORTED_FLAGS) != 0 || ((f & MeterMod.FLAG_KBPS) != 0 && (f & MeterMod.FLAG_PKTPS) != 0)
                || (f & (MeterMod.FLAG_KBPS | MeterMod.FLAG_PKTPS)) == 0) {
            throw new OpenFlowException(OfError.METER_MOD_FAILED_BAD_FLAGS,
                    "meter flags 0x" + Integer.toHexString(f) + ": need exactly one of kbps, pktps (plus burst, stats)");
        }
        if (mod.bands().isEmpty()) {
            throw new OpenFlowException(OfError.METER_MOD_FAILED_BAD_BAND, "a meter needs at least one band");
        }
        if (mod.bands().size() > MAX_BANDS) {
            throw new OpenFlowException(OfError.METER_MOD_FAILED_OUT_OF_BANDS, "at most " + MAX_BANDS + " bands per meter");
        }
        for (MeterBand b : mod.bands()) {
            if (b.rate() <= 0) {
                throw new OpenFlowException(OfError.METER_MOD_FAILED_BAD_RATE, "band rate must be positive");
            }
            if (b.burstSize() < 0) {
                throw new OpenFlowException(OfError.METER_MOD_FAILED_BAD_BURST, "bad burst size " + b.burstSize());
            }
            if (b.type() == MeterBand.Type.DSCP_REMARK && (b.precLevel() < 0 || b.precLevel() > 63)) {
                throw new OpenFlowException(OfError.METER_MOD_FAILED_BAD_BAND_VALUE, "prec_level must be 0..63");
            }
        }
    }

    /** Applies a validated meter-mod. Returns the meters removed or replaced (for invalidation). */
    public Collection<Meter> apply(MeterMod mod, long nowNanos) {
        int id = mod.meterId();
        switch (mod.command()) {
            case ADD -> {
                meters.put(id, new Meter(id, mod.flags(), mod.bands(), nowNanos));
                return java.util.List.of();
            }
            case MODIFY -> {
                Meter old = meters.get(id);
                Meter m = new Meter(id, mod.flags(), mod.bands(), old.createdNanos);
                m.inheritCounters(old);
                meters.put(id, m);
                return java.util.List.of(old);
            }
            default -> {
                if (id == MeterMod.ALL) {
                    java.util.List<Meter> gone = java.util.List.copyOf(meters.values());
                    meters.clear();
                    return gone;
                }
                Meter old = meters.remove(id);
                return old == null ? java.util.List.of() : java.util.List.of(old);
            }
        }
    }
}
