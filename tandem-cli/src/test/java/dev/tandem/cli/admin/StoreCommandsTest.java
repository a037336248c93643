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
 * endpoints of the admin API contract: the requests they send, what they print, and their exit codes.
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

    // ---------------------------------------------------------------- groups (seed 000, Configure a Presence Redundancy Group)

    @Test
    void createSendsTheGroupAndPrintsIt() {
        api.on("POST /api/v1/cluster/groups", r -> FakeClusterApi.Reply.json(201, G1));
        CliRun r = tandem("groups", "create", "g1", "--description", "east pair", "--node", "n1=10.0.0.11",
                "--node", "n2=10.0.0.12", "--ha");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                created redundancy group g1
                Name  Nodes                           High availability  Description
                g1    n1 (10.0.0.11), n2 (10.0.0.12)  enabled            east pair
                """);
        JsonNode sent = body(api.requests("POST", "/api/v1/cluster/groups").get(0));
        assertThat(sent.get("name").asText()).isEqualTo("g1");
        assertThat(sent.get("ha").asBoolean()).isTrue();
        assertThat(sent.get("nodes").get(1).get("address").asText()).isEqualTo("10.0.0.12");
    }

    @Test
    void theSeedsGroupRulesAreCheckedBeforeSending() {
        // seed 000: group names up to 128 of A-Za-z0-9_-; descriptions without " % & / < >; two different nodes.
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
    void theNodesRefusalIsShownAndExitsTwo() {
        api.on("POST /api/v1/cluster/groups", r -> FakeClusterApi.Reply.json(400, Map.of("error",
                "nodes: 'n1' is not allowed; allowed: a node that is in no other group (it is already in g0)")));
        CliRun r = tandem("groups", "create", "g1", "--node", "n1=10.0.0.11", "--node", "n2=10.0.0.12");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: nodes: 'n1' is not allowed; allowed: a node that is in no other"
                + " group (it is already in g0)");
    }

    @Test
    void changeSendsTheStoredGroupWithTheChange() {
        api.on("GET /api/v1/cluster/groups/g1", r -> FakeClusterApi.Reply.json(200, G1));
        api.on("PUT /api/v1/cluster/groups/g1", r -> new FakeClusterApi.Reply(200, "application/json", r.body()));
        CliRun r = tandem("groups", "change", "g1", "--description", "west pair");
        assertThat(r.code()).isZero();
        JsonNode sent = body(api.requests("PUT", "/api/v1/cluster/groups/g1").get(0));
        assertThat(sent.get("description").asText()).isEqualTo("west pair");
        assertThat(sent.get("nodes")).hasSize(2);
        assertThat(r.out()).contains("west pair");
    }

    @Test
    void listDeleteAndHighAvailability() {
        api.on("GET /api/v1/cluster/groups", r -> FakeClusterApi.Reply.json(200, List.of(G1)));
        api.on("DELETE /api/v1/cluster/groups/g1", r -> new FakeClusterApi.Reply(204, "application/json", ""));
        api.on("POST /api/v1/cluster/groups/g1/ha", r -> new FakeClusterApi.Reply(200, "application/json", r.body()));
        assertThat(tandem("groups", "list").out()).contains("g1    n1 (10.0.0.11), n2 (10.0.0.12)  enabled");
        assertThat(tandem("groups", "delete", "g1").out()).isEqualTo("deleted redundancy group g1\n");
        CliRun ha = tandem("groups", "ha", "g1", "disable");
        assertThat(ha.out()).isEqualTo("high availability disabled for g1\n");
        assertThat(body(api.requests("POST", "/api/v1/cluster/groups/g1/ha").get(0)).get("enabled").asBoolean()).isFalse();
        assertThat(tandem("groups", "ha", "g1", "maybe").code()).isEqualTo(2);
    }

    @Test
    void anUnknownGroupExitsOne() {
        CliRun r = tandem("groups", "show", "nope");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("tandem: no such resource: /api/v1/cluster/groups/nope");
    }

    // ---------------------------------------------------------------- parameters (seed 000, Service Parameters)

    @Test
    void parametersAreShownAndSet() {
        api.on("GET /api/v1/cluster/parameters", r -> FakeClusterApi.Reply.json(200,
                new java.util.LinkedHashMap<>(Map.of("keepAliveTimeout", "60s"))));
        api.on("PUT /api/v1/cluster/parameters", r -> new FakeClusterApi.Reply(200, "application/json", r.body()));
        assertThat(tandem("parameters", "show").out()).isEqualTo("Parameter         Value\nkeepAliveTimeout  60s\n");
        CliRun set = tandem("parameters", "set", "keepAliveTimeout=30s", "automaticFallback=true");
        assertThat(set.code()).isZero();
        JsonNode sent = body(api.requests("PUT", "/api/v1/cluster/parameters").get(0));
        assertThat(sent.get("keepAliveTimeout").asText()).isEqualTo("30s");
        assertThat(sent.get("automaticFallback").asText()).isEqualTo("true");
    }

    @Test
    void anUnknownParameterIsAUsageErrorAndNothingIsSent() {
        CliRun r = tandem("parameters", "set", "keepAliveTimout=30s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("tandem: parameter: 'keepAliveTimout' is not allowed; allowed: keepAliveInterval,");
        assertThat(api.requests("PUT", "/api/v1/cluster/parameters")).isEmpty();
    }

    @Test
    void assignmentModeIsShownAndSetWithTheSeedsNames() {
        // seed 000, User Assignment Mode: Balanced, Active-Standby, None.
        api.on("GET /api/v1/cluster/assignment-mode", r -> FakeClusterApi.Reply.json(200, Map.of("mode", "Balanced")));
        api.on("PUT /api/v1/cluster/assignment-mode", r -> new FakeClusterApi.Reply(200, "application/json", r.body()));
        assertThat(tandem("parameters", "assignment-mode").out()).isEqualTo("User assignment mode: Balanced\n");
        assertThat(tandem("parameters", "assignment-mode", "active-standby").out())
                .isEqualTo("User assignment mode: Active-Standby\n");
        CliRun bad = tandem("parameters", "assignment-mode", "random");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("tandem: mode: 'random' is not allowed; allowed: balanced, active-standby or none");
    }

    // ---------------------------------------------------------------- users (seed 000, User Assignment)

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
    void importIsAllOrNothingAndNamesTheLine() throws Exception {
        api.on("POST /api/v1/users/import", r -> r.body().contains("bob,g9")
                ? FakeClusterApi.Reply.json(400, Map.of("error", "line 3: group: 'g9' is not allowed; allowed: g1, g2"))
                : FakeClusterApi.Reply.json(200, Map.of("imported", 2, "assigned", 2)));
        Path ok = Files.writeString(dir.resolve("ok.csv"), "id,group\nalice,g1\nbob,g1\n");
        CliRun r = tandem("users", "import", ok.toString());
        assertThat(r.out()).isEqualTo("imported 2 user(s) from " + ok + ", 2 assigned a home node\n");
        assertThat(api.requests("POST", "/api/v1/users/import").get(0).contentType()).isEqualTo("text/csv");
        Path bad = Files.writeString(dir.resolve("bad.csv"), "id,group\nalice,g1\nbob,g9\n");
        CliRun b = tandem("users", "import", bad.toString());
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err().strip()).isEqualTo("tandem: " + bad + ": line 3: group: 'g9' is not allowed; allowed: g1, g2"
                + " (nothing was imported)");
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
    void dbStatusShowsTheStoreAndEachNodesCopy() {
        api.on("GET /api/v1/db/status", r -> FakeClusterApi.Reply.json(200, Map.of("store", "h2",
                "url", "jdbc:h2:file:./data/tandem", "reachable", true, "schemaVersion", "3", "settingsEpoch", 7,
                "nodes", List.of(Map.of("id", "n1", "epoch", 7, "reachable", true), Map.of("id", "n2", "epoch", 6,
                        "reachable", false)), "replication", List.of())));
        CliRun r = tandem("db", "status");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                Store: h2 jdbc:h2:file:./data/tandem
                Reachable: yes
                Schema version: 3
                Settings epoch: 7
                Node  Epoch  Reachable  Up to date
                n1    7      yes        yes
                n2    6      no         no
                """);
    }

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
