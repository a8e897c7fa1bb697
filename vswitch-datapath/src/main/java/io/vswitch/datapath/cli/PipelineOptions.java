package io.vswitch.datapath.cli;

import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.ofctl.FlowFile;
import io.vswitch.datapath.ofctl.GroupFile;
import io.vswitch.datapath.ofctl.MeterFile;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by commands that build a pipeline from flow files and flows given on the command line. */
final class PipelineOptions {
    @Option(names = {"-F", "--flows"}, paramLabel = "FILE", description = "Flows in ovs-ofctl add-flows format (repeatable).")
    List<Path> flowFiles = new ArrayList<>();

    @Option(names = {"-G", "--groups"}, paramLabel = "FILE", description = "Groups in ovs-ofctl add-groups format (repeatable).")
    List<Path> groupFiles = new ArrayList<>();

    @Option(names = {"-M", "--meters"}, paramLabel = "FILE", description = "Meters in ovs-ofctl add-meter format, one per line (repeatable).")
    List<Path> meterFiles = new ArrayList<>();

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "One group in ovs-ofctl syntax (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(names = {"-f", "--flow"}, paramLabel = "FLOW", description = "One flow in ovs-ofctl syntax (repeatable).")
    List<String> flows = new ArrayList<>();

    @Option(names = "--ports", paramLabel = "N", defaultValue = "4", description = "Number of ports 1..N (default: ${DEFAULT-VALUE}).")
    int ports;

    Pipeline build() {
        Pipeline p = new Pipeline();
        for (int i = 1; i <= ports; i++) p.addPort(i, "p" + i, true);
        // Meters and groups first: flows that use them are checked against them.
        for (Path f : meterFiles) for (MeterMod m : MeterFile.load(f)) p.meterMod(m);
        for (Path f : groupFiles) for (GroupMod g : GroupFile.load(f)) p.groupMod(g);
        for (String g : groups) for (GroupMod m : GroupFile.parse("--group", g)) p.groupMod(m);
        List<FlowMod> mods = new ArrayList<>();
        for (Path f : flowFiles) mods.addAll(FlowFile.load(f));
        for (String f : flows) mods.addAll(FlowFile.parse("--flow", f));
        for (FlowMod m : mods) p.flowMod(m);
        return p;
    }
}
