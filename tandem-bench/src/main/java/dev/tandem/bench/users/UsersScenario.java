package dev.tandem.bench.users;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.failover.Trials;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.store.ClusterStore;
import dev.tandem.node.store.JdbcClusterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 6, users: a million users imported and assigned (Balanced) into H2 and into PostgreSQL, a node loading
 * them, user-to-node lookups; then, on a real four-node cluster, how long until every user of a killed home node
 * is sent to its backup by the cluster address.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Users: import and balanced assignment into H2 and PostgreSQL, user-to-node lookups, and the time"
                + " until every user of a killed node resolves to its backup on a real cluster.")
public final class UsersScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--users", defaultValue = "1000000", description = "users imported, 4 or more (default ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--stores", defaultValue = "h2,postgresql",
            description = "stores measured in process: h2, postgresql or both, comma-separated (default ${DEFAULT-VALUE})")
    String stores;

    @Option(names = "--threads", description = "threads of the parallel lookups (default: the machine's cores)")
    Integer threads;

    @Option(names = "--trials", defaultValue = "5",
            description = "real-cluster trials per failed home (the director's peer, a node of the other pair); 0 skips"
                    + " the real cluster (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--profile", defaultValue = "fast", description = "timers of the real cluster: fast, default (the"
            + " specification's) or both (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--sample", defaultValue = "20",
            description = "users of the failed node asked again and again until all are sent to the backup (default ${DEFAULT-VALUE})")
    int sample;

    @Option(names = "--node-heap", defaultValue = "1g",
            description = "maximum heap of each real node (-Xmx), which holds every user (default ${DEFAULT-VALUE})")
    String nodeHeap;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        if (users < 4) throw new IllegalArgumentException("--users: " + users + " is not allowed; allowed: 4 or more");
        if (trials < 0) throw new IllegalArgumentException("--trials: " + trials + " is not allowed; allowed: 0 or more");
        if (sample < 1) throw new IllegalArgumentException("--sample: " + sample + " is not allowed; allowed: 1 or more");
        if (!nodeHeap.matches("[0-9]+[kmgKMG]?")) {
            throw new IllegalArgumentException("--node-heap: '" + nodeHeap + "' is not allowed; allowed: a size as -Xmx takes it, such as 512m or 1g");
        }
        int lookupThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (lookupThreads < 1) throw new IllegalArgumentException("--threads: " + lookupThreads + " is not allowed; allowed: 1 or more");
        List<String> kinds = storeKinds(stores);
        List<DemoCluster.Profile> profiles = RealProcessOptions.profiles(profile);
        List<String> jvm = List.of("-Xmx" + nodeHeap, "-XX:+UseSerialGC");

        Result r = new Result("users", "Users", env.command()).parameter("users", users).parameter("stores", String.join(", ", kinds))
                .parameter("lookupThreads", lookupThreads).parameter("trials", trials).parameter("sample", sample)
                .parameter("benchmarkHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        storePart(r, kinds, lookupThreads);
        r.write(env.results()); // kept, should the real cluster be cut short
        if (trials > 0) {
            r.parameter("profile", profile).parameter("subnet", real.subnet).parameter("nodeJvm", String.join(" ", jvm));
            clusterPart(r, env.requireJar(), jvm, profiles);
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    static List<String> storeKinds(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String k = s.strip().toLowerCase();
            if (!k.equals("h2") && !k.equals("postgresql")) {
                throw new IllegalArgumentException("--stores: '" + s.strip() + "' is not allowed; allowed: h2, postgresql");
            }
            if (!out.contains(k)) out.add(k);
        }
        return out;
    }

    private void storePart(Result r, List<String> kinds, int lookupThreads) throws Exception {
        Result.Table t = r.table("In one process: import with balanced assignment, a node loading every user, lookups",
                "store", "users", "import + assignment, s", "users/s imported", "users per node (min to max)",
                "node loads all users, s", "lookups/s, 1 thread", "lookups/s, " + lookupThreads + " threads",
                "directory heap, MiB", "rebalance to a third pair, s", "users moved");
        for (String kind : kinds) {
            Path work = Files.createTempDirectory("tandem-bench-users-" + kind);
            try {
                StoreScale.Figures f;
                if (kind.equals("h2")) {
                    try (ClusterStore store = JdbcClusterStore.open("jdbc:h2:file:" + work.resolve("tandem") + ";AUTO_SERVER=TRUE", null, null)) {
                        f = StoreScale.measure(store, users, lookupThreads);
                    }
                } else {
                    try (EmbeddedPostgresStore pg = EmbeddedPostgresStore.start(work);
                         ClusterStore store = JdbcClusterStore.open(pg.newDatabase("tandem"), EmbeddedPostgresStore.user(), null)) {
                        f = StoreScale.measure(store, users, lookupThreads);
                    }
                }
                Map<String, Integer> perNode = new TreeMap<>(f.perNode());
                int min = perNode.values().stream().mapToInt(Integer::intValue).min().orElse(0);
                int max = perNode.values().stream().mapToInt(Integer::intValue).max().orElse(0);
                String label = kind.equals("h2") ? "H2 (embedded file)" : "PostgreSQL (embedded server)";
                System.out.printf("users %s: import %.1f s, load %.1f s, %.0f lookups/s%n", label, f.importSeconds(),
                        f.loadSeconds(), f.lookupsPerSecondOneThread());
                t.row(label, f.imported(), Result.round(f.importSeconds(), 2), Result.round(f.imported() / f.importSeconds(), 0),
                        perNode.size() + " nodes, " + min + " to " + max, Result.round(f.loadSeconds(), 2),
                        Result.round(f.lookupsPerSecondOneThread(), 0), Result.round(f.lookupsPerSecondAllThreads(), 0),
                        Result.round(f.heapMib(), 0), Result.round(f.rebalanceSeconds(), 2), f.rebalanceMoved());
                r.raw(kind + " / users per node", perNode);
            } finally {
                PairFailoverScenario.deleteTree(work);
            }
        }
        r.note("Import: `UserAdmin.importCsv`, what `tandem users import` and `POST /api/v1/users/import` run: one"
                + " transaction that places each user in turn (Balanced: the node holding fewest users among every node"
                + " of every group) and writes it, into a store holding two redundancy pairs (g1 = n1, n2; g2 = n3, n4).");
        r.note("A node loads all users as it does when it starts without its cache (`UserDirectory.load`: every user"
                + " in one read). Directory heap: used heap after a full GC, with the directory against without it.");
        r.note("Lookups: `UserDirectory.servingNode` for every user in turn, the user-homed redirect's lookup: one"
                + " hash-map read and the node states this node knows, no store round-trip. The parallel figure runs"
                + " that many threads over the same directory at once.");
        r.note("Rebalance: a third pair (g3 = n5, n6) is added and `UserAdmin.rebalance` (`tandem users rebalance`)"
                + " spreads the users again, moving as few as possible; moved users must log in again ([RG-MANUAL]).");
    }

    private void clusterPart(Result r, Path jar, List<String> jvm, List<DemoCluster.Profile> profiles) throws Exception {
        Result.Table t = r.table("Real cluster: from SIGKILL of a home node until the cluster address sends every sampled"
                + " user of it to its backup, ms", "timers", "failed home node", "trials", "min", "median", "p99", "max");
        Result.Table setup = r.table("Real cluster: import through the admin API, and the check of every user of the"
                + " failed node", "timers", "failed home node", "import, s (median)", "until the director knows every"
                + " user, s (median)", "users of the failed node", "sent to the backup (worst trial)",
                "check of all of them, s (median)");
        try (LoopbackLock.Batch lock = LoopbackLock.batch(real.lock)) {
            for (DemoCluster.Profile p : profiles) {
                ServiceParameters params = PairFailoverScenario.parametersOf(p);
                FailedHomeTrial trial = new FailedHomeTrial(jar, jvm, p, params, users, sample);
                for (FailedHomeTrial.Home which : FailedHomeTrial.Home.values()) {
                    Samples resolved = new Samples();
                    Samples imports = new Samples();
                    Samples knows = new Samples();
                    Samples sweeps = new Samples();
                    int ofHome = 0;
                    int worst = Integer.MAX_VALUE;
                    for (int i = 0; i < trials; i++) {
                        lock.hold();
                        Path dir = Files.createTempDirectory("tandem-bench-users");
                        try {
                            FailedHomeTrial.Figures f = trial.run(dir, real.subnet, which, Trials.phase(i));
                            resolved.add(f.resolvedMillis());
                            imports.add(f.importSeconds());
                            knows.add(f.directorKnowsSeconds());
                            sweeps.add(f.sweepSeconds());
                            ofHome = f.usersOfHome();
                            worst = Math.min(worst, f.sweptToBackup());
                            System.out.printf("users %s, %s failed, trial %d/%d: %.1f ms; %d of %d users on the backup%n",
                                    RealProcessOptions.label(p), which.label, i + 1, trials, f.resolvedMillis(),
                                    f.sweptToBackup(), f.usersOfHome());
                        } finally {
                            PairFailoverScenario.deleteTree(dir);
                        }
                    }
                    lock.close();
                    String timers = RealProcessOptions.label(p);
                    t.row(timers, which.label, resolved.count(), Result.round(resolved.min(), 1), Result.round(resolved.median(), 1),
                            Result.round(resolved.p99(), 1), Result.round(resolved.max(), 1));
                    setup.row(timers, which.label, Result.round(imports.median(), 2), Result.round(knows.median(), 2), ofHome,
                            worst, Result.round(sweeps.median(), 2));
                    r.raw(timers + " / " + which.name().toLowerCase().replace('_', '-'), resolved.values());
                }
            }
        }
        r.note("Real cluster: `tandem demo init --nodes 4` (two pairs, every node a load-balancing member, one shared"
                + " H2 store), nodes started as the operator starts them with the JVM options above; " + users
                + " users imported through the director's admin API (`POST /api/v1/users/import`), then, at a random"
                + " phase of the heartbeat timer, one home node killed with SIGKILL.");
        r.note("End condition: " + sample + " users of the failed node, drawn at random, all answered with the backup's"
                + " address by `GET /.well-known/tandem/assign?user=...` on the cluster address in one pass (4 keep-alive"
                + " connections, 16 pipelined requests each, polled every 5 ms with the fast timers, 20 ms with the specification's). A user's placement is its"
                + " home node, and the node serving a home is decided once for all its users, so they change together;"
                + " the check afterwards asks the cluster address for every user of the failed node.");
        r.note("The director's peer failing: the director is its backup and knows its own state at once. A node of"
                + " the other pair failing: the director learns it from the backup's report in the store (each node's"
                + " store watcher reports its state and reads the others' about once a second) or when the killed"
                + " member drops out of the load-balancing group, whichever comes first.");
    }
}
