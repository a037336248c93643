package dev.tandem.bench.failover;

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
                + " cluster address; specification timing and the fast profile.")
public final class DirectorFailoverScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--trials", defaultValue = "20", description = "trials per profile (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--nodes", defaultValue = "3", description = "members of the group, 2 to 10 (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--profile", defaultValue = "both", description = "fast, default (the specification's timing) or both (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--seed-parallel", defaultValue = "4",
            description = "with the specification's timing, groups failed at once on subnets S, S+1, ...; the fast profile always"
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
                + " holds the cluster address", "timing", "director killed", "trials", "min", "median", "p99", "max");
        r.note("Each trial starts a fresh group of " + nodes + " nodes (`tandem demo init --nodes " + nodes
                + "`), waits until all agree on a director that holds the cluster address, waits a random part of a"
                + " second (the keepalive interval), then kills the director.");
        r.note("Specification timing: keepalive every 1 s, 3 s wait, resent at the 4th second, five times ([LB-KA]"
                + " Messages); fast profile: every 100 ms, 300 ms wait.");
        r.note("The director killed is the one the group elected, one row each. In the demo's layout n1 and n2 are a"
                + " redundancy pair and join the group only once their pair is initialized, so the lone n3 sometimes"
                + " directs. Either way the killed director's host refuses the members' keepalives: three refusals,"
                + " probed a quarter of a keepalive interval apart, and a member elects at once (decision 0083); when"
                + " n1 directs, n2's pair detection (Peer Down, from refused heartbeats) may end the wait first"
                + " (decision 0037).");
        r.note("With the specification's timing up to " + seedParallel + " groups run at once, each on its own loopback subnet,"
                + " each failed at its own random moment; the fast profile runs one group at a time.");
        r.note(probe.equals("admin")
                ? "End condition read from the survivors' admin APIs (role Master and holdsClusterAddress), polled every"
                        + " 5 ms (fast) or 20 ms (specification timing)."
                : "End condition: any HTTP answer on the cluster address, redirect port " + DoneProbe.REDIRECT_PORT + ".");
        try (LoopbackLock.Batch lock = LoopbackLock.batch(real.lock)) {
            for (DemoCluster.Profile p : RealProcessOptions.profiles(profile)) {
                Samples s = new Samples();
                java.util.Map<String, Samples> byDirector = new java.util.TreeMap<>();
                int parallel = p == DemoCluster.Profile.FAST ? 1 : Math.max(1, seedParallel);
                for (int i = 0; i < trials; i += parallel) {
                    int k = Math.min(parallel, trials - i);
                    lock.hold();
                    List<Trial> done = Trials.concurrently(k, i, (index, subnet) -> trial(jar, p, index, subnet), real.subnet);
                    for (Trial d : done) {
                        s.add(d.millis());
                        byDirector.computeIfAbsent(d.director(), x -> new Samples()).add(d.millis());
                        System.out.printf("director-failover %s trial %d/%d: %s killed, %.1f ms%n", RealProcessOptions.label(p),
                                s.count(), trials, d.director(), d.millis());
                    }
                }
                for (java.util.Map.Entry<String, Samples> e : byDirector.entrySet()) {
                    Samples d = e.getValue();
                    t.row(RealProcessOptions.label(p), e.getKey() + (pairedDirector(e.getKey()) ? " (its pair peer survives)"
                                    : " (alone in its redundancy group)"), d.count(), Result.round(d.min(), 1),
                            Result.round(d.median(), 1), Result.round(d.p99(), 1), Result.round(d.max(), 1));
                }
                r.raw(RealProcessOptions.label(p), s.values());
                r.write(env.results()); // each finished profile is kept, should a later one be cut short
            }
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    /** One trial: the node that directed and was killed, and how long until a new director held the address. */
    private record Trial(String director, double millis) {}

    /** The demo pairs nodes n1 with n2, n3 with n4, ...; with an odd count the last node stands alone. */
    private boolean pairedDirector(String id) {
        int i = Integer.parseInt(id.substring(1)) - 1;
        return (i ^ 1) < nodes;
    }

    private Trial trial(Path jar, DemoCluster.Profile p, int index, int subnet) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-director");
        boolean fast = p == DemoCluster.Profile.FAST;
        try (LocalCluster c = LocalCluster.write(dir, jar, nodes, p, subnet)) {
            for (int i = 0; i < nodes; i++) c.start(i);
            int[] director = {-1};
            boolean agreed = LocalCluster.await(() -> (director[0] = c.agreedDirector()) >= 0, 120_000, 100);
            if (!agreed) throw new IllegalStateException("the group never agreed on a director" + c.logs());
            Trials.ready();
            Thread.sleep((long) (Trials.phase(index) * (fast ? 100 : 1000)));
            DoneProbe done = probe.equals("http") ? DoneProbe.clusterAddressAnswers(c)
                    : DoneProbe.newDirectorHoldsAddress(c, director[0]);
            long t0 = System.nanoTime();
            c.node(director[0]).kill();
            if (!LocalCluster.await(done::done, 120_000, fast ? 5 : 20)) {
                throw new IllegalStateException("no new director within 120 s" + c.logs());
            }
            return new Trial(c.id(director[0]), (System.nanoTime() - t0) / 1e6);
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
    }
}
