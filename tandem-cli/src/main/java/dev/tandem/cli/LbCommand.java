package dev.tandem.cli;

import picocli.CommandLine.Command;

/** {@code tandem lb}: load-balancing group tools. */
@Command(name = "lb", mixinStandardHelpOptions = true,
        description = "Load-balancing group tools.",
        subcommands = {LbExplainCommand.class})
public final class LbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
