package dev.tandem.bench.chaos;

import dev.tandem.api.AdminClient;
import dev.tandem.api.RedirectAnswers;
import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.bench.stateful.HeartbeatingClients;
import dev.tandem.core.Durations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tandem chaos run}: a real cluster of node processes hurt by random faults drawn from a seed, its invariants
 * checked during each fault, once it settles and once it is back to normal (docs/reliability.md, Chaos on real
 * processes). One cycle: a fault is injected and held while an admin write is attempted; the fault heals; the cluster
 * must settle in a row it can stay in, then be brought back to Normal by an operator's actions; every client's
 * session must still answer.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Starts a cluster of real nodes (pairs, one load-balancing group, a PostgreSQL store, clients"
                + " heartbeating at the service addresses) and injects random faults from a seed: kill -9, SIGSTOP,"
                + " restart, store outage, partition and packet loss (as root with nftables), a full disk (as root). The last"
                + " line is 'N cycles, V invariant violations'; each violation is written with its seed and history."})
public final class ChaosRun implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--cycles", defaultValue = "20", description = "faults to inject, one per cycle (default ${DEFAULT-VALUE})")
    int cycles;

    @Option(names = "--seed", description = "the seed the faults are drawn from (default: a random one, printed)")
    Long seed;

    @Option(names = "--duration", defaultValue = "0",
            description = "start no cycle after this long (e.g. 2h; 0: no limit, --cycles alone ends the run)")
    String duration;

    @Option(names = "--nodes", defaultValue = "4", description = "nodes, in pairs: 2, 4, 6 or 8 (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--clients", defaultValue = "40",
            description = "clients logged in through the cluster address, heartbeating every 250 ms (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--faults", defaultValue = "kill,freeze,restart,store,partition,loss,disk,disk-takeover", split = ",",
            description = "the faults drawn from (default ${DEFAULT-VALUE})")
    List<String> faults;

    @Option(names = "--network", defaultValue = "auto",
            description = "namespaces: each node in a network namespace of its own on one bridge (198.18.S.x, the linux"
                    + " address driver; root and iproute2); loopback: 127.0.S.x and the bind driver; auto: namespaces"
                    + " where they can be made, else loopback (default ${DEFAULT-VALUE})")
    String network;

    @Option(names = "--partition-recovery",
            description = "witness: the store (a PostgreSQL server of its own here) decides who serves a partitioned"
                    + " pair; manual: the specification's rule, both serve until Recover (default: witness;"
                    + " docs/redundancy.md, Witness). Named, the run is recorded apart, as chaos-witness or chaos-manual,"
                    + " to compare the two")
    String partitionRecovery;

    @Option(names = "--keep-files", description = "keep the cluster's directory (configurations and node logs) and print where it is")
    boolean keepFiles;

    /** How long a healed cluster may take to settle, and to get back to Normal: ten times the Keep Alive Timeout's worth of rounds. */
    static final Duration SETTLE_BOUND = Duration.ofSeconds(30);
    static final Duration RESTORE_BOUND = Duration.ofSeconds(30);
    /**
     * How long the nodes have to agree on an admin write once the cluster is Normal again: a node that lost the store
     * reads the write when it reconnects, and a restarted PostgreSQL here takes up to about ten seconds to accept.
     */
    static final Duration WRITE_BOUND = Duration.ofSeconds(30);
    static final Duration CLIENT_HEARTBEAT = Duration.ofMillis(250);

    @Override
    public Integer call() throws Exception {
        if (nodes < 2 || nodes > 8 || nodes % 2 != 0) {
            throw new IllegalArgumentException("--nodes: " + nodes + " is not allowed; allowed: 2, 4, 6 or 8");
        }
        if (cycles < 1) throw new IllegalArgumentException("--cycles: " + cycles + " is not allowed; allowed: 1 or more");
        if (clients < 0) throw new IllegalArgumentException("--clients: " + clients + " is not allowed; allowed: 0 or more");
        String recordSuffix = partitionRecovery == null ? "" : "-" + partitionRecovery;
        if (partitionRecovery == null) partitionRecovery = "witness";
        if (!partitionRecovery.equals("witness") && !partitionRecovery.equals("manual")) {
            throw new IllegalArgumentException("--partition-recovery: " + partitionRecovery
                    + " is not allowed; allowed: witness or manual");
        }
        Duration limit = duration.strip().equals("0") ? Duration.ZERO : Durations.parse("--duration", duration);
        List<Fault.Kind> kinds = faults.stream().map(Fault.Kind::parse).distinct().toList();
        BenchEnv env = options.env();
        long runSeed = seed != null ? seed : new Random().nextLong() & Long.MAX_VALUE;
        System.out.println("chaos: seed " + runSeed + " (replay: ./tandem chaos run --seed " + runSeed + " --cycles "
                + cycles + " --nodes " + nodes + " --faults " + String.join(",", faults) + ")");
        Path dir = Files.createTempDirectory("tandem-chaos");
        ChaosLog log = new ChaosLog(env.results(), runSeed, env.command());
        List<String> fellBack = new ArrayList<>();
        try (LoopbackLock.Batch lock = LoopbackLock.batch(real.lock);
             ChaosNetwork where = ChaosNetwork.open(network, real.subnet, nodes, line -> {
                 System.out.println("chaos: " + line);
                 fellBack.add(line);
             });
             ChaosCluster cluster = ChaosCluster.create(dir, env.requireJar(), nodes, where, partitionRecovery)) {
            lock.hold();
            System.out.println("chaos: nodes on " + where.name() + " (" + where.prefix() + "x)");
            NetFaults.Result net = kinds.contains(Fault.Kind.PARTITION) || kinds.contains(Fault.Kind.LOSS)
                    ? NetFaults.open(where) : new NetFaults.Result(java.util.Optional.empty(), "");
            if (net.faults().isEmpty() && !net.whyNot().isEmpty()) {
                System.out.println("chaos: no partitions or packet loss in this run: " + net.whyNot()
                        + " (docs/reliability.md, Chaos on real processes)");
                kinds = kinds.stream().filter(k -> k != Fault.Kind.PARTITION && k != Fault.Kind.LOSS).toList();
                if (kinds.isEmpty()) throw new IllegalArgumentException("--faults: none of them can run on this machine");
            }
            if (kinds.contains(Fault.Kind.DISK) || kinds.contains(Fault.Kind.DISK_TAKEOVER)) {
                String whyNot = cluster.mountStateDirs();
                if (!whyNot.isEmpty()) {
                    System.out.println("chaos: no full disks in this run: " + whyNot);
                    kinds = kinds.stream().filter(k -> k != Fault.Kind.DISK && k != Fault.Kind.DISK_TAKEOVER).toList();
                    if (kinds.isEmpty()) throw new IllegalArgumentException("--faults: none of them can run on this machine");
                }
            }
            try (NetFaults netFaults = net.faults().orElse(null);
                 HeartbeatingClients sessions = new HeartbeatingClients(CLIENT_HEARTBEAT, ChaosCluster.SESSION_PORT)) {
                // A run bounded by time is a soak: its record sits beside the run of counted cycles, not over it.
                // A run that names its partition recovery compares the two: recorded beside the other records.
                Result r = limit.isZero()
                        ? new Result("chaos" + recordSuffix, "Chaos on real processes" + (recordSuffix.isEmpty() ? ""
                                : ", partitionRecovery " + partitionRecovery), env.command())
                        : new Result("chaos-soak" + recordSuffix, "Chaos soak", env.command());
                Cycles run = new Cycles(cluster, netFaults, sessions, log);
                run.startCluster(clients);
                Random random = new Random(runSeed);
                long start = System.nanoTime();
                int done = 0;
                for (int n = 1; n <= cycles; n++) {
                    if (!limit.isZero() && System.nanoTime() - start > limit.toNanos()) break;
                    Fault f = Fault.draw(random, kinds, nodes);
                    run.cycle(n, f, random.nextInt(nodes));
                    done++;
                }
                int violations = log.violations();
                run.fill(r, runSeed, done, String.join(",", kinds.stream().map(k -> k.name).toList()));
                if (!limit.isZero()) r.parameter("duration", duration);
                r.parameter("partitionRecovery", partitionRecovery);
                r.parameter("network", where.name());
                for (String why : fellBack) r.note("Network: " + why + ".");
                System.out.println("wrote " + r.write(env.results()));
                if (violations > 0) System.out.println("violations written to " + log.file());
                System.out.println(done + " cycles, " + violations + " invariant violations");
                return violations == 0 ? 0 : 1;
            }
        } finally {
            if (keepFiles || log.violations() > 0) System.out.println("chaos: configurations and node logs kept in " + dir);
            else PairFailoverScenario.deleteTree(dir);
        }
    }

    /**
     * Where a client is sent: the director's choice, through the cluster address. The API names the holder of the
     * cluster address a moment before the address is bound, so a refused connection is tried again for a while.
     */
    static String assigned(ChaosCluster c) throws InterruptedException {
        AdminClient a = new AdminClient(URI.create("http://" + c.clusterAddress() + ":" + ChaosCluster.SESSION_PORT),
                null, null, Duration.ofMillis(500), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return a.get("/.well-known/tandem/assign", RedirectAnswers.Assignment.class).host();
            } catch (AdminClient.Failure e) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("no redirect at the cluster address: " + e.getMessage());
                Thread.sleep(100);
            }
        }
    }

    /** Per kind of fault: what the run saw. */
    static final class Tally {
        int cycles;
        int violations;
        int overlaps;
        /** Of those, cycles in which a pair's users or a service address were claimed twice (not the cluster address). */
        int pairOverlaps;
        int lost;
        final Samples settle = new Samples();
        final Samples restore = new Samples();
    }

    static Map<Fault.Kind, Tally> tallies() {
        Map<Fault.Kind, Tally> m = new EnumMap<>(Fault.Kind.class);
        for (Fault.Kind k : Fault.Kind.values()) m.put(k, new Tally());
        return m;
    }

    static List<String> and(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
