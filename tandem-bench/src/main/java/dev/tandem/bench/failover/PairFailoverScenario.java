package dev.tandem.bench.failover;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.store.JdbcClusterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 1, pair failover time: a redundancy pair of real node processes; the primary (n1) is killed with
 * SIGKILL or frozen with SIGSTOP (a silent peer: its port stays open, only the heartbeat timeout can tell); the
 * time runs from the signal until the end condition holds. Beside it, the simulator's prediction for the same
 * parameters.
 */
@Command(name = "pair-failover", mixinStandardHelpOptions = true,
        description = "Pair failover time: a primary killed (SIGKILL) or silent (SIGSTOP), until the backup runs in"
                + " Backup Mode; real processes and the simulator's prediction.")
public final class PairFailoverScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--trials", defaultValue = "20", description = "trials per case (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--profile", defaultValue = "both", description = "fast, default (the specification's timers) or both (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--failure", defaultValue = "both", description = "killed, silent or both (default ${DEFAULT-VALUE})")
    String failure;

    @Option(names = "--probe", defaultValue = "admin",
            description = "admin: the backup's admin API reports Running in Backup Mode; http: the cluster address"
                    + " assigns --user to the backup (default ${DEFAULT-VALUE})")
    String probe;

    @Option(names = "--user", defaultValue = "u1", description = "with --probe http: a user homed on n1 (default ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--seed-parallel", defaultValue = "4",
            description = "with the specification's timers, pairs failed at once on subnets S, S+1, ... (the time is the timers',"
                    + " not the CPU's); the fast profile always runs one pair at a time (default ${DEFAULT-VALUE})")
    int seedParallel;

    @Option(names = "--partition-recovery",
            description = "witness or manual (default: as 'tandem demo init' writes it, manual); named, the run is"
                    + " recorded apart, as pair-failover-witness or pair-failover-manual. With a witness the benchmark"
                    + " itself serves the pair's H2 store, a third party as the witness must be (docs/redundancy.md,"
                    + " Witness)")
    String partitionRecovery;

    @Option(names = "--sim-trials", defaultValue = "200", description = "simulated trials per case (default ${DEFAULT-VALUE})")
    int simTrials;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        if (trials < 1) throw new IllegalArgumentException("--trials: " + trials + " is not allowed; allowed: 1 or more");
        List<Boolean> kinds = switch (failure.toLowerCase()) {
            case "killed" -> List.of(true);
            case "silent" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> throw new IllegalArgumentException("--failure: '" + failure + "' is not allowed; allowed: killed, silent, both");
        };
        if (!probe.equals("admin") && !probe.equals("http")) {
            throw new IllegalArgumentException("--probe: '" + probe + "' is not allowed; allowed: admin, http");
        }
        if (partitionRecovery != null && !partitionRecovery.equals("witness") && !partitionRecovery.equals("manual")) {
            throw new IllegalArgumentException("--partition-recovery: '" + partitionRecovery
                    + "' is not allowed; allowed: witness, manual");
        }
        Path jar = env.requireJar();
        String name = partitionRecovery == null ? "pair-failover" : "pair-failover-" + partitionRecovery;
        Result r = new Result(name, "Pair failover time" + (partitionRecovery == null ? ""
                : ", partitionRecovery " + partitionRecovery), env.command())
                .parameter("trials", trials).parameter("seedParallel", seedParallel).parameter("probe", probe).parameter("subnet", real.subnet)
                .parameter("nodeJvm", String.join(" ", NodeProc.JVM_OPTIONS));
        Result.Table t = r.table("Failover time in milliseconds: from the signal to the primary until the backup is"
                + " Running in Backup Mode", "timers", "failure", "source", "trials", "min", "median", "p99", "max");
        Result.Table ratio = r.table("Measured over predicted (medians)", "timers", "failure", "real / simulator");

        r.note("Each trial starts a fresh pair (demo cluster of 2 nodes, `tandem demo init --profile fast|default`),"
                + " waits for Normal / Normal, waits a random part of the heartbeat interval, then signals n1.");
        r.note("Fast profile: 100 ms heartbeats, 500 ms timeout. Specification default: 15 s heartbeats, 60 s timeout"
                + " ([RG-HB]).");
        r.note("Killed: the port closes and the backup's heartbeats are refused, so three refusals decide (decision"
                + " 0012). Silent: the process is stopped with its port open, so only the Keep Alive Timeout decides.");
        r.note("With the specification's timers up to " + seedParallel + " pairs run at once, each on its own loopback subnet,"
                + " every one failed at its own random phase: the figure is set by the timers, not by the CPU. The fast"
                + " profile runs one pair at a time.");
        r.note(probe.equals("admin")
                ? "End condition read from the backup's admin API, polled every 5 ms (fast) or 20 ms (specification timers)."
                : "End condition: the cluster address assigns user " + user + " to the backup, polled as above.");
        try (LoopbackLock.Batch lock = LoopbackLock.batch(real.lock)) {
            for (DemoCluster.Profile p : RealProcessOptions.profiles(profile)) {
                ServiceParameters params = partitionRecovery == null ? parametersOf(p)
                        : parametersOf(p).with("partitionRecovery", partitionRecovery);
                for (boolean killed : kinds) {
                    String how = killed ? "killed (SIGKILL)" : "silent (SIGSTOP)";
                    Samples measured = new Samples();
                    int parallel = p == DemoCluster.Profile.FAST ? 1 : Math.max(1, seedParallel);
                    for (int i = 0; i < trials; i += parallel) {
                        int k = Math.min(parallel, trials - i);
                        lock.hold();
                        List<Double> ms = Trials.concurrently(k, i, (index, subnet) -> trial(jar, p, params, killed, index, subnet),
                                real.subnet);
                        for (double m : ms) {
                            measured.add(m);
                            System.out.printf("pair-failover %s %s trial %d/%d: %.1f ms%n", RealProcessOptions.label(p), how,
                                    measured.count(), trials, m);
                        }
                    }
                    lock.close(); // the prediction needs no ports: others may run meanwhile
                    Samples sim = SimPrediction.pairFailover(params, killed, simTrials, 1);
                    row(t, p, how, "real processes", measured);
                    row(t, p, how, "simulator (predicted)", sim);
                    ratio.row(RealProcessOptions.label(p), how, Result.round(measured.median() / sim.median(), 2));
                    r.raw(RealProcessOptions.label(p) + " / " + (killed ? "killed" : "silent"), measured.values());
                    r.write(env.results()); // each finished case is kept, should a later one be cut short
                }
            }
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    private static void row(Result.Table t, DemoCluster.Profile p, String how, String source, Samples s) {
        t.row(RealProcessOptions.label(p), how, source, s.count(), Result.round(s.min(), 1), Result.round(s.median(), 1),
                Result.round(s.p99(), 1), Result.round(s.max(), 1));
    }

    /** The service parameters the real nodes of this profile run with, read from the file they read. */
    public static ServiceParameters parametersOf(DemoCluster.Profile p) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-params");
        try {
            List<Path> files = DemoCluster.write(dir, 2, p);
            Map<String, String> text = ConfigLoader.load(files.get(0)).parameters();
            return ServiceParameters.fromText(text);
        } finally {
            deleteTree(dir);
        }
    }

    private double trial(Path jar, DemoCluster.Profile p, ServiceParameters params, boolean killed, int index,
                         int subnet) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-pair");
        long pollMs = p == DemoCluster.Profile.FAST ? 5 : 20;
        long settle = params.initKeepAliveTimeout().toMillis() + params.keepAliveTimeout().toMillis() + 30_000;
        long bound = 3 * params.keepAliveTimeout().toMillis() + params.keepAliveInterval().toMillis() + 30_000;
        try (LocalCluster c = LocalCluster.write(dir, jar, 2, p, subnet);
             JdbcClusterStore witness = "witness".equals(partitionRecovery) ? JdbcClusterStore.open(
                     "jdbc:h2:file:" + dir.resolve("store/tandem") + ";AUTO_SERVER=TRUE", "", "") : null) {
            if (partitionRecovery != null) {
                for (int i = 0; i < c.size(); i++) {
                    Files.writeString(c.config(i), Files.readString(c.config(i)).replace("  partitionRecovery: manual\n",
                            "  partitionRecovery: " + partitionRecovery + "\n"));
                }
            }
            // The first process to open an H2 file serves it to the others: this one, so that the store outlives the
            // node the trial kills, as a witness on a third host would.
            if (witness != null) witness.epoch();
            c.start(0);
            c.start(1);
            boolean normal = LocalCluster.await(() -> c.normal(0) && c.normal(1), settle, 50);
            if (!normal) throw new IllegalStateException("the pair never reached Normal / Normal" + c.logs());
            if (probe.equals("http")) homeTheUserOnTheFirstNode(c, settle);
            Trials.ready();
            // The failure lands at a random phase of the heartbeat timer, as failures do.
            Thread.sleep((long) (Trials.phase(index) * params.keepAliveInterval().toMillis()));
            DoneProbe done = probe.equals("http") ? DoneProbe.userSentToBackup(c, 1, user) : DoneProbe.backupRunning(c, 1);
            long t0 = System.nanoTime();
            if (killed) c.node(0).kill(); else c.node(0).freeze();
            if (!LocalCluster.await(done::done, bound, pollMs)) {
                throw new IllegalStateException("the backup did not take over within " + bound + " ms" + c.logs());
            }
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * For the cluster-address probe: {@code --user} is added with its home on n1, and the director must route it there
     * by the user rule before the failure, or the end condition could hold from the start.
     */
    private void homeTheUserOnTheFirstNode(LocalCluster c, long settle) throws Exception {
        c.admin().post(c.host(0), "/api/v1/users/import", "text/csv", user + ",g1," + c.id(0) + "\n");
        boolean routed = LocalCluster.await(() -> DoneProbe.Http.assign(c.clusterAddress(), user)
                .map(j -> j.path("rule").asText().equals("user") && j.path("host").asText().equals(c.host(0)))
                .orElse(false), settle, 50);
        if (!routed) throw new IllegalStateException("the cluster address never sent user " + user + " to " + c.id(0) + c.logs());
    }

    public static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all);
            for (Path f : all) Files.deleteIfExists(f);
        } catch (Exception e) {
            // a leftover temporary folder is harmless
        }
    }
}
