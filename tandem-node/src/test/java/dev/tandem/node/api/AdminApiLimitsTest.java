package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.http.RawHttp;
import dev.tandem.node.runtime.TandemNode;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin API against hostile or careless clients (issue 16; docs/node.md, Admin API and HTTP limits; docs/store.md,
 * Import and export): body caps, streamed imports, short error quotes, token checks, a stalled loop, CSV escaping.
 * One node alone in group "solo" on 127.0.0.1, with small caps: 4 KiB bodies, 8 MB imports.
 */
class AdminApiLimitsTest {
    private static final String TOKEN = "admin-token-of-tests-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long MAX_IMPORT = 8_000_000;

    @TempDir
    static Path dir;
    static TandemNode node;
    static AdminApi api;
    static String base;

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-limit-tests\n");
        int admin = AdminApiTest.freeTcpPort();
        int service;
        do {
            service = AdminApiTest.freeUdpPort();
        } while (service == admin);
        String yaml = AdminApiTest.config(admin, service, true).replace("  tokenFile: admin-token",
                "  tokenFile: admin-token\n  maxImportBytes: " + MAX_IMPORT + "\n  http:\n    maxBodyBytes: 4096");
        node = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n1.yaml"), yaml)), Clock.systemUTC());
        node.start();
        api = new AdminApi(node).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (node != null) node.close();
    }

    static Answer call(HttpClient http, String method, String path, String auth, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (auth != null) b.header("Authorization", auth);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    static Answer call(String method, String path, String body) throws Exception {
        return call(HTTP, method, path, "Bearer " + TOKEN, body == null ? null : HttpRequest.BodyPublishers.ofString(body));
    }

    static JsonNode error(Answer a, int status) throws Exception {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        // Every error of every server has "error" and "message" (docs/node.md).
        assertThat(a.json().get("message").asText()).as(a.body()).isNotBlank();
        return a.json();
    }

    private static int userCount() throws Exception {
        return call("GET", "/api/v1/users?limit=10000", null).json().get("users").size();
    }

    // ---------------------------------------------------------------- bodies and imports

    @Test
    void aBodyOverTheCapIs413NamingTheLimit() throws Exception {
        JsonNode j = error(call("PUT", "/api/v1/parameters", "{\"keepAliveInterval\":\"" + "1".repeat(5000) + "\"}"), 413);
        assertThat(j.get("error").asText()).contains("4096").contains("admin.http.maxBodyBytes");
    }

    @Test
    void anImportOverItsCapIs413AndChangesNothing() throws Exception {
        int before = userCount();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; csv.length() <= MAX_IMPORT; i++) csv.append("capped-user-").append(i).append('\n');
        JsonNode j = error(call("POST", "/api/v1/users/import", csv.toString()), 413);
        assertThat(j.get("error").asText()).contains(Long.toString(MAX_IMPORT)).contains("admin.maxImportBytes");
        // The same body without a length (chunked) is cut off while it streams.
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        Answer chunked = call(HTTP, "POST", "/api/v1/users/import", "Bearer " + TOKEN,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
        assertThat(error(chunked, 413).get("error").asText()).contains("admin.maxImportBytes");
        assertThat(userCount()).isEqualTo(before);
        assertThat(call("GET", "/api/v1/users/capped-user-0", null).status()).isEqualTo(404);
    }

    @Test
    void anImportOverItsCapThatWaitsFor100ContinueIsRefusedBeforeItSendsItsBody() throws Exception {
        // The server answers 413 at once and never asks for the gigabyte (no "100 Continue", nothing read).
        try (RawHttp c = new RawHttp("127.0.32.23", "127.0.0.1", api.port())) {
            RawHttp.Answer a = c.send("POST /api/v1/users/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: text/csv\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n").answer();
            assertThat(a.status()).as("%s", a).isEqualTo(413);
            assertThat(JSON.readTree(a.body()).get("error").asText()).contains("admin.maxImportBytes");
        }
    }

    @Test
    void anErrorOnAHugeLineQuotesOnlyAPrefix() throws Exception {
        Answer a = call("POST", "/api/v1/users/import", "fine-user\n" + "x".repeat(5_000_000) + "\n");
        JsonNode j = error(a, 400);
        assertThat(a.body().length()).as("an answer to a 5 MB line").isLessThan(1000);
        assertThat(j.get("error").asText()).startsWith("line 2: ").contains("longer than");
        Answer bad = call("POST", "/api/v1/users", "{\"id\":\"" + "y".repeat(3000) + "\"}"); // under the 4 KiB cap
        assertThat(error(bad, 400).get("error").asText()).contains("3000 characters");
        assertThat(bad.body().length()).isLessThan(1000);
    }

    @Test
    void aLargeImportWorks() throws Exception {
        StringBuilder csv = new StringBuilder("id,group,home\n");
        for (int i = 0; i < 200_000; i++) csv.append("bulk-").append(i).append('\n');
        Answer a = call("POST", "/api/v1/users/import", csv.toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("imported").asInt()).isEqualTo(200_000);
        assertThat(call("GET", "/api/v1/users/bulk-199999", null).status()).isEqualTo(200);
    }

    @Test
    void theStoreRefusesIdsTheSessionServiceWouldRefuse() throws Exception {
        for (String id : new String[] {"bad!id", "semi;colon", "x".repeat(129), "caf\u00e9"}) {
            JsonNode j = error(call("POST", "/api/v1/users", JSON.writeValueAsString(java.util.Map.of("id", id))), 400);
            assertThat(j.get("error").asText()).contains("A-Z a-z 0-9 _ . @ + : -");
        }
        assertThat(error(call("POST", "/api/v1/users/import", "ok-id\nbad#id\n"), 400).get("error").asText())
                .startsWith("line 2: ");
        assertThat(call("GET", "/api/v1/users/ok-id", null).status()).isEqualTo(404);
    }

    @Test
    void exportEscapesFormulaCellsAndImportUndoesIt() throws Exception {
        assertThat(call("POST", "/api/v1/users/import", "-minus\n+plus\n@at\n=eq.x\n").status()).isEqualTo(400); // '=' is no id
        assertThat(call("POST", "/api/v1/users/import", "-minus\n+plus\n@at\nplain\n").status()).isEqualTo(200);
        String export = call("GET", "/api/v1/users/export", null).body();
        assertThat(export.lines()).contains("'-minus,solo,n1", "'+plus,solo,n1", "'@at,solo,n1", "plain,solo,n1");
        assertThat(export.lines()).noneMatch(l -> l.startsWith("-") || l.startsWith("+") || l.startsWith("@"));
        for (String id : new String[] {"-minus", "+plus", "@at", "plain"}) {
            assertThat(call("DELETE", "/api/v1/users/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)
                    .replace("+", "%20").replace("%20plus", "%2Bplus"), null).status()).isEqualTo(200);
        }
        String mine = export.lines().filter(l -> l.startsWith("id,") || l.matches("'?[-+@]?(minus|plus|at|plain),.*"))
                .reduce("", (x, y) -> x + y + "\n");
        Answer back = call("POST", "/api/v1/users/import", mine);
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(back.json().get("imported").asInt()).isEqualTo(4);
        assertThat(call("GET", "/api/v1/users/@at", null).json().get("id").asText()).isEqualTo("@at");
        assertThat(call("GET", "/api/v1/users/-minus", null).json().get("id").asText()).isEqualTo("-minus");
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsAccepted() throws Exception {
        Answer a = call("POST", "/api/v1/users/import", "\uFEFFid,group,home\nbom-user\n");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("imported").asInt()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- tokens

    @Test
    void theSchemeOfTheTokenIsCaseInsensitive() throws Exception {
        for (String scheme : new String[] {"bearer", "BEARER", "Bearer", "bEaReR"}) {
            Answer a = call(HTTP, "GET", "/api/v1/node", scheme + " " + TOKEN, null);
            assertThat(a.status()).as(scheme).isEqualTo(200);
        }
    }

    @Test
    void wrongTokensAreLoggedAndSlowedPerAddress() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(AdminApi.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            HttpClient guesser = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.32.20")).build();
            HttpClient other = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.32.21")).build();
            String wrong = "Bearer not-the-token-" + "z".repeat(8);
            long[] took = new long[AuthFailures.FREE + 3];
            for (int i = 0; i < took.length; i++) {
                long t0 = System.nanoTime();
                assertThat(call(guesser, "GET", "/api/v1/node", wrong, null).status()).isEqualTo(401);
                took[i] = (System.nanoTime() - t0) / 1_000_000;
            }
            // The free ones are fast; then 250 ms, 500 ms, 1 s.
            assertThat(took[AuthFailures.FREE]).isGreaterThanOrEqualTo(240);
            assertThat(took[AuthFailures.FREE + 1]).isGreaterThanOrEqualTo(490);
            assertThat(took[AuthFailures.FREE + 2]).isGreaterThanOrEqualTo(990);
            // Another address is not slowed, and the right token never is.
            long t0 = System.nanoTime();
            assertThat(call(other, "GET", "/api/v1/node", wrong, null).status()).isEqualTo(401);
            assertThat(call(guesser, "GET", "/api/v1/node", "Bearer " + TOKEN, null).status()).isEqualTo(200);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(200);
            // Each failure is logged with the address, never with the token given.
            assertThat(seen.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("wrong bearer token from 127.0.32.20"))).hasSize(took.length);
            assertThat(seen.list).noneMatch(e -> e.getFormattedMessage().contains("not-the-token"));
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void theHoldBackGrowsAndIsBounded() {
        assertThat(AuthFailures.delay(AuthFailures.FREE)).isZero();
        assertThat(AuthFailures.delay(AuthFailures.FREE + 1)).isEqualTo(Duration.ofMillis(250));
        assertThat(AuthFailures.delay(AuthFailures.FREE + 2)).isEqualTo(Duration.ofMillis(500));
        assertThat(AuthFailures.delay(1000)).isEqualTo(AuthFailures.LONGEST);
    }

    // ---------------------------------------------------------------- a stalled loop, the server's own errors

    @Test
    void anActionTheLoopDoesNotCarryOutInTimeIs503WithRetryAfter() throws Exception {
        java.lang.reflect.Field f = TandemNode.class.getDeclaredField("loop");
        f.setAccessible(true);
        ScheduledExecutorService loop = (ScheduledExecutorService) f.get(node);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Answer a = call("POST", "/api/v1/redundancy-groups/solo/failover?node=n1", null);
            JsonNode j = error(a, 503);
            assertThat(j.get("error").asText()).contains("did not carry out");
            assertThat(a.raw().headers().firstValue("Retry-After")).hasValue("5");
        } finally {
            release.countDown();
        }
    }

    @Test
    void theServersOwnErrorsAreJson() throws Exception {
        String big = "a".repeat(20_000);
        try (RawHttp c = new RawHttp("127.0.32.22", "127.0.0.1", api.port())) {
            RawHttp.Answer a = c.send("GET /api/v1/node HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n").answer();
            assertThat(a.status()).isEqualTo(431);
            assertThat(a.header("content-type")).startsWith("application/json");
            assertThat(JSON.readTree(a.body()).get("error").asText()).isEqualTo("header-too-large");
        }
        try (RawHttp c = new RawHttp("127.0.32.22", "127.0.0.1", api.port())) {
            RawHttp.Answer a = c.send("GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n").answer();
            assertThat(a.status()).as("answer to a 20,000-byte URI: %s", a).isEqualTo(414);
            assertThat(a.header("content-type")).startsWith("application/json");
        }
    }
}
