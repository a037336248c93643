package dev.tandem.bench.proc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A node's admin API as scripts call it; every call gives up quickly, so a probe loop never hangs. */
public final class Admin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final String token;
    private final int port;

    public Admin(String token, int port) {
        this.token = token;
        this.port = port;
    }

    /** GET a JSON resource, or empty when the node does not answer (yet) or answers an error. */
    public Optional<JsonNode> get(String host, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                    .timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return Optional.empty();
            return Optional.of(JSON.readTree(r.body()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * POST a body and read the JSON answer; a refusal or an unreachable node is an exception naming what the node said,
     * because a benchmark's set-up step that fails must stop the run, not be polled again.
     */
    public JsonNode post(String host, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException("POST " + path + " on " + host + ": HTTP " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    /** GET a text resource (an export), failing as {@link #post} does. */
    public String text(String host, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET " + path + " on " + host + ": HTTP " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /** True once /health answers 200. */
    public boolean healthy(String host) {
        return get(host, "/health").isPresent();
    }

    /** "State / Reason" of a node of the group as {@code host} reports it; empty when it does not answer. */
    public Optional<String> stateOf(String host, String id) {
        return get(host, "/api/v1/redundancy-groups").map(groups -> {
            for (JsonNode n : groups.get(0).get("nodes")) {
                if (n.get("id").asText().equals(id)) return n.get("state").asText() + " / " + n.get("reason").asText();
            }
            return "missing";
        });
    }

    /**
     * The id of the node that holds {@code id}'s service address now, as {@code host} sees it (docs/redundancy.md,
     * Service addresses); empty while nobody holds it or {@code host} does not answer.
     */
    public Optional<String> serviceAddressHolderOf(String host, String id) {
        return get(host, "/api/v1/redundancy-groups").flatMap(groups -> {
            for (JsonNode n : groups.get(0).get("nodes")) {
                if (n.get("id").asText().equals(id) && n.path("serviceAddressHolder").isTextual()) {
                    return Optional.of(n.get("serviceAddressHolder").asText());
                }
            }
            return Optional.empty();
        });
    }

    /** The load-balancing view of {@code host}: {@code director}, {@code holdsClusterAddress}, ... */
    public Optional<JsonNode> loadBalancing(String host) {
        return get(host, "/api/v1/load-balancing");
    }
}
