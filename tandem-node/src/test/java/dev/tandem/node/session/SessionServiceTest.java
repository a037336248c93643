package dev.tandem.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.SessionAnswers;
import dev.tandem.core.lb.Load;
import dev.tandem.core.rm.Serving;
import dev.tandem.node.HandClock;
import dev.tandem.node.config.NodeConfig;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session service on its own, against a stand-in for its node: real HTTP on 127.0.0.1 (an ephemeral port), a
 * clock the test moves, the node's serving state set by the test. docs/session-service.md is the contract.
 */
class SessionServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration INACTIVE = Duration.ofSeconds(30);
    private static final Duration END = Duration.ofMinutes(5);

    /** The node as the service sees it: n1, paired with n2, serving what the test says. */
    static final class FakeHost implements SessionHost {
        volatile Set<Serving.Side> serving = EnumSet.of(Serving.Side.OWN);
        volatile boolean addressesFollowUsers;
        final List<Load> reports = new CopyOnWriteArrayList<>();

        @Override public String id() { return "n1"; }
        @Override public Optional<String> peer() { return Optional.of("n2"); }
        @Override public Set<Serving.Side> serving() { return serving; }
        volatile Duration reloginLower = Duration.ofSeconds(120);
        volatile Duration reloginUpper = Duration.ofSeconds(537);

        @Override public Duration reloginLower() { return reloginLower; }
        @Override public Duration reloginUpper() { return reloginUpper; }
        @Override public void reportLoad(Load load) { reports.add(load); }
        @Override public boolean addressesFollowUsers() { return addressesFollowUsers; }

        Load last() {
            return reports.get(reports.size() - 1);
        }
    }

    /** @param relogin the node's re-login limits as the answer's header gives them */
    record Answer(int status, JsonNode json, Optional<String> retryAfter, Optional<String> relogin) {}

    private final HandClock clock = new HandClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final FakeHost host = new FakeHost();
    private SessionService service;
    private String base;

    private void start(int max, UserHomes homes) {
        // Every test client comes from 127.0.0.1: the per-address and per-user caps are above the licences here, so
        // that only the licences count; the caps are tested on their own below.
        NodeConfig.SessionService cfg = new NodeConfig.SessionService("127.0.0.1", 0, max, HEARTBEAT, INACTIVE, END,
                "X-Tandem-User", max + 1, max + 1, NodeConfig.Http.defaults(NodeConfig.SessionService.DEFAULT_MAX_BODY_BYTES));
        service = new SessionService(cfg, host, homes, clock).start();
        base = "http://127.0.0.1:" + service.port();
    }

    @AfterEach
    void stop() {
        if (service != null) service.close();
    }

    private Answer send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return new Answer(r.statusCode(), JSON.readTree(r.body()), r.headers().firstValue("Retry-After"),
                r.headers().firstValue(SessionAnswers.RELOGIN_HEADER));
    }

    private String login(String user) throws Exception {
        Answer a = send("POST", "/session/login" + (user == null ? "" : "?user=" + user), null);
        assertThat(a.status()).as("login of %s: %s", user, a.json()).isEqualTo(200);
        return a.json().get("session").asText();
    }

    private int heartbeat(String session) throws Exception {
        return send("POST", "/session/heartbeat", null, SessionService.SESSION_HEADER, session).status();
    }

    private JsonNode stats() throws Exception {
        return send("GET", "/session/stats", null).json();
    }

    @Test
    void theWarmUpAtStartAnswersEveryRequestInMemoryAndLeavesNoTrace() throws Exception {
        start(10, UserHomes.NONE);
        String session = login("alice");
        int answers = service.warmUpInBackground().warmedUp().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answers).as("a heartbeat of no session and a health check, each round")
                .isEqualTo(2 * SessionWarmUp.ROUNDS);
        JsonNode s = stats();
        assertThat(s.get("active").asInt() + s.get("inactive").asInt()).as("no session made by the warm-up").isEqualTo(1);
        assertThat(heartbeat(session)).isEqualTo(200); // and the real one is untouched
    }

    @Test
    void aServiceAddressIsAnsweredWhileHeldOverTheSameSessionsAndClosedAlone() throws Exception {
        start(10, UserHomes.NONE);
        String session = login("alice");
        String held = "127.0.52.77";
        String busy = "127.0.52.78";
        service.listen(held);
        String own = base;
        base = "http://" + held + ":" + service.port();
        assertThat(heartbeat(session)).isEqualTo(200); // the same session, at the service address
        assertThat(service.listening()).containsExactly(held);

        // Something else has the other address open at the service's port: listening there fails, and says so.
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(busy, service.port()));
            assertThatThrownBy(() -> service.listen(busy))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(busy + ":" + service.port());
        }
        assertThat(service.listening()).containsExactly(held);
        service.listen(busy); // free now
        assertThat(service.listening()).containsExactlyInAnyOrder(held, busy);

        service.unlisten(held);
        assertThatThrownBy(() -> heartbeat(session)).isInstanceOf(ConnectException.class);
        base = "http://" + busy + ":" + service.port();
        assertThat(heartbeat(session)).isEqualTo(200);
        base = own;
        assertThat(heartbeat(session)).isEqualTo(200); // the node's own address never closed
        service.listen(held); // and it can be held again
        base = "http://" + held + ":" + service.port();
        assertThat(heartbeat(session)).isEqualTo(200);
    }

    @Test
    void aSessionMovingWithItsAddressIsAnswered503MovingAndTheConnectionClosed() throws Exception {
        start(10, UserHomes.NONE);
        host.addressesFollowUsers = true;
        String session = login("alice");
        service.book().demote(Serving.Side.OWN); // as a planned move does: the session is a copy, the peer's soon
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/session/heartbeat"))
                .header(SessionService.SESSION_HEADER, session).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("moving");
        // The next heartbeat must open a new connection: that one reaches whoever holds the address then.
        assertThat(r.headers().firstValue("Connection")).hasValue("close");

        service.book().promote(Serving.Side.OWN, clock.instant()); // the move taken back: served here again
        assertThat(heartbeat(session)).isEqualTo(200);
    }

    @Test
    void logsInHeartbeatsAndLogsOut() throws Exception {
        start(10, UserHomes.NONE);
        Answer in = send("POST", "/session/login", "{\"user\":\"alice\"}");
        assertThat(in.status()).isEqualTo(200);
        assertThat(in.json().get("user").asText()).isEqualTo("alice");
        assertThat(in.json().get("node").asText()).isEqualTo("n1");
        assertThat(in.json().get("heartbeatSeconds").asDouble()).isEqualTo(10.0);
        assertThat(in.json().get("heartbeatMillis").asLong()).isEqualTo(10_000);
        String session = in.json().get("session").asText();
        assertThat(session).hasSizeGreaterThanOrEqualTo(20);

        // The session can be named three ways.
        assertThat(heartbeat(session)).isEqualTo(200);
        assertThat(send("POST", "/session/heartbeat?session=" + session, null).status()).isEqualTo(200);
        assertThat(send("POST", "/session/heartbeat", "{\"session\":\"" + session + "\"}").status()).isEqualTo(200);
        assertThat(stats().get("active").asInt()).isEqualTo(1);

        Answer out = send("POST", "/session/logout", null, SessionService.SESSION_HEADER, session);
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.json().get("ended").asBoolean()).isTrue();
        Answer gone = send("POST", "/session/heartbeat", null, SessionService.SESSION_HEADER, session);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("error").asText()).isEqualTo("no-session");
        assertThat(send("POST", "/session/logout", null, SessionService.SESSION_HEADER, session).status()).isEqualTo(404);
        assertThat(stats().get("active").asInt()).isZero();
    }

    @Test
    void namesTheUserByQueryHeaderOrBodyAndAcceptsAnonymousClients() throws Exception {
        start(10, UserHomes.NONE);
        assertThat(send("GET", "/session/login?user=bob", null).json().get("user").asText()).isEqualTo("bob");
        assertThat(send("POST", "/session/login", null, "X-Tandem-User", "carol").json().get("user").asText()).isEqualTo("carol");
        assertThat(send("POST", "/session/login", null).json().get("user").isNull()).isTrue();
        assertThat(stats().get("active").asInt()).isEqualTo(3);
    }

    @Test
    void badInputIsNamedWithWhatIsAllowed() throws Exception {
        start(10, UserHomes.NONE);
        Answer badUser = send("POST", "/session/login?user=a%20b", null);
        assertThat(badUser.status()).isEqualTo(400);
        assertThat(badUser.json().get("reason").asText()).contains("user 'a b'").contains("allowed: 1 to 128 of");
        Answer notJson = send("POST", "/session/login", "user=alice");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("reason").asText()).contains("not JSON");
        Answer noSession = send("POST", "/session/heartbeat", null);
        assertThat(noSession.status()).isEqualTo(400);
        assertThat(noSession.json().get("reason").asText()).contains(SessionService.SESSION_HEADER);
        assertThat(send("GET", "/session/nothing", null).status()).isEqualTo(404);
        assertThat(send("DELETE", "/session/login", null).status()).isIn(404, 405);
        // A body that is not valid HTTP (a chunk size that is no number) is the client's fault: 400, never a 500.
        try (dev.tandem.node.http.RawHttp raw = new dev.tandem.node.http.RawHttp("127.0.0.1", "127.0.0.1", service.port())) {
            dev.tandem.node.http.RawHttp.Answer bad = raw.send("POST /session/login HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n").answer();
            assertThat(bad.status()).as(bad.body()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("reason").asText()).isEqualTo("the request's body ended early or is not valid HTTP");
        }
        assertThat(stats().get("active").asInt()).isZero();
    }

    /** [LB-SHOW]: inactive sessions are not reported to the director. */
    @Test
    void anIdleSessionGoesInactiveStopsCountingAsLoadAndResumesOnItsNextHeartbeat() throws Exception {
        start(10, UserHomes.NONE);
        String a = login("alice");
        String b = login("bob");
        await().until(() -> !host.reports.isEmpty() && host.last().sessions() == 2);
        assertThat(host.last().max()).isEqualTo(10);

        clock.advance(INACTIVE.minusSeconds(1));
        assertThat(heartbeat(b)).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        service.sweepNow();
        JsonNode s = stats();
        assertThat(s.get("active").asInt()).isEqualTo(1);
        assertThat(s.get("inactive").asInt()).isEqualTo(1);
        await().until(() -> host.last().sessions() == 1);
        assertThat(host.last().max()).isEqualTo(10);

        assertThat(heartbeat(a)).isEqualTo(200); // wait-to-resume: the same session comes back
        assertThat(stats().get("inactive").asInt()).isZero();
        await().until(() -> host.last().sessions() == 2);
    }

    @Test
    void aSessionInactiveForEndAfterEnds() throws Exception {
        start(10, UserHomes.NONE);
        String a = login("alice");
        clock.advance(INACTIVE);
        service.sweepNow();
        clock.advance(END.minusSeconds(1));
        service.sweepNow();
        assertThat(stats().get("inactive").asInt()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        service.sweepNow();
        assertThat(stats().get("inactive").asInt()).isZero();
        assertThat(heartbeat(a)).isEqualTo(404);
    }

    /**
     * [RG-RELOGIN]: the limits are set per node and tell clients how long to wait before they log in here again:
     * every answer carries them, a refusal too, and a login's or heartbeat's body as well; a change on the running
     * node is in the next answer.
     */
    @Test
    void everyAnswerAdvertisesTheNodesReloginLimits() throws Exception {
        start(1, UserHomes.NONE);
        Answer in = send("POST", "/session/login?user=alice", null);
        assertThat(in.status()).isEqualTo(200);
        assertThat(in.relogin()).hasValue("120000-537000");
        assertThat(in.json().get("reloginLowerMillis").asLong()).isEqualTo(120_000);
        assertThat(in.json().get("reloginUpperMillis").asLong()).isEqualTo(537_000);
        Answer full = send("POST", "/session/login?user=bob", null);
        assertThat(full.status()).isEqualTo(503);
        assertThat(full.relogin()).hasValue("120000-537000");
        Answer unknown = send("POST", "/session/heartbeat", null, SessionService.SESSION_HEADER, "no-such-session");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.relogin()).hasValue("120000-537000");
        Answer missing = send("GET", "/session/nothing-here", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.relogin()).hasValue("120000-537000");

        host.reloginLower = Duration.ofSeconds(30);
        host.reloginUpper = Duration.ofSeconds(90);
        Answer beat = send("POST", "/session/heartbeat", null, SessionService.SESSION_HEADER, in.json().get("session").asText());
        assertThat(beat.status()).isEqualTo(200);
        assertThat(beat.relogin()).hasValue("30000-90000");
        assertThat(beat.json().get("reloginLowerMillis").asLong()).isEqualTo(30_000);
        assertThat(beat.json().get("reloginUpperMillis").asLong()).isEqualTo(90_000);
    }

    /**
     * [LB-SHOW]: "When the ASA receives the new connection, the session that has been inactive the longest is logged
     * off, allowing new connections to take its license." Without an inactive session a full service refuses.
     */
    @Test
    void whenFullTheLongestInactiveSessionMakesRoomElseTheLoginIsRefused() throws Exception {
        start(2, UserHomes.NONE);
        String a = login("alice");
        clock.advance(Duration.ofSeconds(1));
        String b = login("bob");
        Answer full = send("POST", "/session/login?user=carol", null);
        assertThat(full.status()).isEqualTo(503);
        assertThat(full.json().get("error").asText()).isEqualTo("full");
        assertThat(full.retryAfter()).hasValue("120");

        clock.advance(INACTIVE.plusSeconds(1)); // both inactive; alice since longer
        service.sweepNow();
        String c = login("carol");
        assertThat(heartbeat(a)).isEqualTo(404);
        assertThat(heartbeat(b)).isEqualTo(200);
        assertThat(heartbeat(c)).isEqualTo(200);
    }

    @Test
    void refusesUsersServedElsewhereAndSendsThemBackToTheClusterAddress() throws Exception {
        Map<String, String> homes = Map.of("alice", "n1", "bob", "n2", "dave", "n7");
        start(10, u -> Optional.ofNullable(homes.get(u)));

        assertThat(login("alice")).isNotBlank();
        assertThat(login("erin")).isNotBlank(); // unknown to the cluster: any serving node takes her
        for (String u : List.of("bob", "dave")) {
            Answer a = send("POST", "/session/login?user=" + u, null);
            assertThat(a.status()).isEqualTo(409);
            assertThat(a.json().get("error").asText()).isEqualTo("not-here");
            assertThat(a.json().get("reason").asText()).contains("served by " + homes.get(u)).contains("cluster address");
        }

        host.serving = EnumSet.of(Serving.Side.OWN, Serving.Side.PEER); // n2 failed over: n1 takes its users
        service.servingChanged();
        assertThat(login("bob")).isNotBlank();
        assertThat(send("POST", "/session/login?user=dave", null).status()).isEqualTo(409);

        host.serving = EnumSet.noneOf(Serving.Side.class); // n1 failed over
        service.servingChanged();
        Answer alice = send("POST", "/session/login?user=alice", null);
        assertThat(alice.status()).isEqualTo(409);
        assertThat(alice.json().get("reason").asText()).contains("served by n2");
        Answer anonymous = send("POST", "/session/login", null);
        assertThat(anonymous.status()).isEqualTo(503);
        assertThat(anonymous.json().get("error").asText()).isEqualTo("not-serving");
        assertThat(anonymous.retryAfter()).hasValue("120");
    }

    /** [RG-MANUAL], Manual fallback: the backup "disconnects all users that had been failed over". */
    @Test
    void takingBackDropsThePeersUsersOnly() throws Exception {
        start(10, u -> Optional.of(u.startsWith("p") ? "n2" : "n1"));
        host.serving = EnumSet.of(Serving.Side.OWN, Serving.Side.PEER);
        service.servingChanged();
        String own = login("olga");
        String peer = login("paul");
        String anonymous = login(null);
        assertThat(stats().get("peerUsers").asInt()).isEqualTo(1);

        host.serving = EnumSet.of(Serving.Side.OWN);
        service.servingChanged();
        assertThat(heartbeat(peer)).isEqualTo(404);
        assertThat(heartbeat(own)).isEqualTo(200);
        assertThat(heartbeat(anonymous)).isEqualTo(200);
        await().until(() -> host.last().sessions() == 2);
    }

    /** [RG-MANUAL], Manual failover: "All users from the failed node are disconnected and must re-login to the backup node." */
    @Test
    void failingOverDropsEverySession() throws Exception {
        start(10, UserHomes.NONE);
        String a = login("alice");
        String b = login(null);
        host.serving = EnumSet.noneOf(Serving.Side.class);
        service.servingChanged();
        assertThat(heartbeat(a)).isEqualTo(404);
        assertThat(heartbeat(b)).isEqualTo(404);
        // Serving nobody, the node shows full so that the director sends no one here ([LB-SHOW]: 100% is never chosen).
        await().until(() -> host.last().sessions() == 0 && host.last().max() == 0 && host.last().full());
        JsonNode health = send("GET", "/session/health", null).json();
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("serving")).isEmpty();
    }

    @Test
    void afterManyChangesTheLastReportIsTheFinalCount() throws Exception {
        start(1000, UserHomes.NONE);
        List<String> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) sessions.add(login("u" + i));
        await().until(() -> host.last().sessions() == 200);
        for (String s : sessions.subList(0, 50)) send("POST", "/session/logout", null, SessionService.SESSION_HEADER, s);
        await().until(() -> host.last().sessions() == 150);
        assertThat(host.last().max()).isEqualTo(1000);
        JsonNode s = stats();
        assertThat(s.get("peak").asInt()).isEqualTo(200);
        assertThat(s.get("reported").get("active").asInt()).isEqualTo(150);
    }

    // ---------------------------------------------------------------- limits (docs/session-service.md, Limits)

    /** A login from a chosen client address (the test subnet 127.0.32.0/24). */
    private Answer loginFrom(String address, String user) throws Exception {
        HttpClient from = HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(address))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/session/login" + (user == null ? "" : "?user=" + user)))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = from.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return new Answer(r.statusCode(), JSON.readTree(r.body()), r.headers().firstValue("Retry-After"),
                r.headers().firstValue(SessionAnswers.RELOGIN_HEADER));
    }

    private void startLimited(int max, int perAddress, int perUser) {
        NodeConfig.SessionService cfg = new NodeConfig.SessionService("127.0.0.1", 0, max, HEARTBEAT, INACTIVE, END,
                "X-Tandem-User", perAddress, perUser, NodeConfig.Http.defaults(1024));
        service = new SessionService(cfg, host, UserHomes.NONE, clock).start();
        base = "http://127.0.0.1:" + service.port();
    }

    /** Issue 16: 20,000 anonymous logins from one client took all 100 licences. */
    @Test
    void oneAddressCannotTakeEveryLicence() throws Exception {
        startLimited(100, 3, 100);
        List<String> held = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Answer in = loginFrom("127.0.32.10", null);
            assertThat(in.status()).isEqualTo(200);
            held.add(in.json().get("session").asText());
        }
        for (int i = 0; i < 20; i++) {
            Answer refused = loginFrom("127.0.32.10", i % 2 == 0 ? null : "u" + i);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("error").asText()).isEqualTo("too-many-sessions-from-address");
            assertThat(refused.json().get("message").asText()).contains("127.0.32.10").contains("3")
                    .contains("sessionService.maxSessionsPerAddress");
            assertThat(refused.retryAfter()).isPresent();
        }
        // Other clients are served; the licences are not gone.
        assertThat(loginFrom("127.0.32.11", null).status()).isEqualTo(200);
        assertThat(stats().get("active").asInt()).isEqualTo(4);
        // A session ended frees its place.
        send("POST", "/session/logout", null, SessionService.SESSION_HEADER, held.get(0));
        assertThat(loginFrom("127.0.32.10", null).status()).isEqualTo(200);
    }

    @Test
    void oneUserCannotHoldMoreThanItsSessions() throws Exception {
        startLimited(100, 100, 2);
        assertThat(loginFrom("127.0.32.12", "alice").status()).isEqualTo(200);
        assertThat(loginFrom("127.0.32.13", "alice").status()).isEqualTo(200);
        Answer refused = loginFrom("127.0.32.14", "alice");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("error").asText()).isEqualTo("too-many-sessions-for-user");
        assertThat(refused.json().get("message").asText()).contains("alice").contains("sessionService.maxSessionsPerUser");
        assertThat(loginFrom("127.0.32.14", "bob").status()).isEqualTo(200);
    }

    /** A client whose sessions went inactive (it lost them) can log in again: its own oldest makes room. */
    @Test
    void atItsCapAClientsOwnLongestInactiveSessionMakesRoom() throws Exception {
        startLimited(100, 2, 100);
        String first = loginFrom("127.0.32.15", null).json().get("session").asText();
        clock.advance(Duration.ofSeconds(1));
        String second = loginFrom("127.0.32.15", null).json().get("session").asText();
        clock.advance(INACTIVE.plusSeconds(1));
        service.sweepNow(); // both inactive, the first since longer
        assertThat(loginFrom("127.0.32.15", null).status()).isEqualTo(200);
        assertThat(heartbeat(first)).isEqualTo(404);
        assertThat(heartbeat(second)).isEqualTo(200);
        // Now both of its sessions are active: refused.
        assertThat(loginFrom("127.0.32.15", null).status()).isEqualTo(429);
    }

    @Test
    void aBodyOverTheCapIs413NamingTheLimit() throws Exception {
        startLimited(10, 10, 10);
        Answer a = send("POST", "/session/login", "{\"user\":\"" + "a".repeat(5000) + "\"}");
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.json().get("message").asText()).contains("1024").contains("sessionService.http.maxBodyBytes");
    }

    @Test
    void aHugeUserNameIsQuotedShort() throws Exception {
        startLimited(10, 10, 10);
        Answer a = send("POST", "/session/login?user=" + "x".repeat(5000) + "!", null);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().toString().length()).isLessThan(1000); // not the 5,000 characters sent
    }
}
