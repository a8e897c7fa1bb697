package io.vswitch.datapath.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vswitch}: the datapath's command line (trace packets through flow tables, check flow files, demo). */
@Command(name = "vswitch", mixinStandardHelpOptions = true, version = "vswitch 0.1.0",
        description = "The vswitch datapath: trace packets through OpenFlow tables, check flow files, run the demo.",
        subcommands = {TraceCommand.class, CheckFlowsCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class VswitchCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with our error handling: one line on stderr and a non-zero exit for bad input. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VswitchCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("vswitch " + cmd.getCommandName() + ": " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }
}
