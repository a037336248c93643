package dev.tandem.cli.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One node as a separate JVM started from the built jar, as an operator starts it. */
final class NodeProcess implements AutoCloseable {
    private final Path config;
    private final Path log;
    private Process process;

    NodeProcess(Path config) {
        this.config = config;
        this.log = config.resolveSibling(config.getFileName().toString().replace(".yaml", ".log"));
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("tandem.jar", "target/tandem.jar"));
        if (!Files.exists(jar)) throw new IllegalStateException("the jar is not built: " + jar);
        return jar;
    }

    NodeProcess start() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.add("node");
        cmd.add("--config");
        cmd.add(config.toString());
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** SIGKILL: the process dies at once, says nothing to anyone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: the node stops gracefully. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node did not stop within 15 s of SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) process.destroyForcibly();
    }
}
