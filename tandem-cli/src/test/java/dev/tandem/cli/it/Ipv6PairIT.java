package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redundancy pair over IPv6: two node processes on fd00::11 and fd00::12 inside a network namespace the test
 * makes (so nothing outside it is touched), then SIGKILL of one. Needs root and iproute2; skipped with the reason
 * otherwise. The nodes' logs are the observation: one line per transition.
 */
class Ipv6PairIT {
    private static final String NS = "tandem-v6-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;
    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : nodes) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        run("ip", "netns", "del", NS);
    }

    @Test
    void aPairOverIpv6FailsOverWhenANodeIsKilled() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create a network namespace");
        assumeTrue(run("ip", "netns", "add", NS) == 0, "needs iproute2 and network namespaces");
        assertThat(run("ip", "-n", NS, "link", "set", "lo", "up")).isZero();
        assertThat(run("ip", "-n", NS, "addr", "add", "fd00::11/128", "dev", "lo", "nodad")).isZero();
        assertThat(run("ip", "-n", NS, "addr", "add", "fd00::12/128", "dev", "lo", "nodad")).isZero();
        Files.writeString(dir.resolve("cluster-key"), "an-ipv6-cluster-key\n");
        Path n1 = config("n1", "fd00::11");
        Path n2 = config("n2", "fd00::12");
        Process p1 = start(n1);
        Process p2 = start(n2);
        Path log1 = dir.resolve("n1.log");
        Path log2 = dir.resolve("n2.log");
        await().atMost(Duration.ofSeconds(40)).until(() -> read(log1).contains("Initializing -> Normal (Normal)")
                && read(log2).contains("Initializing -> Normal (Normal)"));
        p1.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> read(log2).contains("-> Running in Backup Mode (Peer Down)"));
        assertThat(read(log2)).contains("listening on UDP fd00::12 port 22001");
        assertThat(p2.isAlive()).isTrue();
    }

    private Path config(String id, String address) throws IOException {
        Path f = dir.resolve(id + ".yaml");
        Files.writeString(f, """
                node:
                  id: %s
                  address: "%s"
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: v6
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: "fd00::11"
                    - id: n2
                      address: "fd00::12"
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 500ms
                  initKeepAliveTimeout: 15s
                stateDir: state/%s
                """.formatted(id, address, id));
        return f;
    }

    private Process start(Path config) throws IOException {
        Path log = dir.resolve(config.getFileName().toString().replace(".yaml", ".log"));
        Process p = new ProcessBuilder("ip", "netns", "exec", NS,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-jar", NodeProcess.jar().toString(), "node", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        nodes.add(p);
        return p;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int run(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
