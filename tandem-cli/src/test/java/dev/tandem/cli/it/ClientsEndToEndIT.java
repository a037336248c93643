package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.client.ClientState;
import dev.tandem.client.TandemClient;
import dev.tandem.core.lb.Candidate;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.core.lb.VpnMode;
import dev.tandem.node.demo.DemoCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients end to end through real node processes (fast profile, three nodes on 127.0.0.11 to .13, cluster address
 * 127.0.0.10:8443, a session service on each node) and the Java client: the director spreads them by rules 1 to 4
 * ([LB-RULES]); clients of a killed node log in again through the cluster address after
 * a delay within the re-login limits ([RG-RELOGIN]); a killed director is
 * replaced and new clients are redirected again; a full group answers 503.
 */
class ClientsEndToEndIT {
    private static final String[] HOSTS = {"127.0.0.11", "127.0.0.12", "127.0.0.13"};
    private static final URI CLUSTER = URI.create("http://" + DemoCluster.CLUSTER_ADDRESS + ":8443");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(40);
    private static final Duration RELOGIN_LOWER = Duration.ofSeconds(1);
    private static final Duration RELOGIN_UPPER = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<TandemClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    /** Every re-login delay a client chose, by client. */
    private final Map<TandemClient, List<Duration>> delays = new ConcurrentHashMap<>();
    private NodeAdmin admin;

    private void startCluster(int maxSessions) throws Exception {
        List<Path> configs = DemoCluster.write(dir, HOSTS.length, DemoCluster.Profile.FAST);
        if (maxSessions != 100) {
            for (Path c : configs) {
                Files.writeString(c, Files.readString(c).replace("maxSessions: 100", "maxSessions: " + maxSessions));
            }
        }
        admin = new NodeAdmin(Files.readString(dir.resolve("admin-token")).strip());
        for (Path c : configs) nodes.add(new NodeProcess(c).start());
        awaitDirector();
    }

    @AfterEach
    void stop() {
        clients.forEach(TandemClient::close);
        scheduler.shutdownNow();
        nodes.forEach(NodeProcess::close);
    }

    /** The host of the node every live node names as director, once they agree and it answers on the address. */
    private String awaitDirector() {
        String[] found = new String[1];
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                String d = null;
                for (int i = 0; i < HOSTS.length; i++) {
                    if (!nodes.get(i).alive()) continue;
                    String seen = admin.get(HOSTS[i], "/api/v1/load-balancing").body().path("director").asText(null);
                    if (seen == null || (d != null && !d.equals(seen))) return false;
                    d = seen;
                }
                found[0] = HOSTS[Integer.parseInt(d.substring(1)) - 1];
                return assign(null).statusCode() == 200;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (NodeProcess n : nodes) logs.append("\n---\n").append(n.log());
            throw new AssertionError("no director answered on the cluster address" + logs, e);
        }
        return found[0];
    }

    private HttpResponse<String> assign(String user) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(CLUSTER + "/.well-known/tandem/assign"
                + (user == null ? "" : "?user=" + user))).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private TandemClient client(String user) {
        TandemClient c = TandemClient.builder(CLUSTER).user(user).reloginLimits(RELOGIN_LOWER, RELOGIN_UPPER)
                .httpClient(http).scheduler(scheduler).requestTimeout(Duration.ofSeconds(2))
                .listener((client, s) -> {
                    if (s instanceof ClientState.ReloginScheduled r) {
                        delays.computeIfAbsent(client, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(r.delay());
                    }
                }).build();
        clients.add(c);
        return c;
    }

    private static String host(TandemClient c) {
        return c.state() instanceof ClientState.LoggedIn in ? in.member().getHost() : null;
    }

    /** The director's table: sessions per member public address. */
    private Map<String, Integer> table(String director) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (JsonNode row : admin.get(director, "/api/v1/load-balancing").body().path("members")) {
            out.put(row.path("publicIp").asText(), row.path("sslSessions").asInt());
        }
        return out;
    }

    @Test
    void clientsAreSpreadByRulesOneToFourAndEachMemberEndsWithWhatTheRulesPredict() throws Exception {
        startCluster(100);
        String director = awaitDirector();
        int n = 45;
        // What the rules predict, client after client, from an empty group: the director is a member like the others.
        Map<String, Integer> predicted = new HashMap<>();
        for (String h : HOSTS) predicted.put(h, 0);
        for (int i = 0; i < n; i++) {
            Candidate self = Candidate.of(IpAddress.parse("director", director),
                    Load.of(SessionClass.SSL, predicted.get(director), 100));
            List<Candidate> others = new ArrayList<>();
            for (String h : HOSTS) {
                if (!h.equals(director)) others.add(Candidate.of(IpAddress.parse("member", h), Load.of(SessionClass.SSL, predicted.get(h), 100)));
            }
            String chosen = LbDecision.decide(self, others, VpnMode.DISTRIBUTED).chosen().orElseThrow().text();
            predicted.merge(chosen, 1, Integer::sum);
        }
        // Clients arrive one at a time; each waits until the director's table shows every session so far, as the
        // keepalives report them (the rules are about reported load).
        for (int i = 0; i < n; i++) {
            TandemClient c = client(String.format("spread%03d", i)).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.state() instanceof ClientState.LoggedIn);
            int sessions = i + 1;
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> table(director).values().stream().mapToInt(Integer::intValue).sum() == sessions);
        }
        Map<String, Integer> actual = new HashMap<>();
        for (String h : HOSTS) actual.put(h, 0);
        for (TandemClient c : clients) actual.merge(host(c), 1, Integer::sum);
        assertThat(actual).isEqualTo(predicted);
        assertThat(table(director)).containsAllEntriesOf(predicted);
        assertThat(admin.metrics(director)).contains("tandem_redirects_total");
    }

    @Test
    void clientsOfAKilledNodeLogInAgainThroughTheClusterAddressWithinTheReloginLimits() throws Exception {
        startCluster(100);
        String director = awaitDirector();
        for (int i = 0; i < 30; i++) client(String.format("back%03d", i)).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> host(c) != null));
        // The victim: the node that is not the director with the most clients.
        Map<String, List<TandemClient>> at = new HashMap<>();
        for (TandemClient c : clients) at.computeIfAbsent(host(c), k -> new ArrayList<>()).add(c);
        String victim = at.keySet().stream().filter(h -> !h.equals(director))
                .max(java.util.Comparator.comparingInt(h -> at.get(h).size())).orElseThrow();
        List<TandemClient> moved = at.get(victim);
        assertThat(moved).isNotEmpty();
        int idx = List.of(HOSTS).indexOf(victim);
        long killed = System.nanoTime();
        nodes.get(idx).kill();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                moved.stream().allMatch(c -> host(c) != null && !victim.equals(host(c))));
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        for (TandemClient c : moved) {
            assertThat(delays.get(c)).as("re-login delays of %s", c).isNotEmpty()
                    .allSatisfy(d -> assertThat(d).isBetween(RELOGIN_LOWER, RELOGIN_UPPER));
        }
        // Loss is seen within a heartbeat or a request timeout (2 s), then the delay (at most 3 s), then the login.
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        for (TandemClient c : clients) assertThat(host(c)).isNotEqualTo(victim);
    }

    @Test
    void usersGoToTheirHomeNodeAndAfterAKillComeBackOnItsPeer() throws Exception {
        startCluster(100);
        // Users are added once every node serves ([RG-LIMITS]: not while a node is in a failover state).
        await().atMost(BOUND).until(() -> List.of(HOSTS).stream()
                .allMatch(h -> admin.stateOf(h, "n" + (List.of(HOSTS).indexOf(h) + 1)).startsWith("Normal")));
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= 30; i++) csv.append(String.format("user%03d%n", i));
        NodeAdmin.Answer imported = admin.postCsv(HOSTS[0], "/api/v1/users/import", csv.toString());
        assertThat(imported.status()).as(imported.body().toString()).isEqualTo(200);
        Map<String, String> home = new HashMap<>();
        for (int i = 1; i <= 30; i++) {
            String u = String.format("user%03d", i);
            String id = await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> admin.get(HOSTS[0], "/api/v1/users/" + u).body().path("home").asText(null), h -> h != null);
            home.put(u, HOSTS[Integer.parseInt(id.substring(1)) - 1]);
        }
        // Every node learns the users from the store; then each user's client goes to its home node.
        Thread.sleep(1500);
        for (int i = 1; i <= 30; i++) client(String.format("user%03d", i)).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> host(c) != null));
        for (TandemClient c : clients) assertThat(host(c)).as(c.user().orElseThrow()).isEqualTo(home.get(c.user().orElseThrow()));
        // n2 dies: its users come back through the cluster address on n1, its peer ([RG-OVER]: the backup serves them).
        List<TandemClient> ofN2 = clients.stream().filter(c -> HOSTS[1].equals(host(c))).toList();
        assertThat(ofN2).isNotEmpty();
        nodes.get(1).kill();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ofN2.stream().allMatch(c -> HOSTS[0].equals(host(c))));
        for (TandemClient c : ofN2) {
            assertThat(delays.get(c)).isNotEmpty().allSatisfy(d -> assertThat(d).isBetween(RELOGIN_LOWER, RELOGIN_UPPER));
        }
        // The others never moved.
        for (TandemClient c : clients) {
            if (!ofN2.contains(c)) assertThat(host(c)).isEqualTo(home.get(c.user().orElseThrow()));
        }
    }

    @Test
    void whenTheDirectorIsKilledANewOneRedirectsNewClients() throws Exception {
        startCluster(100);
        String director = awaitDirector();
        int idx = List.of(HOSTS).indexOf(director);
        long killed = System.nanoTime();
        nodes.get(idx).kill();
        String next = awaitDirector();
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        assertThat(next).isNotEqualTo(director);
        TandemClient c = client("after-director").start();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.state() instanceof ClientState.LoggedIn);
        assertThat(host(c)).isIn((Object[]) HOSTS).isNotEqualTo(director);
        // fast profile: keepalive 100 ms, wait 300 ms, five times ([LB-KA] timing scaled tenfold), then election.
        assertThat(took).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aFullGroupAnswers503WithAReasonAndRetryAfter() throws Exception {
        startCluster(2);
        String director = awaitDirector();
        for (int i = 0; i < HOSTS.length * 2; i++) {
            TandemClient c = client(String.format("full%03d", i)).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.state() instanceof ClientState.LoggedIn);
            int sessions = i + 1;
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> table(director).values().stream().mapToInt(Integer::intValue).sum() == sessions);
        }
        HttpResponse<String> r = assign(null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("reason").asText()).isEqualTo("all-full");
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(CLUSTER + "/session/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(503);
        assertThat(admin.metrics(director)).contains("tandem_redirect_refusals_total{reason=\"all-full\"}");
    }
}
