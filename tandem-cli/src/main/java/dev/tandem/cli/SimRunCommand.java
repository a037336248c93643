package dev.tandem.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tandem sim run FILE|DIR...}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run scenario files (or every *.scenario file under a directory). Prints one line per"
                + " expectation and a summary; exits 0 only if all pass.")
public final class SimRunCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "scenario files or directories")
    List<Path> paths;

    @Override
    public Integer call() {
        return 0;
    }
}
