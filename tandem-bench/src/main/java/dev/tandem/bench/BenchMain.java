package dev.tandem.bench;

import dev.tandem.bench.decision.DecisionScenario;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tandem bench}: one command per scenario, each writing {@code tandem-bench/results/<scenario>.json};
 * {@code report} rewrites BENCHMARKS.md from every result file.
 */
@Command(name = "tandem bench", mixinStandardHelpOptions = true,
        description = {"Measure Tandem: each scenario writes tandem-bench/results/<scenario>.json (with the machine it"
                + " ran on and the exact command); 'report' rewrites BENCHMARKS.md from those files."},
        subcommands = {dev.tandem.bench.failover.PairFailoverScenario.class,
                dev.tandem.bench.failover.DirectorFailoverScenario.class, dev.tandem.bench.protocol.ProtocolScenario.class,
                dev.tandem.bench.footprint.FootprintScenario.class, dev.tandem.bench.redirect.RedirectScenario.class,
                dev.tandem.bench.users.UsersScenario.class, DecisionScenario.class,
                dev.tandem.bench.stateful.StatefulFailoverScenario.class, dev.tandem.bench.fuzz.PacketFuzzScenario.class,
                dev.tandem.bench.chaos.ChaosCommand.class,
                ReportCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {
    private static String commandLine = "./tandem bench";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(null, args);
    }

    /**
     * Runs a benchmark command; its errors go to {@code err} instead of standard error (null: there), so that a test
     * can say why a scenario failed in its own failure message.
     */
    public static int run(java.io.PrintWriter err, String... args) {
        // tandem chaos runs here too: its results name the command the user typed.
        String name = args.length > 0 && args[0].equals("chaos") ? "tandem chaos" : "tandem bench";
        commandLine = (name.equals("tandem chaos") ? "./tandem " : "./tandem bench ") + Arrays.stream(withoutLocalPaths(args))
                .map(a -> a.matches("[A-Za-z0-9_./:=,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        CommandLine cli = new CommandLine(new BenchMain());
        if (name.equals("tandem chaos")) cli.setCommandName("tandem");
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println(name + ": " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println(name + ": " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        if (err != null) cli.setErr(err);
        return cli.execute(args);
    }

    /**
     * The arguments less those that only say where things are on this machine (the result folder, the jar, the lock
     * file): they do not change a figure, and a recorded command must reproduce on any machine.
     */
    static String[] withoutLocalPaths(String[] args) {
        java.util.List<String> kept = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (LOCAL_OPTIONS.contains(a)) {
                i++;
                continue;
            }
            if (a.contains("=") && LOCAL_OPTIONS.contains(a.substring(0, a.indexOf('=')))) continue;
            kept.add(a);
        }
        return kept.toArray(String[]::new);
    }

    private static final java.util.Set<String> LOCAL_OPTIONS = java.util.Set.of("--results", "--jar", "--lock", "--output");

    /** The command line of this run, as a user types it. */
    public static String commandLine() {
        return commandLine.strip();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
