package dev.tandem.bench.stateful;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Machine;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.proc.Admin;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.bench.proc.RealProcessOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Stateful failover on real processes (docs/session-service.md, Stateful failover): a pair with service addresses,
 * N clients logged in at n1's service address heartbeating every interval, then n1 killed (SIGKILL), its users
 * taken back (fallback), moved by a manual failover, and n1 frozen (SIGSTOP) until n2 takes over, then thawed. For
 * each: sessions lost and each client's interruption; with both session handovers (keep and relogin), and the
 * login latency with synchronous replication and the time a snapshot of many sessions takes.
 */
@Command(name = "stateful-failover", mixinStandardHelpOptions = true,
        description = "Sessions through failures: a pair with service addresses, N clients heartbeating at n1's"
                + " address; kill -9, fallback, manual failover and SIGSTOP; sessions lost and interruption per client,"
                + " handover keep beside relogin; login latency and snapshot time.")
public final class StatefulFailoverScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--clients", defaultValue = "50,200,1000", split = ",",
            description = "clients logged in at n1's address, one run per count (default ${DEFAULT-VALUE})")
    List<Integer> clientCounts;

    @Option(names = "--heartbeat", defaultValue = "100", description = "client heartbeat interval in ms (default ${DEFAULT-VALUE})")
    int heartbeatMs;

    @Option(names = "--steady", defaultValue = "10",
            description = "seconds the clients heartbeat before the first event, so that the nodes' heartbeat path is"
                    + " compiled and the figures are their steady state (default ${DEFAULT-VALUE})")
    int steadySeconds;

    @Option(names = "--client-threads", defaultValue = "1",
            description = "event loop threads the clients are spread over (default ${DEFAULT-VALUE}); see the column"
                    + " \"clients' loop late\"")
    int clientThreads;

    @Option(names = "--handover", defaultValue = "both", description = "keep, relogin or both (default ${DEFAULT-VALUE})")
    String handover;

    @Option(names = "--snapshot-sessions", defaultValue = "100000",
            description = "sessions in the snapshot measured at the end (keep only; 0: none; default ${DEFAULT-VALUE})")
    int snapshotSessions;

    @Option(names = "--keep-files", description = "keep each run's directory (configurations and node logs) and print where it is")
    boolean keepFiles;

    private static final int ADMIN_PORT = 20075;
    @Option(names = "--warm-up", defaultValue = "2000",
            description = "untimed logins at each node before the timed ones; they stay logged in without heartbeats"
                    + " (default ${DEFAULT-VALUE})")
    int warmUpLogins;
    private static final int SESSION_PORT = 8443;
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** Splits of the pair during the current run, and whether the one now was counted. */
    private int splits;
    private boolean splitSeen;
    /** The nodes' JVM: room for the snapshot's sessions on both nodes. */
    private static final List<String> NODE_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC");

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        for (int n : clientCounts) {
            if (n < 1) throw new IllegalArgumentException("--clients: " + n + " is not allowed; allowed: 1 or more");
        }
        if (heartbeatMs < 10) throw new IllegalArgumentException("--heartbeat: " + heartbeatMs + " is not allowed; allowed: 10 ms or more");
        if (steadySeconds < 0) throw new IllegalArgumentException("--steady: " + steadySeconds + " is not allowed; allowed: 0 or more");
        if (warmUpLogins < 0) throw new IllegalArgumentException("--warm-up: " + warmUpLogins + " is not allowed; allowed: 0 or more");
        if (snapshotSessions < 0) throw new IllegalArgumentException("--snapshot-sessions: " + snapshotSessions + " is not allowed; allowed: 0 or more");
        List<String> modes = switch (handover) {
            case "keep" -> List.of("keep");
            case "relogin" -> List.of("relogin");
            case "both" -> List.of("keep", "relogin");
            default -> throw new IllegalArgumentException("--handover: '" + handover + "' is not allowed; allowed: keep, relogin, both");
        };
        Path jar = env.requireJar();
        Result r = new Result("stateful-failover", "Stateful failover", env.command())
                .parameter("clients", clientCounts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")))
                .parameter("heartbeatMs", heartbeatMs).parameter("subnet", real.subnet)
                .parameter("snapshotSessions", snapshotSessions).parameter("warmUp", warmUpLogins).parameter("steadySeconds", steadySeconds).parameter("clientThreads", clientThreads).parameter("nodeJvm", String.join(" ", NODE_JVM));
        Result.Table t = r.table("Sessions through failures: per-client interruption in milliseconds (the longest"
                + " time between two answered heartbeats, from the last one before the event on)", "handover", "event", "clients", "sessions lost", "min",
                "median", "p99", "max", "answered by", "clients' loop late, max");
        Result.Table logins = r.table("Login latency in milliseconds (one login at a time after " + warmUpLogins
                + " untimed ones; with keep each is answered after the peer acknowledged it)", "handover", "clients", "logins",
                "median", "p99", "max");
        Result.Table load = r.table("The machine while the clients heartbeat (one second before the first event; the"
                + " nodes and the clients share its cores), and how often the pair split under that load", "handover",
                "clients", "heartbeats per second", "idle CPU (%)", "pair splits recovered");
        Result.Table snapshot = r.table("Snapshot: a returning peer receives every session", "sessions",
                "snapshot to acknowledged (ms)");
        r.note("The pair: fast profile (100 ms heartbeats, 500 ms Keep Alive Timeout), service addresses with the bind"
                + " driver, session handover keep or relogin; every client logs in at n1's service address and"
                + " heartbeats every " + heartbeatMs + " ms on a keep-alive connection of its own, waiting at most a second for"
                + " an answer; a heartbeat that found none is repeated after a quarter interval for a second from the"
                + " first failure and from each 503 moving, else each interval, as TandemClient does.");
        r.note("Killed: SIGKILL to n1; n2 declares it down and claims its address. Fallback: n1 restarted, then"
                + " taken back by the API. Manual failover: n1's users moved to n2 by the API. Silent: SIGSTOP to n1"
                + " until n2 has taken over (the Keep Alive Timeout), then SIGCONT; on one host the bind driver cannot"
                + " take an address from a stopped process, so the woken n1 answers again (a real host's linux driver"
                + " moves it with a gratuitous ARP).");
        r.note("The clients' loop late, max: " + clientThreads + " thread(s) carry every client, and a task each runs every 10 ms was this"
                + " late at most from the event until every client was answered again and two heartbeat intervals"
                + " more (in ms). An interruption"
                + " includes it: an answer waits for the loop to read it, a retry for the loop to send it. Large"
                + " values mean the figures are partly the clients', on a machine whose cores they share with the"
                + " nodes.");
        r.note("Before the timed logins, " + warmUpLogins + " untimed ones at each node's service address, so that"
                + " the figures are the nodes' steady state rather than their JIT's warm-up; those sessions stay"
                + " logged in without heartbeats and move with their users like the others. The clients then"
                + " heartbeat " + steadySeconds + " s before the first event, so that n1's heartbeat path is compiled;"
                + " n2, the standby, has answered no heartbeat before it takes over, as a standby in Active/Standby.");
        r.note("With relogin a client whose session is gone logs in again at once at the same address; a real client"
                + " waits the Client Re-Login delay first (120 to 537 s by default), so its interruption is that much"
                + " longer.");
        try (LoopbackLock.Batch lock = LoopbackLock.batch(real.lock)) {
            lock.hold();
            for (String mode : modes) {
                for (int i = 0; i < clientCounts.size(); i++) {
                    // The snapshot once per handover, after the last count.
                    boolean last = i == clientCounts.size() - 1;
                    run(jar, mode, clientCounts.get(i), last && snapshotSessions > 0, t, logins, load, snapshot);
                    r.write(env.results());
                }
            }
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    private String host(int i) {
        return "127.0." + real.subnet + "." + (11 + i);
    }

    private String serviceAddress(int i) {
        return "127.0." + real.subnet + "." + (21 + i);
    }

    private Path config(Path dir, int i, String mode, int maxSessions) throws Exception {
        String yaml = """
                node: {id: n%d, address: %s}
                admin: {address: %s, port: %d, tokenFile: admin-token}
                cluster: {keyFile: cluster-key, encryption: true}
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - {id: n1, address: %s, serviceAddress: %s}
                    - {id: n2, address: %s, serviceAddress: %s}
                parameters: {keepAliveInterval: 100ms, keepAliveTimeout: 500ms, initKeepAliveTimeout: 15s}
                stateDir: state/n%d
                sessionService:
                  port: %d
                  maxSessions: %d
                  heartbeatInterval: %dms
                  inactiveAfter: 30s
                  handover: %s
                  maxSessionsPerAddress: %d
                  http: {maxConnectionsPerClient: 100000}
                """.formatted(i + 1, host(i), host(i), ADMIN_PORT, host(0), serviceAddress(0), host(1), serviceAddress(1),
                i + 1, SESSION_PORT, maxSessions, heartbeatMs, mode, maxSessions);
        return Files.writeString(dir.resolve("n" + (i + 1) + ".yaml"), yaml);
    }

    private void run(Path jar, String mode, int clients, boolean measureSnapshot, Result.Table t, Result.Table logins,
                     Result.Table load, Result.Table snapshot) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-stateful");
        Files.writeString(dir.resolve("admin-token"), "bench-token-of-stateful-failover\n");
        Files.writeString(dir.resolve("cluster-key"), "bench-cluster-key-of-stateful-failover\n");
        Admin admin = new Admin("bench-token-of-stateful-failover", ADMIN_PORT);
        // Room for both nodes' sessions on either one, so that a takeover never refuses a session for licences.
        int max = Math.max(100, 2 * (clients + warmUpLogins) + snapshotSessions);
        Path[] configs = {config(dir, 0, mode, max), config(dir, 1, mode, max)};
        NodeProc[] nodes = new NodeProc[2];
        List<String> heap = NODE_JVM;
        boolean keep = mode.equals("keep");
        try (HeartbeatingClients c = new HeartbeatingClients(Duration.ofMillis(heartbeatMs), SESSION_PORT, clientThreads)) {
            // One after the other: two JVMs starting at once on a small machine can miss the fast profile's
            // half-second timeout and split (both Running in Failed Mode); a Recover then rejoins them.
            nodes[0] = new NodeProc(jar, configs[0], heap).start();
            await("n1 up", () -> admin.stateOf(host(0), "n1").isPresent(), nodes);
            nodes[1] = new NodeProc(jar, configs[1], heap).start();
            await("the pair Normal / Normal" + (keep ? " with both standbys ready" : ""), () -> {
                recoverIfSplit(admin);
                return normal(admin, 0) && normal(admin, 1) && holds(admin, 0, 0) && accepting(serviceAddress(0))
                        && accepting(serviceAddress(1))
                        && (!keep || standbyReady(admin, 0) && standbyReady(admin, 1));
            }, nodes);
            // One at a time: the latency of a login and its replication, not the queue of many in flight; after
            // as many untimed ones, so that it is the nodes' steady state and not their JIT's warm-up.
            c.warmUp(serviceAddress(0), warmUpLogins);
            c.warmUp(serviceAddress(1), warmUpLogins);
            c.login(serviceAddress(0), clients, 1);
            logins.row(mode, clients, c.loginMillis.count(), Result.round(c.loginMillis.median(), 2),
                    Result.round(c.loginMillis.p99(), 2), Result.round(c.loginMillis.max(), 2));
            c.start();
            splits = 0; // from here on: splits under the clients' load (a start-up split is recovered above)
            splitSeen = false;
            Thread.sleep(Math.max(3L * heartbeatMs, steadySeconds * 1000L - 1000));
            double idle = Machine.idlePercent(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            System.out.printf("stateful-failover %s %d clients: %.0f%% of the CPU idle while they heartbeat%n", mode,
                    clients, idle);

            // 1. n1 killed.
            measure(t, mode, "killed (SIGKILL)", c, () -> nodes[0].kill(), "n2", nodes);
            nodes[0] = new NodeProc(jar, configs[0], heap).start();
            await("n1 back, Failed Over", () -> admin.stateOf(host(0), "n1").orElse("").startsWith("Failed Over")
                    && (!keep || standbyReady(admin, 1)), nodes);
            // 2. n1 takes its users back.
            measure(t, mode, "fallback", c, () -> admin.post(host(1), "/api/v1/redundancy-groups/g1/fallback?node=n1",
                    "application/json", ""), "n1", nodes);
            await("Normal / Normal", () -> {
                recoverIfSplit(admin);
                return normal(admin, 0) && normal(admin, 1) && (!keep || standbyReady(admin, 0));
            }, nodes);
            // 3. n1's users moved by hand.
            measure(t, mode, "manual failover", c, () -> admin.post(host(0), "/api/v1/redundancy-groups/g1/failover?node=n1",
                    "application/json", ""), "n2", nodes);
            admin.post(host(1), "/api/v1/redundancy-groups/g1/fallback?node=n1", "application/json", "");
            long back = System.nanoTime();
            await("n1 serving again", () -> {
                recoverIfSplit(admin);
                return c.allAnsweredBy("n1", back) && normal(admin, 0) && normal(admin, 1) && (!keep || standbyReady(admin, 0));
            }, nodes);
            // 4. n1 silent until n2 takes over, then awake.
            measure(t, mode, "silent (SIGSTOP, then SIGCONT)", c, () -> {
                nodes[0].freeze();
                await("n2 in backup mode", () -> admin.stateOf(host(1), "n2").orElse("").startsWith("Running in Backup Mode"), nodes);
                nodes[0].thaw();
            }, null, nodes);
            load.row(mode, clients, Math.round(clients * 1000.0 / heartbeatMs), Result.round(idle, 0), splits);
        } finally {
            for (NodeProc n : nodes) if (n != null) n.close();
        }
        if (keep && measureSnapshot) snapshot(jar, dir, configs, heap, admin, snapshot);
        if (keepFiles) System.out.println("stateful-failover " + mode + ": configurations and node logs kept in " + dir);
        else PairFailoverScenario.deleteTree(dir);
    }

    /** The peer restarts and receives a snapshot of {@code snapshotSessions} sessions held by n2. */
    private void snapshot(Path jar, Path dir, Path[] configs, List<String> heap, Admin admin, Result.Table table)
            throws Exception {
        NodeProc[] nodes = new NodeProc[2];
        try (HeartbeatingClients c = new HeartbeatingClients(Duration.ofSeconds(20), SESSION_PORT)) {
            nodes[1] = new NodeProc(jar, configs[1], heap).start();
            // n2's admin API answers before n2 serves its users and before its driver has bound its service
            // address: a login sent then finds nothing listening.
            await("n2 holding its own service address", () -> holds(admin, 1, 1) && accepting(serviceAddress(1)), nodes);
            c.login(serviceAddress(1), snapshotSessions, 64);
            nodes[0] = new NodeProc(jar, configs[0], heap).start();
            await("n2's standby ready", () -> standbyReady(admin, 1), nodes);
            long millis = admin.failover(host(1)).orElseThrow().replication().lastSnapshotMillis();
            table.row(snapshotSessions, millis);
            System.out.printf("stateful-failover snapshot of %d sessions: %d ms%n", snapshotSessions, millis);
        } finally {
            for (NodeProc n : nodes) if (n != null) n.close();
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private void measure(Result.Table t, String mode, String event, HeartbeatingClients c, Action action, String by,
                         NodeProc[] nodes) throws Exception {
        int lostBefore = c.lost();
        long mark = c.mark();
        Thread.sleep(2L * heartbeatMs); // every client answered once since the mark
        long t0 = System.nanoTime();
        System.out.printf("stateful-failover %s %s: starts at %s%n", mode, event, java.time.Instant.now());
        c.loopLateMillis(); // from the event on
        action.run();
        await(event + ": every client answered" + (by == null ? "" : " by " + by),
                () -> by == null ? everyoneAnsweredSince(c, t0) : c.allAnsweredBy(by, t0), nodes);
        Thread.sleep(2L * heartbeatMs);
        double late = c.loopLateMillis();
        Samples s = c.interruptions(mark, t0);
        int lost = c.lost() - lostBefore;
        String answeredBy = by != null ? by : c.clients().get(0).answeredBy;
        t.row(mode, event, s.count(), lost, Result.round(s.min(), 1), Result.round(s.median(), 1),
                Result.round(s.p99(), 1), Result.round(s.max(), 1), answeredBy, Result.round(late, 1));
        System.out.printf("stateful-failover %s %s, %d clients: %d lost, interruption median %.1f ms, p99 %.1f ms"
                + " (the clients' loop %.1f ms late at most)%n", mode, event, s.count(), lost, s.median(), s.p99(), late);
    }

    private static boolean everyoneAnsweredSince(HeartbeatingClients c, long t0) {
        for (HeartbeatingClients.Client x : c.clients()) if (x.lastAnsweredNanos < t0) return false;
        return true;
    }

    /**
     * Both nodes in Running in Failed Mode: the pair split (on a saturated machine both can miss the fast
     * profile's half-second timeout at once); Recover joins it again, and the split is counted in the result, not
     * hidden.
     */
    private void recoverIfSplit(Admin admin) {
        if (admin.stateOf(host(0), "n1").orElse("").startsWith("Running in Failed Mode")
                && admin.stateOf(host(1), "n2").orElse("").startsWith("Running in Failed Mode")) {
            if (!splitSeen) {
                splitSeen = true;
                splits++;
                System.out.println("stateful-failover: the pair split (both Running in Failed Mode); recovering it");
            }
            try {
                admin.post(host(0), "/api/v1/redundancy-groups/g1/recover", "application/json", "");
            } catch (Exception e) {
                // the next look tries again
            }
        } else {
            splitSeen = false;
        }
    }

    private boolean normal(Admin admin, int i) {
        return admin.stateOf(host(i), "n" + (i + 1)).map(s -> s.equals("Normal / Normal")).orElse(false);
    }

    /** Whether node {@code holder} holds node {@code owner}'s service address, as the holder sees it. */
    private boolean holds(Admin admin, int holder, int owner) {
        String id = "n" + (holder + 1);
        return admin.serviceAddressHolderOf(host(holder), "n" + (owner + 1)).map(id::equals).orElse(false);
    }

    /**
     * The session service accepts connections at {@code address}. The API names the holder the pair's state
     * chooses as soon as it does; the holder binds the address a moment later.
     */
    private static boolean accepting(String address) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(address, SESSION_PORT), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private boolean standbyReady(Admin admin, int i) {
        return admin.failover(host(i)).map(f -> Boolean.TRUE.equals(f.standbyReady())).orElse(false);
    }

    private void await(String what, java.util.function.BooleanSupplier condition, NodeProc[] nodes) throws Exception {
        if (!LocalCluster.await(() -> {
            for (NodeProc n : nodes) {
                if (n != null && !n.alive() && !n.killedOnPurpose()) throw new IllegalStateException("a node exited: " + n.log());
            }
            return condition.getAsBoolean();
        }, BOUND.toMillis(), 10)) {
            StringBuilder logs = new StringBuilder();
            for (NodeProc n : nodes) if (n != null) logs.append("\n--- ").append(n.logFile()).append('\n').append(tail(n.log()));
            throw new IllegalStateException("not within " + BOUND.toSeconds() + " s: " + what + logs);
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
