package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hitless failover on real processes (docs/session-service.md, Stateful failover): a pair of node processes, n1 on
 * 127.0.40.81 with the service address 127.0.40.91 and n2 on .82 with .92 (bind driver, fast timers, session
 * handover keep). Forty anonymous clients log in at each service address. n1 is killed with SIGKILL: every session
 * is answered by n2 at the same address with the same token. n1 comes back, receives the snapshot, takes its users
 * back by a fallback, and every session of its users is answered by n1 again; a manual failover moves them once
 * more. Not one session is lost on the way.
 */
class StatefulFailoverIT {
    private static final String A = "127.0.40.81";
    private static final String B = "127.0.40.82";
    private static final String SA = "127.0.40.91";
    private static final String SB = "127.0.40.92";
    private static final int SESSIONS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private NodeAdmin admin;

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeProcess::close);
    }

    private Path config(String id, String address) throws Exception {
        String yaml = """
                node: {id: %s, address: %s}
                admin: {address: %s, tokenFile: admin-token}
                cluster: {keyFile: cluster-key, encryption: true}
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - {id: n1, address: %s, serviceAddress: %s}
                    - {id: n2, address: %s, serviceAddress: %s}
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 500ms
                  initKeepAliveTimeout: 5s
                  criticalServiceDelay: 1s
                stateDir: state/%s
                sessionService:
                  heartbeatInterval: 100ms
                  inactiveAfter: 10s
                  maxSessionsPerAddress: 1000
                """.formatted(id, address, address, A, SA, B, SB, id);
        return Files.writeString(dir.resolve(id + ".yaml"), yaml);
    }

    private NodeProcess start(Path config) throws Exception {
        NodeProcess p = new NodeProcess(config).start();
        nodes.add(p);
        return p;
    }

    private record Answer(int status, JsonNode json) {}

    private static Answer post(String address, String path, String session) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + ":8443" + path))
                    .timeout(Duration.ofSeconds(1)).POST(HttpRequest.BodyPublishers.noBody());
            if (session != null) b.header("X-Tandem-Session", session);
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), JSON.readTree(r.body()));
        } catch (java.io.IOException e) {
            return new Answer(0, null);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Logs {@code n} anonymous clients in at {@code address}: session -> address. */
    private static Map<String, String> logins(String address, int n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Answer a = post(address, "/session/login", null);
            assertThat(a.status()).as("login at %s: %s", address, a.json()).isEqualTo(200);
            out.put(a.json().get("session").asText(), address);
        }
        return out;
    }

    /** Every session is answered 200 by {@code node} at its address with its own token; no 404 on the way. */
    private static void allAnsweredBy(Map<String, String> sessions, String node) {
        List<String> lost = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            boolean all = true;
            for (Map.Entry<String, String> s : sessions.entrySet()) {
                Answer a = post(s.getValue(), "/session/heartbeat", s.getKey());
                if (a.status() == 404) lost.add(s.getKey());
                all &= a.status() == 200 && a.json().get("node").asText().equals(node)
                        && a.json().get("session").asText().equals(s.getKey());
            }
            return all || !lost.isEmpty();
        });
        assertThat(lost).as("sessions answered 404 (lost)").isEmpty();
    }

    private boolean standbyReady(String host) {
        try {
            NodeAdmin.Answer a = admin.get(host, "/api/v1/failover");
            return a.status() == 200 && a.body().path("standbyReady").asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void sessionsSurviveAKillAFallbackAndAManualFailover() throws Exception {
        Files.writeString(dir.resolve("admin-token"), "token-of-stateful-failover-it\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-stateful-failover-it\n");
        admin = new NodeAdmin("token-of-stateful-failover-it");
        Path c1 = config("n1", A);
        Path c2 = config("n2", B);
        NodeProcess n1 = start(c1);
        start(c2);
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.stateOf(A, "n1").equals("Normal / Normal")
                && admin.stateOf(B, "n2").equals("Normal / Normal") && standbyReady(A) && standbyReady(B));
        Map<String, String> ofN1 = logins(SA, SESSIONS);
        Map<String, String> ofN2 = logins(SB, SESSIONS);
        Map<String, String> all = new LinkedHashMap<>(ofN1);
        all.putAll(ofN2);

        n1.kill(); // SIGKILL: n2 declares n1 down and takes its users, address and sessions
        allAnsweredBy(all, "n2");
        JsonNode f = admin.get(B, "/api/v1/failover").body();
        assertThat(f.at("/replication/lastHandover/kept").asInt()).isEqualTo(SESSIONS);
        assertThat(f.at("/replication/lastHandover/lost").asInt()).isZero();

        // n1 returns, gets the snapshot of every session n2 serves, and takes its users back.
        NodeProcess again = start(c1);
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.stateOf(A, "n1").startsWith("Failed Over")
                && standbyReady(B));
        NodeAdmin.Answer fallback = admin.post(B, "/api/v1/redundancy-groups/g1/fallback?node=n1");
        assertThat(fallback.status()).as(fallback.body().toString()).isEqualTo(202);
        allAnsweredBy(ofN1, "n1");
        allAnsweredBy(ofN2, "n2");

        await().atMost(Duration.ofSeconds(20)).until(() -> standbyReady(A) && standbyReady(B));
        NodeAdmin.Answer failover = admin.post(A, "/api/v1/redundancy-groups/g1/failover?node=n1");
        assertThat(failover.status()).as(failover.body().toString()).isEqualTo(202);
        allAnsweredBy(all, "n2");
        assertThat(again.alive()).isTrue();
    }
}
