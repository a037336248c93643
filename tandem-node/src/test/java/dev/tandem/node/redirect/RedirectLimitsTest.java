package dev.tandem.node.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.http.RawHttp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The redirect service against hostile clients (docs/redirect.md, docs/node.md, HTTP limits): trickled headers, idle
 * keep-alive connections, too many connections from one address, malformed requests answered as JSON, an
 * absolute-form target, an unsupported HTTP version. Server on 127.0.32.1, clients from 127.0.32.x.
 */
class RedirectLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.32.1";

    private RedirectServer server;
    private final List<RawHttp> open = new ArrayList<>();

    private void start(NodeConfig.Http http) {
        NodeConfig.Redirect d = NodeConfig.Redirect.defaults();
        NodeConfig.Redirect cfg = new NodeConfig.Redirect(true, 0, 8443, null, null, d.userParameter(), d.userHeader(),
                Duration.ofSeconds(7), http);
        server = new RedirectServer(cfg, new InetSocketAddress(HOST, 0), user -> new ClientAnswer.Redirect("127.0.0.12", "n2", "3"),
                new RedirectMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).start();
    }

    private void start() {
        start(new NodeConfig.Http(Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 64 * 1024));
    }

    private RawHttp connect(String from) throws Exception {
        RawHttp c = new RawHttp(from, HOST, server.port());
        open.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : open) c.close();
        if (server != null) server.close();
    }

    @Test
    void anAbsoluteFormTargetIsRedirectedToItsPathAndQuery() throws Exception {
        start();
        RawHttp.Answer a = connect("127.0.32.2").send("GET http://cluster.example:8443/portal/login?lang=en HTTP/1.1\r\n"
                + "Host: cluster.example\r\n\r\n").answer();
        assertThat(a.status()).isEqualTo(302);
        assertThat(a.header("location")).isEqualTo("http://127.0.0.12:8443/portal/login?lang=en");
        RawHttp.Answer bare = connect("127.0.32.2").send("GET http://cluster.example HTTP/1.1\r\nHost: x\r\n\r\n").answer();
        assertThat(bare.header("location")).isEqualTo("http://127.0.0.12:8443/");
        // The user in an absolute-form target's query is read too.
        RawHttp.Answer weird = connect("127.0.32.2").send("GET mailto:x@y HTTP/1.1\r\nHost: x\r\n\r\n").answer();
        assertJsonError(weird, 400).get("message").asText().contains("request target");
    }

    @Test
    void anUnsupportedHttpVersionIs505() throws Exception {
        start();
        JsonNode j = assertJsonError(connect("127.0.32.2").send("GET /login HTTP/9.9\r\nHost: x\r\n\r\n").answer(), 505);
        assertThat(j.get("message").asText()).contains("HTTP/9.9").contains("HTTP/1.1");
        assertThat(connect("127.0.32.2").send("GET /login HTTP/1.0\r\n\r\n").answer().status()).isEqualTo(302);
    }

    @Test
    void theServersOwnErrorsAreJson() throws Exception {
        start();
        String big = "a".repeat(20_000);
        assertJsonError(connect("127.0.32.3").send("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n").answer(), 431);
        assertJsonError(connect("127.0.32.3").send("GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n").answer(), 414);
        assertJsonError(connect("127.0.32.3").send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").answer(), 400);
        String body = "x".repeat(70 * 1024);
        assertJsonError(connect("127.0.32.3").send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body).answer(), 413);
    }

    /**
     * Bodies are not gathered, only counted: a chunked body over the cap is refused as one with a Content-Length is,
     * and a body under it is skipped, so that the request pipelined after it is answered as a request of its own.
     */
    @Test
    void aBodyIsCountedAndSkippedNotReadAsTheNextRequest() throws Exception {
        start();
        String chunk = "x".repeat(40 * 1024);
        String chunked = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n";
        JsonNode j = assertJsonError(connect("127.0.32.6").send("POST /x HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + chunked + chunked + "0\r\n\r\n").answer(), 413);
        assertThat(j.get("message").asText()).contains("65536").contains("maxBodyBytes");

        RawHttp c = connect("127.0.32.6");
        String body = "GET /not-a-request HTTP/1.1\r\n\r\n";
        c.send("POST /first?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer first = c.answer();
        assertThat(first.status()).isEqualTo(302);
        assertThat(first.header("location")).isEqualTo("http://127.0.0.12:8443/first?x=1");
        RawHttp.Answer second = c.answer();
        assertThat(second.status()).isEqualTo(302);
        assertThat(second.header("location")).as("the body was not taken for a request").isEqualTo("http://127.0.0.12:8443/second");
    }

    @Test
    void aTrickledHeaderIsCutOffAfterTheHeaderTimeout() throws Exception {
        start(new NodeConfig.Http(Duration.ofMillis(500), Duration.ofSeconds(30), 50, 64 * 1024));
        RawHttp c = connect("127.0.32.4").send("GET /login HTTP/1.1\r\nHost: x\r\n");
        long t0 = System.nanoTime();
        boolean closed = false;
        for (int i = 0; i < 40 && !closed; i++) {
            try {
                c.send("X");
            } catch (java.io.IOException e) {
                break;
            }
            closed = c.closedWithin(100);
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).as("trickled for").isLessThan(2500);
        assertThat(connect("127.0.32.5").send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(302);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(new NodeConfig.Http(Duration.ofSeconds(10), Duration.ofMillis(800), 50, 64 * 1024));
        RawHttp c = connect("127.0.32.4");
        assertThat(c.send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(302);
        long t0 = System.nanoTime();
        assertThat(c.closedWithin(300)).isFalse();
        assertThat(c.closedWithin(4000)).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(500L, 4300L);
    }

    @Test
    void aClientOverItsConnectionCapIsRefusedWhileOthersAreServed() throws Exception {
        start(new NodeConfig.Http(Duration.ofSeconds(10), Duration.ofSeconds(30), 2, 64 * 1024));
        RawHttp a = connect("127.0.32.6");
        RawHttp b = connect("127.0.32.6");
        RawHttp third = connect("127.0.32.6");
        JsonNode j = assertJsonError(third.send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n").answer(), 503);
        assertThat(j.get("message").asText()).contains("127.0.32.6").contains("at most 2");
        assertThat(third.closedWithin(2000)).isTrue();
        assertThat(a.send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(302);
        assertThat(b.send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(302);
        assertThat(connect("127.0.32.7").send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(302);
    }

    static JsonNode assertJsonError(RawHttp.Answer a, int status) throws Exception {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.header("content-type")).as(a.body()).startsWith("application/json");
        JsonNode j = JSON.readTree(a.body());
        assertThat(j.get("error").asText()).as(a.body()).isNotBlank();
        assertThat(j.get("message").asText()).as(a.body()).isNotBlank();
        return j;
    }
}
