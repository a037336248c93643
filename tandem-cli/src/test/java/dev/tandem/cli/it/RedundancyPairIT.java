package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.wire.RmCodec;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redundancy pair as two real node processes on 127.0.0.11 and .12 with the fast profile (100 ms heartbeats,
 * 500 ms timeout), killed and restarted the way hosts fail. Bounds are generous: exact timing belongs to the
 * simulator, speed to the benchmarks.
 */
class RedundancyPairIT {
    private static final String N1 = "127.0.0.11";
    private static final String N2 = "127.0.0.12";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private NodeProcess n1;
    private NodeProcess n2;
    private NodeAdmin admin;

    @BeforeEach
    void startPair() throws Exception {
        List<Path> configs = DemoCluster.write(dir, 2, DemoCluster.Profile.FAST);
        admin = new NodeAdmin(Files.readString(dir.resolve("admin-token")).strip());
        n1 = new NodeProcess(configs.get(0)).start();
        n2 = new NodeProcess(configs.get(1)).start();
        awaitState(N1, "n1", "Normal / Normal");
        awaitState(N2, "n2", "Normal / Normal");
    }

    @AfterEach
    void stopAll() {
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    @Test
    void killedNodeIsTakenOverThenFallsBackByApi() throws Exception {
        // [RG-T2], "Running in Backup Mode / Peer Down": the peer's process dies without a word.
        n1.kill();
        awaitState(N2, "n2", "Running in Backup Mode / Peer Down");
        // The node comes back: Failed Over / Initialization, and a fallback through the API restores Normal.
        n1 = new NodeProcess(dir.resolve("n1.yaml")).start();
        awaitState(N1, "n1", "Failed Over / Initialization");
        NodeAdmin.Answer a = admin.post(N2, "/api/v1/redundancy-groups/g1/fallback?node=n1");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(202);
        awaitState(N1, "n1", "Normal / Normal");
        awaitState(N2, "n2", "Normal / Normal");
    }

    @Test
    void gracefulStopIsPeerReboot() throws Exception {
        // [RG-T2], "Running in Backup Mode / Peer Reboot": a shutdown says goodbye.
        // The JVM reports a stop by SIGTERM as 143 (128 + 15); the systemd unit counts it as success.
        assertThat(n2.stop()).isIn(0, 143);
        awaitState(N1, "n1", "Running in Backup Mode / Peer Reboot");
        assertThat(n2.log()).contains("node n2 stopped");
    }

    @Test
    void restartInIdleStaysIdle() throws Exception {
        NodeAdmin.Answer a = admin.post(N1, "/api/v1/redundancy-groups/g1/failover?node=n1");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(202);
        awaitState(N1, "n1", "Idle / On Admin Request");
        awaitState(N2, "n2", "Running in Backup Mode / On Admin Request");
        // [RG-T2], "Idle / Initialization | Running in Backup Mode / On Admin Request".
        n1.stop();
        n1 = new NodeProcess(dir.resolve("n1.yaml")).start();
        awaitState(N1, "n1", "Idle / Initialization");
        assertThat(admin.stateOf(N2, "n2")).isEqualTo("Running in Backup Mode / On Admin Request");
        // An action the state does not allow: 409 with the reason.
        NodeAdmin.Answer refused = admin.post(N1, "/api/v1/redundancy-groups/g1/failover?node=n1");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().get("message").asText()).contains("Idle");
        assertThat(admin.post(N1, "/api/v1/redundancy-groups/nope/recover").status()).isEqualTo(404);
    }

    @Test
    void garbageAndForeignPacketsChangeNothing() throws Exception {
        String key = Files.readString(dir.resolve("cluster-key")).strip();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.99", 0))) {
            Random r = new Random(7);
            for (String host : List.of(N1, N2)) {
                InetSocketAddress to = new InetSocketAddress(host, 22001);
                for (int i = 0; i < 50; i++) {
                    byte[] junk = new byte[r.nextInt(200)];
                    r.nextBytes(junk);
                    s.send(new DatagramPacket(junk, junk.length, to));
                }
                // A heartbeat claiming to be the peer, sealed with the wrong key.
                Envelope wrong = new Envelope(Optional.of(ClusterKey.fromSecret("not-the-cluster-key")), true, "n2", 1);
                byte[] forged = wrong.seal(RmCodec.KIND, RmCodec.encode(heartbeat("n2", NodeState.RUNNING_IN_FAILED_MODE)));
                s.send(new DatagramPacket(forged, forged.length, to));
                // A truncated copy of a well-formed message.
                s.send(new DatagramPacket(forged, 10, to));
                // A message from a stranger with the right key, sent twice: the copy is a replay.
                Envelope right = new Envelope(Optional.of(ClusterKey.fromSecret(key)), true, "intruder", 1);
                byte[] once = right.seal(RmCodec.KIND, RmCodec.encode(heartbeat("intruder", NodeState.IDLE)));
                s.send(new DatagramPacket(once, once.length, to));
                s.send(new DatagramPacket(once, once.length, to));
            }
        }
        for (String host : List.of(N1, N2)) {
            await().atMost(BOUND).untilAsserted(() -> {
                String m = admin.metrics(host);
                assertThat(counter(m, "unauthenticated")).isGreaterThanOrEqualTo(1);
                assertThat(counter(m, "replayed")).isGreaterThanOrEqualTo(1);
                assertThat(counter(m, "truncated") + counter(m, "bad_magic")).isGreaterThanOrEqualTo(40);
            });
        }
        Thread.sleep(1500); // well past the 500 ms timeout: any effect would show by now
        assertThat(admin.stateOf(N1, "n1")).isEqualTo("Normal / Normal");
        assertThat(admin.stateOf(N2, "n2")).isEqualTo("Normal / Normal");
        assertThat(n1.log() + n2.log()).doesNotContain(key);
    }

    @Test
    void aBadConfigurationStopsTheNodeWithExitCodeTwoAndTheLine() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "node:\n  id: n9\n  address: 127.0.0.19\nparameters:\n  keepAliveTimeout: 5q\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                NodeProcess.jar().toString(), "node", "--config", bad.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).contains(bad + ":5: parameters.keepAliveTimeout").contains("5q");
    }

    private static RmMessage.Heartbeat heartbeat(String from, NodeState state) {
        return new RmMessage.Heartbeat(NodeId.of(from), "g1", "x", 99, 1, state, Reason.UNKNOWN, null, true, true, 0,
                dev.tandem.core.rm.Versions.current("it"));
    }

    private static double counter(String metrics, String cause) {
        return metrics.lines().filter(l -> l.startsWith("tandem_packets_dropped_total{cause=\"" + cause + "\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void awaitState(String host, String id, String expected) {
        Supplier<String> logs = () -> "\n--- n1 log\n" + n1.log() + "\n--- n2 log\n" + n2.log();
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> admin.stateOf(host, id).equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(id + " never reached " + expected + "; it is " + admin.stateOf(host, id) + logs.get(), e);
        }
    }
}
