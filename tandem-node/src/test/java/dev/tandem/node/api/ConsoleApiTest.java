package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.runtime.TandemNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's side of the admin API (docs/console.md) on one running node: its page and assets with their security
 * headers, operators, signing in and out by cookie, the CSRF token on every change, and the read-only role. Every
 * answer that is not an authentication refusal is checked against the OpenAPI document.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleApiTest {
    private static final String TOKEN = "Bearer admin-token-of-tests-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static TandemNode node;
    private static AdminApi api;
    private static String base;

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws java.io.IOException {
            return JSON.readTree(body);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse("");
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
    }

    private static Answer call(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 401 && r.statusCode() != 429) {
            Contract.check(method, path, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        }
        return new Answer(r.statusCode(), r.body(), r);
    }

    private static Answer asToken(String method, String path, String body) throws Exception {
        return call(method, path, Map.of("Authorization", TOKEN), body);
    }

    /** A browser's request: the session cookie, and the CSRF token when given. */
    private static Answer asBrowser(String method, String path, String cookie, String csrf, String body) throws Exception {
        return call(method, path, csrf == null ? Map.of("Cookie", cookie) : Map.of("Cookie", cookie, "X-CSRF-Token", csrf),
                body);
    }

    private record Signed(String cookie, String csrf) {}

    private static Signed signIn(String name, String password) throws Exception {
        Answer a = call("POST", "/console/login", Map.of(), "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        String setCookie = a.header("Set-Cookie");
        return new Signed(setCookie.substring(0, setCookie.indexOf(';')), a.json().get("csrf").asText());
    }

    @Test
    @Order(1)
    void thePageAndItsAssetsComeFromTheNodeWithAStrictPolicy() throws Exception {
        Answer page = call("GET", "/", Map.of(), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'").contains("script-src 'self'")
                .doesNotContain("unsafe-inline").contains("frame-ancestors 'none'");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        // No inline script or style, nothing from another origin.
        assertThat(page.body()).contains("<script src=\"/console/console.js\" defer></script>")
                .doesNotContain("<script>").doesNotContain("style=").doesNotContain("http://").doesNotContain("https://");
        for (String[] asset : List.of(new String[] {"console.js", "text/javascript"},
                new String[] {"console.css", "text/css"}, new String[] {"icon.svg", "image/svg+xml"})) {
            Answer a = call("GET", "/console/" + asset[0], Map.of(), null);
            assertThat(a.status()).as(asset[0]).isEqualTo(200);
            assertThat(a.header("Content-Type")).startsWith(asset[1]);
            // Nothing fetched from elsewhere: the only address in them is SVG's namespace name, which is never fetched.
            assertThat(a.body().replace("http://www.w3.org/2000/svg", "")).doesNotContain("https://").doesNotContain("http://");
        }
        Answer unknown = call("GET", "/console/app.js", Map.of(), null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).contains("/console/app.js");
    }

    @Test
    @Order(2)
    void operatorsAreCheckedAndTheirHashesNeverShown() throws Exception {
        assertThat(asToken("POST", "/api/v1/operators", "{\"name\":\"alice\",\"role\":\"admin\",\"password\":"
                + "\"correct horse battery\"}").status()).isEqualTo(201);
        assertThat(asToken("POST", "/api/v1/operators", "{\"name\":\"reader\",\"role\":\"read-only\",\"password\":"
                + "\"read but never write\"}").status()).isEqualTo(201);
        Answer badName = asToken("POST", "/api/v1/operators", "{\"name\":\"a b\",\"role\":\"admin\",\"password\":\"0123456789\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("message").asText()).isEqualTo("name: 'a b' is not allowed; allowed: 1 to 64 of"
                + " A-Z a-z 0-9 _ . @ -, starting with a letter or digit");
        Answer badRole = asToken("POST", "/api/v1/operators", "{\"name\":\"carol\",\"role\":\"root\",\"password\":\"0123456789\"}");
        assertThat(badRole.json().get("message").asText()).isEqualTo("role: 'root' is not allowed; allowed: admin, read-only");
        Answer shortPassword = asToken("POST", "/api/v1/operators", "{\"name\":\"carol\",\"role\":\"admin\",\"password\":\"x\"}");
        assertThat(shortPassword.json().get("message").asText())
                .isEqualTo("password: the password is too short; allowed: 10 to 256 characters");
        Answer notJson = asToken("POST", "/api/v1/operators", "name=carol");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("message").asText()).startsWith("the body is not the JSON object expected: ");
        Answer twice = asToken("POST", "/api/v1/operators", "{\"name\":\"alice\",\"role\":\"admin\",\"password\":\"0123456789\"}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().get("message").asText()).isEqualTo("operator 'alice' exists already");
        Answer list = asToken("GET", "/api/v1/operators", null);
        assertThat(list.json()).extracting(o -> o.get("name").asText()).containsExactly("alice", "reader");
        assertThat(list.body()).doesNotContain("argon2").doesNotContain("password");
        assertThat(asToken("DELETE", "/api/v1/operators/nobody", null).status()).isEqualTo(404);
        Answer last = asToken("DELETE", "/api/v1/operators/alice", null);
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.json().get("message").asText()).isEqualTo("operator 'alice' is the last admin; add another admin first");
    }

    @Test
    @Order(3)
    void aBrowserSignsInByAStrictCookieAndChangesOnlyWithItsCsrfToken() throws Exception {
        Answer wrong = call("POST", "/console/login", Map.of(), "{\"name\":\"alice\",\"password\":\"not it at all\"}");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("Set-Cookie")).isEmpty();
        Answer nobody = call("POST", "/console/login", Map.of(), "{\"name\":\"nobody\",\"password\":\"not it at all\"}");
        assertThat(nobody.body()).isEqualTo(wrong.body()); // no hint whether the operator exists
        Answer empty = call("POST", "/console/login", Map.of(), "{}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("message").asText()).isEqualTo("name and password are required");

        Answer ok = call("POST", "/console/login", Map.of(), "{\"name\":\"alice\",\"password\":\"correct horse battery\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Set-Cookie")).startsWith("tandem_session=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain("Secure"); // Secure only under TLS (AdminApiTlsTest)
        Signed alice = signIn("alice", "correct horse battery");
        Answer who = asBrowser("GET", "/api/v1/session", alice.cookie(), null, null);
        assertThat(who.json().get("operator").asText()).isEqualTo("alice");
        assertThat(who.json().get("role").asText()).isEqualTo("admin");
        assertThat(who.json().get("csrf").asText()).isEqualTo(alice.csrf());
        assertThat(who.header("Cache-Control")).isEqualTo("no-store");

        String change = "{\"mode\":\"Active-Standby\"}";
        Answer noToken = asBrowser("PUT", "/api/v1/cluster/assignment-mode", alice.cookie(), null, change);
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.json().get("message").asText()).isEqualTo("a change needs the session's CSRF token in X-CSRF-Token");
        assertThat(asBrowser("PUT", "/api/v1/cluster/assignment-mode", alice.cookie(), "forged", change).status()).isEqualTo(403);
        Answer done = asBrowser("PUT", "/api/v1/cluster/assignment-mode", alice.cookie(), alice.csrf(), change);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        // The audit log names the operator, not "api".
        assertThat(asToken("GET", "/api/v1/audit?limit=5", null).body()).contains("\"who\":\"alice\",\"action\":\"assignment mode\"");

        Signed reader = signIn("reader", "read but never write");
        assertThat(asBrowser("GET", "/api/v1/cluster/assignment-mode", reader.cookie(), null, null).status()).isEqualTo(200);
        Answer refused = asBrowser("PUT", "/api/v1/cluster/assignment-mode", reader.cookie(), reader.csrf(), change);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("message").asText()).isEqualTo("operator 'reader' is read-only: changes need an admin");
        assertThat(asBrowser("POST", "/api/v1/operators", reader.cookie(), reader.csrf(),
                "{\"name\":\"mallory\",\"role\":\"admin\",\"password\":\"0123456789\"}").status()).isEqualTo(403);

        // Signing out needs the token too, and ends the session.
        assertThat(asBrowser("POST", "/console/logout", reader.cookie(), null, null).status()).isEqualTo(403);
        assertThat(asBrowser("POST", "/console/logout", reader.cookie(), reader.csrf(), null).status()).isEqualTo(200);
        assertThat(asBrowser("GET", "/api/v1/session", reader.cookie(), null, null).status()).isEqualTo(401);
        assertThat(asBrowser("GET", "/api/v1/session", "tandem_session=made-up", null, null).status()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void aRemovedOperatorIsSignedOutAtOnce() throws Exception {
        Signed reader = signIn("reader", "read but never write");
        assertThat(asBrowser("GET", "/api/v1/node", reader.cookie(), null, null).status()).isEqualTo(200);
        assertThat(asToken("DELETE", "/api/v1/operators/reader", null).status()).isEqualTo(200);
        assertThat(asBrowser("GET", "/api/v1/node", reader.cookie(), null, null).status()).isEqualTo(401);
        Answer again = call("POST", "/console/login", Map.of(), "{\"name\":\"reader\",\"password\":\"read but never write\"}");
        assertThat(again.status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void theBearerTokenActsAsAnAdminWithoutCsrf() throws Exception {
        Answer who = asToken("GET", "/api/v1/session", null);
        assertThat(who.json().get("operator").asText()).isEqualTo("token");
        assertThat(who.json().get("role").asText()).isEqualTo("admin");
        assertThat(who.json().get("csrf").isNull()).isTrue();
    }
}
