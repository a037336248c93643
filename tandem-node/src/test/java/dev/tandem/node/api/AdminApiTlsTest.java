package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.rm.NodeState;
import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.tls.PemTls;
import dev.tandem.node.tls.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over HTTPS (docs/node.md): a pair on 127.0.33.1 and .2 sharing one certificate that names both
 * addresses. It answers HTTPS only, and an action for the peer reaches the peer's admin API over HTTPS, its
 * certificate checked against the trust file: a peer whose certificate is not trusted is not called at all.
 */
class AdminApiTlsTest {
    private static final String TOKEN = "admin-token-of-tls-tests-51c2";
    private static final String A = "127.0.33.1";
    private static final String B = "127.0.33.2";

    @TempDir
    Path dir;

    private TandemNode n1;
    private TandemNode n2;
    private AdminApi api1;
    private AdminApi api2;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {api1, api2, n1, n2}) {
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    private static int free(boolean tcp) {
        return tcp ? TestPorts.tcp(A, B) : TestPorts.udp(A, B);
    }

    private String node(String id, String address, int service, int admin, String trustFile) {
        return """
                node:
                  id: %s
                  address: %s
                admin:
                  port: %d
                  tokenFile: admin-token
                  certificate: pair.pem
                  privateKey: pair.key
                %s
                cluster:
                  keyFile: cluster-key
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
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                """.formatted(id, address, admin, trustFile == null ? "" : "  trustFile: " + trustFile, A, B, service,
                admin, id);
    }

    private void startPair(String n1Trust) throws Exception {
        TestCertificates.selfSigned(dir, "pair", A, B);
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-tls-tests\n");
        int service = free(false);
        int admin = free(true);
        n1 = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n1.yaml"),
                node("n1", A, service, admin, n1Trust))), Clock.systemUTC());
        n2 = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n2.yaml"),
                node("n2", B, service, admin, null))), Clock.systemUTC());
        n1.start();
        n2.start();
        api1 = new AdminApi(n1).start();
        api2 = new AdminApi(n2).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.snapshot().state() == NodeState.NORMAL
                && n2.snapshot().state() == NodeState.NORMAL);
    }

    private static HttpClient trusting(Path pem) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(PemTls.trusting(pem, "test")).build();
    }

    private static HttpResponse<String> send(HttpClient http, String url, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAdminApiAnswersHttpsOnlyAndForwardsToThePeerOverHttps() throws Exception {
        startPair(null); // the trust file defaults to the node's own certificate, which names both nodes
        HttpClient https = trusting(dir.resolve("pair.pem"));
        String base1 = "https://" + A + ":" + api1.port();
        HttpResponse<String> info = send(https, base1 + "/api/v1/node", "GET");
        assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
        assertThat(info.body()).contains("\"id\":\"n1\"");

        // Plain HTTP on the same port gets no answer from the API: the token would cross the network in clear.
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String http1 = "http://" + A + ":" + api1.port() + "/api/v1/node";
        try {
            HttpResponse<String> r = send(plain, http1, "GET");
            assertThat(r.statusCode()).as("plain HTTP answered: %s", r.body()).isGreaterThanOrEqualTo(400);
            assertThat(r.body()).doesNotContain("\"id\":\"n1\"");
        } catch (IOException refused) {
            // the connection is closed on a request that is not TLS: refused too
        }

        // An action for n1 sent to n2: n2 forwards it to n1's admin API over HTTPS.
        HttpResponse<String> failover = send(https, "https://" + B + ":" + api2.port()
                + "/api/v1/redundancy-groups/g1/failover?node=n1", "POST");
        assertThat(failover.statusCode()).as(failover.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.snapshot().state() == NodeState.IDLE);
    }

    @Test
    void aPeerWhoseCertificateIsNotTrustedIsNotCalled() throws Exception {
        TestCertificates.selfSigned(dir, "other", A, B);
        startPair("other.pem");
        HttpClient https = trusting(dir.resolve("pair.pem"));
        HttpResponse<String> failover = send(https, "https://" + A + ":" + api1.port()
                + "/api/v1/redundancy-groups/g1/failover?node=n2", "POST");
        assertThat(failover.statusCode()).as(failover.body()).isEqualTo(503);
        assertThat(failover.body()).contains("did not answer");
        assertThat(n2.snapshot().state()).isEqualTo(NodeState.NORMAL);
        // A client that does not trust the certificate gets no connection either.
        assertThatThrownBy(() -> send(trusting(dir.resolve("other.pem")), "https://" + A + ":" + api1.port()
                + "/api/v1/node", "GET")).isInstanceOf(IOException.class);
    }
}
