package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.Effect;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.PersistedRm;
import dev.tandem.core.rm.Reason;
import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that lost its state file must still be heard by its peer (docs/decisions/0050): two nodes in this JVM on
 * 127.0.31.1 and 127.0.31.2, fast timers. Before the rule, the restarted node came back with incarnation 1, below
 * the one its peer last heard, and the peer dropped every heartbeat of it for good.
 */
class LostStateFileTest {
    private static final String A = "127.0.31.1";
    private static final String B = "127.0.31.2";

    @TempDir
    Path dir;

    private TandemNode n1;
    private TandemNode n2;

    @AfterEach
    void stop() {
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    @Test
    void aNodeWhoseStateFileWasDeletedIsHeardAgainAndThePairReturnsToNormal() throws Exception {
        int service = freeUdp(A, B);
        // n2 has run before: its state file says incarnation 7, so its peer will know it as 8.
        new StateFile(dir.resolve("state/n2")).write(new StateFile.Content(
                new PersistedRm(NodeState.NORMAL, Reason.NORMAL, 7, 0, false), 1));
        n1 = start("n1", A, service);
        n2 = start("n2", B, service);
        awaitStates(NodeState.NORMAL, NodeState.NORMAL);
        assertThat(n1.snapshot().peer().incarnation()).isGreaterThan(7);

        // n2 stops (its peer sees Peer Reboot and serves every user), its state file is lost, it starts again.
        n2.close();
        Files.delete(dir.resolve("state/n2/recovery-manager.json"));
        await().atMost(Duration.ofSeconds(10)).until(() -> n1.snapshot().state() == NodeState.RUNNING_IN_BACKUP_MODE);
        n2 = start("n2", B, service);

        // n1 hears the new n2: n2 comes back failed over to it (Failed Over / Initialization, docs/redundancy.md),
        // and the fallback that needs both to hear each other brings the pair back to Normal.
        awaitStates(NodeState.RUNNING_IN_BACKUP_MODE, NodeState.FAILED_OVER);
        assertThat(n1.snapshot().peer().state()).isEqualTo(NodeState.FAILED_OVER);
        Effect.AdminResult r = n2.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS);
        assertThat(r.accepted()).as(r.message()).isTrue();
        awaitStates(NodeState.NORMAL, NodeState.NORMAL);
    }

    private void awaitStates(NodeState s1, NodeState s2) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(n1.snapshot().state()).as("n1").isEqualTo(s1);
            assertThat(n2.snapshot().state()).as("n2").isEqualTo(s2);
        });
    }

    private TandemNode start(String id, String address, int service) throws Exception {
        String yaml = """
                node:
                  id: %s
                  address: %s
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: %s
                    - id: n2
                      address: %s
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 5s
                  criticalServiceDelay: 1s
                  servicePort: %d
                stateDir: state/%s
                """.formatted(id, address, A, B, service, id);
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        TandemNode n = new TandemNode(ConfigLoader.load(f), Clock.systemUTC());
        n.start();
        return n;
    }

    /** A UDP port free on every one of the addresses (the pair uses one service port on both). */
    static int freeUdp(String... hosts) {
        return TestPorts.udp(hosts);
    }
}
