package dev.tandem.bench.failover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 2, director failover time: a load-balancing group of real node processes; the director is killed with
 * SIGKILL; the time runs until a new director answers on the cluster address.
 */
@Command(name = "director-failover", mixinStandardHelpOptions = true,
        description = "Director failover time: the director killed (SIGKILL), until a new director answers on the"
                + " cluster address; seed timing and the fast profile.")
public final class DirectorFailoverScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--trials", defaultValue = "20", description = "trials per profile (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--nodes", defaultValue = "3", description = "members of the group, 2 to 10 (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--profile", defaultValue = "both", description = "fast, default (the seed's timing) or both (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--seed-parallel", defaultValue = "4",
            description = "with the seed's timing, groups failed at once on subnets S, S+1, ...; the fast profile always"
                    + " runs one group at a time (default ${DEFAULT-VALUE})")
    int seedParallel;

    @Option(names = "--probe", defaultValue = "admin",
            description = "admin: a surviving node's admin API says it directs and holds the cluster address; http: the"
                    + " cluster address answers HTTP on the redirect port (default ${DEFAULT-VALUE})")
    String probe;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        if (trials < 1) throw new IllegalArgumentException("--trials: " + trials + " is not allowed; allowed: 1 or more");
        if (nodes < 2 || nodes > 10) throw new IllegalArgumentException("--nodes: " + nodes + " is not allowed; allowed: 2 to 10");
        if (!probe.equals("admin") && !probe.equals("http")) {
            throw new IllegalArgumentException("--probe: '" + probe + "' is not allowed; allowed: admin, http");
        }
        Path jar = env.requireJar();
        Result r = new Result("director-failover", "Director failover time", env.command())
                .parameter("trials", trials).parameter("seedParallel", seedParallel).parameter("nodes", nodes).parameter("probe", probe)
                .parameter("subnet", real.subnet).parameter("nodeJvm", String.join(" ", NodeProc.JVM_OPTIONS));
        Result.Table t = r.table("Director failover in milliseconds: from SIGKILL of the director until a new director"
                + " holds the cluster address", "timing", "trials", "min", "median", "p99", "max", "directors killed");
        r.note("Each trial starts a fresh group of " + nodes + " nodes (`tandem demo init --nodes " + nodes
                + "`), waits until all agree on a director that holds the cluster address, waits a random part of a"
                + " second (the keepalive interval), then kills the director.");
        r.note("Seed timing: keepalive every 1 s, 3 s wait, resent at the 4th second, five times (seed 004, Keepalive"
                + " Messages); fast profile: every 100 ms, 300 ms wait.");
        r.note("The director killed is the one the group elected, named in the table. In the demo's layout n1 and n2"
                + " are a redundancy pair and join the group only once their pair is initialized, so the lone n3 usually"
                + " directs: its members find it gone only after the five resends. A director whose redundancy peer"
                + " survives is replaced in the pair's detection time instead (decision 0037).");
        r.note("With the seed's timing up to " + seedParallel + " groups run at once, each on its own loopback subnet,"
                + " each failed at its own random moment; the fast profile runs one group at a time.");
        r.note(probe.equals("admin")
                ? "End condition read from the survivors' admin APIs (role Master and holdsClusterAddress), polled every"
                        + " 5 ms (fast) or 20 ms (seed timing)."
                : "End condition: any HTTP answer on the cluster address, redirect port " + DoneProbe.REDIRECT_PORT + ".");
        try (LoopbackLock.Batch lock = LoopbackLock.batch(real.lock)) {
            for (DemoCluster.Profile p : RealProcessOptions.profiles(profile)) {
                Samples s = new Samples();
                killed.clear();
                int parallel = p == DemoCluster.Profile.FAST ? 1 : Math.max(1, seedParallel);
                for (int i = 0; i < trials; i += parallel) {
                    int k = Math.min(parallel, trials - i);
                    lock.hold();
                    List<Double> ms = Trials.concurrently(k, i, (index, subnet) -> trial(jar, p, index, subnet), real.subnet);
                    for (double m : ms) {
                        s.add(m);
                        System.out.printf("director-failover %s trial %d/%d: %.1f ms%n", RealProcessOptions.label(p), s.count(),
                                trials, m);
                    }
                }
                t.row(RealProcessOptions.label(p), s.count(), Result.round(s.min(), 1), Result.round(s.median(), 1),
                        Result.round(s.p99(), 1), Result.round(s.max(), 1), killed.entrySet().stream()
                                .map(e -> e.getKey() + " x" + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
                r.raw(RealProcessOptions.label(p), s.values());
                r.write(env.results()); // each finished profile is kept, should a later one be cut short
            }
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    /** How often each node was the director killed, in the current profile's trials. */
    private final java.util.Map<String, Integer> killed = new java.util.concurrent.ConcurrentSkipListMap<>();

    private double trial(Path jar, DemoCluster.Profile p, int index, int subnet) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-director");
        boolean fast = p == DemoCluster.Profile.FAST;
        try (LocalCluster c = LocalCluster.write(dir, jar, nodes, p, subnet)) {
            for (int i = 0; i < nodes; i++) c.start(i);
            int[] director = {-1};
            boolean agreed = LocalCluster.await(() -> (director[0] = c.agreedDirector()) >= 0, 120_000, 100);
            if (!agreed) throw new IllegalStateException("the group never agreed on a director" + c.logs());
            killed.merge(c.id(director[0]), 1, Integer::sum);
            Trials.ready();
            Thread.sleep((long) (Trials.phase(index) * (fast ? 100 : 1000)));
            DoneProbe done = probe.equals("http") ? DoneProbe.clusterAddressAnswers(c)
                    : DoneProbe.newDirectorHoldsAddress(c, director[0]);
            long t0 = System.nanoTime();
            c.node(director[0]).kill();
            if (!LocalCluster.await(done::done, 120_000, fast ? 5 : 20)) {
                throw new IllegalStateException("no new director within 120 s" + c.logs());
            }
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
    }
}
