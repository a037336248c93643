package dev.tandem.bench.chaos;

import dev.tandem.api.AdminClient;
import dev.tandem.bench.Result;
import dev.tandem.bench.Samples;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.ProcStat;
import dev.tandem.bench.stateful.HeartbeatingClients;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The cycles of one chaos run over one cluster: inject, hold, heal, settle, restore, check. */
final class Cycles {
    private static final long POLL_MILLIS = 100;
    /** Polls in a row that must find the cluster settled: a pair passing through a settled-looking row is not settled. */
    private static final int STABLE_POLLS = 5;
    private final ChaosCluster c;
    private final NetFaults net;
    private final HeartbeatingClients sessions;
    private final ChaosLog log;
    private final Map<Fault.Kind, ChaosRun.Tally> tallies = ChaosRun.tallies();
    private final Map<String, Integer> writes = new HashMap<>();
    /** From Normal again until every node answered the cycle's write as it was answered (ms). */
    private final Samples writeAgreed = new Samples();
    /** Resident memory (MiB) and open files of all nodes together, after each cycle. */
    private final List<long[]> footprint = new ArrayList<>();

    Cycles(ChaosCluster cluster, NetFaults net, HeartbeatingClients sessions, ChaosLog log) {
        this.c = cluster;
        this.net = net;
        this.sessions = sessions;
        this.log = log;
    }

    /**
     * Starts the nodes one after the other (JVMs starting at once on a small machine can miss the fast profile's
     * timeout and split), waits for every pair Normal with both standbys ready, and logs the clients in through the
     * cluster address, five at a time, each batch where the director sends it.
     */
    void startCluster(int clients) throws Exception {
        for (int i = 0; i < c.size(); i++) {
            c.start(i);
            int node = i;
            if (!LocalCluster.await(() -> c.admin().healthy(c.host(node)), 60_000, POLL_MILLIS)) {
                throw new IllegalStateException(c.id(i) + " did not start\n" + c.logs(30));
            }
        }
        if (!restore(0, null)) throw new IllegalStateException("the cluster did not reach Normal: " + ClusterView.take(c).states() + "\n" + c.logs(30));
        for (int done = 0; done < clients; done += 5) sessions.login(ChaosRun.assigned(c), Math.min(5, clients - done), 5);
        sessions.start();
        long since = System.nanoTime();
        if (!LocalCluster.await(() -> sessions.unansweredSince(since) == 0, 15_000, POLL_MILLIS)) {
            throw new IllegalStateException(sessions.unansweredSince(since) + " clients get no answer after logging in");
        }
        log.say("cluster of " + c.size() + " nodes Normal, " + sessions.size() + " clients heartbeating; "
                + ClusterView.take(c).states());
        sample();
    }

    void cycle(int n, Fault f, int writeNode) throws Exception {
        ChaosRun.Tally t = tallies.get(f.kind());
        t.cycles++;
        int violationsBefore = log.violations();
        int lostBefore = sessions.lost();
        log.say("cycle " + n + ": " + f.describe(c));
        boolean[] overlap = {false, false};
        inject(f);
        String writeId = "chaos-" + n + "-" + System.nanoTime();
        String write = write(writeId, writeNode);
        long holdEnd = System.nanoTime() + f.holdMillis() * 1_000_000;
        do {
            safety(n, f, look(n, f, f.kind() == Fault.Kind.DISK), overlap);
            Thread.sleep(POLL_MILLIS);
        } while (System.nanoTime() < holdEnd);
        heal(f);

        long healed = System.nanoTime();
        ClusterView v = ClusterView.take(c);
        int stable = 0;
        while (System.nanoTime() - healed < ChaosRun.SETTLE_BOUND.toNanos()) {
            v = look(n, f, false);
            safety(n, f, v, overlap);
            stable = v.unsettled().isEmpty() ? stable + 1 : 0;
            if (stable >= STABLE_POLLS) break;
            Thread.sleep(POLL_MILLIS);
        }
        long settleMs = (System.nanoTime() - healed) / 1_000_000;
        if (stable < STABLE_POLLS) {
            log.violation(n, "not settled within " + ChaosRun.SETTLE_BOUND.toSeconds() + " s of healing: "
                    + v.unsettled() + "; " + v.states(), c.logs(40));
        } else {
            t.settle.add(settleMs);
            for (String s : ChaosRun.and(v.safety(), v.settledCoverage())) log.violation(n, "settled, but " + s + "; " + v.states(), c.logs(40));
            hostsAgree(n, "settled");
        }

        long restoring = System.nanoTime();
        if (!restore(n, f)) {
            log.violation(n, "not back to Normal within " + ChaosRun.RESTORE_BOUND.toSeconds() + " s: "
                    + ClusterView.take(c).states(), c.logs(40));
        } else {
            t.restore.add((System.nanoTime() - restoring) / 1_000_000);
            hostsAgree(n, "Normal again");
        }
        checkWrite(n, writeId, write);
        if (!LocalCluster.await(() -> c.stateFilesSay("NORMAL").isEmpty(), 3_000, POLL_MILLIS)) {
            log.violation(n, "every node is Normal, but the state files say otherwise: " + c.stateFilesSay("NORMAL"), c.logs(20));
        }
        long since = System.nanoTime();
        if (!LocalCluster.await(() -> sessions.unansweredSince(since) == 0, 15_000, POLL_MILLIS)) {
            log.violation(n, sessions.unansweredSince(since) + " of " + sessions.size()
                    + " clients get no answer 15 s after the cluster is Normal again", c.logs(20));
        }
        int lost = sessions.lost() - lostBefore;
        t.lost += lost;
        if (lost > 0) log.violation(n, lost + " acknowledged sessions lost (answered 404 unknown session)", c.logs(20));
        look(n, f, false);
        if (overlap[0]) t.overlaps++;
        if (overlap[1]) t.pairOverlaps++;
        t.violations += log.violations() - violationsBefore;
        sample();
        log.say("cycle " + n + " done: settled in " + settleMs + " ms, Normal in "
                + (System.nanoTime() - restoring) / 1_000_000 + " ms, write " + write
                + (overlap[0] ? ", claims held twice while split" : "") + ", sessions lost " + lost);
    }

    /**
     * The cluster's word now, after acting as the service manager: a node that exited is started again as systemd
     * would. Every exit is a violation (a node that failed clean, or could not start) except a refusal to start on the
     * node's own full disk, which is what it must do.
     */
    private ClusterView look(int n, Fault f, boolean diskFull) throws IOException {
        for (ChaosCluster.Exit e : c.supervise(diskFull ? f.node() : -1)) {
            if (e.refusedOnFullDisk()) {
                log.say(e.node() + " refused to start on its full disk (status 1: " + e.lastLine().strip()
                        + "); started again in 2 s, as systemd would");
            } else {
                log.violation(n, e.node() + " exited with status " + e.status() + " (" + e.lastLine().strip() + ")"
                        + (e.status() == 2 ? "; not started again, as systemd would not" : "; started again in 2 s"),
                        c.logs(60));
            }
        }
        return ClusterView.take(c);
    }

    /**
     * Where the network can tell (namespaces): each address is on the hosts of exactly the nodes that say they hold it,
     * no other (a node killed with its addresses on it must take them off when it starts again). A claim or release
     * that is still being carried out gets a few seconds.
     */
    private void hostsAgree(int n, String when) throws InterruptedException {
        if (c.network().addressesOnHosts(c).isEmpty()) return;
        String[] last = {""};
        boolean agree = LocalCluster.await(() -> {
            last[0] = hostsDisagree();
            return last[0].isEmpty();
        }, HOSTS_AGREE_MILLIS, POLL_MILLIS);
        if (!agree) log.violation(n, when + ", but " + last[0], c.logs(20));
    }

    private static final long HOSTS_AGREE_MILLIS = 5_000;

    /** "" when the hosts' addresses are what the nodes say they hold, else both. */
    private String hostsDisagree() {
        Map<String, List<String>> onHosts = c.network().addressesOnHosts(c).orElse(Map.of());
        ClusterView v = ClusterView.take(c);
        Map<String, List<String>> said = new TreeMap<>();
        Map<String, String> addressOf = new HashMap<>();
        for (int i = 0; i < c.size(); i++) addressOf.put(c.id(i), c.serviceAddress(i));
        for (int i = 0; i < c.size(); i++) {
            ClusterView.NodeView node = v.node(i);
            for (String owner : node.holdsAddressesOf()) said.computeIfAbsent(addressOf.get(owner), a -> new ArrayList<>()).add(node.id());
            if (node.holdsClusterAddress()) said.computeIfAbsent(c.clusterAddress(), a -> new ArrayList<>()).add(node.id());
        }
        return said.equals(onHosts) ? "" : "the hosts have " + onHosts + " while the nodes say they hold " + said;
    }

    /** Claims held twice: a violation, except while a fault that lets both nodes of a pair run apart lasts. */
    private void safety(int n, Fault f, ClusterView v, boolean[] overlap) {
        List<String> twice = v.safety();
        if (twice.isEmpty()) return;
        if (f.kind().splits) {
            if (!overlap[0]) log.say("cycle " + n + ": while split " + twice);
            overlap[0] = true;
            // A pair's users or service address twice: what a witness rules out (docs/redundancy.md, Witness).
            if (twice.stream().anyMatch(s -> !s.startsWith("the cluster address"))) {
                if (!overlap[1]) log.say("cycle " + n + ": a pair served the same users twice " + twice);
                overlap[1] = true;
            }
        } else {
            for (String s : twice) log.violation(n, s + " during " + f.describe(c) + "; " + v.states(), c.logs(40));
        }
    }

    private void inject(Fault f) throws Exception {
        switch (f.kind()) {
            case KILL -> c.kill(f.node());
            case FREEZE -> c.node(f.node()).freeze();
            case RESTART -> {
                if (!c.stop(f.node())) log.say(c.id(f.node()) + " did not stop within 30 s of SIGTERM; killed");
                c.start(f.node());
            }
            case STORE -> c.stopStore();
            case PARTITION -> net.partition(f.node(), f.other());
            case LOSS -> net.loss(f.node(), f.other(), Fault.LOSS_PERCENT);
            case DISK -> {
                c.fillDisk(f.node());
                c.kill(f.node());
                c.start(f.node());
            }
            case DISK_TAKEOVER -> {
                c.fillDisk(f.node());
                c.kill(ChaosCluster.peer(f.node()));
            }
        }
    }

    private void heal(Fault f) throws Exception {
        switch (f.kind()) {
            case KILL -> c.start(f.node());
            case FREEZE -> c.node(f.node()).thaw();
            case RESTART -> { }
            case STORE -> c.startStore();
            case PARTITION, LOSS -> net.heal();
            case DISK -> c.emptyDisk(f.node());
            case DISK_TAKEOVER -> {
                c.start(ChaosCluster.peer(f.node()));
                c.emptyDisk(f.node());
            }
        }
    }

    /**
     * Brings every pair back to Normal as an operator would: Recover where the pair offers it, Fallback for a
     * failed-over node; false when it is not Normal with both standbys ready within the bound.
     */
    boolean restore(int n, Fault f) throws InterruptedException, IOException {
        Map<String, Long> lastAsked = new HashMap<>();
        long start = System.nanoTime();
        while (System.nanoTime() - start < ChaosRun.RESTORE_BOUND.toNanos()) {
            ClusterView v = n == 0 ? ClusterView.take(c) : look(n, f, false);
            if (v.allNormal()) return true;
            for (int i = 0; i < c.size(); i++) {
                ClusterView.NodeView x = v.node(i);
                if (!x.answering()) continue;
                String group = ChaosCluster.group(i);
                String action = x.actions().contains("recover") ? "recover" : x.actions().contains("fallback") ? "fallback" : null;
                if (action == null) continue;
                String key = group + " " + action;
                // An action takes a moment to show; asked again at once, a Recover would restart the pair again.
                if (System.nanoTime() - lastAsked.getOrDefault(key, 0L) < 3_000_000_000L && lastAsked.containsKey(key)) continue;
                lastAsked.put(key, System.nanoTime());
                c.admin().action(c.host(i), group, action, action.equals("recover") ? null : x.id());
            }
            Thread.sleep(POLL_MILLIS * 2);
        }
        return ClusterView.take(c).allNormal();
    }

    /** An admin write while the fault lasts: a new user of g1, through one node. */
    private String write(String id, int node) {
        String body = "{\"id\":\"" + id + "\",\"group\":\"g1\"}";
        Optional<AdminClient.Answer> a = c.admin().write(c.host(node), "POST", "/api/v1/users", "application/json", body);
        String outcome = a.isEmpty() ? "unanswered" : a.get().status() == 201 ? "created" : "refused " + a.get().status();
        writes.merge(outcome.startsWith("refused") ? "refused" : outcome, 1, Integer::sum);
        return outcome + " (through " + c.id(node) + ")";
    }

    /**
     * The write is in the store as it was answered: there if created, absent if refused, alike on every node. A node
     * learns of it when it next reads the store, and one that lost the store during the fault reads it once it has
     * reconnected: the nodes have {@link ChaosRun#WRITE_BOUND} to agree.
     */
    private void checkWrite(int n, String id, String outcome) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + ChaosRun.WRITE_BOUND.toNanos();
        while (true) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                Optional<AdminClient.Answer> a = c.admin().exchange(c.host(i), "GET", "/api/v1/users/" + id, null, null);
                seen.add(c.id(i) + ": " + a.map(x -> x.status() == 200 ? "present" : x.status() == 404 ? "absent"
                        : "HTTP " + x.status()).orElse("no answer"));
            }
            boolean allPresent = seen.stream().allMatch(s -> s.endsWith("present"));
            boolean allAbsent = seen.stream().allMatch(s -> s.endsWith("absent"));
            boolean ok = outcome.startsWith("created") ? allPresent
                    : outcome.startsWith("refused") ? allAbsent : allPresent || allAbsent;
            if (ok) {
                writeAgreed.add((System.nanoTime() - start) / 1_000_000);
                return;
            }
            if (System.nanoTime() > deadline) {
                log.violation(n, "the admin write of user " + id + " was " + outcome + ", and "
                        + ChaosRun.WRITE_BOUND.toSeconds() + " s after the cluster was Normal again " + seen, c.logs(20));
                return;
            }
            Thread.sleep(POLL_MILLIS * 5);
        }
    }

    /** Every running node's resident memory, open files and threads, summed, after the start and after each cycle. */
    private void sample() {
        long rssKib = 0;
        long files = 0;
        long threads = 0;
        for (int i = 0; i < c.size(); i++) {
            if (!c.running(i)) continue;
            long pid = c.node(i).pid();
            rssKib += Math.max(0, ProcStat.rssKib(pid));
            files += Math.max(0, ProcStat.openFiles(pid));
            threads += Math.max(0, ProcStat.threads(pid));
        }
        footprint.add(new long[] {rssKib / 1024, files, threads});
    }

    /** What the run saw, into {@code r}. */
    void fill(Result r, long seed, int cycles, String kinds) {
        r.parameter("seed", seed)
                .parameter("cycles", cycles).parameter("nodes", c.size()).parameter("clients", sessions.size())
                .parameter("faults", kinds);
        Result.Table t = r.table("Each kind of fault: cycles, invariant violations, cycles in which a split pair or group"
                + " held a claim twice while the fault lasted (allowed then, by the specification), of those the cycles"
                + " in which a pair's users or service address were claimed twice (not the load-balancing cluster"
                + " address), sessions lost, and the time from healing to a settled cluster and from there to every pair"
                + " Normal (ms)", "fault", "cycles", "violations", "split cycles", "pair split cycles", "sessions lost",
                "settle median", "settle max", "to Normal median", "to Normal max");
        tallies.forEach((k, x) -> {
            if (x.cycles == 0) return;
            t.row(k.name, x.cycles, x.violations, x.overlaps, x.pairOverlaps, x.lost, Result.round(x.settle.median(), 0),
                    Result.round(x.settle.max(), 0), Result.round(x.restore.median(), 0), Result.round(x.restore.max(), 0));
        });
        r.table("Admin writes (a new user through a random node while the fault lasts), and the time from Normal again"
                + " until every node answers it as it was answered (ms)", "created", "refused", "unanswered",
                "agreed median", "agreed max").row(writes.getOrDefault("created", 0), writes.getOrDefault("refused", 0),
                writes.getOrDefault("unanswered", 0), Result.round(writeAgreed.median(), 0),
                Result.round(writeAgreed.max(), 0));
        Result.Table f = r.table("All nodes together after the start, at each quarter of the run and after the last cycle:"
                + " resident memory (MiB), open file descriptors and threads", "measure", "after start", "1/4", "1/2",
                "3/4", "after the last cycle", "most");
        String[] names = {"memory (MiB)", "file descriptors", "threads"};
        for (int m = 0; m < names.length; m++) {
            int k = m;
            List<Object> row = new ArrayList<>(List.of(names[m]));
            for (int q = 0; q <= 4; q++) row.add(footprint.get((footprint.size() - 1) * q / 4)[k]);
            row.add(footprint.stream().mapToLong(x -> x[k]).max().orElse(0));
            f.row(row.toArray());
        }
        r.note("The cluster: what 'tandem demo init' writes for " + c.size() + " nodes (pairs g1 = n1, n2, ...; every node"
                + " a member of one load-balancing group; a service address per node; the fast profile), sessions"
                + " handed over by replication, a PostgreSQL server as the store, "
                + (c.network() instanceof ChaosNetwork.Namespaces
                        ? "each node in a network namespace of its own on one bridge, addresses moved by the linux driver"
                        : "the nodes on loopback, addresses moved by the bind driver") + ". Clients log in"
                + " through the cluster address and heartbeat every " + ChaosRun.CLIENT_HEARTBEAT.toMillis() + " ms.");
        r.note("Checked while each fault lasts and while the cluster settles: no service address, no node's users and no"
                + " cluster address claimed by two nodes (a partition, packet loss or a frozen process lets both nodes"
                + " of a pair run apart: the specification lets both serve then, so such claims are counted as split"
                + " cycles, not failed). Checked once it settles (every pair in a row it can stay in, one director,"
                + " within " + ChaosRun.SETTLE_BOUND.toSeconds() + " s of healing): each address held and each node's"
                + " users served by exactly one node. Then Recover or Fallback as an operator would, Normal within "
                + ChaosRun.RESTORE_BOUND.toSeconds() + " s; within " + ChaosRun.WRITE_BOUND.toSeconds() + " s of that,"
                + " the admin write present everywhere if it was answered created, absent everywhere if refused, alike"
                + " everywhere if unanswered; every client answered again"
                + " with no session lost; no node exited on its own"
                + (c.network() instanceof ChaosNetwork.Namespaces
                        ? "; each address on the host of exactly the node that says it holds it, once settled and once Normal."
                        : "."));
    }
}
