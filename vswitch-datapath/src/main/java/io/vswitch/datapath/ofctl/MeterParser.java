package io.vswitch.datapath.ofctl;

import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.ofctl.Tokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ovs-ofctl meter syntax, as {@code add-meter}, {@code mod-meter} and {@code del-meter(s)} take it.
 *
 * <h2>Grammar</h2>
 * <pre>
 *   meter  := "meter=" ID flag* ( "band=" | "bands=" ) band+
 *   flag   := kbps | pktps | burst | stats
 *   band   := "type=" (drop | dscp_remark) "rate=" N [ "burst_size=" N ] [ "prec_level=" N ]
 * </pre>
 * Items are separated by commas and/or white space, so the multi-line text {@code dump-meters} prints reads back.
 * Everything after the first {@code band=} (or {@code bands=}) describes bands; each {@code type=} starts a new
 * band, and {@code band=} may be repeated before one ({@code band=type=drop,rate=10,band=type=drop,rate=20}).
 * {@code ID} is 1 to 0xffff0000, or {@code slowpath} / {@code controller} for the virtual meters.
 *
 * <p>Rates and burst sizes are in kbit/s and kbit, or packets/s and packets with {@code pktps}; a meter with
 * neither unit gets the kbps flag (Open vSwitch leaves the flags empty and then meters in kbps; the
 * {@link io.vswitch.datapath.meter.MeterTable} here wants exactly one unit flag, so the parser writes it). {@code prec_level} (0-63, default 0) is for dscp_remark bands only.
 * Add and modify need {@code meter} and at least one band. A delete takes only {@code meter}, which may be
 * {@code all}; with none, it deletes all meters. Rules about the values themselves (a rate must be positive) are
 * the {@link io.vswitch.datapath.meter.MeterTable}'s to enforce.
 *
 * <h2>Errors</h2>
 * {@link FlowSyntaxException} with the 1-based column of the offending item.
 */
public final class MeterParser {
    private static final String FLAGS_AND_ID = "meter, kbps, pktps, burst, stats";

    /** Parses an ovs-ofctl meter ("meter=1,kbps,burst,stats,band=type=drop,rate=1000,burst_size=100"). */
    public static MeterMod parseMeter(String text, MeterMod.Command command) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(command, "command");
        boolean delete = command == MeterMod.Command.DELETE;
        Tokenizer tokens = new Tokenizer(text);
        Token idToken = null, unitToken = null;
        int id = MeterMod.ALL, flags = 0;
        Token bandsToken = null;
        List<BandItems> bands = new ArrayList<>();
        for (Token t; (t = tokens.next()) != null; ) {
            String key = Values.lower(t.key());
            if (key.equals("band") || key.equals("bands")) {
                if (delete) throw new FlowSyntaxException(t.column(), "del-meter takes only meter=, not bands");
                if (t.sep() != '=') throw new FlowSyntaxException(t.column(), "expected " + key + "=type=...");
                bandsToken = t;
                Tokenizer inner = new Tokenizer(t.value(), t.valueColumn() - 1);
                for (Token i; (i = inner.next()) != null; ) bandItem(i, bands);
                continue;
            }
            if (bandsToken != null) {
                if (isMeterKey(key)) {
                    throw new FlowSyntaxException(t.column(), key + " must come before " + bandsToken.key()
                            + "= (everything after it describes bands)");
                }
                bandItem(t, bands);
                continue;
            }
            switch (key) {
                case "meter" -> {
                    if (idToken != null) throw new FlowSyntaxException(t.column(), "meter given twice");
                    idToken = t;
                    id = meterId(t, delete);
                }
                case "kbps", "pktps", "burst", "stats" -> {
                    if (delete) throw new FlowSyntaxException(t.column(), "del-meter takes only meter=, not " + key);
                    if (!t.bare()) throw new FlowSyntaxException(t.column(), "'" + t.key() + "' takes no argument");
                    int flag = switch (key) {
                        case "kbps" -> MeterMod.FLAG_KBPS;
                        case "pktps" -> MeterMod.FLAG_PKTPS;
                        case "burst" -> MeterMod.FLAG_BURST;
                        default -> MeterMod.FLAG_STATS;
                    };
                    if ((flags & flag) != 0) throw new FlowSyntaxException(t.column(), key + " given twice");
                    if (flag == MeterMod.FLAG_KBPS || flag == MeterMod.FLAG_PKTPS) {
                        if (unitToken != null) {
                            throw new FlowSyntaxException(t.column(), key + " contradicts " + Values.lower(unitToken.key())
                                    + ": a meter is in kbps or in pktps");
                        }
                        unitToken = t;
                    }
                    flags |= flag;
                }
                case "type", "rate", "burst_size", "prec_level" -> throw new FlowSyntaxException(t.column(),
                        key + " is a band parameter: write band=type=...,rate=... after the meter's flags");
                default -> throw new FlowSyntaxException(t.column(), "unknown meter field '" + t.key()
                        + "' (" + FLAGS_AND_ID + ", band)");
            }
        }
        if (delete) return new MeterMod(command, id, 0, List.of());
        if (idToken == null) throw new FlowSyntaxException(tokens.column(), "missing meter=...");
        if (bands.isEmpty()) {
            throw new FlowSyntaxException(tokens.column(), bandsToken == null
                    ? "missing band=type=...,rate=...: a meter needs at least one band"
                    : "band needs type=drop or type=dscp_remark");
        }
        if (unitToken == null) flags |= MeterMod.FLAG_KBPS;
        List<MeterBand> out = new ArrayList<>(bands.size());
        for (BandItems b : bands) out.add(b.build());
        return new MeterMod(command, id, flags, out);
    }

    /** "slowpath", "controller", "all" or the number, as OVS prints meter ids. */
    static String meterId(int id) {
        return switch (id) {
            case MeterMod.SLOWPATH -> "slowpath";
            case MeterMod.CONTROLLER -> "controller";
            case MeterMod.ALL -> "all";
            default -> Integer.toUnsignedString(id);
        };
    }

    private static boolean isMeterKey(String key) {
        return switch (key) {
            case "meter", "kbps", "pktps", "burst", "stats" -> true;
            default -> false;
        };
    }

    private static int meterId(Token t, boolean delete) {
        String v = value(t);
        switch (Values.lower(v)) {
            case "all" -> {
                if (!delete) throw new FlowSyntaxException(t.valueColumn(), "meter=all is for deleting meters only");
                return MeterMod.ALL;
            }
            case "slowpath" -> { return MeterMod.SLOWPATH; }
            case "controller" -> { return MeterMod.CONTROLLER; }
            default -> { }
        }
        long n = Values.number(v, t.valueColumn(), Integer.toUnsignedLong(MeterMod.MAX), "meter id");
        if (n == 0) throw Values.notValid(v, t.valueColumn(), "meter id (1-" + Integer.toUnsignedString(MeterMod.MAX)
                + ", slowpath, controller)");
        return (int) n;
    }

    private static void bandItem(Token t, List<BandItems> bands) {
        String key = Values.lower(t.key());
        if (key.equals("type")) {
            bands.add(new BandItems(t, type(t)));
            return;
        }
        if (bands.isEmpty()) {
            throw new FlowSyntaxException(t.column(), "a band starts with type=drop or type=dscp_remark, not " + t.key());
        }
        bands.getLast().accept(t, key);
    }

    private static MeterBand.Type type(Token t) {
        return switch (Values.lower(value(t))) {
            case "drop" -> MeterBand.Type.DROP;
            case "dscp_remark" -> MeterBand.Type.DSCP_REMARK;
            default -> throw new FlowSyntaxException(t.valueColumn(), "unknown band type '" + t.value()
                    + "' (drop or dscp_remark)");
        };
    }

    /** One band's parameters as read; built once the whole text is read. */
    private static final class BandItems {
        final Token start;
        final MeterBand.Type type;
        Token rate, burst, prec;

        BandItems(Token start, MeterBand.Type type) {
            this.start = start;
            this.type = type;
        }

        void accept(Token t, String key) {
            switch (key) {
                case "rate" -> rate = once(t, rate);
                case "burst_size" -> burst = once(t, burst);
                case "prec_level" -> {
                    if (type != MeterBand.Type.DSCP_REMARK) {
                        throw new FlowSyntaxException(t.column(), "prec_level is for dscp_remark bands only");
                    }
                    prec = once(t, prec);
                }
                default -> throw new FlowSyntaxException(t.column(), "unknown band parameter '" + t.key()
                        + "' (type, rate, burst_size, prec_level)");
            }
            value(t);
        }

        MeterBand build() {
            if (rate == null) throw new FlowSyntaxException(start.column(), "band needs rate=...");
            long r = Values.number(rate.value(), rate.valueColumn(), 0xffffffffL, "band rate");
            long b = burst == null ? 0 : Values.number(burst.value(), burst.valueColumn(), 0xffffffffL, "burst_size");
            int p = prec == null ? 0 : (int) Values.number(prec.value(), prec.valueColumn(), 63, "prec_level");
            return new MeterBand(type, r, b, p);
        }

        private static Token once(Token t, Token previous) {
            if (previous != null) throw new FlowSyntaxException(t.column(), t.key() + " given twice in one band");
            return t;
        }
    }

    private static String value(Token t) {
        if (t.bare() || t.value().isEmpty()) throw new FlowSyntaxException(t.column(), "missing value for " + t.key());
        if (t.sep() == '(') throw new FlowSyntaxException(t.column(), "expected " + t.key() + "=VALUE, not " + t.key() + "(...)");
        return t.value();
    }

    private MeterParser() {}
}
