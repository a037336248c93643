package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a node's configuration file and the store meet (docs/decisions/0014): the file fills what the store does not
 * know, the store wins after, and new epochs reach the running node (service parameters live).
 */
class StoreServiceTest {
    @TempDir
    Path dir;

    private NodeConfig node(String id, String address, String group, String peer, String peerAddress, String interval)
            throws Exception {
        String yaml = """
                node:
                  id: %s
                  address: %s
                redundancyGroup:
                  name: %s
                  highAvailability: true
                  nodes:
                    - id: %s
                      address: %s
                    - id: %s
                      address: %s
                parameters:
                  keepAliveInterval: %s
                  keepAliveTimeout: 20s
                stateDir: state/%s
                store:
                  url: jdbc:h2:file:store/tandem;AUTO_SERVER=TRUE
                loadBalancing:
                  clusterAddress: 192.0.2.10
                  participate: true
                  priority: 4
                """.formatted(id, address, group, id, address, peer, peerAddress, interval, id);
        return ConfigLoader.load(Files.writeString(dir.resolve(id + ".yaml"), yaml));
    }

    @Test
    void theFirstNodeFillsTheStoreTheNextAddOnlyWhatIsMissingAndTheStoreWinsAfter() throws Exception {
        NodeConfig n1 = node("n1", "10.0.0.1", "east", "n2", "10.0.0.2", "2s");
        try (StoreService s = StoreService.open(n1, Optional.of("fp-1"))) {
            started(s);
            ClusterSettings st = s.store().settings();
            assertThat(st.seeded()).isTrue();
            assertThat(st.groups()).extracting(ClusterSettings.Group::name).containsExactly("east");
            assertThat(st.parameters()).containsEntry("keepAliveInterval", "2s");
            assertThat(st.lbGroup().clusterAddress()).isEqualTo("192.0.2.10");
            assertThat(st.lbGroup().keyFingerprint()).isEqualTo("fp-1");
            assertThat(st.device("n1").orElseThrow().priority()).isEqualTo(4);
            assertThat(s.store().audit(1).get(0).who()).isEqualTo("n1");
        }
        // Another pair, whose file says other parameters: its group and device are added, the parameters are not.
        NodeConfig n3 = node("n3", "10.0.0.3", "west", "n4", "10.0.0.4", "3s");
        try (StoreService s = StoreService.open(n3, Optional.empty())) {
            started(s);
            ClusterSettings st = s.store().settings();
            assertThat(st.groups()).extracting(ClusterSettings.Group::name).containsExactly("east", "west");
            assertThat(st.parameters()).containsEntry("keepAliveInterval", "2s");
            assertThat(st.device("n3")).isPresent();
            // The node runs the store's parameters, not its file's.
            assertThat(s.effectiveConfig().parameters()).containsEntry("keepAliveInterval", "2s");
            // The store changes; the next start runs what the store says.
            s.store().updateSettings(new ClusterStore.Action("admin", "group change", "west"), x -> x.mapGroup("west",
                    g -> new ClusterSettings.Group("west", "changed in the store", g.nodes(), false))
                    .withDevice(new ClusterSettings.Device("n3", 9, "10.0.0.3", "10.0.0.3", List.of(), true, false, null)));
        }
        try (StoreService s = StoreService.open(n3, Optional.empty())) {
            assertThat(s.effectiveConfig().redundancyGroup().description()).isEqualTo("changed in the store");
            assertThat(s.effectiveConfig().redundancyGroup().highAvailability()).isFalse();
            assertThat(s.effectiveConfig().loadBalancing().priority()).isEqualTo(9);
            assertThat(s.effectiveConfig().address()).isEqualTo("10.0.0.3");
        }
        // A file that puts n1 in another group than the store does: the store's group stands, nothing is written.
        NodeConfig conflicting = node("n1", "10.0.0.1", "north", "n5", "10.0.0.5", "2s");
        try (StoreService s = StoreService.open(conflicting, Optional.empty())) {
            started(s);
            assertThat(s.store().settings().group("north")).isEmpty();
            assertThat(s.effectiveConfig().redundancyGroup().name()).isEqualTo("east");
        }
    }

    /** What the node does once it has started. */
    private static void started(StoreService s) {
        s.start(() -> null, p -> { }, lb -> { }, g -> { });
    }

    @Test
    void aNodeThatHasNotStartedWritesNothingToTheStoreButRunsWhatItWillHold() throws Exception {
        NodeConfig n1 = node("n1", "10.0.0.1", "east", "n2", "10.0.0.2", "2s");
        try (StoreService s = StoreService.open(n1, Optional.empty())) {
            // Opened, not started (the node's start may still fail): the store is as empty as before.
            ClusterSettings st = s.store().settings();
            assertThat(st.seeded()).isFalse();
            assertThat(st.groups()).isEmpty();
            assertThat(st.device("n1")).isEmpty();
            // It runs what the store will hold: its file, where the store has nothing.
            assertThat(s.effectiveConfig().parameters()).containsEntry("keepAliveInterval", "2s");
            assertThat(s.effectiveConfig().redundancyGroup().name()).isEqualTo("east");

            started(s);
            st = s.store().settings();
            assertThat(st.seeded()).isTrue();
            assertThat(st.groups()).extracting(ClusterSettings.Group::name).containsExactly("east");
            assertThat(st.device("n1")).isPresent();
        }
    }

    @Test
    void aNewEpochReachesTheRunningNodeAndItsDirectory() throws Exception {
        NodeConfig n1 = node("n1", "10.0.0.1", "east", "n2", "10.0.0.2", "2s");
        try (StoreService s = StoreService.open(n1, Optional.empty())) {
            ServiceParameters running = ServiceParameters.fromText(Map.of("keepAliveInterval", "2s", "keepAliveTimeout", "20s"));
            RmState rm = RecoveryManager.initial(NodeId.of("n1"),
                    RedundancyGroup.pair("east", NodeId.of("n1"), NodeId.of("n2"), true), running);
            List<ServiceParameters> applied = new CopyOnWriteArrayList<>();
            s.start(() -> rm, applied::add, lb -> { }, g -> { });
            s.store().updateSettings(new ClusterStore.Action("admin", "parameters", "cluster"),
                    x -> x.withParameters(Map.of("keepAliveInterval", "4s", "keepAliveTimeout", "20s", "servicePort", "23000")));
            new UserAdmin(s.store(), Map::of).importCsv("admin", "u1\nu2\nu3\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> !applied.isEmpty() && s.users().size() == 3);
            ServiceParameters got = applied.get(applied.size() - 1);
            assertThat(got.keepAliveInterval()).hasSeconds(4);
            // Ports are bound: they change with a restart, not live.
            assertThat(got.servicePort()).isEqualTo(running.servicePort());
            assertThat(s.users().servingNode("u1")).isPresent();
            // The cache holds what the node runs on.
            await().atMost(Duration.ofSeconds(10)).until(() -> new SettingsCache(n1.stateDir()).users()
                    .map(u -> u.users().size() == 3).orElse(false));
            assertThat(new SettingsCache(n1.stateDir()).settings().orElseThrow().parameters()).containsEntry("keepAliveInterval", "4s");
            await().atMost(Duration.ofSeconds(10)).until(() -> s.store().reports().stream().anyMatch(r -> r.node().equals("n1")));
        }
    }

    @Test
    void aDevicesPriorityNatRedirectFqdnAndParticipateApplyLiveItsAddressesAndTheGroupAtTheNextStart() throws Exception {
        NodeConfig n1 = node("n1", "10.0.0.1", "east", "n2", "10.0.0.2", "2s");
        try (StoreService s = StoreService.open(n1, Optional.empty())) {
            List<NodeConfig.LoadBalancing> applied = new CopyOnWriteArrayList<>();
            s.start(() -> null, p -> { }, applied::add, g -> { });
            ClusterSettings.Device before = s.store().settings().device("n1").orElseThrow();
            ClusterSettings after = s.store().updateSettings(new ClusterStore.Action("admin", "config commands", "n1"),
                    x -> x.withDevice(new ClusterSettings.Device("n1", 8, before.publicAddress(), before.privateAddress(),
                            List.of("203.0.113.1"), true, true, "n1.example.com")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !applied.isEmpty());
            NodeConfig.LoadBalancing live = applied.get(applied.size() - 1);
            assertThat(live.priority()).isEqualTo(8);
            assertThat(live.nat()).containsExactly("203.0.113.1");
            assertThat(live.redirectFqdn()).isTrue();
            assertThat(live.fqdn()).isEqualTo("n1.example.com");
            assertThat(live.clusterAddress()).isEqualTo("192.0.2.10");
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), after)).isEmpty();
            assertThat(ClusterSettings.Device.needsRestart(Optional.of(before), after.device("n1"))).isFalse();

            // Participate turned off and on again: the device leaves and seeks the group while it runs.
            for (boolean on : List.of(false, true)) {
                int seen = applied.size();
                ClusterSettings flipped = s.store().updateSettings(new ClusterStore.Action("admin", "config commands", "n1"),
                        x -> x.withDevice(new ClusterSettings.Device("n1", 8, before.publicAddress(),
                                before.privateAddress(), List.of("203.0.113.1"), on, true, "n1.example.com")));
                await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() > seen);
                assertThat(applied.get(applied.size() - 1).participate()).isEqualTo(on);
                assertThat(StoreService.restartNeeded(s.effectiveConfig(), flipped)).isEmpty();
                assertThat(ClusterSettings.Device.needsRestart(after.device("n1"), flipped.device("n1"))).isFalse();
            }

            // The address a member binds is not live: that change waits for the restart, and says so.
            ClusterSettings moved = s.store().updateSettings(new ClusterStore.Action("admin", "config commands", "n1"),
                    x -> x.withDevice(new ClusterSettings.Device("n1", 8, "10.0.0.9", before.privateAddress(),
                            List.of("203.0.113.1"), true, true, "n1.example.com")));
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), moved)).containsExactly("the load-balancing settings");
            assertThat(ClusterSettings.Device.needsRestart(after.device("n1"), moved.device("n1"))).isTrue();
            assertThat(ClusterSettings.Device.needsRestart(Optional.empty(), moved.device("n1"))).isTrue();
        }
    }

    @Test
    void theGroupsModeAndAddressApplyLiveItsPortAndKeyAtTheNextStart() throws Exception {
        NodeConfig n1 = node("n1", "10.0.0.1", "east", "n2", "10.0.0.2", "2s");
        try (StoreService s = StoreService.open(n1, Optional.empty())) {
            List<NodeConfig.LoadBalancing> applied = new CopyOnWriteArrayList<>();
            s.start(() -> null, p -> { }, applied::add, g -> { });
            ClusterSettings.LbGroup before = s.store().settings().lbGroup();
            ClusterSettings.LbGroup centralized = new ClusterSettings.LbGroup(before.clusterAddress(),
                    before.clusterPort(), before.encryption(), before.keyFingerprint(), "centralized", before.redirectPort());
            ClusterSettings after = s.store().updateSettings(new ClusterStore.Action("admin", "load-balancing settings",
                    "cluster"), x -> x.withLoadBalancing(centralized, x.devices()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !applied.isEmpty());
            assertThat(applied.get(applied.size() - 1).mode()).isEqualTo("centralized");
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), after)).isEmpty();
            assertThat(ClusterSettings.LbGroup.needsRestart(before, centralized)).isFalse();

            // The cluster address moves live as well: the director lets the old one go and the group claims the new.
            int seen = applied.size();
            ClusterSettings.LbGroup elsewhere = new ClusterSettings.LbGroup("192.0.2.20", before.clusterPort(),
                    before.encryption(), before.keyFingerprint(), "centralized", before.redirectPort());
            ClusterSettings addressMoved = s.store().updateSettings(new ClusterStore.Action("admin",
                    "load-balancing settings", "cluster"), x -> x.withLoadBalancing(elsewhere, x.devices()));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() > seen);
            assertThat(applied.get(applied.size() - 1).clusterAddress()).isEqualTo("192.0.2.20");
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), addressMoved)).isEmpty();
            assertThat(ClusterSettings.LbGroup.needsRestart(centralized, elsewhere)).isFalse();

            // A device added to the group is a peer of the running nodes from now on.
            int heard = applied.size();
            ClusterSettings added = s.store().updateSettings(new ClusterStore.Action("admin", "load-balancing settings",
                    "cluster"), x -> x.withDevice(new ClusterSettings.Device("n7", 5, "192.0.2.17", "10.0.0.17",
                    List.of(), true, false, null)));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() > heard);
            assertThat(applied.get(applied.size() - 1).peers()).contains(new NodeConfig.Member("n7", "10.0.0.17"));
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), added)).isEmpty();

            // The port a node binds (and likewise the key and encryption) waits for the restart, and says so.
            ClusterSettings.LbGroup moved = new ClusterSettings.LbGroup("192.0.2.20", 9100,
                    before.encryption(), before.keyFingerprint(), "centralized", before.redirectPort());
            ClusterSettings portChanged = s.store().updateSettings(new ClusterStore.Action("admin",
                    "load-balancing settings", "cluster"), x -> x.withLoadBalancing(moved, x.devices()));
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), portChanged))
                    .containsExactly("the load-balancing settings");
            assertThat(ClusterSettings.LbGroup.needsRestart(elsewhere, moved)).isTrue();
            assertThat(ClusterSettings.LbGroup.needsRestart(null, moved)).isTrue();
        }
    }

    @Test
    void theHaSwitchAndDescriptionApplyLiveTheGroupsNodesAtTheNextStart() throws Exception {
        NodeConfig n1 = node("n1", "10.0.0.1", "east", "n2", "10.0.0.2", "2s");
        try (StoreService s = StoreService.open(n1, Optional.empty())) {
            List<NodeConfig.Group> applied = new CopyOnWriteArrayList<>();
            s.start(() -> null, p -> { }, lb -> { }, applied::add);
            ClusterSettings off = s.store().updateSettings(new ClusterStore.Action("admin", "group ha disable", "east"),
                    x -> x.mapGroup("east", g -> new ClusterSettings.Group(g.name(), "the east pair", g.nodes(), false)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !applied.isEmpty());
            NodeConfig.Group live = applied.get(applied.size() - 1);
            assertThat(live.highAvailability()).isFalse();
            assertThat(live.description()).isEqualTo("the east pair");
            assertThat(live.nodes()).extracting(NodeConfig.Member::id).containsExactly("n1", "n2");
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), off)).isEmpty();

            ClusterSettings on = s.store().updateSettings(new ClusterStore.Action("admin", "group ha enable", "east"),
                    x -> x.mapGroup("east", g -> new ClusterSettings.Group(g.name(), g.description(), g.nodes(), true)));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get(applied.size() - 1).highAvailability());
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), on)).isEmpty();
            int before = applied.size();

            // Another peer is bound at the start (heartbeat sockets, the peer's address): that waits, and says so.
            ClusterSettings replaced = s.store().updateSettings(new ClusterStore.Action("admin", "group change", "east"),
                    x -> x.mapGroup("east", g -> new ClusterSettings.Group(g.name(), g.description(),
                            List.of(g.nodes().get(0), new ClusterSettings.Member("n3", "10.0.0.3")), true)));
            assertThat(StoreService.restartNeeded(s.effectiveConfig(), replaced)).containsExactly("the redundancy group's nodes");
            Thread.sleep(2 * StoreService.POLL.toMillis());
            assertThat(applied).hasSize(before);
        }
    }
}
