package dev.tandem.cli;

import picocli.CommandLine.Command;

/** {@code tandem sim}: the deterministic simulator. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Run scenarios in the deterministic simulator (virtual time).",
        subcommands = {SimRunCommand.class, SimFuzzCommand.class})
public final class SimCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
