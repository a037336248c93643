package dev.tandem.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.Effect;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.node.TestPorts;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session service inside real nodes: a redundancy pair in this JVM (127.0.0.1 and 127.0.0.2, ports free at the
 * start of the test, fast timers), driven through the recovery manager's admin actions; and a single node in a
 * load-balancing group, whose member load is what the service reports.
 */
class SessionNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String A = "127.0.0.1";
    private static final String B = "127.0.0.2";

    @TempDir
    Path dir;

    private TandemNode n1;
    private TandemNode n2;

    @AfterEach
    void stop() {
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    static int freeTcp(String... hosts) {
        return TestPorts.tcp(hosts);
    }

    static int freeUdp(String... hosts) {
        return TestPorts.udp(hosts);
    }

    private String pairNode(String id, String address, int service, int admin, int sessions) {
        return """
                node:
                  id: %s
                  address: %s
                admin:
                  port: %d
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: %s
                    - id: n2
                      address: %s
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 10s
                  criticalServiceDelay: 1s
                  clientReloginLower: 2s
                  clientReloginUpper: 4s
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                sessionService:
                  port: %d
                  heartbeatInterval: 200ms
                  handover: relogin
                """.formatted(id, address, admin, A, B, service, admin, id, sessions);
    }

    private TandemNode start(String name, String yaml, UserHomes homes) throws Exception {
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-session-tests\n");
        Path f = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        TandemNode n = new TandemNode(ConfigLoader.load(f), Clock.systemUTC(), homes);
        n.start();
        return n;
    }

    record Answer(int status, JsonNode json) {}

    private static Answer post(TandemNode n, String path, String session) throws Exception {
        String base = "http://" + n.config().sessionService().address() + ":" + n.sessions().orElseThrow().port();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (session != null) b.header(SessionService.SESSION_HEADER, session);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static String login(TandemNode n, String user) throws Exception {
        Answer a = post(n, "/session/login" + (user == null ? "" : "?user=" + user), null);
        assertThat(a.status()).as("login of %s at %s: %s", user, n.config().id(), a.json()).isEqualTo(200);
        assertThat(a.json().get("node").asText()).isEqualTo(n.config().id());
        return a.json().get("session").asText();
    }

    private static int heartbeat(TandemNode n, String session) throws Exception {
        return post(n, "/session/heartbeat", session).status();
    }

    private static void awaitState(TandemNode n, NodeState state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> n.snapshot().state() == state);
    }

    /**
     * Handover relogin, the specification's behaviour. [RG-MANUAL], Manual failover: "All users from the failed node
     * are disconnected and must re-login to the backup node"; Manual fallback: the backup "disconnects all users that
     * had been failed over. Those users must then re-login to their assigned node." (Handover keep, the default, is
     * StatefulFailoverNodeTest's.)
     */
    @Test
    void withReloginAPairsSessionsEndOnFailoverAndFallback() throws Exception {
        int service = freeUdp(A, B);
        int admin = freeTcp(A, B);
        int sessions = freeTcp(A, B);
        UserHomes homes = u -> Optional.ofNullable(Map.of("alice", "n1", "bob", "n2").get(u));
        n1 = start("n1", pairNode("n1", A, service, admin, sessions), homes);
        n2 = start("n2", pairNode("n2", B, service, admin, sessions), homes);
        awaitState(n1, NodeState.NORMAL);
        awaitState(n2, NodeState.NORMAL);

        String alice = login(n1, "alice");
        String anonymous = login(n1, null);
        String bob = login(n2, "bob");
        assertThat(post(n1, "/session/login?user=bob", null).status()).isEqualTo(409);

        Effect.AdminResult r = n1.admin(AdminAction.FAILOVER).get(5, TimeUnit.SECONDS);
        assertThat(r.accepted()).as(r.message()).isTrue();
        awaitState(n1, NodeState.IDLE); // [RG-T1]: manual failover leaves the node Idle
        awaitState(n2, NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(heartbeat(n1, alice)).isEqualTo(404);
        assertThat(heartbeat(n1, anonymous)).isEqualTo(404);
        assertThat(heartbeat(n2, bob)).isEqualTo(200);
        Answer refused = post(n1, "/session/login?user=alice", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("reason").asText()).contains("served by n2");
        String aliceAtBackup = login(n2, "alice");

        r = n1.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS); // the failed-over node takes its users back
        assertThat(r.accepted()).as(r.message()).isTrue();
        awaitState(n1, NodeState.NORMAL);
        awaitState(n2, NodeState.NORMAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> heartbeat(n2, aliceAtBackup) == 404);
        assertThat(heartbeat(n2, bob)).isEqualTo(200);
        assertThat(login(n1, "alice")).isNotBlank();
    }

    @Test
    void aMembersLoadIsWhatItsSessionServiceReports() throws Exception {
        int service = freeUdp(A);
        int group = freeUdp(A, "127.0.0.3");
        int admin = freeTcp(A);
        int sessions = freeTcp(A);
        String yaml = """
                node:
                  id: n1
                  address: %s
                admin:
                  port: %d
                  tokenFile: admin-token
                cluster:
                  keyFile: cluster-key
                parameters:
                  servicePort: %d
                  adminRpcPort: %d
                loadBalancing:
                  clusterAddress: 127.0.0.3
                  clusterPort: %d
                  participate: true
                  maxSessions: 40
                  timing:
                    keepaliveInterval: 100ms
                    keepaliveWait: 300ms
                    helloInterval: 100ms
                    discoveryWindow: 1s
                sessionService:
                  port: %d
                  maxSessions: 4
                  heartbeatInterval: 1s
                """.formatted(A, admin, service, admin, group, sessions);
        Files.writeString(dir.resolve("admin-token"), "token-of-session-tests\n");
        n1 = start("solo", yaml, UserHomes.NONE);
        assertThat(n1.config().sessionService().maxSessions()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.loadBalancing().orElseThrow().load().max() == 4);
        login(n1, "alice");
        login(n1, null);
        login(n1, "carol");
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.loadBalancing().orElseThrow().load().sessions() == 3);
        assertThat(n1.loadBalancing().orElseThrow().load().percent()).isEqualTo(75); // the specification ([LB-RULES]): round half up of 100 x 3 / 4

        // The service owns the member's load: a report through the admin API would be overwritten, so it is refused.
        try (dev.tandem.node.api.AdminApi api = new dev.tandem.node.api.AdminApi(n1).start()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + A + ":" + api.port() + "/api/v1/load"))
                    .header("Authorization", "Bearer token-of-session-tests")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"ssl\":{\"active\":1,\"max\":10}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(r.body()).contains("session service");
        }
        assertThat(n1.loadBalancing().orElseThrow().load().sessions()).isEqualTo(3);
    }
}
