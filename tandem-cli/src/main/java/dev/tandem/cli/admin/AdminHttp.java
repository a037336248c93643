package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A node's admin API as the CLI calls it: the project's one admin client ({@link AdminClient}), with every failure
 * turned into a {@link CliFailure} whose message a person can act on: node unreachable or token refused (exit 1),
 * input refused by the node (HTTP 400, exit 2), anything else the node refused (exit 1). Commands read answers into
 * the records of tandem-api through {@link #client()}, or as JSON where they show it as it is.
 */
public final class AdminHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(3);
    private static final Duration REQUEST = Duration.ofSeconds(30);

    private final AdminClient client;

    public AdminHttp(URI base, String token) {
        this(base, token, null);
    }

    /** {@code tls}: the certificates an https:// node must present (--ca), or null for the JDK's own. */
    public AdminHttp(URI base, String token, javax.net.ssl.SSLContext tls) {
        this.client = new AdminClient(base, token, tls, CONNECT, REQUEST);
    }

    public URI base() {
        return client.base();
    }

    /** An answer to a request for {@code path}: status, body text and content type. */
    public record Answer(String path, int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new CliFailure(CliFailure.FAILURE, "the admin API answered something that is not JSON: "
                        + body.lines().findFirst().orElse(""));
            }
        }

        AdminClient.Answer raw() {
            return new AdminClient.Answer(path, status, body, contentType);
        }
    }

    /**
     * Runs a call of the typed client, with its failures as the CLI reports them: {@code api.call(c -> c.failover())}.
     */
    public <T> T call(java.util.function.Function<AdminClient, T> request) {
        try {
            return request.apply(client);
        } catch (AdminClient.Failure f) {
            throw failure(f);
        }
    }

    public JsonNode get(String path) {
        return send("GET", path, null, null).json();
    }

    public String getText(String path) {
        return send("GET", path, null, null).body();
    }

    public JsonNode post(String path, Object json) {
        return send("POST", path, "application/json", write(json)).json();
    }

    public JsonNode put(String path, Object json) {
        return send("PUT", path, "application/json", write(json)).json();
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, null).json();
    }

    /** A request with a body of the given type; refusals are thrown as {@link CliFailure}. */
    public Answer send(String method, String path, String contentType, String body) {
        Answer a = exchange(method, path, contentType, body);
        if (a.status() >= 200 && a.status() < 300) return a;
        throw refusal(a);
    }

    /** A request whose refusals the caller reads itself (for example a refused failover, or an error with a line). */
    public Answer exchange(String method, String path, String contentType, String body) {
        AdminClient.Answer a = call(c -> c.exchange(method, path, contentType, body));
        return new Answer(a.path(), a.status(), a.body(), a.contentType());
    }

    /** The node's own error message, with the exit code its status calls for. */
    public CliFailure refusal(Answer a) {
        String message = errorText(a);
        if (a.status() == 401) {
            return new CliFailure(CliFailure.FAILURE, "the admin API at " + base() + " refused the token: " + message
                    + " (check --token-file or " + AdminOptions.TOKEN_VARIABLE + ")");
        }
        return new CliFailure(a.status() == 400 ? CliFailure.USAGE : CliFailure.FAILURE, message);
    }

    static String errorText(Answer a) {
        return AdminClient.refused(a.raw()).getMessage();
    }

    /** What the CLI says when a request got no answer, or a refusal. */
    private CliFailure failure(AdminClient.Failure f) {
        return switch (f.kind()) {
            case UNREACHABLE -> new CliFailure(CliFailure.FAILURE, f.getMessage() + "; is the node running there?"
                    + " (--admin URL)");
            case UNTRUSTED -> new CliFailure(CliFailure.FAILURE, f.getMessage() + "; give the CA's PEM file with --ca FILE");
            case REFUSED -> {
                AdminClient.Answer a = f.answer();
                yield refusal(new Answer(a.path(), a.status(), a.body(), a.contentType()));
            }
            case TIMEOUT, IO -> new CliFailure(CliFailure.FAILURE, f.getMessage());
        };
    }

    private static String write(Object json) {
        try {
            return json instanceof String s ? s : JSON.writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Pretty JSON for {@code --json}. */
    public static String pretty(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
