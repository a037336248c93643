package dev.tandem.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The invariants a chaos run checks, over views written by hand: each one finds what it is for, and only that. */
class ClusterViewTest {
    private static ClusterView.NodeView node(String id, String state, Set<String> holds, boolean cluster,
                                             boolean speaking, String director, Set<String> serving) {
        return new ClusterView.NodeView(id, true, state, "Normal", holds, cluster, speaking, director, serving,
                List.of(), true);
    }

    /** A pair at rest: n1 Normal holding its address and serving its users and the cluster address, n2 likewise. */
    private static ClusterView normalPair() {
        return new ClusterView(List.of(
                node("n1", "Normal", Set.of("n1"), true, true, "n1", Set.of("n1")),
                node("n2", "Normal", Set.of("n2"), false, true, "n1", Set.of("n2"))));
    }

    @Test
    void aPairAtRestIsSettledCoveredAndSafe() {
        ClusterView v = normalPair();
        assertThat(v.safety()).isEmpty();
        assertThat(v.unsettled()).isEmpty();
        assertThat(v.settledCoverage()).isEmpty();
        assertThat(v.allNormal()).isTrue();
    }

    @Test
    void safetyNamesEveryClaimHeldTwice() {
        ClusterView v = new ClusterView(List.of(
                node("n1", "Running in Failed Mode", Set.of("n1", "n2"), true, true, "n1", Set.of("n1", "n2")),
                node("n2", "Running in Failed Mode", Set.of("n2"), true, true, "n2", Set.of("n2"))));
        assertThat(v.safety()).containsExactlyInAnyOrder("the service address of n2 held by [n1, n2]",
                "the users of n2 held by [n1, n2]", "the cluster address is held by [n1, n2]");
    }

    @Test
    void aNodeThatDoesNotAnswerClaimsNothingButLeavesTheClusterUnsettled() {
        ClusterView.NodeView silent = new ClusterView.NodeView("n2", false, "", "", Set.of(), false, false, null,
                Set.of(), List.of(), false);
        ClusterView v = new ClusterView(List.of(node("n1", "Normal", Set.of("n1"), true, true, "n1", Set.of("n1")), silent));
        assertThat(v.safety()).isEmpty();
        assertThat(v.unsettled()).containsExactly("n2 does not answer");
        assertThat(v.allNormal()).isFalse();
    }

    @Test
    void aPairIsSettledOnlyInARowItCanStayIn() {
        assertThat(pair("Failed Over", "Running in Backup Mode").unsettled()).isEmpty();
        assertThat(pair("Backup Activated", "Failover Affected Services").unsettled()).isEmpty();
        assertThat(pair("Running in Failed Mode", "Running in Failed Mode").unsettled()).isEmpty();
        assertThat(pair("Taking Over", "Normal").unsettled()).containsExactly("g1 is Taking Over / Normal");
        assertThat(pair("Normal", "Idle").unsettled()).containsExactly("g1 is Normal / Idle");
        assertThat(pair("Running in Failed Mode", "Normal").unsettled()).hasSize(1);
    }

    private static ClusterView pair(String a, String b) {
        return new ClusterView(List.of(node("n1", a, Set.of("n1"), true, true, "n1", Set.of("n1")),
                node("n2", b, Set.of("n2"), false, true, "n1", Set.of("n2"))));
    }

    @Test
    void theSpeakingNodesMustAgreeOnOneDirectorAndOneNodeHoldTheClusterAddress() {
        // n2 failed over does not speak for its member: its missing director is no disagreement.
        ClusterView quiet = new ClusterView(List.of(
                node("n1", "Running in Backup Mode", Set.of("n1", "n2"), true, true, "n1", Set.of("n1", "n2")),
                node("n2", "Failed Over", Set.of(), false, false, null, Set.of())));
        assertThat(quiet.unsettled()).isEmpty();
        assertThat(quiet.settledCoverage()).isEmpty();
        ClusterView two = new ClusterView(List.of(
                node("n1", "Normal", Set.of("n1"), true, true, "n1", Set.of("n1")),
                node("n2", "Normal", Set.of("n2"), false, true, "n2", Set.of("n2"))));
        assertThat(two.unsettled()).containsExactly("the speaking nodes name directors [n1: n1, n2: n2]");
        ClusterView none = new ClusterView(List.of(
                node("n1", "Normal", Set.of("n1"), false, true, "n1", Set.of("n1")),
                node("n2", "Normal", Set.of("n2"), false, true, "n1", Set.of("n2"))));
        assertThat(none.unsettled()).containsExactly("0 nodes hold the cluster address");
    }

    @Test
    void coverageNamesAnAddressNobodyHoldsAndUsersNobodyServes() {
        ClusterView v = new ClusterView(List.of(
                node("n1", "Running in Backup Mode", Set.of("n1"), true, true, "n1", Set.of("n1")),
                node("n2", "Failed Over", Set.of(), false, false, null, Set.of())));
        assertThat(v.settledCoverage()).containsExactly("the service address of n2 is held by 0 nodes",
                "the users of n2 are served by 0 nodes");
    }

    @Test
    void theSameSeedDrawsTheSameFaults() {
        List<Fault.Kind> kinds = List.of(Fault.Kind.values());
        assertThat(draw(42, kinds, 4)).isEqualTo(draw(42, kinds, 4)).isNotEqualTo(draw(43, kinds, 4));
        for (Fault f : draw(5, List.of(Fault.Kind.DISK), 2)) {
            assertThat(f.holdMillis()).as("room to start again on the full disk").isBetween(8000L, 10_000L);
        }
        for (Fault f : draw(7, List.of(Fault.Kind.KILL, Fault.Kind.PARTITION), 2)) {
            assertThat(f.kind()).isIn(Fault.Kind.KILL, Fault.Kind.PARTITION);
            assertThat(f.other()).as("with one pair, a network fault is between its two nodes").isEqualTo(f.node() ^ 1);
            assertThat(f.holdMillis()).isBetween(1000L, 3500L);
        }
        for (Fault f : draw(9, kinds, 6)) {
            assertThat(f.node()).isBetween(0, 5);
            assertThat(f.other()).isBetween(0, 5).isNotEqualTo(f.node());
        }
    }

    private static List<Fault> draw(long seed, List<Fault.Kind> kinds, int nodes) {
        Random r = new Random(seed);
        List<Fault> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) out.add(Fault.draw(r, kinds, nodes));
        return out;
    }

    @Test
    void anUnknownFaultIsNamedWithTheAllowedOnes() {
        assertThatThrownBy(() -> Fault.Kind.parse("reboot")).hasMessage(
                "--faults: 'reboot' is not allowed; allowed: kill, freeze, restart, store, partition, loss, disk,"
                + " disk-takeover");
    }
}
