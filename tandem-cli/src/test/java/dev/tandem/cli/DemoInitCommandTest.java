package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem demo init}: the files it writes give every node a service address on loopback, distinct from the
 * node addresses and the cluster address, claimed by the bind driver, so the cluster runs without root.
 */
class DemoInitCommandTest {
    @TempDir
    Path dir;

    @Test
    void everyNodeGetsItsOwnLoopbackServiceAddressWithTheBindDriver() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.run("demo", "init", dir.toString(), "--nodes", "4", "--profile", "fast");
        } finally {
            System.setOut(saved);
        }
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("./tandem node --config " + dir.resolve("n4.yaml"));
        for (int i = 1; i <= 4; i++) {
            Path file = dir.resolve("n" + i + ".yaml");
            assertThat(Files.readString(file)).contains("serviceAddresses:\n  driver: bind\n");
            NodeConfig c = ConfigLoader.load(file);
            assertThat(c.address()).isEqualTo("127.0.0.1" + i);
            assertThat(c.serviceAddress()).isEqualTo("127.0.0.11" + i);
            assertThat(c.serviceAddresses().driver()).isEqualTo("bind");
            assertThat(c.loadBalancing().clusterAddress()).isEqualTo("127.0.0.10");
            // Its pair: both nodes' addresses and service addresses, none shared.
            int first = i % 2 == 1 ? i : i - 1;
            assertThat(c.redundancyGroup().nodes()).extracting(NodeConfig.Member::serviceAddress)
                    .containsExactly("127.0.0.11" + first, "127.0.0.11" + (first + 1));
            assertThat(c.redundancyGroup().nodes()).extracting(NodeConfig.Member::address)
                    .containsExactly("127.0.0.1" + first, "127.0.0.1" + (first + 1));
        }
    }
}
