package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The linux address driver puts the cluster address on an interface and takes it off (docs/architecture.md, Cluster
 * address). It runs in a network namespace the test makes, so the host's own network is never touched; without
 * root or iproute2 the test is skipped and says why.
 */
class LinuxAddressDriverTest {
    private static final String NS = "tandem-test-" + ProcessHandle.current().pid();
    private final HookRunner runner = new HookRunner();

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create a network namespace");
        assumeTrue(run("ip", "-V") == 0, "needs iproute2 (apt-get install iproute2)");
        assumeTrue(run("ip", "netns", "add", NS) == 0, "cannot create a network namespace here");
        assertThat(run("ip", "-n", NS, "link", "add", "tandem0", "type", "veth", "peer", "name", "tandem1")).isZero();
        assertThat(run("ip", "-n", NS, "link", "set", "tandem0", "up")).isZero();
    }

    @AfterEach
    void cleanUp() throws Exception {
        run("ip", "netns", "del", NS);
        runner.close();
    }

    @Test
    void claimAddsTheAddressAndReleaseRemovesIt() throws Exception {
        AddressDriver driver = new AddressDriver.Linux("192.0.2.10", "tandem0", NS, runner);
        assertThat(addresses()).doesNotContain("192.0.2.10/32");
        assertThat(driver.claim()).isTrue();
        assertThat(addresses()).contains("192.0.2.10/32");
        // Claiming twice is harmless (a director that restarts claims again).
        assertThat(driver.claim()).isTrue();
        driver.release();
        assertThat(addresses()).doesNotContain("192.0.2.10/32");
    }

    @Test
    void claimOnAMissingInterfaceFails() {
        AddressDriver driver = new AddressDriver.Linux("192.0.2.11", "nosuch0", NS, runner);
        assertThat(driver.claim()).isFalse();
    }

    private String addresses() throws Exception {
        Process p = new ProcessBuilder("ip", "-n", NS, "-o", "addr", "show", "dev", "tandem0").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        return out;
    }

    private static int run(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
