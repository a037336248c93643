package dev.tandem.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.api.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin API of the nodes of an IT, on port 20075 of each host, through the project's admin client
 * ({@link AdminClient}): answers whatever their status, for the tests to check.
 */
final class NodeAdmin {
    private final String token;
    private final Map<String, AdminClient> clients = new ConcurrentHashMap<>();

    NodeAdmin(String token) {
        this.token = token;
    }

    record Answer(int status, JsonNode body) {}

    private AdminClient client(String host) {
        return clients.computeIfAbsent(host, h -> new AdminClient(URI.create("http://" + h + ":20075"), token, null,
                Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    Answer get(String host, String path) throws IOException {
        return send(host, "GET", path, null, null);
    }

    Answer post(String host, String path) throws IOException {
        return send(host, "POST", path, null, null);
    }

    Answer put(String host, String path, String json) throws IOException {
        return send(host, "PUT", path, "application/json", json);
    }

    Answer post(String host, String path, String json) throws IOException {
        return send(host, "POST", path, "application/json", json);
    }

    Answer postText(String host, String path, String text) throws IOException {
        return send(host, "POST", path, "text/plain", text);
    }

    Answer postCsv(String host, String path, String csv) throws IOException {
        return send(host, "POST", path, "text/csv", csv);
    }

    String metrics(String host) {
        return client(host).exchange("GET", "/metrics", null, null).body();
    }

    private Answer send(String host, String method, String path, String type, String body) throws IOException {
        AdminClient.Answer a = client(host).exchange(method, path, type, body);
        return new Answer(a.status(), AdminClient.JSON.readTree(a.body()));
    }

    /** "State / Reason" of a node as the node itself reports it, or "down" when its API does not answer. */
    String stateOf(String host, String id) {
        try {
            return client(host).groupNode(id).map(n -> n.state() + " / " + n.reason()).orElse("missing");
        } catch (AdminClient.Failure e) {
            return "down";
        }
    }
}
