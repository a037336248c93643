package dev.tandem.bench.footprint;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.NodeLaunch;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.bench.protocol.MemberEmulator;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 7, footprint: resident memory and start-up time of an idle node (alone in its load-balancing group, so
 * it directs), and its resident memory when it directs a group of 100 members (99 emulated).
 */
@Command(name = "footprint", mixinStandardHelpOptions = true,
        description = "Footprint: resident memory (VmRSS) and start-up time (process start until /health answers) of an"
                + " idle node, and resident memory of a director of 100 members.")
public final class FootprintScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--trials", defaultValue = "10", description = "node starts measured (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--idle", defaultValue = "20", description = "seconds idle before memory is read (default ${DEFAULT-VALUE})")
    int idle;

    @Option(names = "--members", defaultValue = "100", description = "the large group's size, director included; 0 skips it (default ${DEFAULT-VALUE})")
    int members;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        if (trials < 1) throw new IllegalArgumentException("--trials: " + trials + "; allowed: 1 or more");
        if (members != 0 && (members < 2 || members > 150)) throw new IllegalArgumentException("--members: " + members + "; allowed: 0, or 2 to 150");
        Path jar = env.requireJar();
        Path cache = Files.createTempDirectory("tandem-bench-cds");
        try {
            List<NodeLaunch> launches = List.of(NodeLaunch.BENCHMARK, NodeLaunch.installed(env.root(), cache.resolve("node.jsa")));
            Result r = new Result("footprint", "Footprint", env.command()).parameter("trials", trials)
                    .parameter("idleSeconds", idle).parameter("subnet", real.subnet);
            for (NodeLaunch l : launches) r.parameter(l.name() + "Jvm", String.join(" ", l.jvmOptions()));
            r.note("Start-up: from just before the process is created until the admin API's /health answers 200, polled every"
                    + " 5 ms; it includes the JVM's own start and loading the configuration, key and state file.");
            r.note("Resident memory: VmRSS from /proc/PID/status, read after the idle period.");
            r.note("benchmark: the JVM options every other scenario starts nodes with (-Xmx256m, serial collector), so"
                    + " their figures compare. installed: what the installed launcher gives `tandem node`: the options of"
                    + " conf/jvm.options (no heap limit; a 16 MiB heap that grows), MALLOC_ARENA_MAX=2, and a class-data-"
                    + " sharing archive written by one clean stop before the measured starts (docs/operations.md,"
                    + " \"Memory and start-up\").");
            Result.Table t = r.table("Idle node (alone in its group, so it directs)", "launch", "measure", "samples", "min",
                    "median", "max");
            for (NodeLaunch l : launches) {
                if (l != NodeLaunch.BENCHMARK) writeArchive(jar, l);
                idle(jar, l, t, r);
            }
            r.write(env.results());
            if (members > 0) {
                Result.Table big = r.table("Director of " + members + " members (" + (members - 1) + " emulated)",
                        "launch", "measure", "value");
                for (NodeLaunch l : launches) large(jar, l, big);
            }
            System.out.println("wrote " + r.write(env.results()));
            return 0;
        } finally {
            PairFailoverScenario.deleteTree(cache);
        }
    }

    /** One start and clean stop, unmeasured: the JVM writes its class-data-sharing archive as it exits. */
    private void writeArchive(Path jar, NodeLaunch launch) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-footprint");
        try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
             LocalCluster c = LocalCluster.write(dir, jar, 1, DemoCluster.Profile.DEFAULT, real.subnet).launch(launch)) {
            NodeProc n = c.start(0);
            if (!LocalCluster.await(() -> { c.requireAlive(); return c.admin().healthy(c.host(0)); }, 60_000, 5)) {
                throw new IllegalStateException("the node never answered /health" + c.logs());
            }
            int status = n.stop();
            System.out.printf("footprint %s: archive written at a clean stop (exit %d)%n", launch.name(), status);
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
    }

    private void idle(Path jar, NodeLaunch launch, Result.Table t, Result r) throws Exception {
        Samples startup = new Samples();
        Samples rss = new Samples();
        for (int i = 0; i < trials; i++) {
            Path dir = Files.createTempDirectory("tandem-bench-footprint");
            try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
                 LocalCluster c = LocalCluster.write(dir, jar, 1, DemoCluster.Profile.DEFAULT, real.subnet).launch(launch)) {
                NodeProc n = c.start(0);
                if (!LocalCluster.await(() -> { c.requireAlive(); return c.admin().healthy(c.host(0)); }, 60_000, 5)) {
                    throw new IllegalStateException("the node never answered /health" + c.logs());
                }
                double ms = (System.nanoTime() - n.startedNanos()) / 1e6;
                startup.add(ms);
                if (i == trials - 1 || trials <= 3) {
                    Thread.sleep(idle * 1000L);
                    rss.add(n.rssKib() / 1024.0);
                }
                System.out.printf("footprint %s start %d/%d: %.0f ms%n", launch.name(), i + 1, trials, ms);
            } finally {
                PairFailoverScenario.deleteTree(dir);
            }
        }
        t.row(launch.name(), "start-up until /health answers, ms", startup.count(), Result.round(startup.min(), 0),
                Result.round(startup.median(), 0), Result.round(startup.max(), 0));
        t.row(launch.name(), "resident memory after " + idle + " s idle, MiB", rss.count(), Result.round(rss.min(), 1),
                Result.round(rss.median(), 1), Result.round(rss.max(), 1));
        r.raw(launch.name() + "StartupMillis", startup.values());
    }

    private void large(Path jar, NodeLaunch launch, Result.Table t) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-footprint");
        try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
             LocalCluster c = LocalCluster.write(dir, jar, 1, DemoCluster.Profile.DEFAULT, real.subnet).launch(launch)) {
            NodeProc n = c.start(0);
            if (!LocalCluster.await(() -> c.agreedDirector() == 0, 180_000, 200)) {
                throw new IllegalStateException("the lone node never directed" + c.logs());
            }
            Thread.sleep(idle * 1000L);
            double before = n.rssKib() / 1024.0;
            NodeConfig cfg = ConfigLoader.load(c.config(0));
            String secret = Files.readString(dir.resolve("cluster-key")).strip();
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < members - 1; i++) hosts.add("127.0." + real.subnet + "." + (100 + i));
            try (MemberEmulator e = new MemberEmulator(cfg.loadBalancing(), cfg.id(), c.host(0), secret, hosts)) {
                long t0 = System.nanoTime();
                e.start();
                if (!LocalCluster.await(() -> e.joined() == members - 1
                        && c.admin().loadBalancing(c.host(0)).map(j -> j.members().size()).orElse(-1) == members,
                        180_000, 50)) {
                    throw new IllegalStateException("only " + e.joined() + " of " + (members - 1) + " members joined" + c.logs());
                }
                double joinMs = (System.nanoTime() - t0) / 1e6;
                Thread.sleep(idle * 1000L);
                double after = n.rssKib() / 1024.0;
                t.row(launch.name(), "resident memory alone, after " + idle + " s idle, MiB", Result.round(before, 1));
                t.row(launch.name(), "resident memory with " + members + " members, " + idle + " s after all joined, MiB", Result.round(after, 1));
                t.row(launch.name(), "growth per member, KiB", Result.round((after - before) * 1024 / (members - 1), 1));
                t.row(launch.name(), "time until all " + (members - 1) + " members joined, from their start, ms", Result.round(joinMs, 0));
            }
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
    }
}
