package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code groups}, {@code users}, {@code parameters} and {@code db status} against a stand-in of the store-backed
 * endpoints of the admin API contract, for what a real store does not show easily: the checks made before anything
 * is sent, the requests' bodies, paging with {@code --all}, an unreachable store, a node without an endpoint. The
 * commands against real nodes on a real store are walked through by {@code StoreCliIT}.
 */
class StoreCommandsTest {
    @TempDir
    Path dir;
    FakeClusterApi api;
    Path token;

    @BeforeEach
    void start() throws Exception {
        api = new FakeClusterApi();
        token = Files.writeString(dir.resolve("token"), FakeClusterApi.TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    CliRun tandem(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--admin";
        all[args.length + 1] = api.url();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = token.toString();
        return CliRun.of(all);
    }

    static JsonNode body(FakeClusterApi.Request r) {
        return FakeClusterApi.read(r.body());
    }

    static final Map<String, Object> G1 = Map.of("name", "g1", "description", "east pair", "ha", true,
            "nodes", List.of(Map.of("id", "n1", "address", "10.0.0.11"), Map.of("id", "n2", "address", "10.0.0.12")));

    // ---------------------------------------------------------------- groups ([RG-GROUP])

    @Test
    void theSeedsGroupRulesAreCheckedBeforeSending() {
        // [RG-GROUP]: group names up to 128 of A-Za-z0-9_-; descriptions without " % & / < >; two different nodes.
        CliRun name = tandem("groups", "create", "east pair", "--node", "n1=10.0.0.11");
        assertThat(name.code()).isEqualTo(2);
        assertThat(name.err().strip()).isEqualTo("tandem: group name: 'east pair' is not allowed; allowed: 1 to 128"
                + " characters of A-Z a-z 0-9 _ -");
        CliRun desc = tandem("groups", "create", "g1", "--description", "a/b", "--node", "n1=10.0.0.11");
        assertThat(desc.code()).isEqualTo(2);
        assertThat(desc.err()).contains("description: 'a/b' is not allowed; allowed: any text without \" % & / < >");
        CliRun same = tandem("groups", "create", "g1", "--node", "n1=10.0.0.11", "--node", "n1=10.0.0.12");
        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).contains("two different nodes");
        CliRun form = tandem("groups", "create", "g1", "--node", "n1");
        assertThat(form.err().strip()).isEqualTo("tandem: --node: 'n1' is not allowed; allowed: ID=ADDRESS, for example n1=10.0.0.11");
        assertThat(api.requests("POST", "/api/v1/cluster/groups")).isEmpty();
    }

    @Test
    void listDeleteAndHighAvailability() {
        api.on("GET /api/v1/cluster/groups", r -> FakeClusterApi.Reply.json(200, List.of(G1)));
        api.on("DELETE /api/v1/cluster/groups/g1", r -> new FakeClusterApi.Reply(204, "application/json", ""));
        api.on("POST /api/v1/cluster/groups/g1/ha", r -> new FakeClusterApi.Reply(200, "application/json", r.body()));
        assertThat(tandem("groups", "list").out()).contains("g1    n1 (10.0.0.11), n2 (10.0.0.12)  enabled");
        assertThat(tandem("groups", "delete", "g1").out()).isEqualTo("deleted redundancy group g1\n");
        api.on("GET /api/v1/cluster/groups/g1/ha/check", r -> FakeClusterApi.Reply.json(200, java.util.Map.of("group", "g1",
                "enabled", false, "caution", "With high availability off no node of g1 fails over.",
                "checked", List.of("the store (h2) is reachable", "n1: Normal / Normal"), "warnings", List.of())));
        CliRun ha = tandem("groups", "ha", "g1", "disable");
        assertThat(ha.out()).isEqualTo("Checked:\n  the store (h2) is reachable\n  n1: Normal / Normal\n"
                + "With high availability off no node of g1 fails over.\n"
                + "high availability disabled for g1; its running nodes apply it at once\n");
        assertThat(api.requests("GET", "/api/v1/cluster/groups/g1/ha/check").get(0).query()).isEqualTo("enabled=false");
        assertThat(body(api.requests("POST", "/api/v1/cluster/groups/g1/ha").get(0)).get("enabled").asBoolean()).isFalse();
        assertThat(tandem("groups", "ha", "g1", "maybe").code()).isEqualTo(2);

        // Something against the change: nothing is changed unless --force.
        api.on("GET /api/v1/cluster/groups/g1/ha/check", r -> FakeClusterApi.Reply.json(200, java.util.Map.of("group", "g1",
                "enabled", true, "caution", "Turning high availability on may fail users over at once.",
                "checked", List.of("n2: Normal / Normal; critical services down"),
                "warnings", List.of("n2: critical services down: turning high availability on fails its users over at once"))));
        CliRun refused = tandem("groups", "ha", "g1", "enable");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("tandem: high availability of g1 not changed; the checks found:\n"
                + "  n2: critical services down: turning high availability on fails its users over at once\n"
                + "Mend these, or run again with --force to change it anyway.\n");
        assertThat(api.requests("POST", "/api/v1/cluster/groups/g1/ha")).hasSize(1);
        CliRun forced = tandem("groups", "ha", "g1", "enable", "--force");
        assertThat(forced.code()).isZero();
        assertThat(forced.err()).startsWith("tandem: changing it anyway (--force)");
        assertThat(api.requests("POST", "/api/v1/cluster/groups/g1/ha")).hasSize(2);
    }

    // ---------------------------------------------------------------- parameters ([RG-HB])

    @Test
    void anUnknownParameterIsAUsageErrorAndNothingIsSent() {
        CliRun r = tandem("parameters", "set", "keepAliveTimout=30s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("tandem: parameter: 'keepAliveTimout' is not allowed; allowed: keepAliveInterval,");
        assertThat(api.requests("PUT", "/api/v1/cluster/parameters")).isEmpty();
    }

    /** [RG-RELOGIN]: a node's own Client Re-Login limits; NAME= gives it the cluster's again. */
    @Test
    void aNodesOwnReloginLimitsAreSetAndShown() {
        Map<String, Object> answer = Map.of("node", "n1", "own", Map.of("clientReloginLower", "30s"),
                "effective", Map.of("clientReloginLower", "30s", "clientReloginUpper", "8m57s"), "epoch", 7);
        api.on("PUT /api/v1/cluster/nodes/n1/parameters", r -> FakeClusterApi.Reply.json(200, answer));
        api.on("GET /api/v1/cluster/nodes/n1/parameters", r -> FakeClusterApi.Reply.json(200, answer));
        CliRun set = tandem("parameters", "set", "--node", "n1", "clientReloginLower=30s", "clientReloginUpper=");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(api.requests("PUT", "/api/v1/cluster/nodes/n1/parameters")).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo("{\"clientReloginLower\":\"30s\",\"clientReloginUpper\":null}"));
        // Who applied it: n3 catches up between two looks at the store's status; n2 has not reported for a while.
        java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
        api.on("GET /api/v1/db/status", r -> FakeClusterApi.Reply.json(200, Map.of("store", "h2", "url", "jdbc:h2:x",
                "reachable", true, "settingsEpoch", 7, "replication", List.of(), "nodes", List.of(
                        Map.of("id", "n1", "epoch", 7, "reachable", true, "lastReportSecondsAgo", 1),
                        Map.of("id", "n2", "epoch", 6, "reachable", true, "lastReportSecondsAgo", 30),
                        Map.of("id", "n3", "epoch", looks.incrementAndGet() < 2 ? 6 : 7, "reachable", true,
                                "lastReportSecondsAgo", 0)))));
        CliRun applied = tandem("parameters", "set", "--node", "n1", "clientReloginLower=30s");
        assertThat(applied.out()).endsWith("epoch 7 applied by n1, n3; not running: n2 (last report 30 s ago)\n");
        assertThat(looks.get()).isEqualTo(2);

        CliRun show = tandem("parameters", "show", "--node", "n1");
        assertThat(show.out()).contains("Node n1").contains("clientReloginLower  30s").contains("(the cluster's)")
                .contains("8m57s");

        CliRun cluster = tandem("parameters", "set", "--node", "n1", "keepAliveTimeout=30s");
        assertThat(cluster.code()).isEqualTo(2);
        assertThat(cluster.err()).startsWith("tandem: parameter: 'keepAliveTimeout' is not allowed; allowed:"
                + " clientReloginLower, clientReloginUpper (set per node");
        assertThat(api.requests("PUT", "/api/v1/cluster/nodes/n1/parameters")).hasSize(2);
    }

    // ---------------------------------------------------------------- users ([RG-ASSIGN])

    @Test
    void listFollowsEveryPageWithAll() {
        api.on("GET /api/v1/users", r -> r.query().contains("after=u2")
                ? FakeClusterApi.Reply.json(200, Map.of("users", List.of(Map.of("id", "u3", "group", "g1", "home", "n2",
                        "serving", "n1"))))
                : FakeClusterApi.Reply.json(200, Map.of("next", "u2", "users", List.of(
                        Map.of("id", "u1", "group", "g1", "home", "n1", "serving", "n1"),
                        Map.of("id", "u2", "group", "g1", "home", "n2", "serving", "n1")))));
        CliRun page = tandem("users", "list", "--limit", "2", "--group", "g1");
        assertThat(page.out()).isEqualTo("""
                User  Group  Home  Serving
                u1    g1     n1    n1
                u2    g1     n2    n1
                More: users list --after u2
                """);
        assertThat(api.requests("GET", "/api/v1/users").get(0).query()).isEqualTo("limit=2&group=g1");
        CliRun all = tandem("users", "list", "--limit", "2", "--all");
        assertThat(all.out()).contains("u3    g1     n2    n1").doesNotContain("More:");
        assertThat(tandem("users", "list", "--limit", "0").code()).isEqualTo(2);
    }

    @Test
    void addMoveDeleteAndRebalance() {
        api.on("POST /api/v1/users", r -> FakeClusterApi.Reply.json(201, Map.of("id", "alice", "group", "g1", "home", "n1",
                "serving", "n1")));
        api.on("POST /api/v1/users/alice/move", r -> FakeClusterApi.Reply.json(200, Map.of("id", "alice", "group", "g2",
                "home", "n3", "serving", "n3")));
        api.on("DELETE /api/v1/users/alice", r -> new FakeClusterApi.Reply(204, "application/json", ""));
        api.on("POST /api/v1/users/rebalance", r -> FakeClusterApi.Reply.json(200, Map.of("moved", 12)));
        assertThat(tandem("users", "add", "alice", "--group", "g1").out()).startsWith("added user alice\n");
        assertThat(body(api.requests("POST", "/api/v1/users").get(0)).toString()).isEqualTo("{\"id\":\"alice\",\"group\":\"g1\"}");
        assertThat(tandem("users", "move", "alice", "--group", "g2").out())
                .startsWith("moved user alice to g2; the user must log in again\n");
        assertThat(tandem("users", "delete", "alice").out()).isEqualTo("deleted user alice\n");
        assertThat(tandem("users", "rebalance").out()).isEqualTo("moved 12 user(s)\n");
    }

    @Test
    void exportWritesTheCsv() throws Exception {
        api.on("GET /api/v1/users/export", r -> new FakeClusterApi.Reply(200, "text/csv", "id,group,home\nalice,g1,n1\n"));
        Path out = dir.resolve("users.csv");
        assertThat(tandem("users", "export", "-o", out.toString()).code()).isZero();
        assertThat(Files.readString(out)).isEqualTo("id,group,home\nalice,g1,n1\n");
    }

    // ---------------------------------------------------------------- db status

    @Test
    void anUnreachableStoreExitsOne() {
        api.on("GET /api/v1/db/status", r -> FakeClusterApi.Reply.json(200, Map.of("store", "postgresql",
                "url", "jdbc:postgresql://db/tandem", "reachable", false, "settingsEpoch", 7, "nodes", List.of())));
        CliRun r = tandem("db", "status", "--json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(FakeClusterApi.read(r.out()).get("reachable").asBoolean()).isFalse();
    }

    @Test
    void anEndpointTheNodeLacksIsNamed() {
        // A node of a version without the store answers 404 without an error of its own.
        api.on("GET /api/v1/db/status", r -> new FakeClusterApi.Reply(404, "application/json", "{\n  \"title\": \"Not Found\"\n}"));
        CliRun r = tandem("db", "status");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("tandem: the node has no /api/v1/db/status (HTTP 404); its version may lack"
                + " this endpoint");
    }

    // ---------------------------------------------------------------- completion

    @Test
    void completionPrintsAScriptForEveryCommand() {
        CliRun r = CliRun.of("completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F").contains("load-balancing").contains("assignment-mode")
                .contains("--token-file");
    }
}
