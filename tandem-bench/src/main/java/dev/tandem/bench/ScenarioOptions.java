package dev.tandem.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every scenario takes. */
public final class ScenarioOptions {
    @Option(names = "--results", paramLabel = "DIR",
            description = "where to write <scenario>.json (default: tandem-bench/results of this repository)")
    Path results;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "the node distribution real-process scenarios start (default: tandem-cli/target/tandem.jar)")
    Path jar;

    public BenchEnv env() {
        return BenchEnv.detect(results, jar, BenchMain.commandLine());
    }
}
