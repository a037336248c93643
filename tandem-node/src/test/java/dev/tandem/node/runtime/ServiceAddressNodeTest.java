package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.node.TestPorts;
import dev.tandem.node.api.AdminApi;
import dev.tandem.node.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/redundancy.md, Service addresses, on a real pair in this JVM with the bind driver: n1 on 127.0.30.31 with the
 * service address 127.0.30.41, n2 on .32 with .42. A client of n1's user alice always logs in at .41, and is
 * answered by whichever node serves alice: n1, then n2 after a manual failover, n1 again after the fallback, and n2
 * once n1 has failed.
 */
class ServiceAddressNodeTest {
    private static final String TOKEN = "token-of-service-addresses";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final Map<String, String> HOMES = Map.of("alice", "n1", "bob", "n2");

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private int sessionPort;

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private static int free(String... hosts) {
        return TestPorts.tcpAndUdp(hosts);
    }

    private TandemNode start(String id, String address, int service, int admin) throws Exception {
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
                      address: 127.0.30.31
                      serviceAddress: 127.0.30.41
                    - id: n2
                      address: 127.0.30.32
                      serviceAddress: 127.0.30.42
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
                """.formatted(id, address, address, admin, service, admin, id, sessionPort);
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        TandemNode n = new TandemNode(ConfigLoader.load(f), Clock.systemUTC(),
                user -> Optional.ofNullable(HOMES.get(user)));
        open.add(n);
        n.start();
        open.add(new AdminApi(n).start());
        return n;
    }

    /** Who answers alice's login at n1's service address now, or why nobody does. */
    private String loginAt(String address, String user) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://" + address + ":" + sessionPort + "/session/login?user=" + user))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("node").asText() : "status " + r.statusCode();
        } catch (java.io.IOException e) {
            return "no answer";
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNodesServiceAddressIsAnsweredByWhicheverNodeServesItsUsers() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-service-addresses\n");
        int service = free("127.0.30.31", "127.0.30.32");
        int admin;
        do {
            admin = free("127.0.30.31", "127.0.30.32");
        } while (admin == service);
        sessionPort = free("127.0.30.41", "127.0.30.42", "127.0.30.31", "127.0.30.32");
        TandemNode n1 = start("n1", "127.0.30.31", service, admin);
        TandemNode n2 = start("n2", "127.0.30.32", service, admin);
        await().atMost(Duration.ofSeconds(30)).until(() -> n1.snapshot().state() == NodeState.NORMAL
                && n2.snapshot().state() == NodeState.NORMAL && n1.holdsServiceAddressOf(N1) && n2.holdsServiceAddressOf(N2));
        assertThat(n1.holdsServiceAddressOf(N2)).isFalse();
        assertThat(loginAt("127.0.30.41", "alice")).isEqualTo("n1");
        assertThat(loginAt("127.0.30.42", "bob")).isEqualTo("n2");
        JsonNode group = groups(admin, "127.0.30.32");
        assertThat(group.at("/nodes/0/serviceAddress").asText()).isEqualTo("127.0.30.41");
        assertThat(group.at("/nodes/0/serviceAddressHolder").asText()).isEqualTo("n1");
        assertThat(group.at("/nodes/1/serviceAddressHolder").asText()).isEqualTo("n2");

        // A planned move: n1's users and address go to n2, released by n1 before n2 claims.
        assertThat(n1.admin(AdminAction.FAILOVER).get().accepted()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> n2.holdsServiceAddressOf(N1) && n2.holdsServiceAddressOf(N2));
        assertThat(n1.holdsServiceAddressOf(N1)).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> loginAt("127.0.30.41", "alice").equals("n2"));
        assertThat(groups(admin, "127.0.30.32").at("/nodes/0/serviceAddressHolder").asText()).isEqualTo("n2");

        assertThat(n1.admin(AdminAction.FALLBACK).get().accepted()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.holdsServiceAddressOf(N1) && !n2.holdsServiceAddressOf(N1));
        await().atMost(Duration.ofSeconds(5)).until(() -> loginAt("127.0.30.41", "alice").equals("n1"));

        // n1 fails: n2 claims its address once it has declared n1 down.
        n1.failStop("the test ends it", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> n2.holdsServiceAddressOf(N1));
        await().atMost(Duration.ofSeconds(5)).until(() -> loginAt("127.0.30.41", "alice").equals("n2"));
        assertThat(loginAt("127.0.30.42", "bob")).isEqualTo("n2");
    }

    private static JsonNode groups(int adminPort, String host) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort
                        + "/api/v1/redundancy-groups")).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get(0);
    }
}
