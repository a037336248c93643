package dev.tandem.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tandem chaos run [options]}: random faults on a real cluster of node processes, its invariants checked
 * (docs/reliability.md). The runner lives in the benchmark distribution beside the scenarios whose process tools it
 * shares; this command runs it there, as {@code tandem bench} does.
 */
@Command(name = "chaos", description = {"Hurt a real cluster of node processes with random faults from a seed (kill -9,"
        + " SIGSTOP, restart, store outage, partition, packet loss) and check its invariants.",
        "Run './tandem chaos run --help' for the options."})
public final class ChaosCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "run and its options")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>();
        all.add("chaos");
        all.addAll(args);
        return BenchCommand.runBenchJar("chaos", all);
    }
}
