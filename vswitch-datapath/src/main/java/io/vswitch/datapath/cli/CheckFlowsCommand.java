package io.vswitch.datapath.cli;

import io.vswitch.datapath.ofctl.FlowFile;
import io.vswitch.datapath.pipeline.Pipeline;
import io.vswitch.datapath.table.FlowMod;
import io.vswitch.datapath.OpenFlowException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check-flows", mixinStandardHelpOptions = true,
        description = "Parse and validate a flow file as the switch would (syntax, prerequisites, instructions); "
                + "print FILE:LINE:COL: what is wrong, or how many flows per table it holds.")
final class CheckFlowsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Flows in ovs-ofctl add-flows format.")
    Path file;

    @Option(names = "--ports", paramLabel = "N", defaultValue = "4", description = "Ports 1..N exist (default: ${DEFAULT-VALUE}).")
    int ports;

    @Override
    public Integer call() {
        List<FlowMod> mods = FlowFile.load(file);
        Pipeline p = new Pipeline();
        for (int i = 1; i <= ports; i++) p.addPort(i, "p" + i, true);
        int n = 0;
        for (FlowMod m : mods) {
            n++;
            try {
                p.flowMod(m);
            } catch (OpenFlowException e) {
                throw new IllegalArgumentException(file + ": flow " + n + ": " + e.getMessage() + " (" + e.error() + ")");
            }
        }
        System.out.println(file + ": " + mods.size() + " flows OK");
        for (int t = 0; t < p.tableCount(); t++) {
            if (p.table(t).size() > 0) System.out.println("  table " + t + ": " + p.table(t).size() + " flows");
        }
        return 0;
    }
}
