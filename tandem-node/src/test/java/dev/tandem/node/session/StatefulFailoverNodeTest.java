package dev.tandem.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.node.api.AdminApi;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/session-service.md, Stateful failover, on a real pair in this JVM (bind driver, real sockets, the cluster
 * key's envelope): n1 on 127.0.40.31 with the service address 127.0.40.41, n2 on .32 with .42. Clients log in at
 * the service addresses and keep their session tokens through a manual failover, the fallback and a crash of n1:
 * their heartbeats at the same address are answered 200 with the same session, by whichever node serves them.
 */
class StatefulFailoverNodeTest {
    private static final String A = "127.0.40.31";
    private static final String B = "127.0.40.32";
    private static final String SA = "127.0.40.41";
    private static final String SB = "127.0.40.42";
    private static final String TOKEN = "token-of-stateful-failover";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final Map<String, String> HOMES = Map.of("alice", "n1", "carol", "n1", "bob", "n2");

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private int sessionPort;
    private int adminPort;

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private TandemNode start(String id, String address, int service, int replication) throws Exception {
        return start(id, address, service, replication, 100);
    }

    private TandemNode start(String id, String address, int service, int replication, int maxSessions) throws Exception {
        String yaml = """
                node:
                  id: %s
                  address: %s
                admin:
                  address: %s
                  port: %d
                  tokenFile: admin-token
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: %s
                      serviceAddress: %s
                    - id: n2
                      address: %s
                      serviceAddress: %s
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 20s
                  criticalServiceDelay: 1s
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                sessionService:
                  port: %d
                  heartbeatInterval: 200ms
                  replicationPort: %d
                  maxSessions: %d
                """.formatted(id, address, address, adminPort, A, SA, B, SB, service, adminPort, id, sessionPort,
                replication, maxSessions);
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        TandemNode n = new TandemNode(ConfigLoader.load(f), Clock.systemUTC(), u -> Optional.ofNullable(HOMES.get(u)));
        open.add(n);
        n.start();
        open.add(new AdminApi(n).start());
        return n;
    }

    private record Answer(int status, JsonNode json) {}

    private Answer post(String address, String path, String session) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + ":" + sessionPort + path))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.noBody());
            if (session != null) b.header(SessionService.SESSION_HEADER, session);
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), JSON.readTree(r.body()));
        } catch (java.io.IOException e) {
            return new Answer(0, null); // the address does not answer (moving)
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private String login(String address, String user) {
        Answer a = post(address, "/session/login?user=" + user, null);
        assertThat(a.status()).as("login of %s at %s: %s", user, address, a.json()).isEqualTo(200);
        return a.json().get("session").asText();
    }

    private JsonNode api(String host, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /**
     * Heartbeats every session until each is answered 200 by {@code node} with its own token; returns every status
     * seen on the way. A 404 (the session lost) must never be among them.
     */
    private Map<String, List<Integer>> heartbeatUntil(Map<String, String> sessionAt, String node) {
        Map<String, List<Integer>> seen = new HashMap<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
            boolean all = true;
            for (Map.Entry<String, String> s : sessionAt.entrySet()) {
                Answer a = post(s.getValue(), "/session/heartbeat", s.getKey());
                seen.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(a.status());
                all &= a.status() == 200 && a.json().get("node").asText().equals(node)
                        && a.json().get("session").asText().equals(s.getKey());
            }
            return all;
        });
        return seen;
    }

    @Test
    void sessionsKeepTheirTokensThroughFailoverFallbackAndACrash() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-stateful-failover\n");
        int service = SessionNodeTest.freeUdp(A, B);
        adminPort = SessionNodeTest.freeTcp(A, B);
        sessionPort = SessionNodeTest.freeTcp(SA, SB, A, B);
        int replication = SessionNodeTest.freeTcp(A, B);
        TandemNode n1 = start("n1", A, service, replication);
        TandemNode n2 = start("n2", B, service, replication);
        await().atMost(Duration.ofSeconds(30)).until(() -> n1.snapshot().state() == NodeState.NORMAL
                && n2.snapshot().state() == NodeState.NORMAL && n1.holdsServiceAddressOf(NodeId.of("n1"))
                && n2.holdsServiceAddressOf(NodeId.of("n2")) && standbyReady(A) && standbyReady(B));

        // A login is answered only once the peer holds its copy: n2 has alice's the moment n1 answers.
        String alice = login(SA, "alice");
        assertThat(n2.sessions().orElseThrow().book().copy(alice)).isPresent();
        String carol = login(SA, "carol");
        assertThat(n2.sessions().orElseThrow().book().copy(carol)).isPresent();
        String bob = login(SB, "bob");
        assertThat(n1.sessions().orElseThrow().book().copy(bob)).isPresent();
        assertThat(post(SA, "/session/logout", carol).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).until(() -> n2.sessions().orElseThrow().book().copy(carol).isEmpty());
        JsonNode failover = api(A, "/api/v1/failover");
        assertThat(failover.get("standbyReady").asBoolean()).isTrue();
        assertThat(failover.get("handover").asText()).isEqualTo("keep");
        assertThat(failover.at("/users/0/activeOn").asText()).isEqualTo("n1");
        assertThat(failover.at("/users/1/thisNode").asText()).isEqualTo("standby");
        assertThat(failover.at("/replication/sessionsReplicated").asLong()).isGreaterThanOrEqualTo(2);

        Map<String, String> clients = Map.of(alice, SA, bob, SB);
        // Manual failover: n1's users, their address and their sessions go to n2.
        assertThat(n1.admin(AdminAction.FAILOVER).get(5, TimeUnit.SECONDS).accepted()).isTrue();
        Map<String, List<Integer>> seen = heartbeatUntil(clients, "n2");
        assertThat(seen.values()).allSatisfy(statuses -> assertThat(statuses).doesNotContain(404));
        assertThat(n1.snapshot().state()).isEqualTo(NodeState.IDLE);
        assertThat(api(B, "/api/v1/failover").at("/users/0/activeOn").asText()).isEqualTo("n2");

        // Fallback: they come back to n1, still the same sessions.
        assertThat(n1.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS).accepted()).isTrue();
        seen = heartbeatUntil(Map.of(alice, SA), "n1");
        assertThat(seen.get(alice)).doesNotContain(404);
        assertThat(heartbeatUntil(Map.of(bob, SB), "n2").get(bob)).doesNotContain(404);
        await().atMost(Duration.ofSeconds(10)).until(() -> standbyReady(A) && standbyReady(B));

        // A session that logs in now, then n1 fails: n2 takes its users over with the copies.
        String dave = login(SA, "alice");
        n1.failStop("the test ends it", null);
        seen = heartbeatUntil(Map.of(alice, SA, dave, SA, bob, SB), "n2");
        assertThat(seen.values()).allSatisfy(statuses -> assertThat(statuses).doesNotContain(404));
        JsonNode after = api(B, "/api/v1/failover");
        assertThat(after.at("/replication/lastHandover/kept").asInt()).isEqualTo(2);
        assertThat(after.at("/replication/lastHandover/lost").asInt()).isZero();
        assertThat(after.get("standbyReady").asBoolean()).isFalse(); // nobody to copy to now
    }

    /**
     * [LB-FAILOVER] asks that either unit of an Active/Active pair can carry both units' sessions: with 3 licences
     * each and 2 sessions on each node, neither could take the other's over, and each says so (API, event).
     */
    @Test
    void aNodeThatCouldNotCarryItsPeersSessionsIsWarned() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-stateful-failover\n");
        int service = SessionNodeTest.freeUdp(A, B);
        adminPort = SessionNodeTest.freeTcp(A, B);
        sessionPort = SessionNodeTest.freeTcp(SA, SB, A, B);
        int replication = SessionNodeTest.freeTcp(A, B);
        TandemNode n1 = start("n1", A, service, replication, 3);
        TandemNode n2 = start("n2", B, service, replication, 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> standbyReady(A) && standbyReady(B));
        assertThat(api(A, "/api/v1/failover").at("/capacity/enough").asBoolean()).isTrue();
        login(SA, "alice");
        login(SA, "carol");
        login(SB, "bob");
        assertThat(api(A, "/api/v1/failover").at("/capacity/enough").asBoolean()).isTrue(); // 2 + 1 <= 3
        login(SB, null);
        await().atMost(Duration.ofSeconds(5)).until(() -> !api(A, "/api/v1/failover").at("/capacity/enough").asBoolean(true));
        JsonNode c = api(A, "/api/v1/failover").get("capacity");
        assertThat(c.get("own").asInt()).isEqualTo(2);
        assertThat(c.get("peer").asInt()).isEqualTo(2);
        assertThat(c.get("max").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.events().recent().stream()
                .anyMatch(e -> e.kind().equals("capacity") && e.fields().get("enough").equals(false)));
        assertThat(n2.events().recent()).anyMatch(e -> e.kind().equals("capacity"));
    }

    private boolean standbyReady(String host) throws Exception {
        return api(host, "/api/v1/failover").path("standbyReady").asBoolean(false);
    }
}
