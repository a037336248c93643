package dev.tandem.node.session;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A freshly started node's first clients would meet an interpreted request path: measured with 1,000 clients, a
 * fallback to a node just restarted took about twice as long as one to a node that had answered thousands of
 * requests over its sockets before. So the session service sends itself, over loopback, heartbeats of no session and
 * health checks (reading and answering on its sockets is the path that matters): nothing is stored, nothing is
 * counted. With TLS the same requests run through its handlers in memory instead ({@link SessionHttp#warmUp}), which
 * warms all but the sockets. About a second of one core, off the protocol loop; a client that comes meanwhile is
 * answered as usual (docs/session-service.md, Warm-up at start).
 */
final class SessionWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    /** Rounds of the warm-up: a heartbeat of no session and a health check each. */
    static final int ROUNDS = 2_000;
    private static final String HEALTH = "GET /session/health HTTP/1.1\r\nHost: warm-up\r\n\r\n";
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final String node;
    private final String address;
    private final int port;
    private final boolean tls;
    private final SessionHttp http;
    private final BooleanSupplier open;
    private final CompletableFuture<Integer> done;

    /**
     * @param address the service's own address, where the requests go ({@code port} on it)
     * @param open    false once the service closes: the warm-up stops
     * @param done    completed with the number of answers, or with what stopped the warm-up
     */
    SessionWarmUp(String node, String address, int port, boolean tls, SessionHttp http, BooleanSupplier open,
                  CompletableFuture<Integer> done) {
        this.node = node;
        this.address = address;
        this.port = port;
        this.tls = tls;
        this.http = http;
        this.open = open;
        this.done = done;
    }

    void startInBackground() {
        Thread.ofVirtual().name("tandem-session-warm-up-" + node).start(this::run);
    }

    private void run() {
        long began = System.nanoTime();
        try {
            int answers = tls ? http.warmUp(ROUNDS, List.<IntFunction<String>>of(SessionWarmUp::heartbeat, i -> HEALTH), open)
                    : overLoopback();
            LOG.info("session service of {} answered {} of {} requests it sent itself in {} ms, so that its first"
                    + " clients are answered by compiled code", node, answers, 2 * ROUNDS,
                    (System.nanoTime() - began) / 1_000_000);
            done.complete(answers);
        } catch (IOException | RuntimeException e) {
            LOG.warn("session service of {}: the warm-up stopped: {}", node, e.toString());
            done.completeExceptionally(e);
        }
    }

    private static String heartbeat(int i) {
        return "POST /session/heartbeat HTTP/1.1\r\nHost: warm-up\r\n" + SessionService.SESSION_HEADER + ": warm-up-" + i
                + "\r\nContent-Length: 0\r\n\r\n";
    }

    /**
     * The requests over the service's own address, through the JDK's HTTP client (its connections kept alive), each
     * waiting at most a second; how many were answered.
     */
    private int overLoopback() throws IOException {
        InetAddress own = InetAddress.getByName(address);
        if (own.isAnyLocalAddress()) own = InetAddress.getLoopbackAddress();
        String host = own instanceof Inet6Address ? "[" + own.getHostAddress() + "]" : own.getHostAddress();
        URI heartbeat = URI.create("http://" + host + ":" + port + "/session/heartbeat");
        URI health = URI.create("http://" + host + ":" + port + "/session/health");
        int answers = 0;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(WAIT).build()) {
            for (int round = 0; round < ROUNDS && open.getAsBoolean(); round++) {
                HttpRequest beat = HttpRequest.newBuilder(heartbeat).timeout(WAIT)
                        .header(SessionService.SESSION_HEADER, "warm-up-" + round)
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                HttpRequest check = HttpRequest.newBuilder(health).timeout(WAIT).build();
                for (HttpRequest r : List.of(beat, check)) {
                    client.send(r, HttpResponse.BodyHandlers.discarding());
                    answers++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answers;
    }
}
