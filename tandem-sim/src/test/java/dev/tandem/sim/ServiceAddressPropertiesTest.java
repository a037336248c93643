package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * docs/redundancy.md, Service addresses: each node's service address is held by whichever node serves its users.
 * Two properties over random fault schedules, checked after every event of the simulation, not only at the end:
 * <ul>
 *   <li>while the network neither loses nor partitions (crashes, kills, restarts, stops, admin actions, services and
 *       databases failing, hooks failing), no address is ever held by two live nodes at the same virtual instant:
 *       planned moves release before they claim, and a survivor claims only a peer that is really gone;</li>
 *   <li>with every fault, lossy networks and partitions included, once the faults stop and the pair has settled
 *       no address has two holders, even before an administrator's Recover; after it every address has exactly one
 *       holder, at every instant from then on.</li>
 * </ul>
 */
class ServiceAddressPropertiesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final List<NodeId> BOTH = List.of(N1, N2);
    /** As in RedundancyPropertiesTest: the fast parameters' settling bound, generously rounded. */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Map<String, String> FAST = Map.of(
            "keepAliveInterval", "1s", "keepAliveTimeout", "3s", "initKeepAliveTimeout", "6s",
            "criticalServiceDelay", "2s", "automaticFallbackDelay", "20s");

    @Property(tries = 1500)
    void withoutLossOrPartitionNoAddressIsEverHeldTwice(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long seed) {
        Random r = new Random(seed);
        Sim sim = pair(seed, r);
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(200)), 0, 0));
        List<String> schedule = new ArrayList<>();
        sim.checkAfterEveryEvent(() -> {
            for (NodeId owner : BOTH) {
                if (sim.serviceAddressHolders(owner).size() > 1) {
                    throw new AssertionError("at " + sim.elapsed() + " " + owner + "'s address is held by "
                            + sim.serviceAddressHolders(owner) + "\n" + story(sim, seed, schedule));
                }
            }
        });
        int faults = 5 + r.nextInt(25);
        for (int i = 0; i < faults; i++) {
            sim.run(Duration.ofMillis(r.nextInt(6000)));
            schedule.add(sim.elapsed() + " " + fault(sim, r, false));
        }
        sim.run(SETTLE);
    }

    @Property(tries = 1500)
    void afterThePairSettlesEveryAddressHasExactlyOneHolder(
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long seed) {
        Random r = new Random(seed);
        Sim sim = pair(seed, r);
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(200)),
                r.nextDouble() * 0.2, r.nextDouble() * 0.1));
        List<String> schedule = new ArrayList<>();
        int faults = 5 + r.nextInt(25);
        for (int i = 0; i < faults; i++) {
            sim.run(Duration.ofMillis(r.nextInt(6000)));
            schedule.add(sim.elapsed() + " " + fault(sim, r, true));
        }
        sim.heal();
        sim.network(NetworkModel.PERFECT);
        for (NodeId n : BOTH) {
            sim.serviceUp(n, "svc");
            sim.databaseUp(n);
            sim.clearFailNext(n);
            if (!sim.isUp(n)) sim.start(n);
        }
        sim.run(SETTLE);
        // Settled, and before any Recover: a healed partition ends dual holding on its own (decisions 0005, 0081).
        for (NodeId owner : BOTH) {
            assertThat(sim.serviceAddressHolders(owner)).as("holders of %s's address once settled, before Recover\n%s",
                    owner, story(sim, seed, schedule)).hasSizeLessThanOrEqualTo(1);
        }
        if (sim.actions("g1").contains(AdminAction.RECOVER)) {
            schedule.add(sim.elapsed() + " admin recover");
            sim.recover("g1");
            sim.run(SETTLE);
        }
        sim.checkAfterEveryEvent(() -> {
            for (NodeId owner : BOTH) {
                assertThat(sim.serviceAddressHolders(owner)).as("holders of %s's address at %s\n%s", owner,
                        sim.elapsed(), story(sim, seed, schedule)).hasSize(1);
            }
        });
        sim.run(SETTLE);
        for (NodeId owner : BOTH) {
            assertThat(sim.serviceAddressHolders(owner)).as("%s\n%s", owner, story(sim, seed, schedule)).hasSize(1);
        }
    }

    /**
     * Found by the property above: during a partition n1 (serving everyone) also lost a critical service and froze
     * with every user; at the heal n2 froze with every user too, until Recover (docs/decisions/0081).
     */
    @Example
    void aNodeFrozenWithEveryUserDuringAPartitionGivesThePeersBackAtTheHeal() {
        afterThePairSettlesEveryAddressHasExactlyOneHolder(592033L);
    }

    /**
     * Found by the property above: n1's automatic fallback fell due as n2, its backup, failed a critical service; n1
     * waited for n2 to fall back, n2 for n1 to take over, and nobody held n1's address or served anyone
     * (scenario redundancy/automatic-fallback-crosses-backup-failure).
     */
    @Example
    void anAutomaticFallbackThatCrossesTheBackupsFailureEndsWithTheFailedOverNodeServingEveryone() {
        afterThePairSettlesEveryAddressHasExactlyOneHolder(1999L);
    }

    /**
     * Found by the property above: n2, persisted Running in Backup Mode, restarted as n1's keep-alive timeout fired;
     * n1 took everyone over while n2 resumed backup mode from n1's older Failed Over heartbeat, and both held n1's
     * address for an instant.
     */
    @Example
    void aBackupRestartingAsItsPeerTimesOutNeverHoldsThePeersAddressTwice() {
        withoutLossOrPartitionNoAddressIsEverHeldTwice(32648L);
    }

    private static Sim pair(long seed, Random r) {
        Sim sim = new Sim(seed);
        Map<String, String> params = new java.util.HashMap<>(FAST);
        params.put("automaticFallback", Boolean.toString(r.nextBoolean()));
        sim.parameters(ServiceParameters.fromText(params));
        sim.hookTime(Duration.ofMillis(300));
        sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
        for (NodeId n : BOTH) sim.addService(n, "svc");
        sim.addUsers("g1", 10, r.nextBoolean() ? AssignmentMode.BALANCED : AssignmentMode.ACTIVE_STANDBY);
        sim.start(N1);
        sim.start(N2);
        return sim;
    }

    private static String fault(Sim sim, Random r, boolean network) {
        return PairFaults.apply(sim, r, "g1", N1, N2, network);
    }

    private static String story(Sim sim, long seed, List<String> schedule) {
        return "seed " + seed + "\nfaults:\n  " + String.join("\n  ", schedule) + "\ntrace (last 60):\n"
                + String.join("\n", sim.trace().subList(Math.max(0, sim.trace().size() - 60), sim.trace().size()));
    }
}
