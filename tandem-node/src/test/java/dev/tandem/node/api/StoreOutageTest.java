package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/architecture.md: "The store is not a critical dependency of availability." A node on a real PostgreSQL: it picks up
 * changes through LISTEN/NOTIFY, keeps serving from its cache while the server is stopped, answers admin writes
 * with 503 and the contract's message, starts again from its cache, and writes again once the server is back.
 */
class StoreOutageTest {
    private static final String TOKEN = "admin-token-of-tests-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static TestPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    record Answer(int status, String body, String source) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Answer call(String base, String method, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> a = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        return new Answer(a.statusCode(), a.body(), a.headers().firstValue("X-Tandem-Settings").orElse(""));
    }

    @Test
    void aNodeKeepsServingThroughAStoreOutageAndWritesWaitForTheStore() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-outage-test\n");
        int admin = AdminApiTest.freeTcpPort();
        int service;
        do {
            service = AdminApiTest.freeUdpPort();
        } while (service == admin);
        Path file = Files.writeString(dir.resolve("n1.yaml"), AdminApiTest.config(admin, service, true)
                + "store:\n  url: " + pg.newDatabase() + "\n  user: " + TestPostgres.user() + "\n");

        StoreLog log = new StoreLog();
        TandemNode node = new TandemNode(ConfigLoader.load(file), Clock.systemUTC());
        node.start();
        AdminApi api = new AdminApi(node).start();
        String base = "http://127.0.0.1:" + api.port();
        try {
            assertThat(call(base, "POST", "/api/v1/cluster/groups", "{\"name\":\"east\",\"nodes\":[{\"id\":\"n3\","
                    + "\"address\":\"127.0.0.3\"},{\"id\":\"n4\",\"address\":\"127.0.0.4\"}],\"ha\":true}").status()).isEqualTo(201);
            String csv = IntStream.range(0, 1000).mapToObj(i -> "user" + i).collect(Collectors.joining("\n"));
            assertThat(call(base, "POST", "/api/v1/users/import", csv).status()).isEqualTo(200);
            // A notification wakes the watcher: the new parameters reach the recovery manager.
            assertThat(call(base, "PUT", "/api/v1/cluster/parameters", "{\"keepAliveInterval\":\"2s\",\"keepAliveTimeout\":\"9s\"}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> node.snapshot().params().keepAliveInterval().equals(Duration.ofSeconds(2)));
            await().atMost(Duration.ofSeconds(5)).until(() -> node.users().size() == 1000);
            NodeId home = node.users().servingNode("user7").orElseThrow();

            pg.stop();
            long t0 = System.nanoTime();
            Answer refused = call(base, "POST", "/api/v1/users", "{\"id\":\"during-outage\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            // docs/store.md: a write fails within about 2 s, the pool's connection timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(H2StoreOutageTest.WRITE_FAILS_WITHIN);
            assertThat(refused.json().get("error").asText()).startsWith("the store is unreachable (").endsWith("; nothing was changed");
            assertThat(call(base, "PUT", "/api/v1/cluster/parameters", "{\"keepAliveInterval\":\"3s\"}").status()).isEqualTo(503);
            // the configuration commands of [LB-CONFIG] are store writes like the others.
            Answer config = call(base, "POST", "/api/v1/config/commands", "vpn load-balancing\n cluster ip address 192.0.2.10\n");
            assertThat(config.status()).as(config.body()).isEqualTo(503);
            assertThat(config.json().get("error").asText()).startsWith("the store is unreachable (").endsWith("; nothing was changed");
            assertThat(call(base, "GET", "/api/v1/config/running", null).status()).isEqualTo(200);
            Answer groups = call(base, "GET", "/api/v1/cluster/groups", null);
            assertThat(groups.status()).isEqualTo(200);
            assertThat(groups.source()).startsWith("cache, epoch ");
            assertThat(groups.json().findValuesAsText("name")).contains("solo", "east");
            assertThat(call(base, "GET", "/api/v1/users/user7", null).json().get("home").asText()).isEqualTo(home.value());
            JsonNode status = call(base, "GET", "/api/v1/db/status", null).json();
            assertThat(status.get("reachable").asBoolean()).isFalse();
            assertThat(status.get("store").asText()).isEqualTo("postgresql");
            // The recovery manager does not care.
            assertThat(node.snapshot().state()).isEqualTo(NodeState.NORMAL);
            assertThat(node.users().servingNode("user7")).contains(home);
        } finally {
            api.close();
            node.close();
        }

        // Started again while the store is still down: from the cache, with the store's settings and users.
        TandemNode again = new TandemNode(ConfigLoader.load(file), Clock.systemUTC());
        try {
            again.start();
            assertThat(again.snapshot().params().keepAliveInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(again.store().reachable()).isFalse();
            assertThat(again.metrics().scrape()).contains("tandem_store_reachable 0.0");
            assertThat(again.users().size()).isEqualTo(1000);
            assertThat(again.users().servingNode("user7")).isPresent();
            pg.restart();
            await().atMost(Duration.ofSeconds(15)).until(() -> again.store().reachable());
            assertThat(again.metrics().scrape()).contains("tandem_store_reachable 1.0");
            AdminApi api2 = new AdminApi(again).start();
            try {
                String base2 = "http://127.0.0.1:" + api2.port();
                Answer added = call(base2, "POST", "/api/v1/users", "{\"id\":\"after-outage\"}");
                assertThat(added.status()).as(added.body()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(5)).until(() -> again.users().servingNode("after-outage").isPresent());
                assertThat(call(base2, "GET", "/api/v1/users/during-outage", null).status()).isEqualTo(404);
            } finally {
                api2.close();
            }
        } finally {
            again.close();
            log.close();
        }
        // One line when the store went away, one when it came back, and no stack trace for what is expected.
        assertThat(log.withStackTraces()).as("stack traces logged during the outage").isEmpty();
        assertThat(log.containing("the store is unreachable;")).hasSize(1);
        // The node started again during the outage says so once, at its start.
        assertThat(log.containing("the store cannot be reached at start;")).hasSize(1);
        assertThat(log.containing("the store is reachable again")).hasSize(1);
    }
}
