package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.rm.NodeState;
import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of one running node (docs/node.md, Admin API): "Every /api call needs Authorization: Bearer
 * <token>. Errors are JSON {"error": "...", "status": N}, never a stack trace." docs/architecture.md, Security: secrets never
 * appear in logs, output or errors. The node is alone in its group (no peer needed), on 127.0.0.1 with ports free
 * at the start of the test.
 */
class AdminApiTest {
    static final String TOKEN = "admin-token-of-tests-7f3a";
    private static final String SECRET = "cluster-secret-of-tests-9b2c";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every answer of this class, checked for stack traces and secrets at the end. */
    private static final List<String> ANSWERS = new CopyOnWriteArrayList<>();
    private static final Pattern STACK_FRAME = Pattern.compile("\\bat [\\w$]+(\\.[\\w$]+)+\\(");

    @TempDir
    static Path dir;

    private static TandemNode node;
    private static AdminApi api;
    private static String base;
    private static int servicePort;

    record Answer(int status, String body, String contentType) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    static int freeTcpPort() {
        return TestPorts.tcp(InetAddress.getLoopbackAddress().getHostAddress());
    }

    static int freeUdpPort() {
        return TestPorts.udp(InetAddress.getLoopbackAddress().getHostAddress());
    }

    /** A single-node group's configuration: the YAML a test writes to its directory. */
    static String config(int adminPort, int servicePort, boolean withToken) {
        return """
                node:
                  id: n1
                  address: 127.0.0.1
                admin:
                  port: %d
                %s
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: solo
                  description: a single node
                  highAvailability: false
                  nodes:
                    - id: n1
                      address: 127.0.0.1
                parameters:
                  keepAliveInterval: 1s
                  keepAliveTimeout: 5s
                  initKeepAliveTimeout: 10s
                  servicePort: %d
                  adminRpcPort: %d
                criticalServices:
                  - name: always
                    kind: command
                    command: ["true"]
                    interval: 1s
                    timeout: 1s
                """.formatted(adminPort, withToken ? "  tokenFile: admin-token" : "", servicePort, adminPort);
    }

    static TandemNode startNode(Path where, boolean withToken) throws Exception {
        Files.writeString(where.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(where.resolve("cluster-key"), SECRET + "\n");
        int admin = freeTcpPort();
        int service;
        do {
            service = freeUdpPort();
        } while (service == admin);
        Path file = Files.writeString(where.resolve("n1.yaml"), config(admin, service, withToken));
        TandemNode n = new TandemNode(ConfigLoader.load(file), Clock.systemUTC());
        n.start();
        return n;
    }

    @BeforeAll
    static void startNodeAndApi() throws Exception {
        node = startNode(dir, true);
        servicePort = node.snapshot().params().servicePort();
        api = new AdminApi(node).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (node != null) node.close();
    }

    static Answer call(String base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        ANSWERS.add(r.body());
        String type = r.headers().firstValue("Content-Type").orElse("");
        // docs/api.md: whatever the node answers is what its OpenAPI document says (once the token is right).
        if (r.statusCode() != 401 && r.statusCode() != 429 && !path.equals("/api/v1/events")) {
            Contract.check(method, path, r.statusCode(), type, r.body());
        }
        return new Answer(r.statusCode(), r.body(), type);
    }

    private static Answer get(String path) throws Exception {
        return call(base, "GET", path, "Bearer " + TOKEN, null);
    }

    private static Answer post(String path) throws Exception {
        return call(base, "POST", path, "Bearer " + TOKEN, null);
    }

    private static Answer put(String path, String body) throws Exception {
        return call(base, "PUT", path, "Bearer " + TOKEN, body);
    }

    /** docs/node.md: errors are JSON {"error": "...", "status": N}. */
    private static JsonNode assertJsonError(Answer a, int status) throws IOException {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/json");
        JsonNode j = a.json();
        assertThat(j.get("status").asInt()).isEqualTo(status);
        assertThat(j.get("error").asText()).isNotBlank();
        return j;
    }

    private static void assertClean(String body) {
        assertThat(body).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("\tat ").doesNotContain("Caused by");
        assertThat(STACK_FRAME.matcher(body).find()).as("a stack frame in %s", body).isFalse();
    }

    // ---------------------------------------------------------------- unauthenticated

    @Test
    void healthAnswersWithoutAToken() throws Exception {
        Answer a = call(base, "GET", "/health", null, null);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("status").asText()).isEqualTo("ok");
        assertThat(a.json().get("node").asText()).isEqualTo("n1");
    }

    @Test
    void metricsAnswerWithoutATokenInPrometheusText() throws Exception {
        Answer a = call(base, "GET", "/metrics", null, null);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("text/plain");
        List<String> tandem = a.body().lines().filter(l -> l.startsWith("tandem_")).toList();
        assertThat(tandem).isNotEmpty();
        assertThat(tandem).anyMatch(l -> l.startsWith("tandem_redundancy_state{"));
        assertThat(tandem).anyMatch(l -> l.startsWith("tandem_redundancy_healthy"));
        // Exactly one state is current.
        assertThat(tandem.stream().filter(l -> l.startsWith("tandem_redundancy_state{") && l.endsWith(" 1.0"))).hasSize(1);
    }

    @Test
    void theApiWithoutATokenIsRefusedWithJson() throws Exception {
        for (String[] call : new String[][] {{"GET", "/api/v1/node"}, {"GET", "/api/v1/redundancy-groups"},
                {"POST", "/api/v1/redundancy-groups/solo/failover?node=n1"}, {"PUT", "/api/v1/parameters"},
                {"GET", "/api/v1/nope"}, {"GET", "/api/v1/events/recent"}}) {
            Answer a = call(base, call[0], call[1], null, call[0].equals("PUT") ? "{}" : null);
            assertThat(assertJsonError(a, 401).get("error").asText()).as(call[1]).contains("Bearer");
        }
    }

    @Test
    void aWrongTokenIsRefusedWithJson() throws Exception {
        for (String header : new String[] {"Bearer wrong", "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1),
                "Bearer " + TOKEN.substring(0, TOKEN.length() - 1), "Bearer ", "Basic " + TOKEN, TOKEN}) {
            Answer a = call(base, "GET", "/api/v1/redundancy-groups", header, null);
            assertJsonError(a, 401);
        }
    }

    @Test
    void aWrongTokenCannotAct() throws Exception {
        Answer a = call(base, "POST", "/api/v1/redundancy-groups/solo/failover?node=n1", "Bearer wrong", null);
        assertJsonError(a, 401);
        Answer b = call(base, "PUT", "/api/v1/parameters", "Bearer wrong", "{\"keepAliveInterval\":\"2s\"}");
        assertJsonError(b, 401);
        assertThat(node.snapshot().params().keepAliveInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------- reading

    @Test
    void theNodeDescribesItself() throws Exception {
        Answer a = get("/api/v1/node");

        assertThat(a.status()).isEqualTo(200);
        JsonNode j = a.json();
        assertThat(j.get("id").asText()).isEqualTo("n1");
        assertThat(j.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(j.get("version").asText()).isNotBlank();
        assertThat(j.get("addresses").get("node").asText()).isEqualTo("127.0.0.1");
        assertThat(j.get("addresses").get("admin").asText()).isEqualTo("127.0.0.1:" + api.port());
        assertThat(j.get("addresses").get("servicePort").asInt()).isEqualTo(servicePort);
        assertThat(j.get("startedAt").asText()).isEqualTo(node.startedAt().toString());
        assertThat(j.get("uptimeSeconds").asLong()).isNotNegative();
    }

    @Test
    void theRedundancyGroupsHaveTheDocumentedShape() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.snapshot().state() == NodeState.NORMAL);
        Answer a = get("/api/v1/redundancy-groups");

        assertThat(a.status()).isEqualTo(200);
        JsonNode groups = a.json();
        assertThat(groups.isArray()).isTrue();
        assertThat(groups).hasSize(1);
        JsonNode g = groups.get(0);
        assertThat(g.get("name").asText()).isEqualTo("solo");
        assertThat(g.get("description").asText()).isEqualTo("a single node");
        assertThat(g.get("ha").asBoolean()).isFalse();
        assertThat(g.get("actions").isArray()).isTrue();
        assertThat(g.get("actions")).as("no action without high availability").isEmpty();
        JsonNode nodes = g.get("nodes");
        assertThat(nodes).hasSize(1);
        JsonNode n = nodes.get(0);
        assertThat(n.get("id").asText()).isEqualTo("n1");
        assertThat(n.get("address").asText()).isEqualTo("127.0.0.1");
        // State and reason as the specification ([RG-T2]) spells them (Table 1, Table 2).
        assertThat(n.get("state").asText()).isEqualTo("Normal");
        assertThat(Arrays.stream(NodeState.values()).map(NodeState::display)).contains(n.get("state").asText());
        assertThat(n.get("reason").isTextual()).isTrue();
        assertThat(n.get("alive").asBoolean()).isTrue();
        assertThat(n.get("healthy").isBoolean()).isTrue();

        Answer one = get("/api/v1/redundancy-groups/solo");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("name").asText()).isEqualTo("solo");
        assertJsonError(get("/api/v1/redundancy-groups/other"), 404);
    }

    @Test
    void loadBalancingCallsOnANodeThatTakesNoPartGive404() throws Exception {
        Answer put = put("/api/v1/load", "{\"ssl\":{\"active\":1,\"max\":10}}");
        assertThat(assertJsonError(put, 404).get("error").asText()).contains("load-balancing");
        assertJsonError(get("/api/v1/load-balancing"), 404);
    }

    @Test
    void unknownPathsGive404Json() throws Exception {
        // docs/node.md: errors are JSON {"error": "...", "status": N}.
        assertThat(assertJsonError(call(base, "GET", "/nope", null, null), 404).get("error").asText()).contains("/nope");
        assertThat(assertJsonError(get("/api/v1/nope"), 404).get("error").asText()).contains("/api/v1/nope");
    }

    @Test
    void criticalServicesShowVerdictsAndHistory() throws Exception {
        // docs/node.md: GET /api/v1/critical-services, each check's verdict and the history of changes.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.checks().map(c -> Boolean.TRUE.equals(c.verdicts().get("always"))).orElse(false));

        Answer a = get("/api/v1/critical-services");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode j = a.json();
        assertThat(j.get("verdicts").get("always").asBoolean()).isTrue();
        assertThat(j.get("history").isArray()).isTrue();
        assertThat(j.get("history").get(0).get("check").asText()).isEqualTo("always");
        assertThat(j.get("history").get(0).get("up").asBoolean()).isTrue();
    }

    @Test
    void recentEventsListTheAdminActions() throws Exception {
        // docs/node.md: GET /api/v1/events/recent, the last 200 events: every state change and admin action.
        post("/api/v1/redundancy-groups/solo/failover?node=n1");

        Answer a = get("/api/v1/events/recent");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode recent = a.json();
        assertThat(recent.isArray()).isTrue();
        assertThat(recent).anyMatch(e -> e.toString().contains("\"admin\"") && e.toString().contains("\"accepted\":false"));
        assertThat(recent).anyMatch(e -> e.toString().contains("\"transition\""));
    }

    // ---------------------------------------------------------------- actions

    @Test
    void failoverOnASingleNodeGroupIsAConflictWithTheReason() throws Exception {
        // [RG-HA]: failover needs a pair with high availability enabled.
        Answer a = post("/api/v1/redundancy-groups/solo/failover?node=n1");

        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json().get("accepted").asBoolean()).isFalse();
        assertThat(a.json().get("message").asText()).contains("high availability");
        assertThat(node.snapshot().state()).isNotIn(NodeState.FAILING_OVER, NodeState.IDLE);
    }

    @Test
    void fallbackAndRecoverOnASingleNodeGroupAreConflictsToo() throws Exception {
        for (String action : new String[] {"fallback?node=n1", "recover"}) {
            Answer a = post("/api/v1/redundancy-groups/solo/" + action);
            assertThat(a.status()).as(action).isEqualTo(409);
            assertThat(a.json().get("message").asText()).isNotBlank();
        }
    }

    @Test
    void anActionOnAnUnknownGroupIs404() throws Exception {
        assertThat(assertJsonError(post("/api/v1/redundancy-groups/other/failover?node=n1"), 404).get("error").asText())
                .contains("other");
    }

    @Test
    void anActionWithoutItsNodeIs400AndAnUnknownNode404() throws Exception {
        assertThat(assertJsonError(post("/api/v1/redundancy-groups/solo/failover"), 400).get("error").asText())
                .contains("node");
        assertThat(assertJsonError(post("/api/v1/redundancy-groups/solo/failover?node="), 400).get("error").asText())
                .contains("node");
        assertThat(assertJsonError(post("/api/v1/redundancy-groups/solo/failover?node=n9"), 404).get("error").asText())
                .contains("n9");
        assertThat(assertJsonError(post("/api/v1/redundancy-groups/solo/failover?node=bad%20id"), 400).get("error").asText())
                .contains("node id");
    }

    // ---------------------------------------------------------------- parameters

    @Test
    void parametersAreListedWithTheirValues() throws Exception {
        JsonNode j = get("/api/v1/parameters").json();

        assertThat(j.get("keepAliveTimeout").asText()).isEqualTo("5s");
        assertThat(j.get("servicePort").asText()).isEqualTo(Integer.toString(servicePort));
        // [RG-HB] default for a parameter the file leaves out.
        assertThat(j.get("criticalServiceDelay").asText()).isEqualTo("90s");
    }

    @Test
    void badParameterChangesAre400NamingTheParameter() throws Exception {
        String before = get("/api/v1/parameters").body();

        assertThat(assertJsonError(put("/api/v1/parameters", "{\"bogus\":\"1s\"}"), 400).get("error").asText())
                .contains("bogus");
        assertThat(assertJsonError(put("/api/v1/parameters", "{\"keepAliveInterval\":\"fast\"}"), 400).get("error").asText())
                .contains("keepAliveInterval").contains("fast");
        assertThat(assertJsonError(put("/api/v1/parameters", "{\"keepAliveInterval\":\"10s\"}"), 400).get("error").asText())
                .contains("keepAliveTimeout");
        assertThat(assertJsonError(put("/api/v1/parameters", "{\"servicePort\":" + (servicePort == 65535 ? 1 : servicePort + 1)
                + "}"), 400).get("error").asText()).contains("servicePort");
        assertThat(assertJsonError(put("/api/v1/parameters", "{\"adminRpcPort\":1}"), 400).get("error").asText())
                .contains("adminRpcPort");
        assertThat(assertJsonError(put("/api/v1/parameters", "{\"automaticFallback\":\"sometimes\"}"), 400).get("error")
                .asText()).contains("automaticFallback");
        assertJsonError(put("/api/v1/parameters", "not json"), 400);
        assertJsonError(put("/api/v1/parameters", "[1, 2]"), 400);

        assertThat(get("/api/v1/parameters").body()).as("nothing changed").isEqualTo(before);
    }

    @Test
    void aValidParameterChangeIsSeenByGet() throws Exception {
        try {
            Answer a = put("/api/v1/parameters", "{\"keepAliveTimeout\":\"7s\",\"automaticFallback\":true}");

            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.json().get("keepAliveTimeout").asText()).isEqualTo("7s");
            JsonNode j = get("/api/v1/parameters").json();
            assertThat(j.get("keepAliveTimeout").asText()).isEqualTo("7s");
            assertThat(j.get("automaticFallback").asText()).isEqualTo("true");
            assertThat(node.snapshot().params().keepAliveTimeout()).isEqualTo(Duration.ofSeconds(7));
        } finally {
            put("/api/v1/parameters", "{\"keepAliveTimeout\":\"5s\",\"automaticFallback\":false}");
        }
    }

    // ---------------------------------------------------------------- secrecy

    @Test
    void noAnswerCarriesAStackTraceOrASecret() throws Exception {
        // docs/architecture.md, Security: secrets never appear in logs, output or errors; docs/node.md: never a stack trace.
        List<Answer> answers = new ArrayList<>();
        answers.add(call(base, "GET", "/health", null, null));
        answers.add(call(base, "GET", "/metrics", null, null));
        answers.add(get("/api/v1/node"));
        answers.add(get("/api/v1/redundancy-groups"));
        answers.add(get("/api/v1/parameters"));
        answers.add(get("/api/v1/critical-services"));
        answers.add(get("/api/v1/events/recent"));
        answers.add(put("/api/v1/parameters", "{\"keepAliveInterval\":"));
        answers.add(put("/api/v1/parameters", "{\"keepAliveInterval\":{\"deep\":[1,2,3]}}"));
        answers.add(put("/api/v1/parameters", "\u0000\u0001"));
        answers.add(put("/api/v1/load", "{\"ssl\":{\"active\":-1}}"));
        answers.add(post("/api/v1/redundancy-groups/solo/failover?node=" + "x".repeat(300)));
        answers.add(call(base, "DELETE", "/api/v1/parameters", "Bearer " + TOKEN, null));
        answers.add(call(base, "GET", "/api/v1/node", "Bearer " + SECRET, null));

        for (Answer a : answers) assertClean(a.body());
        for (String body : ANSWERS) assertClean(body);
    }

    @Test
    void withoutATokenFileOnlyHealthAndMetricsAnswer() throws Exception {
        Path other = Files.createDirectories(dir.resolve("no-token"));
        try (TandemNode n = startNode(other, false); AdminApi a = new AdminApi(n).start()) {
            String b = "http://127.0.0.1:" + a.port();
            assertThat(call(b, "GET", "/health", null, null).status()).isEqualTo(200);
            assertThat(call(b, "GET", "/metrics", null, null).status()).isEqualTo(200);
            JsonNode err = assertJsonError(call(b, "GET", "/api/v1/node", "Bearer " + TOKEN, null), 401);
            assertThat(err.get("error").asText()).contains("no token");
        }
    }
}
