package io.vswitch.datapath.ofctl;

import static org.junit.jupiter.api.Assertions.*;

import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterBand.Type;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.meter.MeterMod.Command;
import io.vswitch.datapath.meter.MeterTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The ovs-ofctl meter syntax: flags, bands, ids, errors with their columns, dump-meters round trips. */
class MeterParserTest {
    private static MeterMod add(String text) {
        return MeterParser.parseMeter(text, Command.ADD);
    }

    private static final int KBPS = MeterMod.FLAG_KBPS, PKTPS = MeterMod.FLAG_PKTPS, BURST = MeterMod.FLAG_BURST,
            STATS = MeterMod.FLAG_STATS;

    @Test
    void theBriefsExample() {
        MeterMod m = add("meter=1,kbps,burst,stats,band=type=drop,rate=1000,burst_size=100");
        assertEquals(new MeterMod(Command.ADD, 1, KBPS | BURST | STATS, List.of(new MeterBand(Type.DROP, 1000, 100, 0))), m);
    }

    @Test
    void dscpRemarkBand() {
        MeterMod m = add("meter=2,pktps,band=type=dscp_remark,rate=50,prec_level=1");
        assertEquals(new MeterMod(Command.ADD, 2, PKTPS, List.of(new MeterBand(Type.DSCP_REMARK, 50, 0, 1))), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "meter=3,kbps,bands=type=drop,rate=10,type=dscp_remark,rate=5,burst_size=2,prec_level=3",
            "meter=3,kbps,band=type=drop,rate=10,band=type=dscp_remark,rate=5,burst_size=2,prec_level=3",
            "meter=3 kbps bands=\ntype=drop rate=10\ntype=dscp_remark rate=5 burst_size=2 prec_level=3",
            "meter=3,kbps,band=type=drop,rate=10,type=dscp_remark,prec_level=3,burst_size=2,rate=5",
            "meter=3,band=type=drop,rate:10,type=dscp_remark,rate=5,burst_size=2,prec_level=3",
            "METER=3,KBPS,BANDS=TYPE=DROP,RATE=10,TYPE=DSCP_REMARK,RATE=5,BURST_SIZE=2,PREC_LEVEL=3",
    })
    void severalBandsEveryWay(String text) {
        assertEquals(new MeterMod(Command.ADD, 3, KBPS, List.of(new MeterBand(Type.DROP, 10, 0, 0),
                new MeterBand(Type.DSCP_REMARK, 5, 2, 3))), add(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "kbps; 1", "pktps; 2", "burst; 5", "stats; 9", "kbps,burst,stats; 13", "pktps,burst,stats; 14",
            "stats,pktps; 10", "burst; 5"})
    void flagsAndTheKbpsDefault(String flags, int expected) {
        assertEquals(expected, add("meter=1," + flags + ",band=type=drop,rate=1").flags());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"1; 1", "0xffff0000; -65536", "slowpath; -3", "controller; -2", "65535; 65535"})
    void meterIds(String text, int id) {
        assertEquals(id, add("meter=" + text + ",band=type=drop,rate=1").meterId());
        assertEquals(MeterMod.SLOWPATH, -3);
        assertEquals(MeterMod.CONTROLLER, -2);
    }

    @Test
    void modifyTakesTheAddSyntax() {
        MeterMod m = MeterParser.parseMeter("meter=4,pktps,band=type=drop,rate=7", Command.MODIFY);
        assertEquals(new MeterMod(Command.MODIFY, 4, PKTPS, List.of(new MeterBand(Type.DROP, 7, 0, 0))), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"'';-1", "meter=all;-1", "meter=ALL;-1", "meter=5;5", "meter=0x10;16"})
    void deleteForms(String text, int id) {
        assertEquals(new MeterMod(Command.DELETE, id, 0, List.of()), MeterParser.parseMeter(text, Command.DELETE));
        assertEquals(MeterMod.ALL, -1);
    }

    @Test
    void valueRulesAreLeftToTheMeterTable() {
        MeterMod zero = add("meter=1,band=type=drop,rate=0");
        assertThrows(io.vswitch.datapath.OpenFlowException.class, () -> new MeterTable().validate(zero));
        new MeterTable().validate(add("meter=1,kbps,burst,band=type=drop,rate=1,burst_size=10"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ADD|kbps,band=type=drop,rate=1|27|missing meter=",
            "ADD|meter=1|8|missing band=type=...,rate=...: a meter needs at least one band",
            "ADD|meter=1,band=|14|band needs type=drop or type=dscp_remark",
            "ADD|meter=0,band=type=drop,rate=1|7|'0' is not a valid meter id",
            "ADD|meter=x,band=type=drop,rate=1|7|'x' is not a valid meter id (0-4294901760)",
            "ADD|meter=0xffff0001,band=type=drop,rate=1|7|not a valid meter id",
            "ADD|meter=all,band=type=drop,rate=1|7|meter=all is for deleting meters only",
            "ADD|meter=1,meter=2,band=type=drop,rate=1|9|meter given twice",
            "ADD|meter=1,kbps,pktps,band=type=drop,rate=1|14|pktps contradicts kbps: a meter is in kbps or in pktps",
            "ADD|meter=1,stats,stats,band=type=drop,rate=1|15|stats given twice",
            "ADD|meter=1,burst=1,band=type=drop,rate=1|9|'burst' takes no argument",
            "ADD|meter=1,kbs,band=type=drop,rate=1|9|unknown meter field 'kbs' (meter, kbps, pktps, burst, stats, band)",
            "ADD|meter=1,rate=5,band=type=drop|9|rate is a band parameter",
            "ADD|meter=1,band:type=drop,rate=1|9|expected band=type=...",
            "ADD|meter=1,band=rate=1,type=drop|14|a band starts with type=drop or type=dscp_remark, not rate",
            "ADD|meter=1,band=type=police,rate=1|19|unknown band type 'police' (drop or dscp_remark)",
            "ADD|meter=1,band=type=drop|14|band needs rate=",
            "ADD|meter=1,band=type=drop,rate=1,type=drop|31|band needs rate=",
            "ADD|meter=1,band=type=drop,rate=x|29|'x' is not a valid band rate (0-4294967295)",
            "ADD|meter=1,band=type=drop,rate=4294967296|29|not a valid band rate",
            "ADD|meter=1,band=type=drop,rate=1,rate=2|31|rate given twice in one band",
            "ADD|meter=1,band=type=drop,rate=1,burst_size=-1|42|'-1' is not a valid burst_size",
            "ADD|meter=1,band=type=drop,rate=1,prec_level=1|31|prec_level is for dscp_remark bands only",
            "ADD|meter=1,band=type=dscp_remark,rate=1,prec_level=64|49|'64' is not a valid prec_level (0-63)",
            "ADD|meter=1,band=type=drop,rate=1,color=red|31|unknown band parameter 'color'",
            "ADD|meter=1,band=type=drop,rate=1,kbps|31|kbps must come before band=",
            "ADD|meter=1,band=type=drop,rate|24|missing value for rate",
            "DELETE|meter=1,kbps|9|del-meter takes only meter=, not kbps",
            "DELETE|meter=1,band=type=drop,rate=1|9|del-meter takes only meter=, not bands",
            "DELETE|meter=0|7|'0' is not a valid meter id",
    })
    void errorsNameTheColumn(Command command, String text, int column, String message) {
        FlowSyntaxException e = assertThrows(FlowSyntaxException.class, () -> MeterParser.parseMeter(text, command));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(message), () -> e.getMessage() + " lacks: " + message);
    }

    // ---- formatting and round trips ----

    @Test
    void formatsAsDumpMeters() {
        Meter m = new Meter(1, KBPS | BURST | STATS, List.of(new MeterBand(Type.DROP, 1000, 100, 0),
                new MeterBand(Type.DSCP_REMARK, 500, 0, 2)), 0);
        assertEquals("meter=1 kbps burst stats bands=\ntype=drop rate=1000 burst_size=100\n"
                + "type=dscp_remark rate=500 prec_level=2", MeterFormatter.format(m));
        assertEquals("meter=slowpath pktps bands=\ntype=drop rate=5",
                MeterFormatter.format(new Meter(MeterMod.SLOWPATH, PKTPS, List.of(new MeterBand(Type.DROP, 5, 0, 0)), 0)));
    }

    @Test
    void formatsMeterModsOnOneLine() {
        MeterMod m = add("meter=7 pktps stats band=type=dscp_remark rate=9 burst_size=3 prec_level=1");
        assertEquals("meter=7,pktps,stats,bands=type=dscp_remark,rate=9,burst_size=3,prec_level=1",
                MeterFormatter.formatMeterMod(m));
        assertEquals("meter=all", MeterFormatter.formatMeterMod(new MeterMod(Command.DELETE, MeterMod.ALL, 0, List.of())));
        assertEquals("meter=12", MeterFormatter.formatMeterMod(new MeterMod(Command.DELETE, 12, 0, List.of())));
    }

    @Test
    void formatsStats() {
        Meter m = new Meter(2, PKTPS | STATS, List.of(new MeterBand(Type.DROP, 1, 1, 0)), 1_000_000_000L);
        assertEquals(-1, m.apply(60, 1_000_000_000L), "the first packet fits the one-packet burst");
        assertEquals(0, m.apply(100, 1_000_000_000L), "the second exceeds the band");
        assertEquals("meter:2 packet_in_count:2 byte_in_count:160 duration:0.250s bands:\n0: packet_count:1 byte_count:100",
                MeterFormatter.formatStats(m, 1_250_000_000L));
    }

    /** Seeded random meters: parse(format(m)) has m's configuration, in both printed forms, and printing is stable. */
    @Test
    void randomMetersRoundTrip() {
        Random random = new Random(0x3e7eL);
        int[] ids = {1, 2, 100, 65535, MeterMod.MAX, MeterMod.SLOWPATH, MeterMod.CONTROLLER};
        for (int n = 0; n < 500; n++) {
            int flags = (random.nextBoolean() ? KBPS : PKTPS) | (random.nextBoolean() ? BURST : 0)
                    | (random.nextBoolean() ? STATS : 0);
            List<MeterBand> bands = new ArrayList<>();
            for (int i = 1 + random.nextInt(MeterTable.MAX_BANDS); i > 0; i--) {
                Type type = random.nextBoolean() ? Type.DROP : Type.DSCP_REMARK;
                long rate = random.nextInt(4) == 0 ? 0xffffffffL : 1 + random.nextInt(1_000_000);
                long burst = random.nextBoolean() ? 0 : random.nextInt(100_000);
                int prec = type == Type.DSCP_REMARK ? random.nextInt(64) : 0;
                bands.add(new MeterBand(type, rate, burst, prec));
            }
            int id = random.nextBoolean() ? ids[random.nextInt(ids.length)] : 1 + random.nextInt(1 << 24);
            MeterMod m = new MeterMod(random.nextBoolean() ? Command.ADD : Command.MODIFY, id, flags, bands);
            String line = MeterFormatter.formatMeterMod(m);
            assertEquals(m, MeterParser.parseMeter(line, m.command()), line);
            assertEquals(line, MeterFormatter.formatMeterMod(MeterParser.parseMeter(line, m.command())));
            String dump = MeterFormatter.format(new Meter(id, flags, bands, 0));
            MeterMod back = MeterParser.parseMeter(dump, m.command());
            assertEquals(m, back, dump);
            assertEquals(dump, MeterFormatter.format(new Meter(back.meterId(), back.flags(), back.bands(), 0)));
        }
    }

    @Test
    void deleteModsReadBack() {
        for (int id : new int[] {MeterMod.ALL, 1, 17, MeterMod.MAX, MeterMod.SLOWPATH}) {
            MeterMod m = new MeterMod(Command.DELETE, id, 0, List.of());
            assertEquals(m, MeterParser.parseMeter(MeterFormatter.formatMeterMod(m), Command.DELETE));
        }
    }

    // ---- files ----

    @Test
    void meterFileSkipsCommentsAndReportsFileLineColumn(@TempDir Path dir) throws IOException {
        String text = """
                # policers
                meter=1,kbps,band=type=drop,rate=1000

                \tmeter=2 pktps burst band=type=dscp_remark rate=10 burst_size=5 prec_level=2
                """;
        List<MeterMod> mods = MeterFile.parse("p.meters", text);
        assertEquals(List.of(1, 2), mods.stream().map(MeterMod::meterId).toList());
        Path file = dir.resolve("p.meters");
        Files.writeString(file, text);
        assertEquals(mods, MeterFile.load(file));

        FlowFile.FlowFileException e = assertThrows(FlowFile.FlowFileException.class,
                () -> MeterFile.parse("p.meters", "meter=1,band=type=drop,rate=1\n\n   meter=2,band=type=drop,rate=z\n"));
        assertEquals("p.meters:3:32: 'z' is not a valid band rate (0-4294967295)", e.getMessage());
    }
}
