package dev.tandem.bench.chaos;

import static dev.tandem.core.rm.NodeState.*;

import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.api.RedundancyAnswers;
import dev.tandem.core.rm.NodeState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What every node that answers says of itself at one moment, and the invariants a chaos run checks over it. A node
 * speaks only for itself here: which service addresses it holds, whether it holds the cluster address, whose users
 * it serves. Two nodes claiming the same thing is what the checks look for.
 */
record ClusterView(List<NodeView> nodes) {
    /** One node's word, or {@code answering == false} when its admin API or session service did not answer. */
    record NodeView(String id, boolean answering, String state, String reason, Set<String> holdsAddressesOf,
                    boolean holdsClusterAddress, boolean speaking, String director, Set<String> serving,
                    List<String> actions, boolean standbyReady) {}

    /** States a pair passes through on its way somewhere else: a settled pair has none of them. */
    private static final Set<NodeState> PASSING = EnumSet.of(INITIALIZING, TAKING_OVER, FAILING_OVER, FALLING_BACK,
            TAKING_BACK, UNKNOWN);
    /** States of a node whose users its peer serves. */
    private static final Set<NodeState> FAILED_OVER_STATES = EnumSet.of(IDLE, FAILED_OVER,
            FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILOVER_AFFECTED_SERVICES);
    /** States of a node serving its peer's users too. */
    private static final Set<NodeState> BACKUP = EnumSet.of(RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED);

    static ClusterView take(ChaosCluster c) {
        List<NodeView> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) out.add(node(c, i));
        return new ClusterView(out);
    }

    private static NodeView node(ChaosCluster c, int i) {
        String id = c.id(i);
        NodeView silent = new NodeView(id, false, "", "", Set.of(), false, false, null, Set.of(), List.of(), false);
        if (!c.running(i)) return silent;
        Optional<List<RedundancyAnswers.Group>> groups = c.admin().groups(c.host(i));
        Optional<LoadBalancingAnswers.LoadBalancing> lb = c.admin().loadBalancing(c.host(i));
        Optional<List<String>> serving = c.serving(i);
        if (groups.isEmpty() || lb.isEmpty() || serving.isEmpty()) return silent;
        RedundancyAnswers.GroupNode self = null;
        Set<String> holds = new java.util.TreeSet<>();
        for (RedundancyAnswers.Group g : groups.get()) {
            for (RedundancyAnswers.GroupNode n : g.nodes()) {
                if (n.id().equals(id)) self = n;
                if (id.equals(n.serviceAddressHolder())) holds.add(n.id());
            }
        }
        if (self == null) return silent;
        boolean ready = c.admin().failover(c.host(i)).map(f -> Boolean.TRUE.equals(f.standbyReady())).orElse(false);
        // The session service names the sides it serves (own, peer): here, the nodes whose users they are.
        Set<String> servingIds = new java.util.TreeSet<>();
        for (String side : serving.get()) servingIds.add(side.equalsIgnoreCase("own") ? id : c.id(ChaosCluster.peer(i)));
        return new NodeView(id, true, self.state(), self.reason(), holds, lb.get().holdsClusterAddress(),
                lb.get().speaking(), lb.get().director(), servingIds, self.actions(), ready);
    }

    NodeView node(int i) {
        return nodes.get(i);
    }

    /**
     * What must hold at every moment among the nodes that answer: no service address held by two nodes, no two
     * holders of the cluster address, no users served by two nodes.
     */
    List<String> safety() {
        List<String> out = new ArrayList<>();
        twice(out, "service address of", n -> n.holdsAddressesOf());
        twice(out, "users of", NodeView::serving);
        List<String> cluster = nodes.stream().filter(n -> n.answering() && n.holdsClusterAddress()).map(NodeView::id).toList();
        if (cluster.size() > 1) out.add("the cluster address is held by " + cluster);
        return out;
    }

    private void twice(List<String> out, String what, java.util.function.Function<NodeView, Set<String>> claims) {
        Map<String, List<String>> by = new TreeMap<>();
        for (NodeView n : nodes) {
            if (!n.answering()) continue;
            for (String owner : claims.apply(n)) by.computeIfAbsent(owner, k -> new ArrayList<>()).add(n.id());
        }
        by.forEach((owner, holders) -> {
            if (holders.size() > 1) out.add("the " + what + " " + owner + " held by " + holders);
        });
    }

    /**
     * Why the cluster is not settled yet (empty once it is): every node answers; each pair is in a row it can stay
     * in (both Normal; one failed over and its peer serving its users; both Running in Failed Mode, waiting for an
     * administrator's Recover); every node that speaks for a load-balancing member names the same director and exactly
     * one node holds the cluster address.
     */
    List<String> unsettled() {
        List<String> out = new ArrayList<>();
        for (NodeView n : nodes) if (!n.answering()) out.add(n.id() + " does not answer");
        if (!out.isEmpty()) return out;
        for (int i = 0; i + 1 < nodes.size(); i += 2) {
            NodeView a = nodes.get(i);
            NodeView b = nodes.get(i + 1);
            if (!pairSettled(a, b)) out.add(ChaosCluster.group(i) + " is " + a.state() + " / " + b.state());
        }
        // A node whose peer serves its users does not speak for its load-balancing member, so it has no director.
        List<NodeView> speaking = nodes.stream().filter(NodeView::speaking).toList();
        long directors = speaking.stream().map(NodeView::director).distinct().count();
        if (speaking.isEmpty() || directors != 1 || speaking.get(0).director() == null) {
            out.add("the speaking nodes name directors " + speaking.stream().map(n -> n.id() + ": " + n.director()).toList());
        }
        long holders = nodes.stream().filter(NodeView::holdsClusterAddress).count();
        if (holders != 1) out.add(holders + " nodes hold the cluster address");
        return out;
    }

    private static boolean pairSettled(NodeView a, NodeView b) {
        NodeState x = NodeState.parse(a.state()).orElse(UNKNOWN);
        NodeState y = NodeState.parse(b.state()).orElse(UNKNOWN);
        if (PASSING.contains(x) || PASSING.contains(y)) return false;
        if (x == NORMAL && y == NORMAL) return true;
        if (FAILED_OVER_STATES.contains(x) && BACKUP.contains(y)) return true;
        if (FAILED_OVER_STATES.contains(y) && BACKUP.contains(x)) return true;
        return x == RUNNING_IN_FAILED_MODE && y == RUNNING_IN_FAILED_MODE;
    }

    /**
     * What a settled cluster must show on top: each node's service address held by exactly one node and each node's
     * users served by exactly one node.
     */
    List<String> settledCoverage() {
        List<String> out = new ArrayList<>();
        for (NodeView owner : nodes) {
            long holders = nodes.stream().filter(n -> n.holdsAddressesOf().contains(owner.id())).count();
            if (holders != 1) out.add("the service address of " + owner.id() + " is held by " + holders + " nodes");
            long servers = nodes.stream().filter(n -> n.serving().contains(owner.id())).count();
            if (servers != 1) out.add("the users of " + owner.id() + " are served by " + servers + " nodes");
        }
        return out;
    }

    /** Every pair Normal / Normal with both standbys ready: where each cycle starts. */
    boolean allNormal() {
        for (NodeView n : nodes) {
            if (!n.answering() || !n.state().equals(NORMAL.display()) || !n.standbyReady()) return false;
        }
        return unsettled().isEmpty();
    }

    /** "n1 Normal/Normal, n2 ..." for the log of a cycle. */
    String states() {
        StringBuilder b = new StringBuilder();
        for (NodeView n : nodes) {
            if (!b.isEmpty()) b.append(", ");
            b.append(n.id()).append(' ').append(n.answering() ? n.state() + "/" + n.reason() : "(no answer)");
        }
        return b.toString();
    }
}
