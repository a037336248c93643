package dev.tandem.bench.users;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.node.store.ClusterSettings;
import dev.tandem.node.store.ClusterStore;
import dev.tandem.node.store.UserAdmin;
import dev.tandem.node.store.UserDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The users of one store, measured in the benchmark's process: a CSV import with balanced assignment (what
 * {@code tandem users import} asks of a node), a node loading every user from the store into its directory, and
 * user-to-node lookups in that directory (the user-homed redirect's hot path).
 */
final class StoreScale {
    /** Two redundancy pairs, g1 = n1, n2 and g2 = n3, n4, as the real-cluster part runs. */
    static final List<ClusterSettings.Group> GROUPS = List.of(pair("g1", "n1", "n2"), pair("g2", "n3", "n4"));

    record Figures(int imported, double importSeconds, Map<String, Integer> perNode, double loadSeconds,
                   double lookupsPerSecondOneThread, double lookupsPerSecondAllThreads, int threads, double heapMib,
                   int rebalanceMoved, double rebalanceSeconds) {}

    private StoreScale() {}

    static ClusterSettings.Group pair(String name, String a, String b) {
        return new ClusterSettings.Group(name, "", List.of(new ClusterSettings.Member(a, "10.0.0." + a.substring(1)),
                new ClusterSettings.Member(b, "10.0.0." + b.substring(1))), true);
    }

    static String userId(int i) {
        return "user" + i + "@example.com";
    }

    static String csv(int users) {
        StringBuilder b = new StringBuilder(users * 24);
        for (int i = 0; i < users; i++) b.append(userId(i)).append('\n');
        return b.toString();
    }

    static Figures measure(ClusterStore store, int users, int threads) throws InterruptedException {
        store.updateSettings(new ClusterStore.Action("bench", "setup", "groups"),
                s -> s.withGroups(GROUPS).withAssignmentMode(AssignmentMode.BALANCED.display()));
        String csv = csv(users);
        UserAdmin admin = new UserAdmin(store, Map::of);

        long t0 = System.nanoTime();
        UserAdmin.Imported imported = admin.importCsv("bench", csv);
        double importSeconds = seconds(t0);
        if (imported.imported() != users) {
            throw new IllegalStateException("the import took " + imported.imported() + " of " + users + " users");
        }

        String[] ids = new String[users];
        for (int i = 0; i < users; i++) ids[i] = userId(i);
        long heapBefore = usedHeap();
        t0 = System.nanoTime();
        UserDirectory directory = UserDirectory.load(store, () -> null);
        double loadSeconds = seconds(t0);
        double heapMib = (usedHeap() - heapBefore) / (1024.0 * 1024.0);

        Map<String, Integer> perNode = new HashMap<>();
        for (String id : ids) {
            NodeId home = directory.placement(id).orElseThrow(() -> new IllegalStateException("no home for " + id)).home();
            perNode.merge(home.value(), 1, Integer::sum);
        }

        lookups(directory, ids, 0, ids.length); // warm-up: the JIT compiles the lookup before it is timed
        t0 = System.nanoTime();
        long found = lookups(directory, ids, 0, ids.length) + lookups(directory, ids, 0, ids.length);
        double oneThread = found / seconds(t0);
        double allThreads = parallelLookups(directory, ids, threads);

        // A third pair joins: the rebalance moves a third of the users, as few as Balanced allows.
        store.updateSettings(new ClusterStore.Action("bench", "setup", "g3"), s -> s.withGroup(pair("g3", "n5", "n6")));
        t0 = System.nanoTime();
        int moved = admin.rebalance("bench");
        double rebalanceSeconds = seconds(t0);
        return new Figures(imported.imported(), importSeconds, perNode, loadSeconds, oneThread, allThreads, threads, heapMib,
                moved, rebalanceSeconds);
    }

    /** Looks every user of {@code ids[from..to)} up; returns how many resolved (all of them, or the run is wrong). */
    private static long lookups(UserDirectory directory, String[] ids, int from, int to) {
        long found = 0;
        for (int i = from; i < to; i++) if (directory.servingNode(ids[i]).isPresent()) found++;
        if (found != to - from) throw new IllegalStateException((to - from - found) + " users did not resolve");
        return found;
    }

    private static double parallelLookups(UserDirectory directory, String[] ids, int threads) throws InterruptedException {
        AtomicLong total = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            // Each thread walks every user, starting at its own offset, so the threads do not share cache lines.
            int offset = (int) ((long) ids.length * t / threads);
            workers.add(Thread.ofPlatform().start(() -> {
                long n = lookups(directory, ids, offset, ids.length) + lookups(directory, ids, 0, offset);
                total.addAndGet(n);
            }));
        }
        for (Thread w : workers) w.join();
        return total.get() / seconds(t0);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
