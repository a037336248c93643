package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem demo} as a newcomer runs it (issue: "Ctrl-C stops everything it started, leaving no process
 * behind"): a scripted run that kills and restarts a node and quits by itself; a run stopped with SIGTERM (what
 * Ctrl-C's SIGINT does to a JVM: the shutdown hooks run); and a run killed with SIGKILL, whose nodes follow it.
 */
class DemoIT {
    @TempDir
    Path dir;

    private Process demo(Path where, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", NodeProcess.jar().toString(), "demo", "--nodes", "2", "--clients", "20", "--dir", where.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("demo.out").toFile())).start();
    }

    private String output() throws IOException {
        Path out = dir.resolve("demo.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    /** Every process on this machine whose command line names {@code where}: the demo's nodes. */
    private static List<Long> processesOf(Path where) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains(where.toString()) && cmdline.contains(" node ")) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        }
        return pids;
    }

    private void awaitDirector() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> output().contains("holds the cluster address"));
    }

    @Test
    void aScriptedDemoActsAndQuitsAndLeavesNoProcess() throws Exception {
        Path where = dir.resolve("scripted");
        Path script = Files.writeString(dir.resolve("tour.txt"), """
                # kill the second node, bring it back, quit
                3s kill n2
                6s start n2
                12s quit
                """);
        Process p = demo(where, "--script", script.toString());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(output()).isTrue();
        String out = output();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("holds the cluster address").contains("Clients: 20")
                .contains("script line 2: killed n2 (SIGKILL)").contains("script line 3: started n2")
                .contains("stopped every node the demo started");
        assertThat(processesOf(where)).isEmpty();
        assertThat(Files.readString(where.resolve("logs").resolve("n1.log"))).contains("redirect service on http://127.0.0.10:8443");
        // Every node has a service address on loopback with the bind driver, and the table says who holds it: at
        // the end n2 is back but failed over (the demo falls back only when asked), so n1 still holds n2's address.
        assertThat(Files.readString(where.resolve("n2.yaml"))).contains("serviceAddress: 127.0.0.111")
                .contains("serviceAddress: 127.0.0.112").contains("serviceAddresses:\n  driver: bind");
        assertThat(out).contains("started n1 on 127.0.0.11, service address 127.0.0.111")
                .containsPattern("node +address +service +held by");
        String last = out.substring(out.lastIndexOf("Load-balancing group:"));
        assertThat(last).as(out).containsPattern("n1 +127\\.0\\.0\\.11 +127\\.0\\.0\\.111 +n1 ")
                .containsPattern("n2 +127\\.0\\.0\\.12 +127\\.0\\.0\\.112 +n1 ");
    }

    @Test
    void sigtermStopsEveryNodeTheDemoStarted() throws Exception {
        Path where = dir.resolve("term");
        Process p = demo(where);
        awaitDirector();
        assertThat(processesOf(where)).hasSize(2);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(output()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> processesOf(where).isEmpty());
    }

    @Test
    void nodesFollowADemoKilledWithSigkill() throws Exception {
        Path where = dir.resolve("kill");
        Process p = demo(where);
        awaitDirector();
        assertThat(processesOf(where)).hasSize(2);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> processesOf(where).isEmpty());
    }

    @Test
    void aBadScriptIsRefusedBeforeAnythingStarts() throws Exception {
        Path script = Files.writeString(dir.resolve("bad.txt"), "5s kill n1\n2s start n1\n");
        Path where = dir.resolve("bad");
        Process p = demo(where, "--script", script.toString());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output()).contains("bad.txt:2: time").contains("no earlier");
        assertThat(processesOf(where)).isEmpty();
    }
}
