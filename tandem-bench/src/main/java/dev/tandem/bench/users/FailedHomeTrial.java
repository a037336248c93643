package dev.tandem.bench.users;

import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One trial of "how long until every user of a failed node resolves to its backup", on a real cluster: four node
 * processes in two redundancy pairs (g1 = n1, n2; g2 = n3, n4) sharing the demo's H2 store, every one a member of
 * the load-balancing group. The users are imported through the admin API; once the director knows all of them, a
 * home node is killed with SIGKILL and the cluster address is asked, as clients ask it, where its users go.
 */
final class FailedHomeTrial {
    /** Which home node fails: the director's own redundancy peer, or a node of the other pair. */
    enum Home {
        DIRECTORS_PEER("the director's peer"), OTHER_PAIR("a node of the other pair");

        final String label;

        Home(String label) {
            this.label = label;
        }
    }

    record Figures(double importSeconds, double directorKnowsSeconds, double resolvedMillis, int usersOfHome,
                   int sweptToBackup, double sweepSeconds) {}

    private final Path jar;
    private final List<String> jvm;
    private final DemoCluster.Profile profile;
    private final ServiceParameters params;
    private final int users;
    private final int sample;

    FailedHomeTrial(Path jar, List<String> jvm, DemoCluster.Profile profile, ServiceParameters params, int users, int sample) {
        this.jar = jar;
        this.jvm = jvm;
        this.profile = profile;
        this.params = params;
        this.users = users;
        this.sample = sample;
    }

    Figures run(Path dir, int subnet, Home which, double phase) throws Exception {
        long settle = params.initKeepAliveTimeout().toMillis() + params.keepAliveTimeout().toMillis() + 60_000;
        long bound = 3 * params.keepAliveTimeout().toMillis() + params.keepAliveInterval().toMillis() + 60_000;
        long pollMs = profile == DemoCluster.Profile.FAST ? 5 : 20;
        try (LocalCluster c = LocalCluster.write(dir, jar, 4, profile, subnet).jvmOptions(jvm);
             ClusterAddress address = new ClusterAddress(c.clusterAddress())) {
            for (int i = 0; i < 4; i++) {
                // One JVM start at a time: four at once on a small machine can starve the fast profile's heartbeats.
                c.start(i);
                int n = i;
                if (!LocalCluster.await(() -> c.admin().healthy(c.host(n)), settle, 50)) {
                    throw new IllegalStateException(c.id(i) + " did not answer /health" + c.logs());
                }
            }
            if (!LocalCluster.await(() -> java.util.stream.IntStream.range(0, c.size()).allMatch(c::normal)
                    && c.agreedDirector() >= 0, settle, 100)) {
                throw new IllegalStateException("the cluster never settled (Normal everywhere, one director)" + c.logs());
            }
            int director = c.agreedDirector();
            int home = which == Home.DIRECTORS_PEER ? director ^ 1 : (director < 2 ? 2 : 0);
            int backup = home ^ 1; // pairs are (0, 1) and (2, 3)

            long t0 = System.nanoTime();
            var answer = dev.tandem.api.AdminClient.JSON.readValue(c.admin().post(c.host(director),
                    "/api/v1/users/import", "text/csv", StoreScale.csv(users)), dev.tandem.api.UsersAnswers.Imported.class);
            double importSeconds = (System.nanoTime() - t0) / 1e9;
            if (answer.imported() != users) throw new IllegalStateException("import answered " + answer);
            String last = StoreScale.userId(users - 1);
            if (!LocalCluster.await(() -> address.assign(last).map(a -> a.rule().equals("user")).orElse(false), 300_000, 50)) {
                throw new IllegalStateException("the director did not learn the imported users within 5 minutes" + c.logs());
            }
            double directorKnows = (System.nanoTime() - t0) / 1e9 - importSeconds;

            List<String> ofHome = usersOf(c, director, c.id(home));
            List<String> probe = new ArrayList<>(ofHome);
            Collections.shuffle(probe, new java.util.Random(subnet * 31L + which.ordinal()));
            probe = probe.subList(0, Math.min(sample, probe.size()));
            for (Optional<ClusterAddress.Assignment> a : address.assignAll(probe, 4)) {
                if (a.isEmpty() || !a.get().host().equals(c.host(home))) {
                    throw new IllegalStateException("before the failure a user of " + c.id(home) + " was sent to " + a);
                }
            }

            Thread.sleep((long) (phase * params.keepAliveInterval().toMillis())); // a random phase of the heartbeat timer
            long killedAt = System.nanoTime();
            c.node(home).kill();
            List<String> probed = probe;
            if (!LocalCluster.await(() -> allSentTo(address, probed, c.host(backup)), bound, pollMs)) {
                throw new IllegalStateException("the users of " + c.id(home) + " were not sent to " + c.id(backup)
                        + " within " + bound + " ms" + c.logs());
            }
            double resolvedMillis = (System.nanoTime() - killedAt) / 1e6;

            long s0 = System.nanoTime();
            int swept = 0;
            for (Optional<ClusterAddress.Assignment> a : address.assignAll(ofHome, 4)) {
                if (a.isPresent() && a.get().host().equals(c.host(backup))) swept++;
            }
            double sweepSeconds = (System.nanoTime() - s0) / 1e9;
            return new Figures(importSeconds, directorKnows, resolvedMillis, ofHome.size(), swept, sweepSeconds);
        }
    }

    /** Every user whose home is {@code node}, from the store through the admin API's export (id,group,home). */
    private static List<String> usersOf(LocalCluster c, int via, String node) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : c.admin().text(c.host(via), "/api/v1/users/export").split("\n")) {
            String[] f = line.split(",");
            if (f.length == 3 && f[2].strip().equals(node)) out.add(f[0]);
        }
        if (out.isEmpty()) throw new IllegalStateException("no user has home " + node);
        return out;
    }

    private static boolean allSentTo(ClusterAddress address, List<String> users, String host) {
        try {
            for (Optional<ClusterAddress.Assignment> a : address.assignAll(users, 4)) {
                if (a.isEmpty() || !a.get().host().equals(host)) return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
