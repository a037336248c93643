package dev.tandem.cli;

import dev.tandem.sim.ScenarioRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem sim run FILE|DIR...}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run scenario files (or every *.scenario file under a directory) in virtual time.",
                "Prints one line per expectation, 'ok ...' or 'FAIL <file>:<line>: ...', then 'N passed, N failed'.",
                "Exit code: 0 all passed, 1 an expectation failed, 2 a scenario could not be read."})
public final class SimRunCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "scenario files or directories")
    List<Path> paths;

    @Option(names = "--trace", description = "also print every transition, fault and hook with its virtual time")
    boolean trace;

    @Override
    public Integer call() {
        ScenarioRunner runner = new ScenarioRunner(System.out, trace);
        ScenarioRunner.Result r = runner.runFiles(ScenarioRunner.collect(paths));
        if (r.malformed()) return 2;
        return r.failed() == 0 ? 0 : 1;
    }
}
