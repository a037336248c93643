package dev.tandem.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A node started by an installed launcher ({@code bin/tandem node --config FILE}), and its admin API. */
final class NodeRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

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

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + ":20075" + path))
                .timeout(Duration.ofSeconds(5)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** "State / Reason" of the node with this id as this node reports it, or "down". */
    String stateOf(String id, String token) {
        try {
            JsonNode groups = JSON.readTree(get("/api/v1/redundancy-groups", token).body());
            for (JsonNode n : groups.get(0).get("nodes")) {
                if (n.get("id").asText().equals(id)) return n.get("state").asText() + " / " + n.get("reason").asText();
            }
            return "missing";
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "down";
        }
    }

    boolean alive() {
        return process.isAlive();
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
