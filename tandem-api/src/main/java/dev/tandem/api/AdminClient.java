package dev.tandem.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * A node's admin API as every Java caller reaches it (the CLI, the demo, the benchmarks, the tests): the JDK's
 * HttpClient, the bearer token, answers read into the records of this module (or a {@link JsonNode} where a caller
 * shows the JSON as it is). A request that gets no answer, or an answer that is a refusal, is a {@link Failure} that
 * says which and carries the node's {@link ApiError}.
 */
public final class AdminClient {
    /**
     * Reads answers into records. A field this build does not know is skipped, so that a client keeps working with a
     * newer node during a rolling upgrade; the node's side is held to the document by the contract tests.
     */
    public static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI base;
    private final String token;
    private final Duration connect;
    private final Duration request;
    private final HttpClient http;

    /**
     * @param base    {@code http://host:port} or {@code https://...}
     * @param token   the bearer token; null for the routes that need none (/health, /metrics)
     * @param tls     the certificates an https node must present, or null for the JDK's own
     * @param request how long one request may take in all
     */
    public AdminClient(URI base, String token, SSLContext tls, Duration connect, Duration request) {
        this.base = base;
        this.token = token;
        this.connect = connect;
        this.request = request;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connect);
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
    }

    public URI base() {
        return base;
    }

    /** Why a request failed: no answer (and why), or the node's refusal. */
    public enum Kind { UNREACHABLE, TIMEOUT, UNTRUSTED, IO, REFUSED }

    /** A request that got no answer, or whose answer is a refusal. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Kind kind;
        private final transient Answer answer;

        Failure(Kind kind, String message, Answer answer) {
            super(message);
            this.kind = kind;
            this.answer = answer;
        }

        public Kind kind() {
            return kind;
        }

        /** The refusal's answer; null when none came. */
        public Answer answer() {
            return answer;
        }

        /** The refusal's status; 0 when no answer came. */
        public int status() {
            return answer == null ? 0 : answer.status();
        }
    }

    /**
     * An answer as it came: status, body, content type, and the server's Date header ("" without one: a doctor
     * compares clocks with it).
     */
    public record Answer(String path, int status, String body, String contentType, String date) {
        public Answer(String path, int status, String body, String contentType) {
            this(path, status, body, contentType, "");
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public <T> T as(Class<T> type) {
            try {
                return body.isEmpty() ? null : JSON.readValue(body, type);
            } catch (IOException e) {
                throw new Failure(Kind.IO, "the admin API's answer to " + path + " is not what " + type.getSimpleName()
                        + " says: " + firstLine(e.getMessage()), this);
            }
        }

        public <T> List<T> asList(Class<T> type) {
            try {
                return JSON.readValue(body, JSON.getTypeFactory().constructCollectionType(List.class, type));
            } catch (IOException e) {
                throw new Failure(Kind.IO, "the admin API's answer to " + path + " is not a list of "
                        + type.getSimpleName() + ": " + firstLine(e.getMessage()), this);
            }
        }

        /** The node's error, or null when the body is not one (a proxy's page, an empty body). */
        public ApiError error() {
            try {
                JsonNode n = JSON.readTree(body);
                if (n == null || !n.hasNonNull("error")) return null;
                return ApiError.of(status, n.get("error").asText());
            } catch (IOException e) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- requests

    /** The answer whatever its status; only a request that gets no answer fails. */
    public Answer exchange(String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(request)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (contentType != null) b.header("Content-Type", contentType);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(path, r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Date").orElse(""));
        } catch (HttpConnectTimeoutException e) {
            throw new Failure(Kind.UNREACHABLE, "cannot reach the admin API at " + base + " (no answer within "
                    + connect.toMillis() + " ms)", null);
        } catch (ConnectException e) {
            throw new Failure(Kind.UNREACHABLE, "cannot reach the admin API at " + base + " (connection refused)", null);
        } catch (HttpTimeoutException e) {
            throw new Failure(Kind.TIMEOUT, "the admin API at " + base + " did not answer within "
                    + request.toMillis() + " ms", null);
        } catch (SSLHandshakeException e) {
            throw new Failure(Kind.UNTRUSTED, "the admin API at " + base + " presented a certificate this client does not trust ("
                    + describe(e) + ")", null);
        } catch (IOException e) {
            throw new Failure(Kind.IO, "cannot talk to the admin API at " + base + ": " + describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Kind.IO, "interrupted while asking the admin API at " + base, null);
        }
    }

    /** The answer of a success; a refusal is a {@link Failure} with the node's message. */
    public Answer send(String method, String path, String contentType, String body) {
        Answer a = exchange(method, path, contentType, body);
        if (a.ok()) return a;
        throw refused(a);
    }

    /** A refusal as a {@link Failure}: the node's message, or what the answer shows when it is no error of a node. */
    public static Failure refused(Answer a) {
        ApiError e = a.error();
        return new Failure(Kind.REFUSED, e != null ? e.error() : refusedWithoutError(a), a);
    }

    public <T> T get(String path, Class<T> type) {
        return send("GET", path, null, null).as(type);
    }

    public <T> List<T> list(String path, Class<T> type) {
        return send("GET", path, null, null).asList(type);
    }

    public String text(String path) {
        return send("GET", path, null, null).body();
    }

    // ---------------------------------------------------------------- the routes callers use most

    public NodeAnswers.NodeInfo node() {
        return get("/api/v1/node", NodeAnswers.NodeInfo.class);
    }

    public List<RedundancyAnswers.Group> redundancyGroups() {
        return list("/api/v1/redundancy-groups", RedundancyAnswers.Group.class);
    }

    /** Node {@code id} of a redundancy group this node is in, as this node sees it; empty when it has no such node. */
    public java.util.Optional<RedundancyAnswers.GroupNode> groupNode(String id) {
        return redundancyGroups().stream().flatMap(g -> g.nodes().stream()).filter(n -> n.id().equals(id)).findFirst();
    }

    public FailoverAnswers.Failover failover() {
        return get("/api/v1/failover", FailoverAnswers.Failover.class);
    }

    public LoadBalancingAnswers.LoadBalancing loadBalancing() {
        return get("/api/v1/load-balancing", LoadBalancingAnswers.LoadBalancing.class);
    }

    /**
     * Failover, fallback or recover of {@code node} in {@code group}: the node's answer, accepted (202) or refused by
     * the specification's rules (409, with the reason); any other refusal is a {@link Failure}.
     */
    public RedundancyAnswers.ActionAnswer action(String group, String action, String node) {
        String path = "/api/v1/redundancy-groups/" + encode(group) + "/" + action
                + (node == null ? "" : "?node=" + encode(node));
        Answer a = exchange("POST", path, null, null);
        if (a.ok()) return a.as(RedundancyAnswers.ActionAnswer.class);
        if (a.status() == 409 && a.error() == null) return a.as(RedundancyAnswers.ActionAnswer.class);
        throw refused(a);
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String refusedWithoutError(Answer a) {
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

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
