package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.demo.DemoCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin CLI as an operator runs it: the jar, against a redundancy pair that is also a load-balancing group of
 * two real node processes (the demo cluster, fast profile).
 */
class AdminCliIT {
    private static final String N1 = "http://127.0.0.11:20075";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private NodeProcess n1;
    private NodeProcess n2;

    record Run(int code, String out) {}

    Run tandem(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("tandem.jar", "target/tandem.jar")));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--token-file", dir.resolve("admin-token").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @BeforeEach
    void startPair() throws Exception {
        List<Path> configs = DemoCluster.write(dir, 2, DemoCluster.Profile.FAST);
        n1 = new NodeProcess(configs.get(0)).start();
        n2 = new NodeProcess(configs.get(1)).start();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> tandem("show", "lb", "--admin", N1).out().contains("Peers : 1"));
    }

    @AfterEach
    void stopAll() {
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    @Test
    void showLbThenFailoverAndFallbackFromTheCli() throws Exception {
        // [LB-SHOW].
        Run lb = tandem("show", "vpn", "load-balancing", "--admin", N1);
        assertThat(lb.code()).isZero();
        assertThat(lb.out()).startsWith("Status : enabled\nRole : ").contains("Cluster IP : 127.0.0.10\nPeers : 1\n")
                .containsPattern("127\\.0\\.0\\.11\\s+(Master|Backup)\\s+\\d+\\s+Tandem")
                .containsPattern("127\\.0\\.0\\.12\\s+(Master|Backup)\\s+\\d+\\s+Tandem");

        // [RG-MANUAL]; Table 2 rows "On Admin Request".
        await().atMost(BOUND).until(() -> tandem("show", "redundancy", "--admin", N1).out()
                .contains("Actions available now: failover"));
        Run refused = tandem("ha", "fallback", "n1", "--admin", N1);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).startsWith("tandem: fallback of n1 refused: ");
        Run failover = tandem("ha", "failover", "n2", "--admin", N1);
        assertThat(failover.code()).as(failover.out()).isZero();
        await().atMost(BOUND).until(() -> tandem("show", "redundancy", "g1", "--admin", N1).out()
                .matches("(?s).*n1 .*Running in Backup Mode\\s+On Admin Request.*n2 .*Idle\\s+On Admin Request.*"));
        Run fallback = tandem("ha", "fallback", "n2", "--admin", N1);
        assertThat(fallback.code()).as(fallback.out()).isZero();
        await().atMost(BOUND).until(() -> tandem("ha", "status", "--admin", N1).out()
                .matches("(?s).*n1 .*Normal\\s+Normal.*n2 .*Normal\\s+Normal.*"));
    }
}
