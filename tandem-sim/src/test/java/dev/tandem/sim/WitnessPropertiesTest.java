package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * docs/decisions/115-a-witness-decides-who-serves.md: with {@code partitionRecovery: witness}, random schedules of
 * partitions (between the nodes, between a node and the witness), crashes, kills, restarts, reboots, graceful stops,
 * witness outages and lossy, slow networks. Checked after every event of the simulation: no user is ever served by
 * both nodes at the same virtual instant. Once the faults stop the pair settles by itself, never in Running in Failed
 * Mode and without an administrator's Recover, within {@link #SETTLE}; with automatic fallback it is Normal within the
 * fallback delay more.
 */
class WitnessPropertiesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final List<NodeId> BOTH = List.of(N1, N2);
    /**
     * From the fast parameters below: the initialization timeout (6 s), a keep-alive timeout (3 s) and the witness's
     * wait in Taking Over (5 s), hooks of 300 ms, generously rounded as in RedundancyPropertiesTest.
     */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration FALLBACK_DELAY = Duration.ofSeconds(20);
    private static final Map<String, String> FAST = Map.of(
            "keepAliveInterval", "1s", "keepAliveTimeout", "3s", "initKeepAliveTimeout", "6s",
            "criticalServiceDelay", "2s", "automaticFallbackDelay", "20s", "partitionRecovery", "witness");

    /**
     * Seeds that once failed, each for a reason now in decision 115: a take over before the peer let go, both
     * fenced nodes taking each other's users at the heal, a stale Normal heard by a starting node, a lease that
     * lapsed while its holder served the peer's users, two nodes starting in backup mode, a heartbeat delayed past
     * its sender's goodbye (and past its timeout), a failed-over peer taken over on a heartbeat older than its return
     * to Normal, a silent peer's take over going on once the peer, starting, was heard again, refusals of a killed
     * process counted against the new one that had just started.
     */
    @Example
    void schedulesThatOnceFailed() {
        for (long seed : new long[] {4, 45, 111, 1170, 4295, 7134, 27913, 121184, 219907, 554057, 3509762423724L,
                6699870935843L, 4588516338441493437L, 1753917904445946955L, 98428}) {
            noUserIsEverServedTwiceAndEveryHealedPartitionSettlesByItself(seed);
        }
    }

    @Property(tries = 10_000)
    void noUserIsEverServedTwiceAndEveryHealedPartitionSettlesByItself(
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long seed) {
        Random r = new Random(seed);
        Sim sim = new Sim(seed);
        boolean automaticFallback = r.nextBoolean();
        Map<String, String> params = new HashMap<>(FAST);
        params.put("automaticFallback", Boolean.toString(automaticFallback));
        sim.parameters(ServiceParameters.fromText(params));
        sim.hookTime(Duration.ofMillis(300));
        // Delays stay below the keep-alive interval: the bound the witness's waits assume (decision 115).
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(500)),
                r.nextDouble() * 0.3, r.nextDouble() * 0.1));
        sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
        for (NodeId n : BOTH) sim.addService(n, "svc");
        sim.addUsers("g1", 100, r.nextBoolean() ? AssignmentMode.BALANCED : AssignmentMode.ACTIVE_STANDBY);
        sim.start(N1);
        if (r.nextInt(4) > 0) sim.start(N2);

        List<String> schedule = new ArrayList<>();
        sim.checkAfterEveryEvent(() -> {
            for (NodeId home : BOTH) {
                if (sim.serversOf(home).size() > 1) {
                    throw new AssertionError("at " + sim.elapsed() + " " + home + "'s users are served by "
                            + sim.serversOf(home) + "\n" + story(sim, seed, schedule));
                }
            }
        });
        int faults = 5 + r.nextInt(25);
        for (int i = 0; i < faults; i++) {
            sim.run(Duration.ofMillis(r.nextInt(8000)));
            schedule.add(sim.elapsed() + " " + fault(sim, r));
        }
        // Faults stop: the network and the witness heal, every node runs.
        sim.heal();
        sim.witness(true);
        sim.network(NetworkModel.PERFECT);
        for (NodeId n : BOTH) {
            if (!sim.isUp(n)) sim.start(n);
        }
        List<String> failedMode = new ArrayList<>();
        sim.onTransition(t -> {
            if (t.to().equals(NodeState.RUNNING_IN_FAILED_MODE.display())) failedMode.add(sim.elapsed() + " " + t);
        });
        sim.run(SETTLE);
        String story = story(sim, seed, schedule);
        NodeState s1 = sim.rm(N1).state();
        NodeState s2 = sim.rm(N2).state();
        assertThat(failedMode).as("Running in Failed Mode after the heal\n%s", story).isEmpty();
        assertThat(settled(s1, s2)).as("settled pair without Recover, got %s / %s\n%s", s1, s2, story).isTrue();
        for (NodeId home : BOTH) {
            if (sim.usersHomedAt(home) == 0) continue;
            assertThat(sim.serversOf(home)).as("servers of %s's users\n%s", home, story).hasSize(1);
        }
        if (automaticFallback) {
            sim.run(FALLBACK_DELAY);
            assertThat(List.of(sim.rm(N1).state(), sim.rm(N2).state())).as("Normal by automatic fallback\n%s", story)
                    .containsOnly(NodeState.NORMAL);
        }
    }

    private static boolean settled(NodeState a, NodeState b) {
        if (a == NodeState.NORMAL && b == NodeState.NORMAL) return true;
        return (a.isFailedOver() && b.isBackup()) || (b.isFailedOver() && a.isBackup());
    }

    /** One fault of the kinds: partitions, crashes and the witness's outages, on a network that may lose. */
    private static String fault(Sim sim, Random r) {
        NodeId n = r.nextBoolean() ? N1 : N2;
        NodeId other = n.equals(N1) ? N2 : N1;
        boolean up = sim.isUp(n);
        return switch (r.nextInt(12)) {
            case 0, 1 -> { sim.partition(n, other); yield "partition"; }
            case 2, 3 -> { sim.heal(); yield "heal"; }
            case 4 -> { sim.cutFromWitness(n); yield "witness | " + n; }
            case 5 -> { sim.witness(!sim.witnessUp()); yield "witness " + (sim.witnessUp() ? "up" : "down"); }
            case 6 -> { if (up) { sim.crash(n); yield "crash " + n; } sim.start(n); yield "start " + n; }
            case 7 -> { if (up) { sim.kill(n); yield "kill " + n; } sim.start(n); yield "start " + n; }
            case 8 -> { if (up) { sim.restart(n); yield "restart " + n; } yield "quiet"; }
            case 9 -> {
                if (!up) { sim.start(n); yield "start " + n; }
                sim.reboot(n, Duration.ofMillis(r.nextInt(10_000)));
                yield "reboot " + n;
            }
            case 10 -> { if (up) { sim.stop(n); yield "stop " + n; } sim.start(n); yield "start " + n; }
            default -> {
                sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(500)),
                        r.nextDouble() * 0.3, r.nextDouble() * 0.1));
                yield "network change";
            }
        };
    }

    private static String story(Sim sim, long seed, List<String> schedule) {
        return "seed " + seed + " (reproduce: new Sim(" + seed + ") with this schedule)\nfaults:\n  "
                + String.join("\n  ", schedule) + "\ntrace:\n" + String.join("\n", sim.trace());
    }
}
