package dev.tandem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
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
 * docs/client.md, Failover: the client against a real pair in this JVM whose nodes have service addresses and keep
 * sessions on a handover (n1 on 127.0.40.61 with 127.0.40.71, n2 on .62 with .72). Alice's home is n1 and the
 * stand-in director always sends her to n1's service address. Through a manual failover, the fallback and n1's
 * failure she keeps one session: the client never reports it lost and never logs in again; only the node answering
 * changes.
 */
class ClientKeepsItsSessionTest {
    private static final String A = "127.0.40.61";
    private static final String B = "127.0.40.62";
    private static final String SA = "127.0.40.71";
    private static final String SB = "127.0.40.72";

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

    private TandemNode node(String id, String address, int service, int admin, int sessions, int replication)
            throws Exception {
        String yaml = """
                node: {id: %s, address: %s}
                admin: {address: %s, port: %d}
                cluster: {keyFile: cluster-key, encryption: true}
                redundancyGroup:
                  name: g1
                  nodes: [{id: n1, address: %s, serviceAddress: %s}, {id: n2, address: %s, serviceAddress: %s}]
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 10s
                  clientReloginLower: 30s
                  clientReloginUpper: 60s
                  servicePort: %d
                  adminRpcPort: %d
                stateDir: state/%s
                sessionService: {port: %d, heartbeatInterval: 100ms, inactiveAfter: 5s, replicationPort: %d}
                """.formatted(id, address, address, admin, A, SA, B, SB, service, admin, id, sessions, replication);
        Files.writeString(dir.resolve("cluster-key"), "cluster-secret-of-client-keeps\n");
        TandemNode n = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve(id + ".yaml"), yaml)),
                Clock.systemUTC(), user -> Optional.of("n1"));
        n.start();
        return n;
    }

    private static void awaitAnsweredBy(TandemClient c, String node) {
        await().atMost(Duration.ofSeconds(20)).until(() -> c.state() instanceof ClientState.LoggedIn in && in.node().equals(node));
    }

    @Test
    void aClientKeepsItsSessionThroughFailoverFallbackAndACrash() throws Exception {
        int service = FreePorts.udp(A, B);
        int admin = FreePorts.tcp(A, B);
        int sessions = FreePorts.tcp(A, B, SA, SB);
        int replication = FreePorts.tcp(A, B);
        n1 = node("n1", A, service, admin, sessions, replication);
        n2 = node("n2", B, service, admin, sessions, replication);
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.snapshot().state() == NodeState.NORMAL
                && n2.snapshot().state() == NodeState.NORMAL && n1.sessions().orElseThrow().replication()
                .map(r -> r.standbyReady()).orElse(false));
        director = new FakeDirector();
        director.chooser = () -> new FakeDirector.Member("n1", URI.create("http://" + SA + ":" + sessions));
        List<ClientState> seen = new CopyOnWriteArrayList<>();
        // Re-login limits of 30 to 60 s: a client that lost its session could not be back within this test. Requests
        // wait up to 2 s: the first login of these cold in-process nodes took over 500 ms on a busy 2-core machine, and
        // a login that times out is a lost one (the client waits the re-login limits before the next).
        client = TandemClient.builder(director.url()).user("alice").reloginLimits(Duration.ofSeconds(30), Duration.ofSeconds(60))
                .random(new SplittableRandom(5)).requestTimeout(Duration.ofSeconds(2))
                .listener((c, s) -> seen.add(s)).build().start();
        awaitAnsweredBy(client, "n1");
        String session = client.session().orElseThrow().session();

        assertThat(n1.admin(AdminAction.FAILOVER).get(5, TimeUnit.SECONDS).accepted()).isTrue();
        awaitAnsweredBy(client, "n2");
        assertThat(n1.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS).accepted()).isTrue();
        awaitAnsweredBy(client, "n1");
        await().atMost(Duration.ofSeconds(10)).until(() -> n1.sessions().orElseThrow().replication()
                .map(r -> r.standbyReady()).orElse(false));
        n1.failStop("the test fails it", null);
        awaitAnsweredBy(client, "n2");

        assertThat(client.session().orElseThrow().session()).isEqualTo(session);
        assertThat(seen).noneMatch(s -> s instanceof ClientState.Lost || s instanceof ClientState.ReloginScheduled);
        assertThat(seen).filteredOn(s -> s instanceof ClientState.LoggedIn)
                .extracting(s -> ((ClientState.LoggedIn) s).node()).containsExactly("n1", "n2", "n1", "n2");
    }
}
