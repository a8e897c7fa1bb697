package io.vswitch.datapath.cli;

import io.vswitch.datapath.ofctl.FlowFile;
import io.vswitch.datapath.ofctl.FlowParser;
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

    @Option(names = {"-f", "--flow"}, paramLabel = "FLOW", description = "One flow in ovs-ofctl syntax (repeatable).")
    List<String> flows = new ArrayList<>();

    @Option(names = "--ports", paramLabel = "N", defaultValue = "4", description = "Number of ports 1..N (default: ${DEFAULT-VALUE}).")
    int ports;

    Pipeline build() {
        Pipeline p = new Pipeline();
        for (int i = 1; i <= ports; i++) p.addPort(i, "p" + i, true);
        List<FlowMod> mods = new ArrayList<>();
        for (Path f : flowFiles) mods.addAll(FlowFile.load(f));
        for (String f : flows) mods.addAll(FlowFile.parse("--flow", f));
        for (FlowMod m : mods) p.flowMod(m);
        return p;
    }

    static FlowMod parse(String flow) {
        return FlowParser.parseFlow(flow, FlowMod.Command.ADD);
    }
}
