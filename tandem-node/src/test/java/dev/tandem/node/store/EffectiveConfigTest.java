package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's redundancy group replaces the file's, but the heartbeat paths stay the file's: they are wiring of this
 * node's host, which the store does not hold (docs/decisions/0078-heartbeat-paths-are-node-local.md).
 */
class EffectiveConfigTest {
    @TempDir
    Path dir;

    @Test
    void theStoresGroupKeepsTheFilesHeartbeatPaths() throws Exception {
        Path f = Files.writeString(dir.resolve("n1.yaml"), """
                node:
                  id: n1
                  address: 10.0.0.11
                redundancyGroup:
                  name: east
                  nodes:
                    - id: n1
                      address: 10.0.0.11
                      heartbeatAddresses: [10.0.9.11]
                    - id: n2
                      address: 10.0.0.12
                      heartbeatAddresses: [10.0.9.12]
                """);
        NodeConfig yaml = ConfigLoader.load(f);
        ClusterSettings stored = ClusterSettings.empty().withGroup(new ClusterSettings.Group("east", "changed by an admin",
                List.of(new ClusterSettings.Member("n1", "10.0.0.11", "10.0.1.11"), new ClusterSettings.Member("n2", "10.0.0.22")),
                true));

        NodeConfig effective = EffectiveConfig.of(yaml, stored);

        assertThat(effective.redundancyGroup().description()).isEqualTo("changed by an admin");
        assertThat(effective.redundancyGroup().nodes()).containsExactly(
                new NodeConfig.Member("n1", "10.0.0.11", "10.0.1.11", List.of("10.0.9.11")),
                new NodeConfig.Member("n2", "10.0.0.22", null, List.of("10.0.9.12")));
    }

    /**
     * The group's messages go to every other device the store holds, at its private address; the file's peers are a
     * bootstrap list, kept for a node the store does not know yet.
     */
    @Test
    void theOtherDevicesOfTheStoreAreThePeersTheFilesOnlyBootstrap() throws Exception {
        Path f = Files.writeString(dir.resolve("n1.yaml"), """
                node:
                  id: n1
                  address: 10.0.0.11
                loadBalancing:
                  clusterAddress: 10.0.0.10
                  participate: true
                  peers:
                    - id: n2
                      address: 10.0.0.12
                    - id: n9
                      address: 10.0.0.19
                """);
        NodeConfig yaml = ConfigLoader.load(f);
        ClusterSettings stored = ClusterSettings.empty().withLoadBalancing(
                new ClusterSettings.LbGroup("10.0.0.10", 9023, false, null, "distributed", 443), List.of(
                        new ClusterSettings.Device("n1", 5, "10.0.0.11", "10.0.0.11", List.of(), true, false, null),
                        new ClusterSettings.Device("n2", 5, "192.0.2.12", "10.0.1.12", List.of(), true, false, null),
                        new ClusterSettings.Device("n3", 5, "192.0.2.13", "10.0.1.13", List.of(), true, false, null)));
        NodeConfig effective = EffectiveConfig.of(yaml, stored);
        assertThat(effective.loadBalancing().peers()).containsExactly(new NodeConfig.Member("n2", "10.0.1.12"),
                new NodeConfig.Member("n3", "10.0.1.13"), new NodeConfig.Member("n9", "10.0.0.19"));
    }
}
