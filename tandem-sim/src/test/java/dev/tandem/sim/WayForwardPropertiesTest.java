package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Every state a node can persist has a way forward (docs/decisions/0051-a-hook-cut-short-runs-again.md): whatever
 * was killed, stopped or cut short, once the faults end and both nodes run again from what they persisted, the
 * actions the group offers (Recover, Fallback) and time bring the pair back to Normal / Normal. A state that offers
 * nothing and never changes (as Failed Over with Critical Services Not Running did after a kill during the start of
 * the services) fails with the seed that reaches it.
 */
class WayForwardPropertiesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final List<NodeId> BOTH = List.of(N1, N2);
    /** The settling bound of {@link RedundancyPropertiesTest}, for the same fast parameters. */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration HOOK = Duration.ofMillis(300);
    /** Recover, then a fallback, then the automatic fallback's turn: more rounds than any path needs. */
    private static final int ROUNDS = 4;

    private static Sim pair(long seed, boolean automaticFallback) {
        Sim sim = new Sim(seed);
        Map<String, String> params = new HashMap<>(Map.of(
                "keepAliveInterval", "1s", "keepAliveTimeout", "3s", "initKeepAliveTimeout", "6s",
                "criticalServiceDelay", "2s", "automaticFallbackDelay", "20s"));
        params.put("automaticFallback", Boolean.toString(automaticFallback));
        sim.parameters(ServiceParameters.fromText(params));
        sim.hookTime(HOOK);
        sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
        for (NodeId n : BOTH) sim.addService(n, "svc");
        sim.addUsers("g1", 100, AssignmentMode.BALANCED);
        return sim;
    }

    /** The hostile run's case: the node is killed while Fallback starts its services, then started again. */
    @Test
    void aNodeKilledWhileFallbackStartsItsServicesHasAWayBackToNormal() {
        for (long seed = 1; seed <= 8; seed++) { // the seed decides whether the services had started when it died
            Sim sim = pair(seed, false);
            sim.start(N1);
            sim.start(N2);
            sim.run(Duration.ofSeconds(5));
            assertThat(sim.admin(N1, AdminAction.FAILOVER).accepted()).isTrue();
            sim.run(Duration.ofSeconds(5));
            assertThat(sim.rm(N1).state()).isEqualTo(NodeState.IDLE);

            sim.killDuringNextHook(N1, HookKind.START_SERVICES);
            assertThat(sim.admin(N1, AdminAction.FALLBACK).accepted()).isTrue();
            sim.run(Duration.ofSeconds(1));
            assertThat(sim.isUp(N1)).as("killed during the start of its services").isFalse();
            sim.start(N1);
            sim.run(SETTLE);

            String story = String.join("\n", sim.trace());
            assertThat(sim.rm(N1).state() == NodeState.NORMAL || !sim.actions("g1").isEmpty())
                    .as("n1 is %s / %s and the group offers nothing\n%s", sim.rm(N1).state(), sim.rm(N1).reason(), story)
                    .isTrue();
            assertThat(forwardToNormal(sim, new ArrayList<>())).as("back to Normal / Normal\n%s", story).isTrue();
        }
    }

    /**
     * A schedule the property found: the restart after a kill re-runs the stop of the services, the node leaves
     * Initializing before the stop ends and is killed again; the state written then must still name the stop, or the
     * node later believes its services were never stopped and fails over for them with nobody to start them.
     */
    @Test
    void aStopOfTheServicesThatOutlivesItsStateIsRunAgainAfterTheNextKill() {
        everyPersistedStateLeadsBackToNormal(7461);
    }

    @Property(tries = 1000)
    void everyPersistedStateLeadsBackToNormal(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long seed) {
        Random r = new Random(seed);
        Sim sim = pair(seed, r.nextBoolean());
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(200)),
                r.nextDouble() * 0.1, r.nextDouble() * 0.1));
        sim.start(N1);
        sim.start(N2);
        List<String> schedule = new ArrayList<>();
        try {
            int faults = 5 + r.nextInt(20);
            for (int i = 0; i < faults; i++) {
                sim.run(Duration.ofMillis(r.nextInt(4000)));
                schedule.add(sim.elapsed() + " " + fault(sim, r));
            }
            // The faults end: armed failures are forgotten (a kill already under way in a hook happens within the
            // hook's time), the network heals, services and databases come back.
            for (NodeId n : BOTH) sim.clearFailNext(n);
            sim.run(HOOK);
            sim.heal();
            sim.network(NetworkModel.PERFECT);
            for (NodeId n : BOTH) {
                sim.serviceUp(n, "svc");
                sim.databaseUp(n);
            }
            // Every node then runs from what it persisted: those still up are killed and started again at once.
            for (NodeId n : BOTH) {
                if (sim.isUp(n) && r.nextBoolean()) {
                    sim.kill(n);
                    schedule.add(sim.elapsed() + " kill " + n);
                }
                if (!sim.isUp(n)) {
                    sim.start(n);
                    schedule.add(sim.elapsed() + " start " + n);
                }
            }
            sim.run(SETTLE);
            boolean normal = forwardToNormal(sim, schedule);
            assertThat(normal).as("no way back to Normal / Normal: %s / %s\n%s", sim.rm(N1).state(),
                    sim.rm(N2).state(), story(sim, seed, schedule)).isTrue();
        } catch (RuntimeException e) {
            throw new AssertionError(story(sim, seed, schedule), e);
        }
    }

    /** Applies what the group offers, one action a round, waiting {@link #SETTLE} after each; true at Normal / Normal. */
    private static boolean forwardToNormal(Sim sim, List<String> schedule) {
        for (int round = 0; round < ROUNDS; round++) {
            if (bothNormal(sim)) return true;
            var offered = sim.actions("g1");
            if (offered.contains(AdminAction.RECOVER)) {
                schedule.add(sim.elapsed() + " admin recover: " + sim.recover("g1").accepted());
            } else if (offered.contains(AdminAction.FALLBACK)) {
                for (NodeId n : BOTH) {
                    boolean accepted = sim.admin(n, AdminAction.FALLBACK).accepted();
                    schedule.add(sim.elapsed() + " admin fallback " + n + ": " + accepted);
                    if (accepted) break;
                }
            }
            sim.run(SETTLE);
        }
        return bothNormal(sim);
    }

    private static boolean bothNormal(Sim sim) {
        return sim.isUp(N1) && sim.isUp(N2) && sim.rm(N1).state() == NodeState.NORMAL
                && sim.rm(N2).state() == NodeState.NORMAL;
    }

    private static String fault(Sim sim, Random r) {
        NodeId n = r.nextBoolean() ? N1 : N2;
        NodeId other = n.equals(N1) ? N2 : N1;
        boolean up = sim.isUp(n);
        HookKind kind = HookKind.values()[r.nextInt(HookKind.values().length)];
        switch (r.nextInt(14)) {
            case 0, 1 -> {
                sim.killDuringNextHook(n, kind);
                return "kill-during-next " + n + " " + kind;
            }
            case 2 -> { if (up) { sim.kill(n); return "kill " + n; } sim.start(n); return "start " + n; }
            case 3 -> { if (up) { sim.stop(n); return "stop " + n; } sim.start(n); return "start " + n; }
            case 4 -> { if (up) { sim.crash(n); return "crash " + n; } sim.start(n); return "start " + n; }
            case 5 -> { sim.partition(n, other); return "partition"; }
            case 6 -> { sim.heal(); return "heal"; }
            case 7 -> { sim.serviceDown(n, "svc"); return "service-down " + n; }
            case 8 -> { sim.serviceUp(n, "svc"); return "service-up " + n; }
            case 9 -> { sim.failNext(n, kind); return "fail-next " + n + " " + kind; }
            case 10 -> { return "admin failover " + n + ": " + sim.admin(n, AdminAction.FAILOVER).accepted(); }
            case 11 -> { return "admin fallback " + n + ": " + sim.admin(n, AdminAction.FALLBACK).accepted(); }
            case 12 -> { return "admin recover: " + sim.recover("g1").accepted(); }
            default -> { return "quiet"; }
        }
    }

    private static String story(Sim sim, long seed, List<String> schedule) {
        return "seed " + seed + "\nfaults:\n  " + String.join("\n  ", schedule) + "\ntrace:\n"
                + String.join("\n", sim.trace());
    }
}
