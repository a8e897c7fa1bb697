package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterMod;
import java.util.List;

/**
 * Prints meters as ovs-ofctl {@code dump-meters} does, one band per line after {@code bands=}:
 * <pre>
 *   meter=1 kbps burst stats bands=
 *   type=drop rate=1000 burst_size=100
 * </pre>
 * {@link MeterParser} reads that text back ({@code parseMeter(format(m), ADD)} has the id, flags and bands of
 * {@code m}). One difference from OVS: a band's burst_size is printed whenever it is not 0, not only when the
 * meter has the {@code burst} flag, so that nothing configured is hidden and the round trip is exact.
 * {@link #formatMeterMod} prints one line with commas, for files and command lines.
 */
public final class MeterFormatter {
    /** The dump-meters text of a meter (two or more lines, no trailing newline). */
    public static String format(Meter m) {
        return text(m.id, m.flags, m.bands, " ", "\n");
    }

    /** A meter-mod as add-meter/mod-meter/del-meter text on one line ("meter=1,kbps,band=type=drop,rate=10"). */
    public static String formatMeterMod(MeterMod m) {
        if (m.command() == MeterMod.Command.DELETE) return "meter=" + MeterParser.meterId(m.meterId());
        return text(m.meterId(), m.flags(), m.bands(), ",", ",");
    }

    /**
     * Counters as {@code meter-stats} prints them:
     * <pre>
     *   meter:1 packet_in_count:10 byte_in_count:600 duration:2.500s bands:
     *   0: packet_count:3 byte_count:180
     * </pre>
     * OVS also prints flow_count, the number of flows that use the meter; a meter here does not know it.
     */
    public static String formatStats(Meter m, long nowNanos) {
        StringBuilder sb = new StringBuilder("meter:").append(MeterParser.meterId(m.id))
                .append(" packet_in_count:").append(m.packetsIn())
                .append(" byte_in_count:").append(m.bytesIn())
                .append(" duration:").append(GroupFormatter.duration(nowNanos - m.createdNanos))
                .append(" bands:");
        for (int i = 0; i < m.bands.size(); i++) {
            sb.append('\n').append(i).append(": packet_count:").append(m.bandPackets(i))
                    .append(" byte_count:").append(m.bandBytes(i));
        }
        return sb.toString();
    }

    /** Exhaustive, so that a new band type does not compile until it has a name here and in the parser. */
    static String bandTypeName(MeterBand.Type type) {
        return switch (type) {
            case DROP -> "drop";
            case DSCP_REMARK -> "dscp_remark";
        };
    }

    private static String text(int id, int flags, List<MeterBand> bands, String sep, String bandSep) {
        StringBuilder sb = new StringBuilder("meter=").append(MeterParser.meterId(id));
        if ((flags & MeterMod.FLAG_KBPS) != 0) sb.append(sep).append("kbps");
        if ((flags & MeterMod.FLAG_PKTPS) != 0) sb.append(sep).append("pktps");
        if ((flags & MeterMod.FLAG_BURST) != 0) sb.append(sep).append("burst");
        if ((flags & MeterMod.FLAG_STATS) != 0) sb.append(sep).append("stats");
        sb.append(sep).append("bands=");
        String first = sep.equals(",") ? "" : bandSep;
        for (int i = 0; i < bands.size(); i++) {
            MeterBand b = bands.get(i);
            sb.append(i == 0 ? first : bandSep).append("type=")
                    .append(bandTypeName(b.type()))
                    .append(sep).append("rate=").append(b.rate());
            if (b.burstSize() != 0) sb.append(sep).append("burst_size=").append(b.burstSize());
            if (b.type() == MeterBand.Type.DSCP_REMARK) sb.append(sep).append("prec_level=").append(b.precLevel());
        }
        return sb.toString();
    }

    private MeterFormatter() {}
}
