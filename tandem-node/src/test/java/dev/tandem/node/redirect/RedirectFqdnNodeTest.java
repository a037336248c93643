package dev.tandem.node.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [LB-FQDN] on a running director: with {@code dns name-server} in its device's stored configuration, redirect-fqdn's
 * reverse lookup goes to that server, and is asked again once the answer's time to live has run out, so a member
 * renamed in DNS is redirected to by its new name without a restart. The name server is a small fake on
 * 127.0.34.53, port 53 (the DNS port the node asks; binding it needs root).
 */
class RedirectFqdnNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String CLUSTER = "127.0.34.10";
    private static final String SELF = "127.0.34.11";

    @TempDir
    Path dir;

    private TandemNode node;
    private ReverseDnsTest.FakeDns dns;

    @AfterEach
    void stop() {
        if (node != null) node.close();
        if (dns != null) dns.close();
    }

    private static int free(String host, boolean tcp) {
        return tcp ? TestPorts.tcp(host) : TestPorts.udp(host);
    }

    @Test
    void theDirectorAsksTheConfiguredNameServerAndAgainWhenTheAnswerExpires() throws Exception {
        try {
            dns = new ReverseDnsTest.FakeDns(53);
        } catch (java.net.BindException e) {
            Assumptions.abort("binding the DNS port 53 on 127.0.34.53 needs root: " + e.getMessage());
        }
        dns.ttl = 1;
        dns.name.set("vpn-a.example.com");
        int redirectPort = free(CLUSTER, true);
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-fqdn-tests\n");
        String yaml = """
                node:
                  id: n1
                  address: %s
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
                      address: %s
                parameters:
                  keepAliveInterval: 1s
                  keepAliveTimeout: 5s
                  initKeepAliveTimeout: 10s
                  servicePort: %d
                loadBalancing:
                  clusterAddress: %s
                  clusterPort: %d
                  participate: true
                  redirectFqdn: true
                  timing:
                    keepaliveInterval: 100ms
                    keepaliveWait: 300ms
                    helloInterval: 100ms
                    discoveryWindow: 300ms
                  redirect:
                    port: %d
                    servicePort: 8080
                """.formatted(SELF, free(SELF, true), SELF, free(SELF, false), CLUSTER, free(CLUSTER, false), redirectPort);
        node = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n1.yaml"), yaml)), Clock.systemUTC());
        node.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.loadBalancing().map(v -> v.holdsAddress()).orElse(false));
        assertThat(dns.queries.get()).as("no name server is configured yet").isZero();

        // The operator types the appliance's commands; the store keeps them as this device's global configuration.
        node.store().store().updateSettings(new ClusterStore.Action("admin", "config commands", "n1"),
                s -> s.withDeviceConfig("n1", "dns name-server 127.0.34.53\n"));
        await().atMost(Duration.ofSeconds(15)).until(() -> "vpn-a.example.com".equals(assignedHost(redirectPort)));
        assertThat(dns.asked.get()).isEqualTo("11.34.0.127.in-addr.arpa");

        // Renamed in DNS: once the one-second answer has expired, the next look finds the new name.
        dns.name.set("vpn-b.example.com");
        await().atMost(Duration.ofSeconds(15)).until(() -> "vpn-b.example.com".equals(assignedHost(redirectPort)));
    }

    /** The host the director's JSON answer sends a new client to. */
    private static String assignedHost(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + CLUSTER + ":" + port
                    + "/.well-known/tandem/assign")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("host").asText() : "status " + r.statusCode();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
