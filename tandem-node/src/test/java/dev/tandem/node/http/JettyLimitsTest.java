package dev.tandem.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.config.NodeConfig;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP limits of the node's Javalin server (the admin API; docs/node.md, HTTP limits) on a bare
 * server with one route: a trickled header is cut off, an idle keep-alive connection closed, a client over its
 * connection cap refused while others are served, and Jetty's own errors come back as JSON. Server on 127.0.32.1,
 * clients from 127.0.32.x (ephemeral ports).
 */
class JettyLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.32.1";

    private Javalin app;
    private final List<RawHttp> open = new ArrayList<>();

    private int start(NodeConfig.Http http) {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            JettyLimits.install(cfg, http, "test server");
            cfg.routes.get("/ok", ctx -> ctx.json(java.util.Map.of("ok", true)));
            cfg.routes.post("/echo", ctx -> ctx.result(Integer.toString(ctx.body().length())));
        }).start(HOST, 0);
        return app.port();
    }

    private RawHttp connect(String from) throws Exception {
        RawHttp c = new RawHttp(from, HOST, app.port());
        open.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : open) c.close();
        if (app != null) app.stop();
    }

    private static NodeConfig.Http limits(Duration header, Duration idle, int perClient) {
        return new NodeConfig.Http(header, idle, perClient, 64 * 1024);
    }

    @Test
    void aConnectionThatTricklesItsHeaderIsClosedAfterTheHeaderTimeout() throws Exception {
        start(limits(Duration.ofMillis(500), Duration.ofSeconds(30), 10));
        RawHttp c = connect("127.0.32.2");
        c.send("GET /ok HTTP/1.1\r\nHost: x\r\n");
        long t0 = System.nanoTime();
        boolean closed = false;
        // A header byte every 100 ms: never idle, never complete.
        for (int i = 0; i < 40 && !closed; i++) {
            try {
                c.send("X");
            } catch (java.io.IOException e) {
                closed = true;
                break;
            }
            closed = c.closedWithin(100);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(closed).as("closed after %d ms of trickling", ms).isTrue();
        assertThat(ms).isLessThan(3000);
        // Another client is served as before.
        RawHttp other = connect("127.0.32.3");
        assertThat(other.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(limits(Duration.ofSeconds(30), Duration.ofMillis(1500), 10));
        RawHttp c = connect("127.0.32.2");
        assertThat(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        long t0 = System.nanoTime();
        // Jetty checks idleness about once an idle timeout: the close comes one to two timeouts after the last byte.
        assertThat(c.closedWithin(200)).as("still open well within the idle timeout").isFalse();
        assertThat(c.closedWithin(6000)).as("closed after the idle timeout").isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(6000L);
    }

    @Test
    void aClientOverItsConnectionCapIsRefusedWhileOthersAreServed() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 2));
        RawHttp a = connect("127.0.32.4");
        RawHttp b = connect("127.0.32.4");
        // Answered, so the server has opened both: a connect returns once the kernel has it, and the server's
        // selector threads open accepted connections in no fixed order, so the third could otherwise come first.
        assertThat(a.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(b.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        RawHttp third = connect("127.0.32.4");
        RawHttp.Answer refused = third.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("content-type")).startsWith("application/json");
        JsonNode j = JSON.readTree(refused.body());
        assertThat(j.get("error").asText()).isEqualTo("unavailable");
        assertThat(j.get("message").asText()).contains("127.0.32.4").contains("at most 2")
                .contains("maxConnectionsPerClient");
        assertThat(third.closedWithin(2000)).isTrue();
        // The two within the cap, and another address, are served.
        assertThat(a.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(b.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(connect("127.0.32.5").send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        // A closed connection frees its place.
        third.close();
        a.close();
        Thread.sleep(300);
        assertThat(connect("127.0.32.4").send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
    }

    @Test
    void jettysOwnErrorsAreJson() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        String big = "a".repeat(20_000);
        assertJsonError(connect("127.0.32.6").send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n").answer(), 431);
        assertJsonError(connect("127.0.32.6").send("GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n").answer(), 414);
        assertJsonError(connect("127.0.32.6").send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").answer(), 400);
        assertJsonError(connect("127.0.32.6").send("GET /ok HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n").answer(), 400);
        assertJsonError(connect("127.0.32.6").send("HELLO THERE\r\n\r\n").answer(), 505);
    }

    @Test
    void aBodyOverTheCapIs413() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        String body = "x".repeat(70 * 1024);
        RawHttp.Answer a = connect("127.0.32.7").send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body).answer();
        assertThat(a.status()).isEqualTo(413);
        // The same without a length (chunked): cut off as it streams.
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < 20; i++) chunked.append("1000\r\n").append("y".repeat(4096)).append("\r\n");
        chunked.append("0\r\n\r\n");
        RawHttp.Answer c = connect("127.0.32.7").send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunked).answer();
        assertThat(c.status()).as(c.body()).isEqualTo(413);
    }

    static JsonNode assertJsonError(RawHttp.Answer a, int status) throws Exception {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.header("content-type")).as(a.body()).startsWith("application/json");
        JsonNode j = JSON.readTree(a.body());
        assertThat(j.get("error").asText()).as(a.body()).isNotBlank();
        assertThat(j.get("message").asText()).as(a.body()).isNotBlank();
        assertThat(j.get("status").asInt()).isEqualTo(status);
        return j;
    }
}
