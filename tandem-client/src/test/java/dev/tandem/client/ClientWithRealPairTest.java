package dev.tandem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Serving;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real redundancy pair in this JVM (127.0.0.1 and 127.0.0.2, ports free at the start, fast
 * timers) behind a stand-in director that sends every login to the node serving the pair's first node's users.
 * [RG-MANUAL], Manual failover: "All users from the failed node are disconnected and must re-login to the backup node";
 * Manual fallback: "Those users must then re-login to their assigned node."
 */
class ClientWithRealPairTest {
    private static final String A = "127.0.0.1";
    private static final String B = "127.0.0.2";

    @TempDir
    Path dir;
    private TandemNode n1;
    private TandemNode n2;
    private FakeDirector director;
    private TandemClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (director != null) director.close();
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    private TandemNode node(String id, String address, int service, int admin, int sessions) throws Exception {
        String yaml = """
                node: {id: %s, address: %s}
                admin: {port: %d}
                cluster: {keyFile: cluster-key, encryption: true}
                redundancyGroup:
                  name: g1
                  nodes: [{id: n1, address: %s}, {id: n2, address: %s}]
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 10s
                  clientReloginLower: 100ms
                  clientReloginUpper: 300ms
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                sessionService: {port: %d, heartbeatInterval: 100ms}
                """.formatted(id, address, admin, A, B, service, admin, id, sessions);
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-client-tests\n");
        TandemNode n = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve(id + ".yaml"), yaml)),
                Clock.systemUTC(), user -> Optional.of("n1"));
        n.start();
        return n;
    }

    private static void awaitState(TandemNode n, NodeState s) {
        await().atMost(Duration.ofSeconds(20)).until(() -> n.snapshot().state() == s);
    }

    private static void awaitLoggedInAt(TandemClient c, String node) {
        await().atMost(Duration.ofSeconds(20)).until(() -> c.state() instanceof ClientState.LoggedIn in && in.node().equals(node));
    }

    @Test
    void theClientFollowsItsUsersAcrossManualFailoverAndFallback() throws Exception {
        int service = FreePorts.udp(A, B);
        int admin = FreePorts.tcp(A, B);
        int sessions = FreePorts.tcp(A, B);
        n1 = node("n1", A, service, admin, sessions);
        n2 = node("n2", B, service, admin, sessions);
        awaitState(n1, NodeState.NORMAL);
        awaitState(n2, NodeState.NORMAL);
        FakeDirector.Member m1 = new FakeDirector.Member("n1", URI.create("http://" + A + ":" + sessions));
        FakeDirector.Member m2 = new FakeDirector.Member("n2", URI.create("http://" + B + ":" + sessions));
        director = new FakeDirector();
        // User-homed routing: alice lives on n1; she goes wherever n1's users are served now.
        director.chooser = () -> n1.snapshot().serving().contains(Serving.Side.OWN) ? m1 : m2;

        List<ClientState> seen = new CopyOnWriteArrayList<>();
        Duration lower = Duration.ofMillis(100);
        Duration upper = Duration.ofMillis(300);
        client = TandemClient.builder(director.url()).user("alice").reloginLimits(lower, upper)
                .random(new SplittableRandom(3)).requestTimeout(Duration.ofSeconds(2))
                .listener((c, s) -> seen.add(s)).build().start();
        awaitLoggedInAt(client, "n1");

        assertThat(n1.admin(AdminAction.FAILOVER).get(5, TimeUnit.SECONDS).accepted()).isTrue();
        awaitLoggedInAt(client, "n2");
        assertThat(seen).filteredOn(s -> s instanceof ClientState.Lost).hasSize(1);

        assertThat(n1.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS).accepted()).isTrue();
        awaitLoggedInAt(client, "n1");
        List<ClientState.ReloginScheduled> waits = seen.stream().filter(s -> s instanceof ClientState.ReloginScheduled)
                .map(s -> (ClientState.ReloginScheduled) s).toList();
        assertThat(waits).isNotEmpty();
        // Each wait is the client's random delay or the node's Retry-After (its re-login lower limit, whole seconds).
        for (ClientState.ReloginScheduled w : waits) {
            assertThat(w.delay().compareTo(upper) <= 0 || w.delay().equals(Duration.ofSeconds(1))).as(w.toString()).isTrue();
            assertThat(w.delay()).isGreaterThanOrEqualTo(lower);
        }
        assertThat(seen).filteredOn(s -> s instanceof ClientState.Lost).hasSize(2);
    }
}
