package dev.tandem.node.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.NodeId;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node that directs a load-balancing group of one: it binds the cluster address, answers clients there with
 * the specification's decision ([LB-RULES]), refuses them when it is full (docs/architecture.md: never a
 * redirect to a full node), routes named users to the node that serves them, and stops answering when it no longer
 * directs. The cluster address is a loopback address of its own so that nothing else answers there.
 */
class RedirectNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private TandemNode node;
    private String cluster;
    private int redirectPort;

    private static int freeTcp() {
        return TestPorts.tcp(InetAddress.getLoopbackAddress().getHostAddress());
    }

    private static int freeUdp() {
        return TestPorts.udp(InetAddress.getLoopbackAddress().getHostAddress());
    }

    private void start(int maxSessions) throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        cluster = "127.77." + r.nextInt(1, 255) + "." + r.nextInt(1, 255);
        redirectPort = freeTcp();
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-redirect-tests\n");
        String yaml = """
                node:
                  id: n1
                  address: 127.0.0.1
                admin:
                  port: %d
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: solo
                  highAvailability: false
                  nodes:
                    - id: n1
                      address: 127.0.0.1
                parameters:
                  keepAliveInterval: 1s
                  keepAliveTimeout: 5s
                  initKeepAliveTimeout: 10s
                  servicePort: %d
                loadBalancing:
                  clusterAddress: %s
                  clusterPort: %d
                  participate: true
                  maxSessions: %d
                  timing:
                    keepaliveInterval: 100ms
                    keepaliveWait: 300ms
                    helloInterval: 100ms
                    discoveryWindow: 300ms
                  redirect:
                    port: %d
                    servicePort: 8080
                    retryAfter: 3s
                """.formatted(freeTcp(), freeUdp(), cluster, freeUdp(), maxSessions, redirectPort);
        node = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n1.yaml"), yaml)), Clock.systemUTC());
        node.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.loadBalancing().map(v -> v.holdsAddress()).orElse(false));
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + cluster + ":" + redirectPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> answered(String path) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> get(path), r -> r != null);
    }

    @Test
    void theDirectorSendsClientsToTheLeastLoadedMemberAndCountsThem() throws Exception {
        start(10);
        HttpResponse<String> r = answered("/login?realm=east");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("http://127.0.0.1:8080/login?realm=east");
        // Alone in the group, the director takes the session itself (rule 1 or 2 by its load); each redirect counts
        // in its load until its next report (LbEvent.Redirected), so the tenth client fills it.
        JsonNode first = JSON.readTree(answered("/.well-known/tandem/assign").body());
        assertThat(first.get("member").asText()).isEqualTo("n1");
        assertThat(first.get("port").asInt()).isEqualTo(8080);
        assertThat(node.metrics().scrape()).contains("tandem_redirects_total{member=\"n1\"");
    }

    @Test
    void aFullGroupIsRefusedWith503AndRetryAfter() throws Exception {
        start(10);
        answered("/");
        node.reportLoad(Load.of(SessionClass.SSL, 10, 10));
        HttpResponse<String> r = await().atMost(Duration.ofSeconds(5))
                .until(() -> get("/login"), x -> x.statusCode() == 503);
        assertThat(r.headers().firstValue("Retry-After")).contains("3");
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("reason").asText()).isEqualTo("all-full");
        assertThat(j.get("error").asText()).isNotBlank();
        // Sessions end: the member has room again and clients are sent to it once more.
        node.reportLoad(Load.of(SessionClass.SSL, 3, 10));
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/login").statusCode() == 302);
    }

    @Test
    void aNamedUserGoesToTheFirstLiveNodeThatServesIt() throws Exception {
        start(10);
        node.users(user -> switch (user) {
            case "alice" -> List.of(NodeId.of("n1"), NodeId.of("n2"));
            case "bob" -> List.of(NodeId.of("n7"), NodeId.of("n8"));
            default -> List.of();
        });
        JsonNode alice = JSON.readTree(answered("/.well-known/tandem/assign?user=alice").body());
        assertThat(alice.get("rule").asText()).isEqualTo("user");
        assertThat(alice.get("member").asText()).isEqualTo("n1");
        HttpResponse<String> bob = get("/login?user=bob");
        assertThat(bob.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(bob.body()).get("reason").asText()).isEqualTo("user-unavailable");
        assertThat(JSON.readTree(bob.body()).get("error").asText()).contains("n7, n8");
        // A user the directory does not know is placed by the rules.
        JsonNode carol = JSON.readTree(get("/.well-known/tandem/assign?user=carol").body());
        assertThat(carol.get("rule").asText()).isIn("1", "2", "3", "4");
    }

    @Test
    void aNodeThatStopsDirectingStopsAnsweringOnTheClusterAddress() throws Exception {
        start(10);
        answered("/");
        node.close();
        node = null;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> get("/"))
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(Optional.ofNullable(node)).isEmpty();
    }

    @Test
    void aNatAddressAndPriorityChangedInTheStoreTakeEffectWithoutARestart() throws Exception {
        start(10);
        // [LB-ELECT], step 2 (nat) and step 3 (priority): typed in the config shell, kept in the store.
        await().atMost(Duration.ofSeconds(10)).until(() -> node.store().store().settings().device("n1").isPresent());
        var before = node.store().store().settings().device("n1").orElseThrow();
        node.store().store().updateSettings(new dev.tandem.node.store.ClusterStore.Action("test", "config commands", "n1"),
                s -> s.withDevice(new dev.tandem.node.store.ClusterSettings.Device("n1", 7, before.publicAddress(),
                        before.privateAddress(), List.of("198.51.100.7"), true, false, null)));
        // The director now sends clients to this member's NAT address ([LB-DEVICE]: "the NAT address ... the director
        // sends to clients"), and ranks itself with the new priority.
        JsonNode answer = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> JSON.readTree(get("/.well-known/tandem/assign").body()),
                        j -> j.path("host").asText().equals("198.51.100.7"));
        assertThat(answer.get("member").asText()).isEqualTo("n1");
        assertThat(node.loadBalancing().orElseThrow().state().device().priority()).isEqualTo(7);
        assertThat(node.loadBalancing().orElseThrow().holdsAddress()).as("still directing: nothing restarted").isTrue();
    }
}
