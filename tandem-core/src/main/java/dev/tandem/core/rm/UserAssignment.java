package dev.tandem.core.rm;

import dev.tandem.core.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new user goes ([RG-ASSIGN]). Each call places one user given
 * how many each node holds now, so adding users one by one, in bulk or after a move gives the same
 * spread, and a lookup never needs more than the counts.
 */
public final class UserAssignment {
    private UserAssignment() {}

    /**
     * The home node for the next user, or empty in mode None (the administrator assigns by hand).
     *
     * @param groups the cluster's redundancy groups, in their configured order
     * @param counts users per node now (missing: zero)
     */
    public static Optional<NodeId> nextHome(AssignmentMode mode, List<RedundancyGroup> groups,
                                            Map<NodeId, Integer> counts) {
        NodeId best = null;
        int bestCount = Integer.MAX_VALUE;
        for (RedundancyGroup g : groups) {
            List<NodeId> candidates = switch (mode) {
                case BALANCED -> g.nodes();
                case ACTIVE_STANDBY -> g.nodes().subList(0, 1);
                case NONE -> List.of();
            };
            for (NodeId n : candidates) {
                int c = counts.getOrDefault(n, 0);
                if (c < bestCount) { // strict: ties go to the earlier group and node
                    best = n;
                    bestCount = c;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * [RG-LIMITS]: "You cannot add new users ... while one of
     * the cluster nodes is in a failover state." Returns the refusal, or empty when adding is allowed.
     */
    public static Optional<String> refusalToAdd(Map<NodeId, NodeState> states) {
        for (Map.Entry<NodeId, NodeState> e : states.entrySet()) {
            if (e.getValue().isFailoverState()) {
                return Optional.of("users cannot be added while a node of the cluster is in a failover state: "
                        + e.getKey() + " is " + e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The nodes serving the users whose home is {@code home} now, given what each node serves. */
    public static List<NodeId> servers(RedundancyGroup group, NodeId home, Map<NodeId, java.util.Set<Serving.Side>> serving) {
        return group.nodes().stream()
                .filter(n -> serving.getOrDefault(n, java.util.Set.of())
                        .contains(n.equals(home) ? Serving.Side.OWN : Serving.Side.PEER))
                .toList();
    }
}
