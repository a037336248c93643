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
}
