package dev.tandem.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tandem.api.SessionAnswers;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The requests of a {@link TandemClient} to the cluster address and to its node's session service, and what their
 * answers to a login mean: the login through the cluster address (following the director's redirect, or reading its
 * assignment), heartbeats and the logout. Keeps the client's own HttpClient, unless the application shares one.
 */
final class ServiceCalls {
    /** How one login through the cluster address ended. */
    sealed interface Login {
        /** Logged in; the service keeps the session for {@code hold} without a heartbeat. */
        record Session(ClientState.LoggedIn in, Duration hold) implements Login {}

        /** {@code who} refused the login with {@code answer}. */
        record Refused(HttpResponse<String> answer, String who) implements Login {}

        /** No answer, or one the client does not understand. */
        record Failed(String reason) implements Login {}
    }

    private final URI cluster;
    private final String user;
    private final TandemClient.Discovery discovery;
    private final HttpClient http;
    private final boolean ownHttp;
    private final Duration requestTimeout;
    /** Hears the re-login limits a node advertised in an answer. */
    private final Consumer<ReloginDelay> advertised;

    /** Without {@code shared} the calls go through an HttpClient of their own, trusting {@code trustFile} if given. */
    ServiceCalls(URI cluster, String user, TandemClient.Discovery discovery, HttpClient shared, Path trustFile,
            Duration requestTimeout, Consumer<ReloginDelay> advertised) {
        this.advertised = advertised;
        this.cluster = cluster;
        this.user = user;
        this.discovery = discovery;
        this.ownHttp = shared == null;
        if (ownHttp) {
            HttpClient.Builder own = HttpClient.newBuilder().connectTimeout(requestTimeout);
            if (trustFile != null) own.sslContext(TrustFile.sslContext(trustFile));
            this.http = own.build();
        } else {
            this.http = shared;
        }
        this.requestTimeout = requestTimeout;
    }

    /** Asks the cluster address which node to use and logs in there. */
    CompletableFuture<Login> login() {
        boolean assign = discovery == TandemClient.Discovery.ASSIGN;
        URI ask = cluster.resolve((assign ? TandemClient.ASSIGN_PATH : TandemClient.LOGIN_PATH) + userQuery());
        return send(get(ask)).handle((r, e) -> e != null ? done(unreachable("the cluster address", e))
                : assign ? assigned(r) : redirected(r)).thenCompose(Function.identity());
    }

    /** A heartbeat of {@code in}, waiting for its answer no longer than {@link HeartbeatTiming#heartbeatTimeout}. */
    CompletableFuture<HttpResponse<String>> heartbeat(ClientState.LoggedIn in) {
        return send(request(in.member().resolve(TandemClient.HEARTBEAT_PATH))
                .timeout(HeartbeatTiming.heartbeatTimeout(in.heartbeat(), requestTimeout))
                .header(TandemClient.SESSION_HEADER, in.session()).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** The logout of {@code in}; completes when it is answered or has failed. */
    CompletableFuture<Void> logout(ClientState.LoggedIn in) {
        return send(request(in.member().resolve(TandemClient.LOGOUT_PATH)).header(TandemClient.SESSION_HEADER, in.session())
                .POST(HttpRequest.BodyPublishers.noBody()).build()).handle((r, e) -> null);
    }

    /** Stops the HttpClient of their own; a shared one is the application's. */
    void close() {
        if (ownHttp) http.shutdown();
    }

    /** The scheme, host and port of {@code u}: a member's or the cluster address's base URL. */
    static URI base(URI u) {
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private CompletableFuture<Login> redirected(HttpResponse<String> r) {
        int status = r.statusCode();
        if (status >= 300 && status < 400) {
            Optional<String> location = r.headers().firstValue("Location");
            if (location.isEmpty()) {
                return done(new Login.Failed("the cluster address answered " + status + " without a Location"));
            }
            URI member = r.uri().resolve(location.get());
            // The redirect keeps path and query, so following it is the login itself.
            return loginAt(get(member), "node " + base(member));
        } else if (status == 200) {
            // An HttpClient that follows redirects itself, or a director that serves the login (centralized mode).
            return done(loginAnswer(r));
        }
        return done(new Login.Refused(r, r.uri().getPath().equals(TandemClient.LOGIN_PATH)
                && base(r.uri()).equals(cluster) ? "the cluster address" : "node " + base(r.uri())));
    }

    private CompletableFuture<Login> assigned(HttpResponse<String> r) {
        if (r.statusCode() != 200) return done(new Login.Refused(r, "the cluster address"));
        URI member;
        try {
            member = base(Replies.assigned(r, cluster.getScheme()));
        } catch (Exception e) {
            return done(new Login.Failed("the cluster address's assignment is not understood: " + e.getMessage()));
        }
        String body = JsonNodeFactory.instance.objectNode().put("user", user).toString();
        HttpRequest req = request(member.resolve(TandemClient.LOGIN_PATH)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return loginAt(req, "node " + member);
    }

    /** Sends the login itself; {@code who} is the node it goes to. */
    private CompletableFuture<Login> loginAt(HttpRequest req, String who) {
        return send(req).handle((r, e) -> e != null ? unreachable(who, e) : loginAnswer(r));
    }

    private static Login loginAnswer(HttpResponse<String> r) {
        if (r.statusCode() != 200) return new Login.Refused(r, "node " + base(r.uri()));
        try {
            SessionAnswers.Session a = Replies.session(r);
            if (a.session() == null || a.node() == null) throw new IOException("no session or node in it");
            // A service before heartbeatMillis says the interval in seconds only.
            long millis = a.heartbeatMillis() > 0 ? a.heartbeatMillis() : Math.round(a.heartbeatSeconds() * 1000);
            Duration heartbeat = Duration.ofMillis(Math.max(millis, HeartbeatTiming.SHORTEST.toMillis()));
            ClientState.LoggedIn in = new ClientState.LoggedIn(a.node(), base(r.uri()), a.session(), heartbeat);
            Duration hold = a.inactiveAfterSeconds() > 0 ? Duration.ofMillis(Math.round(a.inactiveAfterSeconds() * 1000))
                    : heartbeat.multipliedBy(3);
            return new Login.Session(in, hold);
        } catch (Exception e) {
            return new Login.Failed("the login answer of " + base(r.uri()) + " is not understood: " + e.getMessage());
        }
    }

    private static Login unreachable(String who, Throwable e) {
        return new Login.Failed(who + " did not answer: " + Replies.describe(e));
    }

    private static CompletableFuture<Login> done(Login login) {
        return CompletableFuture.completedFuture(login);
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest req) {
        try {
            return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                Replies.relogin(r).ifPresent(advertised);
                return r;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout);
    }

    private HttpRequest get(URI uri) {
        return request(uri).GET().build();
    }

    private String userQuery() {
        return user == null ? "" : "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
    }
}
