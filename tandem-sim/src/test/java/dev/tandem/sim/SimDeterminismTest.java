package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every run reproduces from its seed; whatever the seed, the pair settles once the faults stop. */
class SimDeterminismTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final ServiceParameters FAST = ServiceParameters.fromText(Map.of(
            "keepAliveInterval", "1s", "keepAliveTimeout", "4s", "initKeepAliveTimeout", "8s",
            "criticalServiceDelay", "2s"));

    /** A fixed list of actions on a network that delays, reorders, duplicates and loses messages. */
    private static Sim story(long seed) {
        Sim sim = new Sim(seed);
        sim.parameters(FAST);
        sim.hookTime(Duration.ofMillis(300));
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(300), 0.1, 0.1));
        sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
        sim.addService(N1, "xcp-router");
        sim.addService(N2, "xcp-router");
        sim.addUsers("g1", 100, AssignmentMode.BALANCED);
        sim.start(N1);
        sim.start(N2);
        sim.run(Duration.ofSeconds(30));
        sim.serviceDown(N1, "xcp-router");
        sim.run(Duration.ofSeconds(5));
        sim.serviceUp(N1, "xcp-router");
        sim.run(Duration.ofSeconds(5));
        sim.admin(N1, AdminAction.FALLBACK);
        sim.run(Duration.ofSeconds(10));
        sim.crash(N2);
        sim.run(Duration.ofSeconds(20));
        sim.start(N2);
        sim.run(Duration.ofSeconds(20));
        sim.partition(N1, N2);
        sim.run(Duration.ofSeconds(10));
        sim.heal();
        sim.run(Duration.ofSeconds(10));
        sim.network(NetworkModel.PERFECT);
        sim.run(Duration.ofSeconds(30));
        return sim;
    }

    @Test
    void theSameSeedAndActionsGiveTheSameTrace() {
        Sim a = story(42);
        Sim b = story(42);
        assertThat(a.trace()).hasSizeGreaterThan(20);
        assertThat(a.trace()).as("the story fails over").anyMatch(l -> l.contains("(Peer Down)"));
        assertThat(b.trace()).isEqualTo(a.trace());
        assertThat(b.rm(N1)).isEqualTo(a.rm(N1));
        assertThat(b.rm(N2)).isEqualTo(a.rm(N2));
        assertThat(b.now()).isEqualTo(a.now());
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        // The network's delays come from the seed: two seeds do not deliver at the same instants.
        assertThat(story(1).trace()).isNotEqualTo(story(2).trace());
        assertThat(new Sim(9).seed()).isEqualTo(9);
    }

    @Test
    void theTraceStampsVirtualTime() {
        Sim sim = new Sim(1);
        sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
        sim.run(Duration.ofMinutes(61).plusSeconds(2).plusMillis(5));
        sim.start(N1);
        assertThat(sim.elapsed()).isEqualTo(Duration.parse("PT1H1M2.005S"));
        assertThat(sim.trace().get(0)).isEqualTo(" 61:02.005  n1 starts");
        assertThat(SimTrace.formatElapsed(Duration.ofMillis(59_999))).isEqualTo("0:59.999");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946})
    void everySeedSettlesOnceTheFaultsStop(long seed) {
        Sim sim = story(seed);
        if (sim.actions("g1").contains(AdminAction.RECOVER)) {
            // [RG-T2], Peer Down row: after the network heals, click Recovery.
            assertThat(sim.recover("g1").accepted()).isTrue();
        }
        sim.run(Duration.ofMinutes(1));
        String story = "seed " + seed + "\n" + String.join("\n", sim.trace());
        NodeState s1 = sim.rm(N1).state();
        NodeState s2 = sim.rm(N2).state();
        boolean settled = (s1 == NodeState.NORMAL && s2 == NodeState.NORMAL)
                || (s1.isFailedOver() && s2.isBackup()) || (s2.isFailedOver() && s1.isBackup());
        assertThat(settled).as("settled, got %s / %s\n%s", s1, s2, story).isTrue();
        for (NodeId home : List.of(N1, N2)) {
            assertThat(sim.serversOf(home)).as("servers of %s's users\n%s", home, story).hasSize(1);
        }
        sim.run(Duration.ofMinutes(5));
        assertThat(sim.rm(N1).state()).as(story).isEqualTo(s1);
        assertThat(sim.rm(N2).state()).as(story).isEqualTo(s2);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 99_999})
    void aNetworkThatReordersAndDuplicatesNeverFailsOver(long seed) {
        // [RG-HB] defaults: heartbeats every 15 s, 60 s timeout; late, reordered or doubled heartbeats are not silence.
        Sim sim = new Sim(seed);
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofSeconds(2), 0, 0.3));
        sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
        sim.addUsers("g1", 100, AssignmentMode.BALANCED);
        sim.start(N1);
        sim.start(N2);
        sim.run(Duration.ofHours(1));
        assertThat(sim.rm(N1).state()).isEqualTo(NodeState.NORMAL);
        assertThat(sim.rm(N2).state()).isEqualTo(NodeState.NORMAL);
        assertThat(sim.usersServedBy(N1)).isEqualTo(50);
        assertThat(sim.usersServedBy(N2)).isEqualTo(50);
        assertThat(sim.trace()).filteredOn(l -> l.contains("->"))
                .allMatch(l -> l.contains("Stopped -> Initializing") || l.contains("Initializing -> Normal"));
    }
}
