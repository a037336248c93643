package dev.tandem.dist;

import dev.tandem.api.AdminClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A node started by an installed launcher ({@code bin/tandem node --config FILE}), and its admin API. */
final class NodeRun implements AutoCloseable {

    final String address;
    final Path log;
    private final Process process;

    private NodeRun(String address, Path log, Process process) {
        this.address = address;
        this.log = log;
        this.process = process;
    }

    static NodeRun start(Path launcher, Path config, String address, Map<String, String> extraEnv) throws IOException {
        Path log = config.resolveSibling(config.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "node", "--config", config.toString())
                .directory(config.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Sh.operatorEnv(pb).put("TANDEM_JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        pb.environment().putAll(extraEnv);
        return new NodeRun(address, log, pb.start());
    }

    /** The admin API's answer to {@code path}, whatever its status. */
    AdminClient.Answer get(String path, String token) {
        return client(token).exchange("GET", path, null, null);
    }

    private AdminClient client(String token) {
        return new AdminClient(URI.create("http://" + address + ":20075"), token, null, Duration.ofSeconds(1),
                Duration.ofSeconds(5));
    }

    /** "State / Reason" of the node with this id as this node reports it, or "down". */
    String stateOf(String id, String token) {
        try {
            return client(token).groupNode(id).map(n -> n.state() + " / " + n.reason()).orElse("missing");
        } catch (AdminClient.Failure e) {
            return "down";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The arguments the launcher started the JVM with (it execs java, so this process is the JVM). */
    java.util.List<String> jvmArguments() {
        return java.util.List.of(process.info().arguments().orElseThrow());
    }

    /** SIGTERM, as systemd stops a unit; the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the node did not stop within 20 s of SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    List<String> logLines() {
        return log().lines().toList();
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
