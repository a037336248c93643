package dev.tandem.core.rm;

import static dev.tandem.core.rm.Serving.Side.OWN;
import static dev.tandem.core.rm.Serving.Side.PEER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** [RG-ASSIGN], and Redundancy Interactions and Restrictions (Adding Users). */
class UserAssignmentTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final NodeId N4 = NodeId.of("n4");
    private static final NodeId N5 = NodeId.of("n5");
    private static final RedundancyGroup G1 = RedundancyGroup.pair("g1", N1, N2, true);
    private static final RedundancyGroup G2 = RedundancyGroup.pair("g2", N3, N4, true);
    private static final RedundancyGroup G3 = new RedundancyGroup("g3", "", List.of(N5), false);

    /** Places {@code count} users one by one, as the sync agent does, and returns how many each node got. */
    private static Map<NodeId, Integer> place(AssignmentMode mode, List<RedundancyGroup> groups, int count,
                                              Map<NodeId, Integer> start) {
        Map<NodeId, Integer> counts = new LinkedHashMap<>(start);
        for (int i = 0; i < count; i++) {
            Optional<NodeId> home = UserAssignment.nextHome(mode, groups, counts);
            if (home.isEmpty()) break;
            counts.merge(home.get(), 1, Integer::sum);
        }
        return counts;
    }

    // ---------------------------------------------------------------- Balanced

    @Test
    void balancedSpreadsUsersEquallyOverEveryNodeOfEveryGroup() {
        // [RG-ASSIGN]: Balanced "assigns users equally to each node in each subcluster and attempts to balance the total
        // number of users equally across each node".
        Map<NodeId, Integer> counts = place(AssignmentMode.BALANCED, List.of(G1, G2, G3), 100, Map.of());
        assertThat(counts).containsEntry(N1, 20).containsEntry(N2, 20).containsEntry(N3, 20)
                .containsEntry(N4, 20).containsEntry(N5, 20);
    }

    @Test
    void balancedAnUnevenTotalDiffersByAtMostOne() {
        Map<NodeId, Integer> counts = place(AssignmentMode.BALANCED, List.of(G1, G2), 103, Map.of());
        assertThat(counts.values()).containsExactlyInAnyOrder(26, 26, 26, 25);
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(103);
    }

    @Test
    void balancedFillsTheLeastLoadedNodeFirst() {
        Map<NodeId, Integer> now = Map.of(N1, 10, N2, 4, N3, 7, N4, 9);
        assertThat(UserAssignment.nextHome(AssignmentMode.BALANCED, List.of(G1, G2), now)).contains(N2);
        // Adding to an unbalanced cluster evens it out.
        Map<NodeId, Integer> after = place(AssignmentMode.BALANCED, List.of(G1, G2), 10, now);
        assertThat(after).containsEntry(N1, 10).containsEntry(N2, 10).containsEntry(N3, 10).containsEntry(N4, 10);
    }

    @Test
    void balancedTiesGoToTheEarlierGroupAndNode() {
        assertThat(UserAssignment.nextHome(AssignmentMode.BALANCED, List.of(G1, G2), Map.of())).contains(N1);
        assertThat(UserAssignment.nextHome(AssignmentMode.BALANCED, List.of(G2, G1), Map.of())).contains(N3);
        assertThat(UserAssignment.nextHome(AssignmentMode.BALANCED, List.of(G1, G2), Map.of(N1, 1))).contains(N2);
        assertThat(UserAssignment.nextHome(AssignmentMode.BALANCED, List.of(G1, G2), Map.of(N1, 1, N2, 1)))
                .contains(N3);
    }

    // ---------------------------------------------------------------- Active-Standby

    @Test
    void activeStandbyFillsOnlyTheFirstNodeOfEachGroup() {
        // [RG-ASSIGN]: Active-Standby "assigns all users to the first node of the subcluster, leaving the secondary
        // server as a backup".
        Map<NodeId, Integer> one = place(AssignmentMode.ACTIVE_STANDBY, List.of(G1), 100, Map.of());
        assertThat(one).containsExactly(Map.entry(N1, 100));
        Map<NodeId, Integer> many = place(AssignmentMode.ACTIVE_STANDBY, List.of(G1, G2, G3), 90, Map.of());
        assertThat(many).containsEntry(N1, 30).containsEntry(N3, 30).containsEntry(N5, 30)
                .doesNotContainKeys(N2, N4);
    }

    @Test
    void activeStandbyIgnoresHowManyTheStandbyHolds() {
        assertThat(UserAssignment.nextHome(AssignmentMode.ACTIVE_STANDBY, List.of(G1), Map.of(N1, 500, N2, 0)))
                .contains(N1);
        assertThat(UserAssignment.nextHome(AssignmentMode.ACTIVE_STANDBY, List.of(G1, G2), Map.of(N1, 5, N3, 2)))
                .contains(N3);
    }

    // ---------------------------------------------------------------- None

    @Test
    void noneAssignsNobody() {
        // [RG-ASSIGN]: None "results in no assignment of the users to the nodes in the cluster by the sync agent".
        assertThat(UserAssignment.nextHome(AssignmentMode.NONE, List.of(G1, G2, G3), Map.of())).isEmpty();
        assertThat(UserAssignment.nextHome(AssignmentMode.NONE, List.of(G1), Map.of(N1, 3))).isEmpty();
    }

    @Test
    void noGroupsNoHome() {
        assertThat(UserAssignment.nextHome(AssignmentMode.BALANCED, List.of(), Map.of())).isEmpty();
        assertThat(UserAssignment.nextHome(AssignmentMode.ACTIVE_STANDBY, List.of(), Map.of())).isEmpty();
    }

    // ---------------------------------------------------------------- adding users

    @Test
    void addingIsAllowedWhileEveryNodeIsNormalOrStarting() {
        Map<NodeId, NodeState> states = new LinkedHashMap<>();
        states.put(N1, NodeState.NORMAL);
        states.put(N2, NodeState.NORMAL);
        states.put(N3, NodeState.INITIALIZING);
        assertThat(UserAssignment.refusalToAdd(states)).isEmpty();
        assertThat(UserAssignment.refusalToAdd(Map.of())).isEmpty();
    }

    @Test
    void addingIsRefusedWhileAnyNodeOfTheClusterIsInAFailoverState() {
        // [RG-LIMITS]: "You cannot add new users to an IM and Presence Service cluster while one of the cluster nodes
        // is in a failover state."
        for (NodeState s : NodeState.values()) {
            if (s == NodeState.NORMAL || s == NodeState.INITIALIZING) continue;
            Map<NodeId, NodeState> states = new LinkedHashMap<>();
            states.put(N1, NodeState.NORMAL);
            states.put(N2, NodeState.NORMAL);
            states.put(N3, s); // another group's node counts too: the restriction is cluster-wide
            assertThat(UserAssignment.refusalToAdd(states)).as(s.display())
                    .contains("users cannot be added while a node of the cluster is in a failover state: n3 is "
                            + s.display());
        }
    }

    // ---------------------------------------------------------------- who serves a home's users

    @Test
    void serversOfAHomeFollowWhatEachNodeServes() {
        Map<NodeId, Set<Serving.Side>> normal = Map.of(N1, Set.of(OWN), N2, Set.of(OWN));
        assertThat(UserAssignment.servers(G1, N1, normal)).containsExactly(N1);
        assertThat(UserAssignment.servers(G1, N2, normal)).containsExactly(N2);

        Map<NodeId, Set<Serving.Side>> failedOver = Map.of(N1, Set.of(), N2, Set.of(OWN, PEER));
        assertThat(UserAssignment.servers(G1, N1, failedOver)).containsExactly(N2);
        assertThat(UserAssignment.servers(G1, N2, failedOver)).containsExactly(N2);

        Map<NodeId, Set<Serving.Side>> bothClaim = Map.of(N1, Set.of(OWN, PEER), N2, Set.of(OWN, PEER));
        assertThat(UserAssignment.servers(G1, N1, bothClaim)).containsExactly(N1, N2);

        Map<NodeId, Set<Serving.Side>> nobody = new HashMap<>();
        nobody.put(N1, Set.of());
        assertThat(UserAssignment.servers(G1, N1, nobody)).isEmpty();
        assertThat(UserAssignment.servers(G1, N2, nobody)).as("a node missing from the map serves nobody").isEmpty();
    }

    // ---------------------------------------------------------------- the mode's names

    @Test
    void modesAreReadByTheirNames() {
        assertThat(AssignmentMode.parse("balanced")).isEqualTo(AssignmentMode.BALANCED);
        assertThat(AssignmentMode.parse("Balanced")).isEqualTo(AssignmentMode.BALANCED);
        assertThat(AssignmentMode.parse(" Active-Standby ")).isEqualTo(AssignmentMode.ACTIVE_STANDBY);
        assertThat(AssignmentMode.parse("ACTIVE_STANDBY")).isEqualTo(AssignmentMode.ACTIVE_STANDBY);
        assertThat(AssignmentMode.parse("None")).isEqualTo(AssignmentMode.NONE);
        assertThat(AssignmentMode.ACTIVE_STANDBY).hasToString("active-standby");
        assertThat(AssignmentMode.BALANCED.display()).isEqualTo("balanced");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AssignmentMode.parse("round-robin"))
                .isInstanceOf(dev.tandem.core.Invalid.class)
                .hasMessage("mode: 'round-robin' is not allowed; allowed: balanced, active-standby or none");
    }
}
