package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tandem.node.config.CheckConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Critical-service checks (docs/architecture.md, Vocabulary: a local check, TCP, HTTP, process, command, database; docs/node.md:
 * each at its interval with its timeout, history in the API). A change of verdict is reported to the recovery manager
 * once, however often the check runs.
 */
class HealthChecksTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** One call of the listener. */
    record Reported(String check, boolean up) {}

    private final List<Reported> reported = new CopyOnWriteArrayList<>();
    private final List<CheckConfig> reportedConfigs = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** A clock that moves one second at every reading, so the order of the history shows in its instants. */
    private final Clock clock = new Clock() {
        private final AtomicLong ticks = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.parse("2030-01-01T00:00:00Z").plusSeconds(ticks.incrementAndGet());
        }
    };

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
        // A scripted probe started just before the close may still be writing its count: let the directory settle
        // (the same listing and contents three looks in a row) before JUnit removes it.
        String before = "";
        for (int same = 0, looks = 0; same < 3 && looks < 30; looks++) {
            Thread.sleep(100);
            String now = listing();
            same = now.equals(before) ? same + 1 : 0;
            before = now;
        }
    }

    private String listing() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                b.append(f.getFileName()).append('=');
                try {
                    b.append(Files.readString(f).strip());
                } catch (IOException gone) {
                    b.append("(gone)");
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private HealthChecks start(CheckConfig... checks) {
        HealthChecks h = new HealthChecks(List.of(checks), (c, up) -> {
            reportedConfigs.add(c);
            reported.add(new Reported(c.name(), up));
        }, clock);
        toClose.add(h);
        h.start();
        return h;
    }

    private static CheckConfig check(String name, String kind, String target, String url, Integer status, String body,
                                     String pidFile, String processName, List<String> command, String jdbc,
                                     Duration timeout) {
        return new CheckConfig(name, kind, target, url, status, body, pidFile, processName, command, jdbc, INTERVAL, timeout);
    }

    private static CheckConfig tcp(String name, String target) {
        return check(name, "tcp", target, null, null, null, null, null, null, null, TIMEOUT);
    }

    private static CheckConfig http(String name, String url, Integer status, String body) {
        return check(name, "http", null, url, status, body, null, null, null, null, TIMEOUT);
    }

    private static CheckConfig command(String name, Duration timeout, String... command) {
        return check(name, "command", null, null, null, null, null, null, List.of(command), null, timeout);
    }

    private static CheckConfig pidFile(String name, Path pidFile) {
        return check(name, "process", null, null, null, null, pidFile.toString(), null, null, null, TIMEOUT);
    }

    private static CheckConfig processName(String name, String processName) {
        return check(name, "process", null, null, null, null, null, processName, null, null, TIMEOUT);
    }

    private List<Reported> reportsOf(String check) {
        return reported.stream().filter(r -> r.check().equals(check)).toList();
    }

    private void awaitReports(String check, Boolean... ups) {
        List<Reported> want = java.util.Arrays.stream(ups).map(u -> new Reported(check, u)).toList();
        await().atMost(WAIT).untilAsserted(() -> assertThat(reportsOf(check)).isEqualTo(want));
    }

    /** Long enough for a check at INTERVAL to run many more times. */
    private static void severalIntervals() throws InterruptedException {
        Thread.sleep(INTERVAL.toMillis() * 12);
    }

    private ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream();
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }

    // ---------------------------------------------------------------- tcp

    @Test
    void tcpIsUpWhileThePortAcceptsAndEachChangeIsReportedOnce() throws Exception {
        ServerSocket server = listen();
        int port = server.getLocalPort();
        HealthChecks h = start(tcp("router", "127.0.0.1:" + port));

        awaitReports("router", true);
        severalIntervals();
        assertThat(reportsOf("router")).as("a steady verdict is reported once").hasSize(1);

        server.close();
        awaitReports("router", true, false);
        severalIntervals();
        assertThat(reportsOf("router")).hasSize(2);
        assertThat(h.verdicts()).isEqualTo(Map.of("router", false));

        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        toClose.add(again);
        Thread.ofVirtual().start(() -> {
            while (!again.isClosed()) {
                try (Socket s = again.accept()) {
                    s.getInputStream();
                } catch (IOException e) {
                    return;
                }
            }
        });
        awaitReports("router", true, false, true);

        List<HealthChecks.Change> history = h.history();
        assertThat(history).extracting(HealthChecks.Change::up).containsExactly(true, false, true);
        assertThat(history).extracting(HealthChecks.Change::check).containsOnly("router");
        assertThat(history.get(0).at()).as("newest first").isAfter(history.get(1).at());
        assertThat(history.get(1).at()).isAfter(history.get(2).at());
        assertThat(history.get(1).detail()).contains("ConnectException");
        assertThat(history.get(0).detail()).isEqualTo("up");
    }

    @Test
    void theListenerIsGivenTheCheckItself() {
        CheckConfig c = tcp("closed", "127.0.0.1:1");
        start(c);
        awaitReports("closed", false);
        assertThat(reportedConfigs).containsExactly(c);
    }

    // ---------------------------------------------------------------- http

    @Test
    void httpFollowsTheStatusAndTheBody() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        AtomicReference<String> body = new AtomicReference<>("all ok");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> {
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.createContext("/maintenance", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.start();
        toClose.add(() -> server.stop(0));
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        HealthChecks h = start(http("web", base + "/health", null, "ok"),
                http("maint", base + "/maintenance", 503, null),
                http("plain", base + "/health", 200, null));

        awaitReports("web", true);
        awaitReports("maint", true);
        awaitReports("plain", true);

        status.set(500);
        awaitReports("web", true, false);
        awaitReports("plain", true, false);
        assertThat(h.history().stream().filter(c -> c.check().equals("web")).findFirst().orElseThrow().detail())
                .isEqualTo("status 500, expected 200");

        // Still down, for another reason: not a change.
        body.set("failure");
        status.set(200);
        awaitReports("plain", true, false, true);
        severalIntervals();
        assertThat(reportsOf("web")).hasSize(2);

        body.set("ok again");
        awaitReports("web", true, false, true);
        severalIntervals();
        assertThat(reportsOf("web")).hasSize(3);
        assertThat(reportsOf("maint")).hasSize(1);
    }

    @Test
    void httpIsDownWhenNothingAnswers() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        HealthChecks h = start(http("gone", "http://127.0.0.1:" + port + "/health", null, null));

        awaitReports("gone", false);
        assertThat(h.history().get(0).detail()).contains("ConnectException");
    }

    // ---------------------------------------------------------------- command

    /**
     * A command check whose probes exit with {@code results} in order (0 up, 1 down), then 0; it counts its probes
     * in a file, written whole at once so that the test never reads half of it.
     */
    private CheckConfig scripted(String name, String results, int failAfter, int recoverAfter) throws IOException {
        Path list = Files.writeString(dir.resolve(name + ".results"), results.replace(' ', '\n') + "\n");
        Path count = dir.resolve(name + ".count");
        String script = "n=$(cat " + count + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + count + ".tmp; mv "
                + count + ".tmp " + count + "; code=$(sed -n \"${n}p\" " + list + "); exit ${code:-0}";
        return new CheckConfig(name, "command", null, null, null, null, null, null, List.of("sh", "-c", script), null,
                INTERVAL, TIMEOUT, null, failAfter, recoverAfter);
    }

    /** Waits until the scripted check {@code name} has probed more than {@code n} times. */
    private void awaitProbes(String name, int n) {
        Path count = dir.resolve(name + ".count");
        await().atMost(WAIT).until(() -> Files.exists(count) && Integer.parseInt(Files.readString(count).strip()) > n);
    }

    /**
     * failAfter and recoverAfter: one failed probe between good ones changes nothing; two in a row make the service
     * down; it is up again after three good ones in a row.
     */
    @Test
    void aVerdictChangesOnlyAfterTheProbesInARowItAsksFor() throws Exception {
        start(scripted("steady", "0 1 0 1 0 1 1 0 0 1 0 0 0", 2, 3));
        awaitProbes("steady", 16);
        assertThat(reportsOf("steady")).containsExactly(new Reported("steady", true), new Reported("steady", false),
                new Reported("steady", true));
    }

    /**
     * Before its first verdict a failing check is down only after failAfter failures in a row: two failures, then
     * good probes, with failAfter 3, and the first verdict is up.
     */
    @Test
    void aFirstVerdictOfDownWaitsForFailAfterProbes() throws Exception {
        start(scripted("late", "1 1", 3, 1));
        awaitProbes("late", 6);
        assertThat(reportsOf("late")).containsExactly(new Reported("late", true));
    }

    @Test
    void commandIsUpOnExitStatusZero() throws Exception {
        HealthChecks h = start(command("yes", TIMEOUT, "true"), command("no", TIMEOUT, "false"));

        awaitReports("yes", true);
        awaitReports("no", false);
        severalIntervals();
        assertThat(reportsOf("yes")).hasSize(1);
        assertThat(reportsOf("no")).hasSize(1);
        assertThat(h.verdicts()).isEqualTo(Map.of("yes", true, "no", false));
        assertThat(h.history()).filteredOn(c -> c.check().equals("no")).singleElement()
                .extracting(HealthChecks.Change::detail).isEqualTo("exit status 1");
    }

    @Test
    void aCommandLongerThanItsTimeoutIsDown() throws Exception {
        long started = System.nanoTime();
        HealthChecks h = start(command("slow", Duration.ofMillis(200), "sleep", "30"));

        awaitReports("slow", false);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(h.history().get(0).detail()).contains("timed out");
    }

    @Test
    void aCommandCheckFollowsItsService() throws Exception {
        Path flag = dir.resolve("up");
        start(command("flag", TIMEOUT, "test", "-f", flag.toString()));

        awaitReports("flag", false);
        Files.writeString(flag, "");
        awaitReports("flag", false, true);
        Files.delete(flag);
        awaitReports("flag", false, true, false);
        severalIntervals();
        assertThat(reportsOf("flag")).hasSize(3);
    }

    @Test
    void aCommandThatCannotStartIsDown() {
        HealthChecks h = start(command("missing", TIMEOUT, dir.resolve("nope").toString()));

        awaitReports("missing", false);
        assertThat(h.history().get(0).detail()).contains("IOException");
    }

    // ---------------------------------------------------------------- process

    @Test
    void aProcessNamedByAPidFileIsUpWhileTheFileNamesALiveProcess() throws Exception {
        Path pid = Files.writeString(dir.resolve("me.pid"), ProcessHandle.current().pid() + "\n");
        Path missing = dir.resolve("missing.pid");
        HealthChecks h = start(pidFile("me", pid), pidFile("missing", missing));

        awaitReports("me", true);
        awaitReports("missing", false);
        assertThat(h.history()).filteredOn(c -> c.check().equals("missing")).singleElement()
                .extracting(HealthChecks.Change::detail).isEqualTo("process not running");

        Files.delete(pid);
        awaitReports("me", true, false);
        Files.writeString(missing, Long.toString(ProcessHandle.current().pid()));
        awaitReports("missing", false, true);
    }

    @Test
    void aPidFileOfAnEndedProcessOrOfGarbageIsDown() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path ended = Files.writeString(dir.resolve("ended.pid"), Long.toString(p.pid()));
        Path garbage = Files.writeString(dir.resolve("garbage.pid"), "not a pid");
        start(pidFile("ended", ended), pidFile("garbage", garbage));

        awaitReports("ended", false);
        awaitReports("garbage", false);
    }

    @Test
    void aProcessFoundByName() {
        String java = Path.of(ProcessHandle.current().info().command().orElseThrow()).getFileName().toString();
        start(processName("jvm", java), processName("none", "no-such-process-" + ProcessHandle.current().pid()));

        awaitReports("jvm", true);
        awaitReports("none", false);
    }

    // ---------------------------------------------------------------- database and stopping

    @Test
    void aDatabaseThatCannotBeReachedIsDown() {
        CheckConfig db = check("db", "database", null, null, null, null, null, null, null, "jdbc:no-such-driver:x",
                Duration.ofSeconds(1));
        HealthChecks h = start(db);

        awaitReports("db", false);
        assertThat(h.history().get(0).detail()).contains("SQLException");
    }

    @Test
    void afterCloseNothingMoreIsReported() throws Exception {
        Path flag = dir.resolve("up");
        HealthChecks h = start(command("flag", TIMEOUT, "test", "-f", flag.toString()));
        awaitReports("flag", false);

        h.close();
        Thread.sleep(INTERVAL.toMillis() * 2);
        Files.writeString(flag, "");
        severalIntervals();

        assertThat(reportsOf("flag")).hasSize(1);
    }

    @Test
    void theHistoryListsChangesOfAllChecksNewestFirst() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        HealthChecks h = start(command("a", TIMEOUT, "test", "-f", a.toString()),
                command("b", TIMEOUT, "test", "-f", b.toString()));
        awaitReports("a", false);
        awaitReports("b", false);

        Files.writeString(a, "");
        awaitReports("a", false, true);
        Files.writeString(b, "");
        awaitReports("b", false, true);
        Files.delete(a);
        awaitReports("a", false, true, false);

        List<HealthChecks.Change> history = h.history();
        assertThat(history).hasSize(5);
        assertThat(history.subList(0, 3)).extracting(c -> c.check() + "=" + c.up()).containsExactly("a=false", "b=true", "a=true");
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i - 1).at()).isAfterOrEqualTo(history.get(i).at()); // the first checks of a and b can share a clock tick
        }
    }
}
