package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/redundancy.md, Heartbeat paths, on a real pair in this JVM: n1 on 127.0.42.1 with a second path on .11, n2 on
 * .2 with .12. Every heartbeat goes out on both paths and is accepted once. A path that fails (n2 stops listening on
 * it: n1 is refused there, n2 hears nothing) is reported down (an event, a metric, the API) and is no failover while
 * the other carries the heartbeats; when n1 hears nothing on either (a firewall drops it all), its peer is down. With a keep-alive interval of 100 ms and a timeout of 1 s, every wait below is a few timeouts.
 */
class HeartbeatPathsNodeTest {
    private static final String TOKEN = "token-of-heartbeat-paths";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String[] HOSTS = {"127.0.42.1", "127.0.42.2", "127.0.42.11", "127.0.42.12"};

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    /** A UDP port free on every address of the test (the recovery managers' port, the same on both nodes). */
    private static int freeUdp() {
        return TestPorts.udp(HOSTS);
    }

    private static int freeTcp() {
        return TestPorts.tcp(HOSTS[0]);
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
                      address: 127.0.42.1
                      heartbeatAddresses: [127.0.42.11]
                    - id: n2
                      address: 127.0.42.2
                      heartbeatAddresses: [127.0.42.12]
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 20s
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                """.formatted(id, address, address, admin, service, admin, id);
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        TandemNode n = new TandemNode(ConfigLoader.load(f), Clock.systemUTC());
        open.add(n);
        n.start();
        open.add(new AdminApi(n).start());
        return n;
    }

    private static List<Boolean> up(TandemNode n) {
        return n.heartbeatPaths().stream().map(dev.tandem.api.RedundancyAnswers.HeartbeatPath::up).toList();
    }

    @Test
    void aPathDownIsReportedAndIsNoFailoverUntilEveryPathIsDown() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-heartbeat-paths\n");
        int service = freeUdp();
        int admin = freeTcp();
        TandemNode n1 = start("n1", "127.0.42.1", service, admin);
        TandemNode n2 = start("n2", "127.0.42.2", service, admin);
        List<EventBus.Event> events = new CopyOnWriteArrayList<>();
        n1.events().subscribe(e -> {
            if (e.kind().equals("heartbeat-path")) events.add(e);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> n1.snapshot().state() == NodeState.NORMAL
                && n2.snapshot().state() == NodeState.NORMAL && up(n1).equals(List.of(true, true))
                && up(n2).equals(List.of(true, true)));
        // Both copies of every heartbeat arrive; the second is recognised as a copy, never counted as a replay.
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.heartbeatPaths().stream().allMatch(p -> p.received() > 10)
                && n1.heartbeatPaths().stream().mapToLong(dev.tandem.api.RedundancyAnswers.HeartbeatPath::duplicates).sum() > 10);
        assertThat(n1.metrics().scrape()).doesNotContain("cause=\"replayed\"");
        assertThat(n1.heartbeatPaths()).extracting(dev.tandem.api.RedundancyAnswers.HeartbeatPath::local, dev.tandem.api.RedundancyAnswers.HeartbeatPath::peer)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.42.1", "127.0.42.2"),
                        org.assertj.core.groups.Tuple.tuple("127.0.42.11", "127.0.42.12"));

        // n2 stops listening on the second path: n1's messages on it are refused, and n2 hears nothing there.
        n2.link().closeListener(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> up(n1).equals(List.of(true, false))
                && up(n2).equals(List.of(true, false)));
        assertThat(n1.heartbeatPaths().get(1).reason()).isEqualTo("refused");
        assertThat(n2.heartbeatPaths().get(1).reason()).isEqualTo("silent");
        // Five keep-alive timeouts later, and with refusals every probe: no failover on either node.
        Thread.sleep(5_000);
        assertThat(n1.snapshot().state()).isEqualTo(NodeState.NORMAL);
        assertThat(n2.snapshot().state()).isEqualTo(NodeState.NORMAL);
        assertThat(n1.snapshot().peer().alive()).isTrue();
        assertThat(up(n1)).containsExactly(true, false);
        assertThat(events).anySatisfy(e -> assertThat(e.fields()).containsAllEntriesOf(Map.of("path", "127.0.42.12",
                "local", "127.0.42.11", "up", false, "reason", "refused", "pathsUp", 1)));
        assertThat(n1.metrics().scrape())
                .contains("tandem_heartbeat_path_up{path=\"127.0.42.12\"} 0")
                .contains("tandem_heartbeat_path_up{path=\"127.0.42.2\"} 1");
        JsonNode peer = groups(admin, "127.0.42.1").get("nodes").get(1);
        assertThat(peer.get("id").asText()).isEqualTo("n2");
        assertThat(peer.at("/heartbeatPaths/0/up").asBoolean()).isTrue();
        assertThat(peer.at("/heartbeatPaths/1/up").asBoolean()).isFalse();
        assertThat(peer.at("/heartbeatPaths/1/reason").asText()).isEqualTo("refused");
        assertThat(peer.at("/heartbeatPaths/1/peer").asText()).isEqualTo("127.0.42.12");

        // The last path goes too (a firewall drops all that n1 receives): nothing from n2 for keepAliveTimeout, and
        // n1 takes over n2's users.
        n1.link().drop(0);
        n1.link().drop(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.snapshot().state() == NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(n1.snapshot().reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(up(n1)).containsExactly(false, false);
        assertThat(n1.heartbeatPaths()).extracting(dev.tandem.api.RedundancyAnswers.HeartbeatPath::reason).containsExactly("silent", "refused");
    }

    private static JsonNode groups(int adminPort, String host) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort
                        + "/api/v1/redundancy-groups")).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get(0);
    }
}
