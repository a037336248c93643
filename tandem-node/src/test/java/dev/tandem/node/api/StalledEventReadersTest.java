package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.rm.NodeState;
import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.EventBus;
import dev.tandem.node.runtime.TandemNode;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile run split a pair this way: event-stream readers that never read, and refused admin actions (each
 * publishes an event) until the loop blocked in a write to one of them; the peer took over while the frozen node
 * went on serving. Here a real pair (127.0.30.1 and .2, 250 ms heartbeats, 2 s timeout) has 100 such readers on n1 while
 * admin actions are refused on n1 as fast as four threads can send them, until every reader has been dropped for
 * falling behind. Both nodes must stay Normal all along, and n1's loop must go on turning.
 *
 * <p>It runs {@code -Dtandem.stalledReaders.seconds} seconds (10 by default; docs/reliability.md records the minute).
 */
class StalledEventReadersTest {
    private static final String TOKEN = "token-of-stalled-readers";
    private static final String A = "127.0.30.1";
    private static final String B = "127.0.30.2";
    private static final int READERS = 100;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private final List<TandemNode> nodes = new ArrayList<>();
    private final List<AdminApi> apis = new ArrayList<>();
    private final List<Socket> readers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : readers) s.close();
        for (AdminApi a : apis) a.close();
        for (TandemNode n : nodes) n.close();
    }

    private String yaml(String id, String address, int service, int admin) {
        return """
                node:
                  id: %s
                  address: %s
                admin:
                  address: %s
                  port: %d
                  tokenFile: admin-token
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: %s
                    - id: n2
                      address: %s
                parameters:
                  keepAliveInterval: 250ms
                  keepAliveTimeout: 2s
                  initKeepAliveTimeout: 60s
                  criticalServiceDelay: 1s
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                """.formatted(id, address, address, admin, A, B, service, admin, id);
    }

    private TandemNode start(String id, String address, int service, int admin) throws Exception {
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml(id, address, service, admin));
        TandemNode n = new TandemNode(ConfigLoader.load(f), Clock.systemUTC());
        nodes.add(n);
        n.start();
        apis.add(new AdminApi(n).start());
        return n;
    }

    @Test
    void aPairWithAHundredReadersThatNeverReadStaysNormalThroughAStormOfAdminActions() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-stalled-readers\n");
        int service = freePort(A, B);
        int port;
        do {
            port = freePort(A, B);
        } while (port == service);
        int admin = port;
        TandemNode n1 = start("n1", A, service, admin);
        TandemNode n2 = start("n2", B, service, admin);
        await().atMost(Duration.ofSeconds(60)).until(() -> normal(n1) && normal(n2));

        // From two client addresses, 50 readers each: the admin API caps the connections of one client address
        // (http.maxConnectionsPerClient, 100), and the storm below comes from a third.
        for (int i = 0; i < READERS; i++) readers.add(stalledReader(i % 2 == 0 ? "127.0.30.201" : "127.0.30.202", A, admin));
        await().atMost(Duration.ofSeconds(10)).until(() -> n1.events().subscribers() >= READERS);

        long seconds = Long.getLong("tandem.stalledReaders.seconds", 10);
        long start = System.nanoTime();
        long atLeast = start + Duration.ofSeconds(seconds).toNanos();
        // The readers are dropped once their TCP windows and queues are full: on a slow machine that takes longer.
        long atMost = start + Duration.ofSeconds(Math.max(seconds, 90)).toNanos();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong refused = new AtomicLong();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> storm = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            storm.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        // Fallback while Normal is refused by the recovery manager, and still publishes an event.
                        int status = postOnce("http://" + A + ":" + admin + "/api/v1/redundancy-groups/g1/fallback?node=n1");
                        if (status == 409) refused.incrementAndGet();
                        else unexpected.add("fallback answered " + status);
                    } catch (Exception e) {
                        unexpected.add("fallback failed: " + e);
                    }
                }
            }));
        }
        List<String> seen = new ArrayList<>();
        long deafFor = 0;
        long longestDeaf = 0;
        try {
            while (System.nanoTime() < atLeast
                    || (n1.events().droppedSubscribers() < READERS && System.nanoTime() < atMost)) {
                if (!normal(n1) || !normal(n2)) seen.add("n1 " + n1.snapshot().state() + ", n2 " + n2.snapshot().state());
                // A loaded machine may deschedule the loop past one heartbeat interval, which fences it for a moment;
                // a loop blocked in a write never turns again.
                deafFor = n1.answering() ? 0 : deafFor + 50;
                longestDeaf = Math.max(longestDeaf, deafFor);
                Thread.sleep(50);
            }
        } finally {
            running.set(false);
            for (Thread t : storm) t.join(10_000);
        }
        assertThat(seen).as("states seen other than Normal/Normal").isEmpty();
        assertThat(longestDeaf).as("longest time n1 refused clients, ms").isLessThan(1000);
        await().atMost(Duration.ofSeconds(2)).until(n1::answering);
        assertThat(unexpected).as("admin answers other than a refusal").isEmpty();
        assertThat(refused.get()).as("admin actions refused (each one an event)").isGreaterThan(EventBus.QUEUE);
        assertThat(n1.events().droppedSubscribers()).as("readers dropped for falling behind").isEqualTo(READERS);
        assertThat(n1.failure()).isEmpty();
        assertThat(post("http://" + A + ":" + admin + "/api/v1/redundancy-groups/g1/fallback?node=n1")).isEqualTo(409);
    }

    /** Subscribes to the event stream with the smallest receive window and never reads a byte. */
    private static Socket stalledReader(String from, String host, int port) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(1024);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(host, port), 5000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /api/v1/events HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + TOKEN
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /**
     * One action; sent again once when the connection the client reused was closed by the server for idleness
     * before it read the request (the usual keep-alive race: no byte of an answer came back, nothing was done).
     */
    private static int postOnce(String url) throws Exception {
        try {
            return post(url);
        } catch (java.io.IOException e) {
            if (!String.valueOf(e.getMessage()).contains("received no bytes")) throw e;
            return post(url);
        }
    }

    private static int post(String url) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean normal(TandemNode n) {
        return n.snapshot().state() == NodeState.NORMAL;
    }

    private static int freePort(String... hosts) {
        return TestPorts.tcpAndUdp(hosts);
    }
}
