package dev.tandem.node.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.config.NodeConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP side of the redirect service ([LB-ABOUT]; docs/architecture.md, Redirect): a 302 that keeps path
 * and query, the JSON answer, refusals with Retry-After, user names from the query or a header, keep-alive, HTTPS.
 * The decision is scripted here; {@code RedirectNodeTest} covers the real one.
 */
class RedirectServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Optional<String>> asked = new CopyOnWriteArrayList<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile ClientAnswer next = new ClientAnswer.Redirect("127.0.0.12", "n2", "3");
    private RedirectServer server;

    private RedirectServer start(NodeConfig.Redirect config) {
        server = new RedirectServer(config, new InetSocketAddress("127.0.0.1", 0), user -> {
            asked.add(user);
            return next;
        }, new RedirectMetrics(registry)).start();
        return server;
    }

    private static NodeConfig.Redirect plain(int servicePort) {
        NodeConfig.Redirect d = NodeConfig.Redirect.defaults();
        return new NodeConfig.Redirect(true, 0, servicePort, null, null, d.userParameter(), d.userHeader(),
                Duration.ofSeconds(7));
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(5));
        if (headers.length > 0) b.headers(headers);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void aNewClientIsSentToTheChosenMemberWithItsPathAndQuery() throws Exception {
        start(plain(8443));
        HttpResponse<String> r = get("/portal/login?group=sales&lang=en");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("http://127.0.0.12:8443/portal/login?group=sales&lang=en");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(asked).containsExactly(Optional.empty());
        assertThat(registry.scrape()).contains("tandem_redirects_total{member=\"n2\",rule=\"3\"} 1.0");
    }

    @Test
    void theJsonAnswerNamesHostPortUrlMemberAndRule() throws Exception {
        start(plain(9443));
        next = new ClientAnswer.Redirect("2001:db8::7", "edge-b", "2");
        HttpResponse<String> r = get(RedirectServer.ASSIGN_PATH);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("host").asText()).isEqualTo("2001:db8::7");
        assertThat(j.get("port").asInt()).isEqualTo(9443);
        assertThat(j.get("url").asText()).isEqualTo("http://[2001:db8::7]:9443/");
        assertThat(j.get("member").asText()).isEqualTo("edge-b");
        assertThat(j.get("rule").asText()).isEqualTo("2");
    }

    @Test
    void aUserIsReadFromTheQueryFirstThenTheHeader() throws Exception {
        start(plain(8443));
        get("/login?user=alice", "X-Tandem-User", "bob");
        get("/login", "X-Tandem-User", "bob");
        get(RedirectServer.ASSIGN_PATH + "?user=carol");
        assertThat(asked).containsExactly(Optional.of("alice"), Optional.of("bob"), Optional.of("carol"));
    }

    @Test
    void aMalformedUserIsABadRequestThatNamesWhatIsAllowed() throws Exception {
        start(plain(8443));
        HttpResponse<String> r = get("/login?user=" + "x".repeat(129));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("reason").asText()).isEqualTo("bad-request");
        assertThat(j.get("error").asText()).contains("user").contains("1 to 128 printable ASCII");
        assertThat(asked).isEmpty();
    }

    @Test
    void aFullGroupIsRefusedWith503AReasonAndRetryAfter() throws Exception {
        start(plain(8443));
        next = new ClientAnswer.Refusal(503, "all-full", "every member is at 100% load");
        for (String path : List.of("/login", RedirectServer.ASSIGN_PATH)) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("7");
            JsonNode j = JSON.readTree(r.body());
            assertThat(j.get("reason").asText()).isEqualTo("all-full");
            assertThat(j.get("error").asText()).isEqualTo("every member is at 100% load");
        }
        assertThat(registry.scrape()).contains("tandem_redirect_refusals_total{reason=\"all-full\"} 2.0");
    }

    @Test
    void aFailedDecisionIsA503NotADroppedConnection() throws Exception {
        server = new RedirectServer(plain(8443), new InetSocketAddress("127.0.0.1", 0),
                user -> {
                    throw new IllegalStateException("the node is stopping");
                },
                new RedirectMetrics(registry)).start();
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("the node is stopping");
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnectionInOrder() throws Exception {
        start(plain(8443));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            // Three requests pipelined on one connection: three answers, in order, and the connection stays open.
            StringBuilder reqs = new StringBuilder();
            for (int i = 1; i <= 3; i++) {
                reqs.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            out.write(reqs.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            List<String> locations = new ArrayList<>();
            String line;
            while (locations.size() < 3 && (line = in.readLine()) != null) {
                if (line.startsWith("location:") || line.startsWith("Location:")) locations.add(line.substring(9).strip());
            }
            assertThat(locations).containsExactly("http://127.0.0.12:8443/r1", "http://127.0.0.12:8443/r2",
                    "http://127.0.0.12:8443/r3");
            out.write("GET /r4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String last = null;
            while ((line = in.readLine()) != null) {
                if (line.toLowerCase().startsWith("location:")) last = line.substring(9).strip();
            }
            assertThat(last).isEqualTo("http://127.0.0.12:8443/r4"); // and the server closed the connection
        }
    }

    @Test
    void garbageOnTheSocketIsAnsweredOrClosedAndTheServerGoesOn() throws Exception {
        start(plain(8443));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("\u0000\u0001 NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String first = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(first == null || first.startsWith("HTTP/1.1 400")).as("answer: %s", first).isTrue();
        }
        assertThat(get("/after").statusCode()).isEqualTo(302);
    }

    @Test
    void httpsWithAPemCertificateAndKey(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        NodeConfig.Redirect d = NodeConfig.Redirect.defaults();
        start(new NodeConfig.Redirect(true, 0, 443, cert, key, d.userParameter(), d.userHeader(), d.retryAfter()));

        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("tandem", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + server.port() + "/vpn?x=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("https://127.0.0.12:443/vpn?x=1");
    }

    @Test
    void aCertificateThatCannotBeReadStopsTheStartWithTheFileNamed(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
        NodeConfig.Redirect d = NodeConfig.Redirect.defaults();
        RedirectServer s = new RedirectServer(new NodeConfig.Redirect(true, 0, 443, cert, key, d.userParameter(),
                d.userHeader(), d.retryAfter()), new InetSocketAddress("127.0.0.1", 0),
                user -> next, new RedirectMetrics(registry));
        org.assertj.core.api.Assertions.assertThatThrownBy(s::start).hasMessageContaining("cert.pem");
    }
}
