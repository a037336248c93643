package dev.tandem.cli;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tandem bench SCENARIO [options]}: runs the benchmark distribution (tandem-bench/target/tandem-bench.jar) as
 * a child process, so that this command does not carry the benchmark harness. The {@code ./tandem} launcher builds
 * that jar when it is missing or older than its sources.
 */
@Command(name = "bench", description = {"Measure Tandem: pair-failover, director-failover, redirect, decision, protocol,"
        + " users, footprint; 'report' rewrites BENCHMARKS.md from the results.",
        "Run './tandem bench --help' or './tandem bench SCENARIO --help' for the options of each."})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "the scenario and its options")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return runBenchJar("bench", args);
    }

    /** Runs the benchmark distribution with {@code args}; {@code command} names the command in its messages. */
    static int runBenchJar(String command, List<String> args) throws Exception {
        Path jar = benchJar();
        if (!Files.isRegularFile(jar)) {
            System.err.println("tandem " + command + ": the benchmark distribution is not built: " + jar + " is missing.");
            System.err.println("              Build it with: ./mvnw -pl tandem-bench -am package -DskipTests"
                    + " (the ./tandem launcher does it for you)");
            return 1;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    /** tandem-bench/target/tandem-bench.jar beside tandem-cli/target/tandem.jar, or -Dtandem.bench.jar. */
    static Path benchJar() throws URISyntaxException {
        String given = System.getProperty("tandem.bench.jar");
        if (given != null) return Path.of(given);
        Path self = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = Files.isDirectory(self) ? self.getParent() : self.getParent(); // target/classes or target/tandem.jar
        return target.getParent().getParent().resolve("tandem-bench" + File.separator + "target"
                + File.separator + "tandem-bench.jar").normalize();
    }
}
