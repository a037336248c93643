package dev.tandem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a stand-in director (the redirect contract) and real session services. Re-login limits are
 * scaled down to tens of milliseconds; the random source is seeded.
 */
class TandemClientTest {
    private static final Duration LOWER = Duration.ofMillis(50);
    private static final Duration UPPER = Duration.ofMillis(150);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<ClientState> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private TandemClient.Builder client(URI cluster, String user) {
        return TandemClient.builder(cluster).user(user).reloginLimits(LOWER, UPPER).random(new SplittableRandom(7))
                .requestTimeout(Duration.ofSeconds(2)).listener((c, s) -> seen.add(s));
    }

    private static void awaitLoggedInAt(TandemClient c, String node) {
        await().atMost(WAIT).until(() -> c.state() instanceof ClientState.LoggedIn in && in.node().equals(node));
    }

    private <T extends ClientState> List<T> seen(Class<T> kind) {
        return seen.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Test
    void followsTheRedirectLogsInAndKeepsTheSessionAlive() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        TandemClient c = keep(client(director.url(), "alice").build().start());

        awaitLoggedInAt(c, "n1");
        ClientState.LoggedIn in = c.session().orElseThrow();
        assertThat(in.member()).isEqualTo(n1.base());
        assertThat(in.heartbeat()).isEqualTo(Duration.ofMillis(100));
        assertThat(director.requests).containsExactly("GET /session/login?user=alice");
        assertThat(seen.get(0)).isEqualTo(new ClientState.Connecting(director.url(), 1));

        // Heartbeats every 100 ms hold the session active well past the service's 500 ms inactivity limit.
        Thread.sleep(1200);
        assertThat(c.state()).isEqualTo(in);
        assertThat(n1.active()).isEqualTo(1);
        assertThat(seen(ClientState.ReloginScheduled.class)).isEmpty();

        c.close();
        assertThat(c.state()).isInstanceOf(ClientState.Closed.class);
        await().atMost(WAIT).until(() -> n1.active() == 0); // logged out
    }

    @Test
    void aHeartbeatThatFoundNoAnswerIsRepeatedSoonOnceThenEachInterval() {
        assertThat(HeartbeatTiming.retryAfterFailure(Duration.ofMillis(100), true)).isEqualTo(Duration.ofMillis(25));
        assertThat(HeartbeatTiming.retryAfterFailure(Duration.ofMillis(100), false)).isEqualTo(Duration.ofMillis(100));
        assertThat(HeartbeatTiming.retryAfterFailure(Duration.ofMillis(20), true)).isEqualTo(Duration.ofMillis(10));
        assertThat(HeartbeatTiming.retryAfterFailure(Duration.ofSeconds(2), true)).isEqualTo(Duration.ofMillis(500));
        assertThat(HeartbeatTiming.retryAfterFailure(Duration.ofSeconds(30), true)).isEqualTo(Duration.ofSeconds(1));
        assertThat(HeartbeatTiming.retryAfterFailure(Duration.ofSeconds(30), false)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void usesTheDirectorsJsonAnswerWhenAskedTo() throws Exception {
        Services.Running n2 = keep(Services.start("n2"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n2.member();
        TandemClient c = keep(client(director.url(), "bob").discovery(TandemClient.Discovery.ASSIGN).build().start());

        awaitLoggedInAt(c, "n2");
        assertThat(director.requests).containsExactly("GET /.well-known/tandem/assign?user=bob");
        assertThat(c.session().orElseThrow().member()).isEqualTo(n2.base());
    }

    @Test
    void anHttpClientThatFollowsRedirectsItselfWorksToo() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        HttpClient follows = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        TandemClient c = keep(client(director.url(), null).httpClient(follows).build().start());
        awaitLoggedInAt(c, "n1");
        assertThat(c.session().orElseThrow().member()).isEqualTo(n1.base());
    }

    /** [RG-MANUAL], Manual failover: users of the failed node "are disconnected and must re-login to the backup node". */
    @Test
    void aDroppedSessionLogsInAgainThroughTheClusterAddressAfterTheReloginDelay() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        Services.Running n2 = keep(Services.start("n2"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        TandemClient c = keep(client(director.url(), "alice").build().start());
        awaitLoggedInAt(c, "n1");

        director.member = n2.member();
        n1.failOver();
        awaitLoggedInAt(c, "n2");
        ClientState.Lost lost = seen(ClientState.Lost.class).get(0);
        assertThat(lost.node()).isEqualTo("n1");
        assertThat(lost.reason()).contains("404").contains("no such session");
        ClientState.ReloginScheduled r = seen(ClientState.ReloginScheduled.class).get(0);
        assertThat(r.delay()).isBetween(LOWER, UPPER);
        assertThat(director.requests).containsExactly("GET /session/login?user=alice", "GET /session/login?user=alice");
    }

    /**
     * [RG-RELOGIN]: the limits are set per node, and tell that node's clients how long to wait. A client the
     * application gave no limits of its own waits what the node it last heard from advertised.
     */
    @Test
    void withoutLimitsOfItsOwnTheClientWaitsWhatItsNodeAdvertised() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        Services.Running n2 = keep(Services.start("n2"));
        n1.host().reloginLower = Duration.ofMillis(200);
        n1.host().reloginUpper = Duration.ofMillis(300);
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        TandemClient c = keep(TandemClient.builder(director.url()).user("alice").random(new SplittableRandom(7))
                .requestTimeout(Duration.ofSeconds(2)).listener((client, s) -> seen.add(s)).build());
        assertThat(c.reloginDelay()).isEqualTo(ReloginDelay.DEFAULT);
        c.start();
        awaitLoggedInAt(c, "n1");
        assertThat(c.reloginDelay()).isEqualTo(new ReloginDelay(Duration.ofMillis(200), Duration.ofMillis(300)));

        director.member = n2.member();
        n1.failOver();
        awaitLoggedInAt(c, "n2");
        ClientState.ReloginScheduled r = seen(ClientState.ReloginScheduled.class).get(0);
        assertThat(r.delay()).isBetween(Duration.ofMillis(200), Duration.ofMillis(300));
        // n2 advertises its own limits (1 s to 2 s here): from its first answer on, the client waits by them.
        assertThat(c.reloginDelay()).isEqualTo(new ReloginDelay(Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    /** Limits the application sets are kept whatever a node advertises. */
    @Test
    void limitsTheApplicationSetWinOverTheNodes() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        TandemClient c = keep(client(director.url(), "alice").build().start());
        awaitLoggedInAt(c, "n1");
        assertThat(c.reloginDelay()).isEqualTo(new ReloginDelay(LOWER, UPPER));
    }

    @Test
    void aNodeThatStopsAnsweringIsLostAndTheClientMovesOn() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        Services.Running n2 = keep(Services.start("n2"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        TandemClient c = keep(client(director.url(), "alice").build().start());
        awaitLoggedInAt(c, "n1");

        director.member = n2.member();
        n1.close(); // the node's process is gone: connection refused
        awaitLoggedInAt(c, "n2");
        assertThat(seen(ClientState.Lost.class).get(0).reason()).contains("did not answer the heartbeat");
        assertThat(seen(ClientState.ReloginScheduled.class).get(0).delay()).isBetween(LOWER, UPPER);
    }

    @Test
    void whenNoDirectorAnswersTheClientRetriesAfterTheDelay() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        TandemClient c = keep(client(URI.create("http://127.0.0.1:" + closed), "alice").build().start());
        await().atMost(WAIT).until(() -> seen(ClientState.ReloginScheduled.class).size() >= 3);
        for (ClientState.ReloginScheduled r : seen(ClientState.ReloginScheduled.class)) {
            assertThat(r.delay()).isBetween(LOWER, UPPER);
            assertThat(r.reason()).contains("the cluster address did not answer");
        }
        assertThat(seen(ClientState.Connecting.class)).extracting(ClientState.Connecting::attempt).startsWith(1, 2, 3);
        assertThat(c.state()).isNotInstanceOf(ClientState.LoggedIn.class);
    }

    @Test
    void aFullClusterIsRetriedAfterRetryAfterWhenThatIsLongerThanTheDelay() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        director.fullRetryAfter = 1;
        TandemClient c = keep(client(director.url(), "alice").build().start());
        await().atMost(WAIT).until(() -> !seen(ClientState.ReloginScheduled.class).isEmpty());
        ClientState.ReloginScheduled r = seen(ClientState.ReloginScheduled.class).get(0);
        assertThat(r.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.reason()).isEqualTo("the cluster address answered 503: every member is full");

        director.fullRetryAfter = -1;
        awaitLoggedInAt(c, "n1");
        assertThat(seen(ClientState.ReloginScheduled.class)).hasSize(1);
    }

    @Test
    void aFullClusterWithAShortRetryAfterWaitsTheReloginDelay() throws Exception {
        FakeDirector director = keep(new FakeDirector());
        director.fullRetryAfter = 0;
        keep(client(director.url(), "alice").build().start());
        await().atMost(WAIT).until(() -> seen(ClientState.ReloginScheduled.class).size() >= 2);
        for (ClientState.ReloginScheduled r : seen(ClientState.ReloginScheduled.class)) assertThat(r.delay()).isBetween(LOWER, UPPER);
    }

    @Test
    void sentAwayByANodeTheClientAsksTheClusterAddressAgainAtOnce() throws Exception {
        // alice lives on n2; a director that does not know it yet sends her to n1 first.
        Services.Running n1 = keep(Services.start("n1", 10, u -> Optional.ofNullable(Map.of("alice", "n2").get(u))));
        Services.Running n2 = keep(Services.start("n2"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        director.member = n2.member();
        director.first.add(n1.member());
        TandemClient c = keep(client(director.url(), "alice").build().start());
        awaitLoggedInAt(c, "n2");
        assertThat(seen(ClientState.ReloginScheduled.class)).isEmpty();
        assertThat(seen(ClientState.Connecting.class)).hasSize(2);
    }

    @Test
    void sentAwayTwiceInARowTheClientWaitsTheReloginDelay() throws Exception {
        Services.Running n1 = keep(Services.start("n1", 10, u -> Optional.of("n9")));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        TandemClient c = keep(client(director.url(), "alice").build().start());
        await().atMost(WAIT).until(() -> !seen(ClientState.ReloginScheduled.class).isEmpty());
        ClientState.ReloginScheduled r = seen(ClientState.ReloginScheduled.class).get(0);
        assertThat(r.reason()).contains("409").contains("served by n9");
        assertThat(r.delay()).isBetween(LOWER, UPPER);
        assertThat(seen(ClientState.Connecting.class).size()).isGreaterThanOrEqualTo(2);
        assertThat(c.session()).isEmpty();
    }

    @Test
    void hundredsOfClientsShareOneHttpClientAndOneThread() throws Exception {
        Services.Running n1 = keep(Services.start("n1"));
        FakeDirector director = keep(new FakeDirector());
        director.member = n1.member();
        // Other tests' HttpClients may still have their selector threads until they are collected: count from here.
        long before = clientThreads();
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "demo-http"));
        keep(pool::shutdownNow);
        HttpClient http = HttpClient.newBuilder().executor(pool).build();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "demo-timer"));
        keep(scheduler::shutdownNow);
        List<TandemClient> clients = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            clients.add(keep(TandemClient.builder(director.url()).user("u" + i).httpClient(http).scheduler(scheduler)
                    .reloginLimits(LOWER, UPPER).build().start()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.session().isPresent()));
        await().atMost(WAIT).until(() -> n1.active() == 300);
        Thread.sleep(500); // heartbeats flow for a while
        assertThat(clients.stream().allMatch(c -> c.session().isPresent())).isTrue();
        // No thread per client: the clients' side runs on the two threads given to the HttpClient, its selector and
        // the one timer thread.
        assertThat(clientThreads() - before).isLessThanOrEqualTo(5);
    }

    private static long clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("demo-") || n.startsWith("HttpClient-") || n.startsWith("tandem-client")).count();
    }

    @Test
    void badSettingsAreNamedWithWhatIsAllowed() {
        assertThatThrownBy(() -> TandemClient.builder(URI.create("ftp://127.0.0.10")))
                .hasMessageContaining("ftp://127.0.0.10").hasMessageContaining("http://");
        assertThatThrownBy(() -> TandemClient.builder(URI.create("http://127.0.0.10:8443"))
                .reloginLimits(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .hasMessageContaining("PT5S").hasMessageContaining("at least the lower limit (PT10S)");
        assertThatThrownBy(() -> TandemClient.builder(URI.create("http://127.0.0.10:8443")).user(" "))
                .hasMessageContaining("user ' '");
        assertThatThrownBy(() -> TandemClient.builder(URI.create("http://127.0.0.10:8443")).requestTimeout(Duration.ZERO))
                .hasMessageContaining("more than zero");
        TandemClient c = TandemClient.builder(URI.create("http://127.0.0.10:8443/some/path")).build();
        assertThat(c.cluster()).isEqualTo(URI.create("http://127.0.0.10:8443"));
        assertThat(c.state()).isInstanceOf(ClientState.Idle.class);
        c.close();
    }
}
