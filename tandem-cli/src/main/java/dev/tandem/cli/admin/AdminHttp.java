package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A node's admin API as the CLI calls it (JDK HttpClient, bearer token). Every failure becomes a {@link CliFailure}
 * with a message a person can act on: node unreachable or token refused (exit 1), input refused by the node (HTTP
 * 400, exit 2), anything else the node refused (exit 1).
 */
public final class AdminHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(3);
    private static final Duration REQUEST = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http;

    public AdminHttp(URI base, String token) {
        this(base, token, null);
    }

    /** {@code tls}: the certificates an https:// node must present (--ca), or null for the JDK's own. */
    public AdminHttp(URI base, String token, javax.net.ssl.SSLContext tls) {
        this.base = base;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT);
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
    }

    public URI base() {
        return base;
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
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(path, r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (HttpConnectTimeoutException e) {
            throw new CliFailure(CliFailure.FAILURE, "cannot reach the admin API at " + base + " (no answer within "
                    + CONNECT.toSeconds() + " s); is the node running there? (--admin URL)");
        } catch (ConnectException e) {
            throw new CliFailure(CliFailure.FAILURE, "cannot reach the admin API at " + base + " (connection refused);"
                    + " is the node running there? (--admin URL)");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(CliFailure.FAILURE, "the admin API at " + base + " did not answer within "
                    + REQUEST.toSeconds() + " s");
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new CliFailure(CliFailure.FAILURE, "the admin API at " + base + " presented a certificate this command"
                    + " does not trust (" + describe(e) + "); give the CA's PEM file with --ca FILE");
        } catch (IOException e) {
            throw new CliFailure(CliFailure.FAILURE, "cannot talk to the admin API at " + base + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.FAILURE, "interrupted");
        }
    }

    /** The node's own error message, with the exit code its status calls for. */
    public CliFailure refusal(Answer a) {
        String message = errorText(a);
        if (a.status() == 401) {
            return new CliFailure(CliFailure.FAILURE, "the admin API at " + base + " refused the token: " + message
                    + " (check --token-file or " + AdminOptions.TOKEN_VARIABLE + ")");
        }
        return new CliFailure(a.status() == 400 ? CliFailure.USAGE : CliFailure.FAILURE, message);
    }

    static String errorText(Answer a) {
        try {
            JsonNode n = JSON.readTree(a.body());
            if (n != null && n.hasNonNull("error")) return n.get("error").asText();
        } catch (IOException ignored) {
            // not JSON: show the text itself
        }
        if (a.status() == 404) {
            String p = a.path().contains("?") ? a.path().substring(0, a.path().indexOf('?')) : a.path();
            return "the node has no " + p + " (HTTP 404); its version may lack this endpoint";
        }
        String first = a.body().lines().findFirst().orElse("").strip();
        return "HTTP " + a.status() + (first.isEmpty() ? "" : ": " + first);
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
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
