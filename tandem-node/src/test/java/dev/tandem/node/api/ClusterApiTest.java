package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.AdminRoutes;
import dev.tandem.core.NodeId;
import dev.tandem.node.runtime.TandemNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store-backed admin API of a running node (docs/store.md, REST), on its default store: an H2 file in its
 * state directory, filled from its configuration file at the first start. The node is alone in group "solo";
 * the tests add a second group n3/n4 that exists in the store only. Every answer is checked against the OpenAPI
 * document (docs/api.md, {@link Contract}); the last tests check the document itself: it is served, it lists exactly
 * the routes the node answers, every parameterless GET answers it, and the check catches an answer that differs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterApiTest {
    private static final String TOKEN = "admin-token-of-tests-7f3a";
    private static final String SECRET = "cluster-secret-of-tests-9b2c";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> ANSWERS = new ArrayList<>();

    @TempDir
    static Path dir;
    static TandemNode node;
    static AdminApi api;
    static String base;

    record Answer(int status, String body, String contentType, String settingsSource) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = AdminApiTest.startNode(dir, true);
        api = new AdminApi(node).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (node != null) node.close();
        // No answer ever carries the cluster key or the token.
        assertThat(ANSWERS).noneMatch(a -> a.contains(SECRET) || a.contains(TOKEN));
    }

    static Answer call(String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("X-Tandem-Actor", "tester")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) b.header("Content-Type", type);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        ANSWERS.add(r.body());
        // docs/api.md: whatever the node answers is what its OpenAPI document says.
        Contract.check(method, path, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("X-Tandem-Settings").orElse(""));
    }

    static Answer get(String path) throws Exception {
        return call("GET", path, null, null);
    }

    static Answer send(String method, String path, String json) throws Exception {
        return call(method, path, json, "application/json");
    }

    static String error(Answer a, int status) throws Exception {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.json().get("error").asText()).isNotBlank();
        return a.json().get("error").asText();
    }

    @Test
    @Order(1)
    void theStoreStartsWithTheNodesOwnGroupFromItsConfigurationFile() throws Exception {
        Answer a = get("/api/v1/cluster/groups");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.settingsSource()).startsWith("store, epoch ");
        JsonNode g = a.json().get(0);
        assertThat(g.get("name").asText()).isEqualTo("solo");
        assertThat(g.get("nodes").get(0).get("id").asText()).isEqualTo("n1");
        assertThat(g.get("ha").asBoolean()).isFalse();
        assertThat(get("/api/v1/cluster/parameters").json().get("keepAliveInterval").asText()).isEqualTo("1s");
        assertThat(get("/api/v1/cluster/assignment-mode").json().get("mode").asText()).isEqualTo("Balanced");
    }

    @Test
    @Order(2)
    void groupsAreAddedChangedAndCheckedBySpecificationRules() throws Exception {
        Answer added = send("POST", "/api/v1/cluster/groups",
                "{\"name\":\"east\",\"description\":\"second pair\",\"nodes\":[{\"id\":\"n3\",\"address\":\"127.0.0.3\"},"
                        + "{\"id\":\"n4\",\"address\":\"127.0.0.4\"}],\"ha\":true}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("restartRequired")).hasSize(2);
        // [RG-GROUP] step 3: up to 128 of A-Za-z0-9_- ; step 4: no " % & / < > ; a node in one group only.
        assertThat(error(send("POST", "/api/v1/cluster/groups", "{\"name\":\"bad name\",\"nodes\":[{\"id\":\"n9\",\"address\":\"127.0.0.9\"}]}"), 400))
                .contains("group name: 'bad name'").contains("A-Z a-z 0-9 _ -");
        assertThat(error(send("POST", "/api/v1/cluster/groups", "{\"name\":\"x\",\"description\":\"a/b\",\"nodes\":[{\"id\":\"n9\",\"address\":\"127.0.0.9\"}]}"), 400))
                .contains("description: 'a/b'");
        assertThat(error(send("POST", "/api/v1/cluster/groups", "{\"name\":\"west\",\"nodes\":[{\"id\":\"n3\",\"address\":\"127.0.0.3\"}]}"), 400))
                .contains("n3").contains("already in east");
        assertThat(error(send("POST", "/api/v1/cluster/groups", "{\"name\":\"east\",\"nodes\":[{\"id\":\"n7\",\"address\":\"127.0.0.7\"}]}"), 400))
                .contains("a name no other group has");
        Answer changed = send("PUT", "/api/v1/cluster/groups/east", "{\"description\":\"east pair\",\"nodes\":[{\"id\":\"n3\","
                + "\"address\":\"127.0.0.3\"},{\"id\":\"n4\",\"address\":\"127.0.0.4\"}],\"ha\":true}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(get("/api/v1/cluster/groups/east").json().get("description").asText()).isEqualTo("east pair");
        // A description alone applies on the running nodes: nothing to restart.
        assertThat(changed.json().get("restartRequired")).isEmpty();
        // [RG-ENABLE]'s checks, a dry run: east's nodes have never reported, so they speak against the change.
        Answer check = get("/api/v1/cluster/groups/east/ha/check?enabled=false");
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        assertThat(check.json().get("caution").asText()).startsWith("With high availability off no node of east fails over");
        assertThat(check.json().get("checked").toString()).contains("high availability of east is on now")
                .contains("is reachable");
        assertThat(check.json().get("warnings").toString()).contains("n3 has not reported to the store yet")
                .contains("n4 has not reported to the store yet");
        assertThat(get("/api/v1/cluster/groups/east").json().get("ha").asBoolean()).isTrue(); // nothing changed
        assertThat(error(get("/api/v1/cluster/groups/east/ha/check?enabled=maybe"), 400))
                .isEqualTo("enabled: 'maybe' is not allowed; allowed: true or false");
        assertThat(error(get("/api/v1/cluster/groups/nowhere/ha/check?enabled=true"), 404)).contains("nowhere");
        // This node's own group: its own state and critical services, first hand.
        Answer solo = get("/api/v1/cluster/groups/solo/ha/check?enabled=true");
        assertThat(solo.json().get("checked").toString()).contains("n1: Normal / Normal; critical services running");
        assertThat(solo.json().get("warnings").toString()).contains("solo has one node: high availability needs a pair");
        Answer ha = send("POST", "/api/v1/cluster/groups/east/ha", "{\"enabled\":false}");
        assertThat(ha.json().get("ha").asBoolean()).isFalse();
        assertThat(ha.json().get("restartRequired")).isEmpty();
        assertThat(error(send("POST", "/api/v1/cluster/groups/solo/ha", "{\"enabled\":true}"), 400)).contains("pair");
        assertThat(error(get("/api/v1/cluster/groups/nowhere"), 404)).contains("nowhere");
        JsonNode audit = get("/api/v1/audit?limit=20").json();
        assertThat(audit.get(0).get("who").asText()).isEqualTo("tester");
        assertThat(audit.findValuesAsText("result")).anyMatch(r -> r.startsWith("refused: ") && r.contains("bad name"));
        assertThat(audit.findValuesAsText("action")).contains("group add", "group change", "group ha disable");
    }

    @Test
    @Order(3)
    void newParametersReachTheRunningNodeWithoutARestart() throws Exception {
        Answer a = send("PUT", "/api/v1/cluster/parameters", "{\"keepAliveInterval\":\"2s\",\"keepAliveTimeout\":\"9s\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("keepAliveInterval").asText()).isEqualTo("2s");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.snapshot().params().keepAliveInterval().equals(Duration.ofSeconds(2)));
        assertThat(node.snapshot().params().keepAliveTimeout()).hasSeconds(9);
        // [RG-HB] rules through the core: the timeout must be at least twice the interval.
        assertThat(error(send("PUT", "/api/v1/cluster/parameters", "{\"keepAliveTimeout\":\"3s\"}"), 400)).contains("keepAliveTimeout");
        assertThat(error(send("PUT", "/api/v1/cluster/parameters", "{\"heartbeat\":\"3s\"}"), 400)).contains("heartbeat").contains("keepAliveInterval");
        // The field is named once: the core's message already starts with it.
        assertThat(error(send("PUT", "/api/v1/cluster/parameters", "{\"keepAliveTimeout\":\"30s\"}"), 400))
                .isEqualTo("initKeepAliveTimeout: '10s' is not allowed; allowed: at least keepAliveTimeout (30s)");
        assertThat(error(send("PUT", "/api/v1/cluster/parameters", "{\"keepAliveTimeout\":\"soon\"}"), 400))
                .startsWith("keepAliveTimeout: 'soon' is not allowed; allowed: ");
    }

    /**
     * [RG-RELOGIN], Step 5: the Client Re-Login limits "must be configured separately for each cluster node". A node's
     * own value is over the cluster's; the running node applies it at once; null gives it the cluster's again.
     */
    @Test
    @Order(3)
    void aNodeHasReloginLimitsOfItsOwnAppliedWhileItRuns() throws Exception {
        Answer before = get("/api/v1/cluster/nodes/n1/parameters");
        assertThat(before.status()).as(before.body()).isEqualTo(200);
        assertThat(before.json().get("own").size()).isZero();
        assertThat(before.json().get("effective").get("clientReloginLower").asText()).isEqualTo("2m");

        Answer set = send("PUT", "/api/v1/cluster/nodes/n1/parameters",
                "{\"clientReloginLower\":\"30s\",\"clientReloginUpper\":\"90s\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("own").get("clientReloginLower").asText()).isEqualTo("30s");
        assertThat(set.json().get("effective").get("clientReloginUpper").asText()).isEqualTo("90s");
        assertThat(set.json().get("epoch").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.snapshot().params().clientReloginLower().equals(Duration.ofSeconds(30)));
        assertThat(node.snapshot().params().clientReloginUpper()).hasSeconds(90);
        // The cluster's parameters are unchanged: only n1 waits differently.
        assertThat(get("/api/v1/cluster/parameters").json().get("clientReloginLower").asText()).isEqualTo("2m");
        assertThat(get("/api/v1/config/export").body()).contains("nodeParameters:").contains("clientReloginLower: 30s");

        // Bad input names what is wrong and what is allowed, and changes nothing.
        assertThat(error(send("PUT", "/api/v1/cluster/nodes/n1/parameters", "{\"keepAliveTimeout\":\"9s\"}"), 400))
                .contains("keepAliveTimeout").contains("clientReloginLower, clientReloginUpper");
        assertThat(error(send("PUT", "/api/v1/cluster/nodes/n1/parameters", "{\"clientReloginLower\":\"soon\"}"), 400))
                .startsWith("clientReloginLower: 'soon' is not allowed");
        assertThat(error(send("PUT", "/api/v1/cluster/nodes/n1/parameters", "{\"clientReloginLower\":\"100s\"}"), 400))
                .contains("clientReloginUpper").contains("at least clientReloginLower");
        // A cluster-wide change that would leave a node's own limits upside down is refused too, naming the node: n1
        // keeps its own lower limit (30s) while the cluster's upper would go below it.
        assertThat(send("PUT", "/api/v1/cluster/nodes/n1/parameters", "{\"clientReloginUpper\":null}").status()).isEqualTo(200);
        assertThat(error(send("PUT", "/api/v1/cluster/parameters", "{\"clientReloginLower\":\"10s\",\"clientReloginUpper\":\"20s\"}"), 400))
                .startsWith("nodeParameters.n1.clientReloginUpper: '20s' is not allowed").contains("node n1 has its own");
        assertThat(get("/api/v1/cluster/parameters").json().get("clientReloginUpper").asText()).isNotEqualTo("20s");
        // Only nodes of a group have parameters of their own; a document naming another is refused.
        String doc = get("/api/v1/config/export").body();
        assertThat(error(call("PUT", "/api/v1/config", doc.replace("nodeParameters:\n  n1:", "nodeParameters:\n  n9:"),
                "application/yaml"), 400)).contains("nodeParameters").contains("n9").contains("a node of a redundancy group");
        assertThat(error(send("GET", "/api/v1/cluster/nodes/n9/parameters", null), 404)).contains("n9").contains("n1");
        assertThat(error(send("PUT", "/api/v1/cluster/nodes/n9/parameters", "{\"clientReloginLower\":\"1s\"}"), 404))
                .contains("n9");
        assertThat(get("/api/v1/cluster/nodes/n1/parameters").json().get("own").get("clientReloginLower").asText())
                .isEqualTo("30s");

        Answer cleared = send("PUT", "/api/v1/cluster/nodes/n1/parameters",
                "{\"clientReloginLower\":null,\"clientReloginUpper\":null}");
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(cleared.json().get("own").size()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.snapshot().params().clientReloginLower().equals(Duration.ofSeconds(120)));
    }

    @Test
    @Order(4)
    void usersAreAssignedLookedUpMovedAndServedFromMemory() throws Exception {
        assertThat(error(send("PUT", "/api/v1/cluster/assignment-mode", "{\"mode\":\"Round-Robin\"}"), 400))
                .contains("Round-Robin").contains("Balanced, Active-Standby or None");
        assertThat(send("PUT", "/api/v1/cluster/assignment-mode", "{\"mode\":\"Active-Standby\"}").json().get("mode").asText())
                .isEqualTo("Active-Standby");
        Answer u1 = send("POST", "/api/v1/users", "{\"id\":\"alice\",\"group\":\"east\"}");
        assertThat(u1.status()).as(u1.body()).isEqualTo(201);
        // [RG-ASSIGN] Active-Standby: all users on the first node of the group.
        assertThat(u1.json().get("home").asText()).isEqualTo("n3");
        assertThat(error(send("POST", "/api/v1/users", "{\"id\":\"alice\"}"), 400)).contains("alice");
        assertThat(error(send("POST", "/api/v1/users", "{\"id\":\"a,b\"}"), 400)).contains("'a,b'");
        send("PUT", "/api/v1/cluster/assignment-mode", "{\"mode\":\"Balanced\"}");
        Answer imp = call("POST", "/api/v1/users/import", "id,group,home\nbob\ncarol\ndave,solo\nerin,,n4\n", "text/csv");
        assertThat(imp.status()).as(imp.body()).isEqualTo(200);
        assertThat(imp.json().get("imported").asInt()).isEqualTo(4);
        assertThat(imp.json().get("assigned").asInt()).isEqualTo(3);
        Answer bad = call("POST", "/api/v1/users/import", "frank\ngina,nogroup\n", "text/csv");
        assertThat(error(bad, 400)).startsWith("line 2: ").contains("nogroup");
        assertThat(bad.json().get("line").asInt()).isEqualTo(2);
        assertThat(error(get("/api/v1/users/frank"), 404)).contains("frank");

        JsonNode dave = get("/api/v1/users/dave").json();
        assertThat(dave.get("home").asText()).isEqualTo("n1");
        assertThat(dave.get("serving").asText()).isEqualTo("n1");
        // The node's in-memory directory follows the store within the watcher's poll.
        await().atMost(Duration.ofSeconds(10)).until(() -> node.users().servingNode("erin").isPresent());
        assertThat(node.users().servingNode("erin")).contains(NodeId.of("n4"));

        JsonNode moved = send("POST", "/api/v1/users/dave/move", "{\"group\":\"east\"}").json();
        assertThat(moved.get("group").asText()).isEqualTo("east");
        assertThat(moved.get("mustLogInAgain").asBoolean()).isTrue();

        JsonNode page = get("/api/v1/users?limit=2").json();
        assertThat(page.get("users")).hasSize(2);
        assertThat(page.get("next").asText()).isEqualTo("bob");
        JsonNode rest = get("/api/v1/users?limit=10&after=bob").json();
        assertThat(rest.get("users").findValuesAsText("id")).containsExactly("carol", "dave", "erin");
        assertThat(rest.get("next").isNull()).isTrue();
        assertThat(get("/api/v1/users?node=n4&limit=10").json().get("users").findValuesAsText("id")).contains("erin");
        // Served by a node now: n1 is alone in solo and serves its own users; nobody's users are served by n9.
        assertThat(get("/api/v1/users?serving=n1&limit=10").json().get("users").findValuesAsText("home"))
                .isNotEmpty().allMatch("n1"::equals);
        assertThat(get("/api/v1/users?serving=n1&limit=1").json().get("next").isNull()).isFalse();
        assertThat(get("/api/v1/users?serving=n9").json().get("users")).isEmpty();
        assertThat(error(get("/api/v1/users?serving=bad%20name"), 400)).contains("bad name");
        assertThat(error(get("/api/v1/users?limit=20000"), 400)).contains("limit").contains("10000");

        Answer csv = get("/api/v1/users/export");
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body().lines().toList()).first().isEqualTo("id,group,home");
        assertThat(csv.body()).contains("alice,east,n3\n");
        assertThat(csv.body().lines().count()).isEqualTo(6);

        assertThat(send("DELETE", "/api/v1/users/carol", null).status()).isEqualTo(200);
        assertThat(get("/api/v1/users/carol").status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.users().servingNode("carol").isEmpty());
        JsonNode rebalanced = send("POST", "/api/v1/users/rebalance", null).json();
        assertThat(rebalanced.get("moved").asInt()).isGreaterThanOrEqualTo(0);
    }

    @Test
    @Order(5)
    void addingUsersWhileAnotherNodeReportsAFailoverStateIsRefusedWithTheSpecificationsReason() throws Exception {
        node.store().store().report("n3", node.store().settings().epoch(), "Failed Over");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.store().states().get(NodeId.of("n3")) != null);
        String e = error(send("POST", "/api/v1/users", "{\"id\":\"late\"}"), 409);
        // [RG-LIMITS].
        assertThat(e).contains("cannot be added while a node of the cluster is in a failover state").contains("n3 is Failed Over");
        // A user homed on n3 is served by its peer n4 while n3 is failed over ([RG-OVER]: the backup serves them).
        assertThat(node.users().servingNode("alice")).contains(NodeId.of("n4"));
        assertThat(get("/api/v1/users/alice").json().get("serving").asText()).isEqualTo("n4");
        node.store().store().report("n3", node.store().settings().epoch(), "Normal");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.users().servingNode("alice").orElseThrow().equals(NodeId.of("n3")));
        assertThat(send("POST", "/api/v1/users", "{\"id\":\"late\"}").status()).isEqualTo(201);
    }

    @Test
    @Order(6)
    void loadBalancingSettingsNeverShowTheKey() throws Exception {
        Answer put = send("PUT", "/api/v1/cluster/load-balancing/settings", "{\"group\":{\"clusterAddress\":\"192.0.2.10\","
                + "\"key\":\"" + SECRET + "\",\"encryption\":true},\"devices\":[{\"node\":\"n1\",\"priority\":9,"
                + "\"publicAddress\":\"192.0.2.11\",\"nat\":\"203.0.113.5\",\"participate\":true}]}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        JsonNode lb = get("/api/v1/cluster/load-balancing/settings").json();
        assertThat(lb.get("group").get("keySet").asBoolean()).isTrue();
        assertThat(lb.get("group").get("encryption").asBoolean()).isTrue();
        assertThat(lb.get("group").get("clusterPort").asInt()).isEqualTo(9023);
        assertThat(lb.get("devices").get(0).get("priority").asInt()).isEqualTo(9);
        assertThat(lb.get("devices").get(0).get("privateAddress").asText()).isEqualTo("192.0.2.11");
        assertThat(lb.toString()).doesNotContain(SECRET);
        // [LB-ELECT]: priority 1 to 10.
        assertThat(error(send("PUT", "/api/v1/cluster/load-balancing/settings", "{\"devices\":[{\"node\":\"n1\",\"priority\":11}]}"), 400))
                .contains("priority").contains("1 to 10");
    }

    @Test
    @Order(7)
    void theWholeConfigurationExportsAsYamlAndImportsAllOrNothing() throws Exception {
        Answer export = get("/api/v1/config/export");
        assertThat(export.contentType()).startsWith("application/yaml");
        assertThat(export.body()).contains("groups:").contains("name: east").contains("keySet: true").doesNotContain(SECRET);
        long epoch = node.store().store().epoch();
        String broken = export.body().replace("name: east", "name: \"ea st\"");
        Answer bad = call("PUT", "/api/v1/config", broken, "application/yaml");
        int line = broken.lines().toList().indexOf(broken.lines().filter(l -> l.contains("ea st")).findFirst().orElseThrow());
        assertThat(error(bad, 400)).contains("line ").contains("ea st");
        assertThat(error(bad, 400)).matches("line \\d+: .*");
        assertThat(line).isPositive();
        assertThat(node.store().store().epoch()).isEqualTo(epoch);
        String changed = export.body().replace("assignmentMode: Balanced", "assignmentMode: None");
        Answer ok = call("PUT", "/api/v1/config", changed, "application/yaml");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("epoch").asLong()).isEqualTo(epoch + 1);
        assertThat(get("/api/v1/cluster/assignment-mode").json().get("mode").asText()).isEqualTo("None");
        assertThat(get("/api/v1/cluster/load-balancing/settings").json().get("group").get("keySet").asBoolean()).isTrue();

        // A node's own parameters travel with the document; a document without them leaves them as they are.
        assertThat(send("PUT", "/api/v1/cluster/nodes/n1/parameters", "{\"clientReloginLower\":\"45s\"}").status()).isEqualTo(200);
        String withOwn = get("/api/v1/config/export").body();
        assertThat(withOwn).contains("nodeParameters:").contains("clientReloginLower: 45s");
        Answer edited = call("PUT", "/api/v1/config", withOwn.replace("clientReloginLower: 45s", "clientReloginLower: 50s"),
                "application/yaml");
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(get("/api/v1/cluster/nodes/n1/parameters").json().get("own").get("clientReloginLower").asText()).isEqualTo("50s");
        Answer without = call("PUT", "/api/v1/config", changed, "application/yaml");
        assertThat(without.status()).as(without.body()).isEqualTo(200);
        assertThat(get("/api/v1/cluster/nodes/n1/parameters").json().get("own").get("clientReloginLower").asText()).isEqualTo("50s");
        Answer wrong = call("PUT", "/api/v1/config", withOwn.replace("clientReloginLower: 45s", "keepAliveInterval: 2s"),
                "application/yaml");
        assertThat(error(wrong, 400)).contains("nodeParameters.n1.keepAliveInterval");
        assertThat(send("PUT", "/api/v1/cluster/nodes/n1/parameters", "{\"clientReloginLower\":null}").status()).isEqualTo(200);
    }

    @Test
    @Order(8)
    void aLargeImportGoesThroughTheApiInOneRequest() throws Exception {
        // Over a megabyte of CSV: more than an HTTP server takes by default.
        String csv = java.util.stream.IntStream.range(0, 70_000).mapToObj(i -> "bulk-user-" + i)
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(csv.length()).isGreaterThan(1_100_000);
        send("PUT", "/api/v1/cluster/assignment-mode", "{\"mode\":\"Balanced\"}");
        Answer a = call("POST", "/api/v1/users/import", csv, "text/csv");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("imported").asInt()).isEqualTo(70_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> node.users().servingNode("bulk-user-69999").isPresent());
    }

    @Test
    @Order(9)
    void dbStatusShowsTheStoreItsSchemaAndEachNodesEpoch() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.store().caughtUp());
        JsonNode s = get("/api/v1/db/status").json();
        assertThat(s.get("store").asText()).isEqualTo("h2");
        assertThat(s.get("url").asText()).startsWith("jdbc:h2:file:");
        assertThat(s.get("reachable").asBoolean()).isTrue();
        assertThat(s.get("schemaVersion").asText()).isEqualTo("7");
        long epoch = s.get("settingsEpoch").asLong();
        JsonNode n1 = null;
        for (JsonNode n : s.get("nodes")) if (n.get("id").asText().equals("n1")) n1 = n;
        assertThat(n1).isNotNull();
        assertThat(n1.get("epoch").asLong()).isEqualTo(epoch);
        assertThat(n1.get("reachable").asBoolean()).isTrue();
        assertThat(s.get("replication")).isEmpty();
    }

    // ---------------------------------------------------------------- the contract (docs/api.md)

    @Test
    @Order(101)
    void theNodeServesTheDocumentItIsBuiltFrom() throws Exception {
        Answer r = get("/api/v1/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode served = r.json();
        assertThat(served.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(served.get("paths")).isEqualTo(Contract.DOCUMENT.get("paths"));
        assertThat(served.get("components")).isEqualTo(Contract.DOCUMENT.get("components"));
    }

    @Test
    @Order(102)
    void theDocumentListsExactlyTheRoutesTheNodeAnswers() {
        TreeSet<String> registered = new TreeSet<>(api.routes());
        TreeSet<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : Contract.DOCUMENT.get("paths").properties()) {
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " "
                    + path.getKey()));
        }
        assertThat(documented).containsExactlyElementsOf(registered);
        assertThat(documented).hasSize(AdminRoutes.ALL.size());
    }

    @Test
    @Order(103)
    void everyGetRouteWithoutParametersAnswersWhatTheDocumentSays() throws Exception {
        List<String> checked = new ArrayList<>();
        for (var route : AdminRoutes.ALL) {
            if (!route.method().equals("GET") || route.path().contains("{") || route.path().equals("/api/v1/events")) {
                continue; // the event stream never ends; parameterised routes are exercised by the API tests
            }
            get(route.path()); // call() checks the answer against the document, whatever its status
            checked.add(route.path());
        }
        assertThat(checked).contains("/api/v1/node", "/api/v1/failover", "/api/v1/redundancy-groups",
                "/api/v1/db/status", "/api/v1/cluster/load-balancing/settings", "/health");
    }

    @Test
    @Order(104)
    void anAnswerThatDiffersFromTheDocumentIsCaught() {
        // The check itself can fail: a missing field, an extra one, a null where none is allowed, a wrong type.
        String good = "{\"accepted\":true,\"message\":\"ok\"}";
        Contract.check("POST", "/api/v1/redundancy-groups/g1/failover", 202, "application/json", good);
        for (String bad : List.of("{\"accepted\":true}", "{\"accepted\":true,\"message\":\"ok\",\"extra\":1}",
                "{\"accepted\":null,\"message\":\"ok\"}", "{\"accepted\":\"yes\",\"message\":\"ok\"}")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Contract.check("POST",
                    "/api/v1/redundancy-groups/g1/failover", 202, "application/json", bad)).as(bad)
                    .isInstanceOf(AssertionError.class).hasMessageContaining("does not answer what the document says");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Contract.check("GET", "/api/v1/node", 418,
                "application/json", "{}")).hasMessageContaining("which the document does not list");
    }
}
