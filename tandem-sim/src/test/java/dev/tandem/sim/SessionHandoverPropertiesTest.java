package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.core.rm.SessionHandover;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * docs/session-service.md, Stateful failover, over random fault schedules (the same faults as the service-address
 * properties, lossy networks and partitions included), with the session model {@link SimSessions} following
 * tandem-core's {@code SessionHandover} plan on every change of the recovery managers' states:
 * <ul>
 *   <li>at every instant the pair is linked (both nodes up, no partition), every session either node holds is held
 *       by both, live on one and a copy on the other, or live on both: so a single failure loses none of them;</li>
 *   <li>once the faults stop and the pair has settled, every acknowledged session that survived is live on exactly
 *       one node, the one serving its user, and held as a copy by the other; and every acknowledged session
 *       survived unless both nodes lost their memory after it (a failure of each).</li>
 * </ul>
 */
class SessionHandoverPropertiesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final List<NodeId> BOTH = List.of(N1, N2);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Map<String, String> FAST = Map.of(
            "keepAliveInterval", "1s", "keepAliveTimeout", "3s", "initKeepAliveTimeout", "6s",
            "criticalServiceDelay", "2s", "automaticFallbackDelay", "20s");

    @Property(tries = 1000)
    void acknowledgedSessionsSurviveAnySingleFailureAndEndLiveWhereTheirUsersAre(
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long seed) {
        Random r = new Random(seed);
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
        SimSessions sessions = new SimSessions(sim, N1, N2, SessionHandover.Mode.KEEP);
        List<String> schedule = new ArrayList<>();
        // Which nodes lost their memory since each acknowledged session was answered.
        Map<String, java.util.Set<NodeId>> lostSince = new java.util.HashMap<>();
        Map<NodeId, Long> process = new java.util.HashMap<>();
        for (NodeId n : BOTH) process.put(n, sim.process(n));
        sim.checkAfterEveryEvent(() -> {
            sessions.observe();
            for (NodeId n : BOTH) {
                if (sim.process(n) != process.get(n)) {
                    process.put(n, sim.process(n));
                    lostSince.values().forEach(s -> s.add(n));
                }
            }
            if (!sessions.linked()) return;
            for (String t : sessions.all()) {
                assertThat(sessions.heldBy(t)).as("holders of %s while linked at %s\n%s\n%s", t, sim.elapsed(),
                        sessions.describe(), story(sim, seed, schedule)).containsExactlyInAnyOrder(N1, N2);
            }
        });
        sim.run(Duration.ofSeconds(10));
        int faults = 5 + r.nextInt(25);
        for (int i = 0; i < faults; i++) {
            sim.run(Duration.ofMillis(r.nextInt(6000)));
            for (int k = r.nextInt(4); k > 0; k--) {
                NodeId at = r.nextBoolean() ? N1 : N2;
                sessions.login(at, r.nextBoolean() ? N1 : N2).filter(SimSessions.Login::acknowledged)
                        .ifPresent(l -> lostSince.put(l.token(), new java.util.HashSet<>()));
            }
            schedule.add(sim.elapsed() + " " + PairFaults.apply(sim, r, "g1", N1, N2, true));
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
        if (sim.actions("g1").contains(AdminAction.RECOVER)) {
            schedule.add(sim.elapsed() + " admin recover");
            sim.recover("g1");
            sim.run(SETTLE);
        }
        sim.run(SETTLE);
        sessions.observe();
        for (String t : sessions.acknowledged()) {
            Set<NodeId> held = sessions.heldBy(t);
            if (held.isEmpty()) {
                assertThat(lostSince.get(t)).as("%s was lost although not both nodes failed after it\n%s", t,
                        story(sim, seed, schedule)).containsExactlyInAnyOrder(N1, N2);
                continue;
            }
            NodeId home = sessions.home(t).orElseThrow();
            assertThat(sessions.liveOn(t)).as("%s (home %s) live on, after settling\n%s\n%s", t, home,
                    sessions.describe(), story(sim, seed, schedule)).containsExactlyElementsOf(sim.serversOf(home));
            assertThat(held).containsExactlyInAnyOrder(N1, N2);
        }
    }

    private static String story(Sim sim, long seed, List<String> schedule) {
        return "seed " + seed + "\nfaults:\n  " + String.join("\n  ", schedule) + "\ntrace (last 60):\n"
                + String.join("\n", sim.trace().subList(Math.max(0, sim.trace().size() - 60), sim.trace().size()));
    }
}
