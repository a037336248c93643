package dev.tandem.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls a node's admin API the way scripts do. */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String token;

    AdminClient(String token) {
        this.token = token;
    }

    record Answer(int status, JsonNode body) {}

    Answer get(String host, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":20075" + path)).GET());
    }

    Answer post(String host, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":20075" + path))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    Answer put(String host, String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":20075" + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer post(String host, String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":20075" + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    String metrics(String host) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":20075/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    Answer postCsv(String host, String path, String csv) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":20075" + path))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /** "State / Reason" of a node as the node itself reports it, or "down" when its API does not answer. */
    String stateOf(String host, String id) {
        try {
            Answer a = get(host, "/api/v1/redundancy-groups");
            for (JsonNode n : a.body().get(0).get("nodes")) {
                if (n.get("id").asText().equals(id)) return n.get("state").asText() + " / " + n.get("reason").asText();
            }
            return "missing";
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "down";
        }
    }
}
