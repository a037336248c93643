package dev.tandem.sim;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.UserAssignment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The users of the redundancy groups: how many have their home at each node, placed there by the assignment mode,
 * and which running nodes serve them now.
 */
final class SimUsers {
    private final Sim sim;
    private final Map<NodeId, Integer> byHome = new LinkedHashMap<>();

    SimUsers(Sim sim) {
        this.sim = sim;
    }

    /** A node of a redundancy group, home to no users yet. */
    void addHome(NodeId id) {
        byHome.put(id, 0);
    }

    Optional<String> add(String groupName, int count, AssignmentMode mode) {
        if (count < 1) throw new Invalid("count", count, "a whole number from 1");
        RedundancyGroup g = sim.group(groupName);
        Map<NodeId, NodeState> states = new LinkedHashMap<>();
        for (SimNode n : sim.allNodes()) {
            if (n.up && n.rm != null) states.put(n.id, n.rm.state());
        }
        Optional<String> refusal = UserAssignment.refusalToAdd(states);
        if (refusal.isPresent()) return refusal;
        for (int i = 0; i < count; i++) {
            Optional<NodeId> home = UserAssignment.nextHome(mode, List.of(g), byHome);
            // Mode None assigns nobody: the administrator places those users by hand ([RG-ASSIGN]).
            home.ifPresent(h -> byHome.merge(h, 1, Integer::sum));
        }
        return Optional.empty();
    }

    int servedBy(NodeId id) {
        SimNode n = sim.node(id);
        if (!n.up || n.rm == null) return 0;
        RedundancyGroup g = sim.groupOf(id);
        int total = 0;
        for (Serving.Side side : n.rm.serving()) {
            NodeId home = side == Serving.Side.OWN ? id : g.peerOf(id).orElseThrow();
            total += byHome.getOrDefault(home, 0);
        }
        return total;
    }

    int homedAt(NodeId id) {
        sim.node(id);
        return byHome.getOrDefault(id, 0);
    }

    List<NodeId> serversOf(NodeId home) {
        RedundancyGroup g = sim.groupOf(home);
        Map<NodeId, Set<Serving.Side>> serving = new HashMap<>();
        for (NodeId id : g.nodes()) {
            SimNode n = sim.nodeOrNull(id);
            serving.put(id, n.up ? n.rm.serving() : Set.of());
        }
        return UserAssignment.servers(g, home, serving);
    }
}
