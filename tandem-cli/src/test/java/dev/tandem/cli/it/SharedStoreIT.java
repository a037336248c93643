package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes of a demo cluster sharing one H2 store file (docs/store.md, docs/decisions/0013): each
 * fills the store with its own group, a change made through one node reaches the others, and when the process
 * serving the H2 file is killed another takes the file over and the cluster keeps its store.
 */
class SharedStoreIT {
    private static final Duration BOUND = Duration.ofSeconds(30);
    /** H2 lets another process open the file once the dead holder's lock file has gone stale. */
    private static final Duration TAKEOVER = Duration.ofSeconds(60);
    private static final String N1 = "127.0.0.11";
    private static final String N2 = "127.0.0.12";
    private static final String N3 = "127.0.0.13";

    @TempDir
    Path dir;
    private final NodeProcess[] nodes = new NodeProcess[3];

    @AfterEach
    void stopAll() {
        for (NodeProcess n : nodes) if (n != null) n.close();
    }

    @Test
    void nodesShareOneStoreAndKeepItWhenItsHostProcessDies() throws Exception {
        try {
            scenario();
        } catch (Throwable t) {
            StringBuilder logs = new StringBuilder();
            for (NodeProcess n : nodes) {
                if (n == null) continue;
                String log = n.log();
                logs.append("\n--- log tail ---\n").append(log.substring(Math.max(0, log.length() - 6000)));
            }
            throw new AssertionError(t + logs.toString(), t);
        }
    }

    /** The serving node of a user as n3 answers, or the error it gave (while the store moves between processes). */
    private static String servingOn(NodeAdmin admin, String host, String user) throws Exception {
        NodeAdmin.Answer a = admin.get(host, "/api/v1/users/" + user);
        return a.status() == 200 ? a.body().get("serving").asText() : a.status() + " " + a.body();
    }

    private void scenario() throws Exception {
        List<Path> configs = DemoCluster.write(dir, 3, DemoCluster.Profile.FAST);
        NodeAdmin admin = new NodeAdmin(Files.readString(dir.resolve("admin-token")).strip());
        for (int i = 0; i < 3; i++) nodes[i] = new NodeProcess(configs.get(i)).start();
        for (int i = 0; i < 3; i++) {
            String host = DemoCluster.address(i);
            String id = DemoCluster.nodeId(i);
            await().atMost(BOUND).until(() -> admin.stateOf(host, id).startsWith("Normal"));
        }
        // Each node added its own redundancy group (g1 = n1, n2; g2 = n3).
        await().atMost(BOUND).until(() -> admin.get(N3, "/api/v1/cluster/groups").body().findValuesAsText("name")
                .containsAll(List.of("g1", "g2")));

        // A change through n1 reaches the recovery manager of n3 (H2: the watcher polls every second).
        NodeAdmin.Answer put = admin.put(N1, "/api/v1/cluster/parameters", "{\"clientReloginLower\":\"2s\"}");
        assertThat(put.status()).as(put.body().toString()).isEqualTo(200);
        await().atMost(BOUND).until(() -> admin.get(N3, "/api/v1/parameters").body().get("clientReloginLower").asText().equals("2s"));

        NodeAdmin.Answer added = admin.post(N2, "/api/v1/users", "{\"id\":\"ann\",\"group\":\"g1\"}");
        assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
        String home = added.body().get("home").asText();
        assertThat(admin.get(N3, "/api/v1/users/ann").body().get("serving").asText()).isEqualTo(home);

        // n1 started first, so its process serves the H2 file. It dies; n2 takes its users over ([RG-OVER]).
        nodes[0].kill();
        await().atMost(BOUND).until(() -> admin.stateOf(N2, "n2").startsWith("Running in Backup Mode"));
        // The store lives on in another process: n2's report reaches n3, which refuses new users with the
        // specification's reason ([RG-LIMITS]) and sends n1's users to n2.
        // States travel through the store (reports, then each node's watcher): until n3 has seen n2's new state, an
        // addition may still pass; every attempt uses a new id.
        await().atMost(TAKEOVER).until(() -> admin.get(N3, "/api/v1/db/status").body().get("nodes").toString()
                .contains("Running in Backup Mode"));
        java.util.concurrent.atomic.AtomicInteger attempt = new java.util.concurrent.atomic.AtomicInteger();
        await().atMost(BOUND).until(() -> admin.post(N3, "/api/v1/users", "{\"id\":\"bob" + attempt.incrementAndGet() + "\"}").status() == 409);
        NodeAdmin.Answer refused = admin.post(N3, "/api/v1/users", "{\"id\":\"carl\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().get("error").asText()).contains("failover state").contains("n2 is Running in Backup Mode");
        if (home.equals("n1")) {
            java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            await().atMost(BOUND).until(() -> {
                String s = servingOn(admin, N3, "ann");
                seen.add(s);
                return s.equals("n2");
            });
            // Every answer on the way was a user, never an error: reads fall back to the node's own copy.
            assertThat(seen).as("answers of n3 while n1 died").allMatch(s -> s.equals("n1") || s.equals("n2"));
        }
        NodeAdmin.Answer status = admin.get(N3, "/api/v1/db/status");
        assertThat(status.body().get("reachable").asBoolean()).as(status.body().toString()).isTrue();
        assertThat(status.body().get("store").asText()).isEqualTo("h2");
        assertThat(status.body().get("nodes").findValuesAsText("id")).contains("n1", "n2", "n3");
        assertThat(admin.get(N2, "/api/v1/audit?limit=50").body().findValuesAsText("result"))
                .anyMatch(r -> r.startsWith("refused: ") && r.contains("failover state"));
    }
}
