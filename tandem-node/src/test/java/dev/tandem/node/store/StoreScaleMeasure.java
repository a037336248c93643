package dev.tandem.node.store;

import dev.tandem.core.rm.RmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Measures one million users on each store (issue 6, Scale): CSV import with assignment, a node loading them all,
 * in-memory lookups and a rebalance after a group is added. Not a test (speed is measured, never asserted): run
 * with the test class path, {@code java -cp ... dev.tandem.node.store.StoreScaleMeasure [users]}; prints JSON.
 */
public final class StoreScaleMeasure {
    private StoreScaleMeasure() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("tandem-scale-");
        StringBuilder out = new StringBuilder("{\"users\": " + n + ", \"cores\": "
                + Runtime.getRuntime().availableProcessors() + ", \"results\": [\n");
        try (ClusterStore h2 = JdbcClusterStore.open("jdbc:h2:file:" + dir.resolve("tandem") + ";AUTO_SERVER=TRUE", null, null)) {
            out.append(measure("h2", h2, n)).append(",\n");
        }
        try (TestPostgres pg = TestPostgres.start();
             ClusterStore store = JdbcClusterStore.open(pg.newDatabase(), TestPostgres.user(), null)) {
            out.append(measure("postgresql", store, n)).append('\n');
        }
        out.append("]}");
        System.out.println(out);
    }

    private static String measure(String kind, ClusterStore store, int n) {
        store.updateSettings(new ClusterStore.Action("measure", "setup", "groups"),
                s -> s.withGroups(List.of(StoreContractTest.pair("g1", "n1", "n2"), StoreContractTest.pair("g2", "n3", "n4"))));
        StringBuilder csv = new StringBuilder(n * 16);
        for (int i = 0; i < n; i++) csv.append("user").append(i).append("@example.com\n");
        String text = csv.toString();
        UserAdmin admin = new UserAdmin(store, Map::of);

        long t0 = System.nanoTime();
        UserAdmin.Imported imported = admin.importCsv("measure", text);
        double importS = seconds(t0);

        t0 = System.nanoTime();
        ClusterStore.UserChanges all = store.userChangesSince(0);
        double loadS = seconds(t0);
        UserDirectory dir = new UserDirectory(() -> (RmState) null);
        t0 = System.nanoTime();
        dir.groups(store.settings().groups());
        dir.apply(all.epoch(), all.upserted(), all.removed());
        double buildS = seconds(t0);

        // Lookups: the redirect's hot path, in memory.
        long found = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) if (dir.servingNode("user" + i + "@example.com").isPresent()) found++;
        }
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) if (dir.servingNode("user" + i + "@example.com").isPresent()) found++;
        double lookupNs = (System.nanoTime() - t0) / (double) n;

        t0 = System.nanoTime();
        store.user("user" + (n / 2) + "@example.com");
        double oneStoreLookupMs = (System.nanoTime() - t0) / 1e6;

        store.updateSettings(new ClusterStore.Action("measure", "setup", "g3"),
                s -> s.withGroup(StoreContractTest.pair("g3", "n5", "n6")));
        t0 = System.nanoTime();
        int moved = admin.rebalance("measure");
        double rebalanceS = seconds(t0);

        return String.format(java.util.Locale.ROOT, "  {\"store\": \"%s\", \"imported\": %d, \"importSeconds\": %.2f,"
                        + " \"loadAllSeconds\": %.2f, \"directoryBuildSeconds\": %.2f, \"lookupNanos\": %.0f,"
                        + " \"storeLookupMillis\": %.2f, \"rebalanceMoved\": %d, \"rebalanceSeconds\": %.2f, \"found\": %d}",
                kind, imported.imported(), importS, loadS, buildS, lookupNs, oneStoreLookupMs, moved, rebalanceS, found);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
