package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.Effect;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.WitnessLease;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.store.JdbcClusterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/decisions/115-a-witness-decides-who-serves.md on two real nodes sharing one H2 store, their witness: a partition
 * (every heartbeat path dropped on both sides) gives every user to the node the store grants the lease, the other
 * gives its users up, never both serving the same users as far as a watcher sampling both every few milliseconds can
 * tell; once the nodes hear each other again nothing freezes (no Running in Failed Mode, no Recover), and a fallback
 * brings the pair back to Normal.
 */
class WitnessNodeTest {
    private static final String A = "127.0.53.1";
    private static final String B = "127.0.53.2";

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
    void aPartitionGivesEveryUserToTheLeaseHolderAndHealsWithoutRecover() throws Exception {
        int service = LostStateFileTest.freeUdp(A, B);
        n1 = create("n1", A, service);
        n2 = create("n2", B, service);
        n1.start();
        n2.start();
        awaitStates(NodeState.NORMAL, NodeState.NORMAL);

        List<String> servedTwice = new ArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (watching.get()) {
                var s1 = n1.snapshot().serving();
                var s2 = n2.snapshot().serving();
                if (s1.contains(Serving.Side.OWN) && s2.contains(Serving.Side.PEER)
                        || s2.contains(Serving.Side.OWN) && s1.contains(Serving.Side.PEER)) {
                    servedTwice.add("n1 " + s1 + ", n2 " + s2);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        for (TandemNode n : List.of(n1, n2)) n.link().drop(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> backupAndFailedOver().isPresent());
        TandemNode holder = backupAndFailedOver().get();
        TandemNode other = holder == n1 ? n2 : n1;
        assertThat(holder.snapshot().reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(other.snapshot().reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(other.snapshot().serving()).isEmpty();
        assertThat(holder.snapshot().lease().heldAt(java.time.Instant.now())).isTrue();
        // What show failover and the console say (docs/redundancy.md, Witness).
        var said = dev.tandem.node.api.FailoverView.witness(holder.snapshot(), true);
        assertThat(said.held()).isTrue();
        assertThat(said.reachable()).isTrue();
        assertThat(said.fence()).isEqualTo(1);
        assertThat(dev.tandem.node.api.FailoverView.witness(other.snapshot(), true).holder())
                .isEqualTo(holder.snapshot().self().value());
        assertThat(holder.metrics().scrape()).contains("tandem_witness_lease_held 1.0").contains("tandem_witness_reachable 1.0");
        try (JdbcClusterStore store = JdbcClusterStore.open(storeUrl(), "", "")) {
            Optional<WitnessLease> lease = store.lease("g1");
            assertThat(lease).map(WitnessLease::holder).contains(holder.snapshot().self());
        }

        for (TandemNode n : List.of(n1, n2)) n.link().undrop(0);
        // Heard again: the holder keeps every user, the other stays failed over, nothing freezes.
        await().atMost(Duration.ofSeconds(5)).until(() -> holder.snapshot().peer().alive() && other.snapshot().peer().alive());
        Thread.sleep(1_000);
        assertThat(holder.snapshot().state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(other.snapshot().state()).isEqualTo(NodeState.FAILED_OVER);
        Effect.AdminResult r = other.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS);
        assertThat(r.accepted()).as(r.message()).isTrue();
        awaitStates(NodeState.NORMAL, NodeState.NORMAL);
        watching.set(false);
        watcher.join();
        assertThat(servedTwice).isEmpty();
        for (TandemNode n : List.of(n1, n2)) {
            assertThat(n.events().recent()).noneMatch(e -> e.kind().equals("transition")
                    && NodeState.RUNNING_IN_FAILED_MODE.display().equals(e.fields().get("to")));
        }
        assertThat(holder.events().recent()).anyMatch(e -> e.kind().equals("witness")
                && holder.snapshot().self().value().equals(e.fields().get("holder")));
    }

    /** The node in backup mode when the other is failed over, if they are so. */
    private Optional<TandemNode> backupAndFailedOver() {
        NodeState s1 = n1.snapshot().state();
        NodeState s2 = n2.snapshot().state();
        if (s1 == NodeState.RUNNING_IN_BACKUP_MODE && s2 == NodeState.FAILED_OVER) return Optional.of(n1);
        if (s2 == NodeState.RUNNING_IN_BACKUP_MODE && s1 == NodeState.FAILED_OVER) return Optional.of(n2);
        return Optional.empty();
    }

    private void awaitStates(NodeState s1, NodeState s2) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(n1.snapshot().state()).as("n1").isEqualTo(s1);
            assertThat(n2.snapshot().state()).as("n2").isEqualTo(s2);
        });
    }

    private String storeUrl() {
        return "jdbc:h2:file:" + dir.resolve("store/tandem") + ";AUTO_SERVER=TRUE";
    }

    private TandemNode create(String id, String address, int service) throws Exception {
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
                  keepAliveTimeout: 500ms
                  initKeepAliveTimeout: 2s
                  criticalServiceDelay: 1s
                  servicePort: %d
                  partitionRecovery: witness
                store:
                  url: %s
                stateDir: state/%s
                """.formatted(id, address, A, B, service, storeUrl(), id);
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        return new TandemNode(ConfigLoader.load(f), Clock.systemUTC());
    }
}
