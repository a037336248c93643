package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The script address driver runs the operator's commands with TANDEM_CLUSTER_ADDRESS (docs/architecture.md, Cluster address). */
class ScriptAddressDriverTest {
    private final HookRunner runner = new HookRunner();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        runner.close();
    }

    @Test
    void claimAndReleaseRunTheCommandsWithTheAddress() throws Exception {
        Path marker = dir.resolve("holder");
        AddressDriver d = AddressDriver.of(config(
                List.of("/bin/sh", "-c", "echo $TANDEM_CLUSTER_ADDRESS > " + marker),
                List.of("/bin/sh", "-c", "rm " + marker)), runner);
        assertThat(d.describe()).isEqualTo("script");
        assertThat(d.claim()).isTrue();
        assertThat(Files.readString(marker).strip()).isEqualTo("198.51.100.7");
        d.release();
        assertThat(marker).doesNotExist();
    }

    @Test
    void aFailingClaimIsReported() {
        AddressDriver d = AddressDriver.of(config(List.of("/bin/sh", "-c", "exit 3"), List.of("true")), runner);
        assertThat(d.claim()).isFalse();
    }

    private static NodeConfig.LoadBalancing config(List<String> claim, List<String> release) {
        return new NodeConfig.LoadBalancing("198.51.100.7", 9023, "distributed", true, 5, "127.0.0.1", "127.0.0.1",
                List.of(), false, null, "Tandem", 100, "n1", List.of(), "script", null, claim, release, Map.of(),
                List.of(), NodeConfig.Redirect.defaults());
    }
}
