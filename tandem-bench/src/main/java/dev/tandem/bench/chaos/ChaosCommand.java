package dev.tandem.bench.chaos;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tandem chaos}: fault runs on real node processes; {@code run} is the only one so far. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Hurt a real cluster with random faults and check its invariants (docs/reliability.md).",
        subcommands = {ChaosRun.class, CommandLine.HelpCommand.class})
public final class ChaosCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
