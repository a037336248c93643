package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 store shared with AUTO_SERVER whose serving process stalls (stopped, not dead: its port still accepts
 * connections and its lock file stays): the node's admin writes fail within the bound docs/store.md gives, with a
 * 503, and the outage costs one warning line when it starts and one when it ends, no stack traces.
 */
class H2StoreOutageTest {
    /** docs/store.md: a write fails within about 2 s (the pool's connection timeout); a little slack for a busy host. */
    static final Duration WRITE_FAILS_WITHIN = Duration.ofMillis(3500);

    @TempDir
    Path dir;

    /** The process that opens the file first, and so serves it to the node over AUTO_SERVER's TCP port. */
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0])) {
            System.out.println("serving");
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(10));
        }
    }

    private static void signal(Process p, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    @Test
    void aStalledH2ServerFailsWritesQuicklyAndLogsOneLineEachWay() throws Exception {
        Files.writeString(dir.resolve("admin-token"), "admin-token-of-tests-7f3a\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-outage-test\n");
        String url = "jdbc:h2:file:" + dir.resolve("store/tandem") + ";AUTO_SERVER=TRUE";
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), H2StoreOutageTest.class.getName(), url)
                .redirectErrorStream(true).start();
        try (StoreLog log = new StoreLog()) {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("serving");
            int admin = AdminApiTest.freeTcpPort();
            int service;
            do {
                service = AdminApiTest.freeUdpPort();
            } while (service == admin);
            Path file = Files.writeString(dir.resolve("n1.yaml"), AdminApiTest.config(admin, service, true)
                    + "store:\n  url: " + url + "\n");
            TandemNode node = new TandemNode(ConfigLoader.load(file), Clock.systemUTC());
            node.start();
            AdminApi api = new AdminApi(node).start();
            String base = "http://127.0.0.1:" + api.port();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> node.store().reachable());
                assertThat(StoreOutageTest.call(base, "POST", "/api/v1/users", "{\"id\":\"before\"}").status()).isEqualTo(201);

                signal(holder, "STOP");
                long t0 = System.nanoTime();
                StoreOutageTest.Answer refused = StoreOutageTest.call(base, "POST", "/api/v1/users", "{\"id\":\"during\"}");
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.json().get("error").asText()).startsWith("the store is unreachable (");
                assertThat(took).as("an admin write during the outage").isLessThan(WRITE_FAILS_WITHIN);
                await().atMost(Duration.ofSeconds(10)).until(() -> !node.store().reachable());
                // Known down: the next write does not wait at all.
                t0 = System.nanoTime();
                assertThat(StoreOutageTest.call(base, "POST", "/api/v1/users", "{\"id\":\"during2\"}").status()).isEqualTo(503);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WRITE_FAILS_WITHIN);
                Thread.sleep(8000); // several watcher rounds against the stalled server

                signal(holder, "CONT");
                await().atMost(Duration.ofSeconds(20)).until(() -> node.store().reachable());
                assertThat(StoreOutageTest.call(base, "POST", "/api/v1/users", "{\"id\":\"after\"}").status()).isEqualTo(201);
            } finally {
                api.close();
                node.close();
            }
            assertThat(log.withStackTraces()).as("stack traces logged during the outage").isEmpty();
            assertThat(log.containing("the store is unreachable;")).as("warnings that the store went away").hasSize(1);
            assertThat(log.containing("the store is reachable again")).hasSize(1);
            try (var files = Files.list(dir.resolve("store"))) {
                assertThat(files.map(f -> f.getFileName().toString())).as("H2's own trace file")
                        .noneMatch(f -> f.endsWith(".trace.db"));
            }
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }
}
