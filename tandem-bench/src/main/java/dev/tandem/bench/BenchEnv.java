package dev.tandem.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run reads and writes: the repository root (found upward from the working directory), the results
 * folder, the distribution jar real-process scenarios start nodes from, and the command line that started the
 * run (recorded in each result so BENCHMARKS.md can name it).
 */
public record BenchEnv(Path root, Path results, Path tandemJar, String command) {

    public static BenchEnv detect(Path results, Path jar, String command) {
        Path root = findRoot();
        Path res = results != null ? results : root.resolve("tandem-bench").resolve("results");
        Path j = jar != null ? jar : System.getProperty("tandem.jar") != null
                ? Path.of(System.getProperty("tandem.jar")) : root.resolve("tandem-cli/target/tandem.jar");
        return new BenchEnv(root, res, j.toAbsolutePath().normalize(), command);
    }

    /** The nearest folder upward that holds {@code tandem-bench/pom.xml}; the working directory if none. */
    static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("tandem-bench").resolve("pom.xml"))) return d;
        }
        return p;
    }

    public Path requireJar() {
        if (!Files.isRegularFile(tandemJar)) {
            throw new IllegalStateException("the node distribution is not built: " + tandemJar
                    + " is missing; build it with ./mvnw -pl tandem-cli -am package -DskipTests (or run ./tandem once)");
        }
        return tandemJar;
    }
}
