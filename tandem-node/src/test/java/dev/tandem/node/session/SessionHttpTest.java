package dev.tandem.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.http.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session service's Netty server on its own, with routes of the test's: the node's HTTP limits (a trickled header
 * cut off with a 408 naming the setting, an idle keep-alive connection closed, a client over its connection cap
 * refused while others are served, the body cap), the codec's errors as the service's JSON refusals, answers in the
 * order a connection's requests came even when one is answered later from another thread, a client pipelining far
 * ahead of its answers cut off, and a service address's connections closed with it. Server on 127.0.32.1 and 127.0.32.41, clients from 127.0.32.2x (ephemeral ports).
 */
class SessionHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.32.1";

    private SessionHttp http;
    private final List<RawHttp> open = new ArrayList<>();

    /** Routes: /ok answers at once, /later from another thread after 200 ms, /echo the body's length. */
    private void start(NodeConfig.Http limits) {
        http = new SessionHttp("test service", limits, "sessionService.http", null, x -> {
            switch (x.path()) {
                case "/ok" -> x.ok(Map.of("ok", x.query("n") == null ? "" : x.query("n")));
                case "/later" -> CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                        .execute(() -> x.ok(Map.of("ok", "later")));
                case "/echo" -> x.ok(Map.of("length", x.body().length()));
                default -> x.refuse(404, "no-such-resource", "no such resource: " + x.path(), null, false);
            }
        }, headers -> headers.set("X-Every", "yes"));
        http.start(HOST, 0);
    }

    private RawHttp connect(String from) throws Exception {
        return connect(from, HOST);
    }

    private RawHttp connect(String from, String to) throws Exception {
        RawHttp c = new RawHttp(from, to, http.port());
        open.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : open) c.close();
        if (http != null) http.close();
    }

    private static NodeConfig.Http limits(Duration header, Duration idle, int perClient) {
        return new NodeConfig.Http(header, idle, perClient, 64 * 1024);
    }

    @Test
    void aConnectionThatTricklesItsHeaderGetsA408NamingTheSetting() throws Exception {
        start(limits(Duration.ofMillis(500), Duration.ofSeconds(30), 10));
        RawHttp c = connect("127.0.32.21");
        c.send("GET /ok HTTP/1.1\r\nHost: x\r\n");
        long t0 = System.nanoTime();
        // A header byte every 100 ms: never idle, never complete.
        for (int i = 0; i < 5; i++) {
            c.send("X");
            Thread.sleep(100);
        }
        RawHttp.Answer a = c.answer();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(a.status()).isEqualTo(408);
        assertThat(JSON.readTree(a.body()).get("message").asText()).contains("sessionService.http.headerTimeout");
        assertThat(c.closedWithin(2000)).isTrue();
        assertThat(ms).as("answered after %d ms", ms).isLessThan(3000);
        assertThat(connect("127.0.32.22").send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(limits(Duration.ofSeconds(30), Duration.ofMillis(1000), 10));
        RawHttp c = connect("127.0.32.21");
        RawHttp.Answer a = c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("x-every")).isEqualTo("yes");
        assertThat(c.closedWithin(300)).as("still open well within the idle timeout").isFalse();
        assertThat(c.closedWithin(4000)).as("closed after the idle timeout").isTrue();
    }

    @Test
    void aClientOverItsConnectionCapIsRefusedWhileOthersAreServed() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 2));
        RawHttp a = connect("127.0.32.23");
        RawHttp b = connect("127.0.32.23");
        assertThat(a.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(b.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        RawHttp third = connect("127.0.32.23");
        RawHttp.Answer refused = third.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        JsonNode j = JSON.readTree(refused.body());
        assertThat(j.get("error").asText()).isEqualTo("unavailable");
        assertThat(j.get("reason").asText()).contains("127.0.32.23").contains("at most 2").contains("maxConnectionsPerClient");
        assertThat(third.closedWithin(2000)).isTrue();
        assertThat(a.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(connect("127.0.32.24").send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        // A closed connection frees its place.
        third.close();
        a.close();
        Thread.sleep(300);
        assertThat(connect("127.0.32.23").send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
    }

    @Test
    void whatTheCodecCannotReadIsAJsonRefusal() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        String big = "a".repeat(20_000);
        assertRefusal(connect("127.0.32.25").send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n").answer(), 431);
        assertRefusal(connect("127.0.32.25").send("GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n").answer(), 414);
        assertRefusal(connect("127.0.32.25").send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").answer(), 400);
        JsonNode chunk = assertRefusal(connect("127.0.32.25").send("POST /echo HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n").answer(), 400);
        assertThat(chunk.get("reason").asText()).isEqualTo("the request's body ended early or is not valid HTTP");
        assertRefusal(connect("127.0.32.25").send("GET /ok HTTP/2.0\r\nHost: x\r\n\r\n").answer(), 505);
        assertRefusal(connect("127.0.32.25").send("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n").answer(), 404);
    }

    @Test
    void aBodyOverTheCapIs413NamingTheSettingWithALengthOrChunked() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        String body = "x".repeat(70 * 1024);
        JsonNode j = assertRefusal(connect("127.0.32.26").send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).answer(), 413);
        assertThat(j.get("message").asText()).contains("65536").contains("sessionService.http.maxBodyBytes");
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < 20; i++) chunked.append("1000\r\n").append("y".repeat(4096)).append("\r\n");
        chunked.append("0\r\n\r\n");
        assertRefusal(connect("127.0.32.26").send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunked).answer(), 413);
        // Within the cap, the whole body reaches the route.
        RawHttp.Answer ok = connect("127.0.32.26").send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"
                + "z".repeat(5000)).answer();
        assertThat(JSON.readTree(ok.body()).get("length").asInt()).isEqualTo(5000);
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrderWhenTheFirstIsAnsweredLater() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        RawHttp c = connect("127.0.32.27");
        c.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\nGET /ok?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(JSON.readTree(c.answer().body()).get("ok").asText()).isEqualTo("later");
        assertThat(JSON.readTree(c.answer().body()).get("ok").asText()).isEqualTo("2");
    }

    /**
     * A client that sends requests far ahead of reading their answers holds at most 128 of them in the node (the
     * codec's pipeline depth); beyond that its connection is cut, and nothing of it piles up in memory.
     */
    @Test
    void aClientPipeliningFarAheadOfItsAnswersIsCutOff() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        RawHttp c = connect("127.0.32.29");
        c.send("GET /ok?n=1 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2000));
        assertThat(c.closedWithin(3000)).as("cut off").isTrue();
        assertThat(connect("127.0.32.22").send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        // Within the depth, every request is answered in its order.
        RawHttp d = connect("127.0.32.29");
        StringBuilder some = new StringBuilder();
        for (int i = 0; i < 100; i++) some.append("GET /ok?n=").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        d.send(some.toString());
        for (int i = 0; i < 100; i++) assertThat(JSON.readTree(d.answer().body()).get("ok").asText()).isEqualTo(Integer.toString(i));
    }

    @Test
    void aServiceAddressIsAnsweredWhileHeldAndItsConnectionsCloseWithIt() throws Exception {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 50));
        http.listen("127.0.32.41");
        assertThat(http.listening()).containsExactly("127.0.32.41:" + http.port());
        RawHttp onService = connect("127.0.32.28", "127.0.32.41");
        RawHttp onOwn = connect("127.0.32.28");
        assertThat(onService.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(onOwn.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        http.unlisten("127.0.32.41");
        assertThat(onService.closedWithin(2000)).as("the released address's connection is closed").isTrue();
        assertThat(onOwn.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").answer().status()).isEqualTo(200);
        assertThat(http.listening()).isEmpty();
        assertThatThrownBy(() -> new RawHttp("127.0.32.28", "127.0.32.41", http.port()).close())
                .as("nothing listens there any more").isInstanceOf(java.io.IOException.class);
    }

    static JsonNode assertRefusal(RawHttp.Answer a, int status) throws Exception {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.header("content-type")).as(a.body()).startsWith("application/json");
        assertThat(a.header("x-every")).as("every answer carries the service's headers").isEqualTo("yes");
        JsonNode j = JSON.readTree(a.body());
        assertThat(j.get("error").asText()).as(a.body()).isNotBlank();
        assertThat(j.get("reason").asText()).as(a.body()).isNotBlank();
        assertThat(j.get("status").asInt()).isEqualTo(status);
        return j;
    }
}
