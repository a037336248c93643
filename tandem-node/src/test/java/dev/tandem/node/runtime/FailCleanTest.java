package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/node.md, When a node fails: a node that fails clean stops answering clients and gives its addresses up at
 * once, from whatever thread noticed it, then hands over to whoever ends the process. One node directing its own
 * load-balancing group on 127.0.30.10, with a session service, so there is an address, a redirect service and
 * sessions to give up.
 */
class FailCleanTest {
    private static final String CLUSTER = "127.0.30.10";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private TandemNode node;

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    private static int freeTcp(String host) {
        return TestPorts.tcp(host);
    }

    private static int freeUdp(String host) {
        return TestPorts.udp(host);
    }

    @Test
    void aNodeThatFailsRefusesClientsAndReleasesTheClusterAddressAtOnce() throws Exception {
        int clusterPort = freeUdp(CLUSTER);
        int redirectPort = freeTcp(CLUSTER);
        int sessionPort = freeTcp("127.0.0.1");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-fail-clean\n");
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
                  maxSessions: 10
                  timing:
                    keepaliveInterval: 100ms
                    keepaliveWait: 300ms
                    helloInterval: 100ms
                    discoveryWindow: 300ms
                  redirect:
                    port: %d
                    servicePort: %d
                sessionService:
                  port: %d
                """.formatted(freeTcp("127.0.0.1"), freeUdp("127.0.0.1"), CLUSTER, clusterPort, redirectPort,
                sessionPort, sessionPort);
        node = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n1.yaml"), yaml)), Clock.systemUTC());
        List<String> ended = new CopyOnWriteArrayList<>();
        node.onFailure(ended::add);
        node.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.loadBalancing().map(v -> v.holdsAddress()).orElse(false));
        String redirect = "http://" + CLUSTER + ":" + redirectPort + "/.well-known/tandem/assign";
        String login = "http://127.0.0.1:" + sessionPort + "/session/login";
        await().atMost(Duration.ofSeconds(10)).until(() -> status(redirect) == 200);
        assertThat(status(login)).isEqualTo(200);

        // Called from this thread, as the watchdog calls it when the loop is stuck.
        node.failStop("a test says so", null);

        assertThat(node.answering()).isFalse();
        assertThat(node.failure()).contains("a test says so");
        assertThat(ended).containsExactly("a test says so");
        // The cluster address's port is free for the member that takes over, and nobody answers on it here.
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(CLUSTER, clusterPort))) {
            assertThat(taken.isBound()).isTrue();
        }
        assertThat(status(redirect)).isEqualTo(-1);
        assertThat(status(login)).isEqualTo(-1);
        assertThat(node.events().recent().get(0).kind()).isEqualTo("failed");
        node.failStop("again", null);
        assertThat(ended).hasSize(1);
    }

    /** The HTTP status, or -1 when nothing listens. */
    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
            return -1;
        } catch (Exception e) {
            throw new AssertionError(url + ": " + e, e);
        }
    }
}
