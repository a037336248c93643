package dev.tandem.cli.admin;

import dev.tandem.api.FailoverAnswers;
import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.api.RedundancyAnswers;
import dev.tandem.api.RedundancyAnswers.GroupNode;
import dev.tandem.api.RedundancyAnswers.HeartbeatPath;
import dev.tandem.core.lb.LbView;
import java.util.ArrayList;
import java.util.List;

/** What the admin commands print for people, computed from the admin API's answers (docs/api.md). */
public final class Formats {
    private Formats() {}

    /**
     * {@code show vpn load-balancing} ([LB-SHOW]): the same {@link LbView} rendering the node uses, rebuilt from GET
     * /api/v1/load-balancing.
     */
    public static String loadBalancing(LoadBalancingAnswers.LoadBalancing lb) {
        List<LbView.Row> rows = lb.members().stream().map(r -> new LbView.Row(r.publicIp(), r.role(), r.priority(),
                r.model(), r.ipsecLoad(), r.sslLoad(), r.ipsecSessions(), r.sslSessions())).toList();
        return new LbView(lb.status(), lb.role(), lb.phase(), lb.failover(), lb.encryption(), lb.clusterIp(), lb.peers(),
                rows).render();
    }

    /** One redundancy group ([RG-T2]: each node's state and reason) and the actions available now ([RG-MANUAL]). */
    public static String redundancyGroup(RedundancyAnswers.Group g) {
        StringBuilder sb = new StringBuilder();
        sb.append("Redundancy group: ").append(g.name());
        if (g.description() != null && !g.description().isEmpty()) sb.append(" (").append(g.description()).append(')');
        sb.append('\n');
        sb.append("High availability: ").append(g.ha() ? "enabled" : "disabled").append('\n');
        Table t = new Table("Node", "Address", "State", "Reason", "Alive", "Healthy");
        for (GroupNode n : g.nodes()) {
            t.row(n.id(), n.address(), n.state(), n.reason(), yesNo(n.alive()), yesNo(n.healthy()));
        }
        sb.append(t.render());
        // docs/redundancy.md, Versions: what each node runs, and what Unknown disagrees on.
        List<String> versions = new ArrayList<>();
        for (GroupNode n : g.nodes()) {
            if (n.protocol() != null) versions.add(n.id() + " " + versions(n.protocol(), n.software()));
        }
        // Versions matter between the two nodes of a pair: a lone node has nobody to interoperate with.
        if (g.nodes().size() > 1 && !versions.isEmpty()) sb.append("Versions: ").append(String.join("; ", versions)).append('\n');
        for (GroupNode n : g.nodes()) {
            if (n.detail() != null) sb.append("Detail: ").append(n.detail()).append('\n');
        }
        if (g.witness() != null) sb.append(witness(g.witness()));
        // docs/redundancy.md, Service addresses: each one follows its node's users.
        List<String> addresses = new ArrayList<>();
        for (GroupNode n : g.nodes()) {
            if (n.serviceAddress() == null || n.serviceAddress().isEmpty()) continue;
            addresses.add(n.serviceAddress() + " (" + n.id() + "'s) held by "
                    + (n.serviceAddressHolder() == null ? "nobody" : n.serviceAddressHolder()));
        }
        if (!addresses.isEmpty()) sb.append("Service addresses: ").append(String.join("; ", addresses)).append('\n');
        for (GroupNode n : g.nodes()) {
            if (n.heartbeatPaths() != null && !n.heartbeatPaths().isEmpty()) {
                sb.append("Heartbeat paths to ").append(n.id()).append(": ").append(heartbeatPaths(n.heartbeatPaths()))
                        .append('\n');
            }
        }
        sb.append("Actions available now: ").append(g.actions().isEmpty() ? "none" : String.join(", ", g.actions()))
                .append('\n');
        return sb.toString();
    }

    /**
     * {@code show failover} (docs/cli.md): this node and its peer, active or standby for each node's users, whether
     * the standby holds every session, the last failover and the replication link's counters.
     */
    public static String failover(FailoverAnswers.Failover f) {
        StringBuilder sb = new StringBuilder();
        String peer = f.peer();
        sb.append("Failover ").append(peer == null ? "Off (no peer)" : "On").append('\n');
        sb.append("This node: ").append(f.node()).append(", ").append(f.state()).append(" / ").append(f.reason())
                .append('\n');
        if (f.detail() != null) sb.append("Detail: ").append(f.detail()).append('\n');
        if (peer != null) sb.append("Peer: ").append(peer).append(", ").append(f.peerAlive() ? "heard" : "not heard").append('\n');
        FailoverAnswers.PairVersions v = f.versions();
        if (v != null && v.node() != null) {
            sb.append("Versions: this node ").append(versions(v.node().protocol(), v.node().software()));
            if (v.peer() != null) {
                sb.append("; peer ").append(versions(v.peer().protocol(), v.peer().software()))
                        .append(v.peer().compatible() ? "" : " (INCOMPATIBLE)");
            }
            sb.append('\n');
        }
        if (f.heartbeatPaths() != null && !f.heartbeatPaths().isEmpty()) {
            sb.append("Heartbeat paths: ").append(heartbeatPaths(f.heartbeatPaths())).append('\n');
        }
        Table t = new Table("Users of", "Active on", "This node");
        for (FailoverAnswers.UsersSide u : f.users()) {
            t.row(u.usersOf(), u.activeOn() == null ? "nobody" : u.activeOn(), capitalised(u.thisNode()));
        }
        sb.append(t.render());
        if (f.loadBalancing() != null) sb.append("Load-balancing member: ").append(f.loadBalancing()).append('\n');
        FailoverAnswers.LastFailover last = f.lastFailover();
        sb.append("Last failover: ").append(last == null ? "none since start"
                : last.at() + ", serving " + sides(last.from()) + " -> " + sides(last.to()) + " (" + last.state()
                + " / " + last.reason() + ")").append('\n');
        if (f.witness() != null) sb.append(witness(f.witness()));
        if (f.handover() == null) {
            sb.append("Session handover: no session service\n");
            return sb.toString();
        }
        sb.append("Session handover: ").append(f.handover()).append('\n');
        FailoverAnswers.Replication r = f.replication();
        if (r == null) return sb.toString();
        sb.append("Standby Ready: ").append(Boolean.TRUE.equals(f.standbyReady()) ? "yes" : "no").append('\n');
        sb.append("Stateful failover link: ").append(r.peerConnected() ? "connected" : "down").append('\n');
        sb.append("  Sessions replicated: ").append(r.sessionsReplicated()).append(", batches: ").append(r.batchesSent())
                .append(", snapshots: ").append(r.snapshots())
                .append(r.lastSnapshotMillis() >= 0 ? " (last " + r.lastSnapshotMillis() + " ms)" : "").append('\n');
        sb.append("  Lag: ").append(r.lagMillis()).append(" ms, queued: ").append(r.queued()).append(", errors: ")
                .append(r.errors()).append('\n');
        sb.append("  Standby copies of ").append(peer).append("'s sessions: ").append(r.copies()).append(" of ")
                .append(r.peerSessions()).append(r.copiesComplete() ? " (complete)" : " (incomplete)")
                .append(", frames rejected: ").append(r.framesRejected()).append('\n');
        FailoverAnswers.Capacity cap = f.capacity();
        if (cap != null) {
            sb.append("Capacity: ").append(cap.own()).append(" own + ").append(cap.peer()).append(" of ").append(peer)
                    .append(cap.enough() ? " <= " : " > ").append(cap.max()).append(" licences")
                    .append(cap.enough() ? "\n" : ": WARNING, a take-over would refuse "
                            + (cap.own() + cap.peer() - cap.max()) + " session(s)\n");
        }
        FailoverAnswers.Handover h = r.lastHandover();
        if (h != null) {
            sb.append("  Last take-over: ").append(h.at()).append(", ").append(h.side().equals("OWN") ? "own" : "peer's")
                    .append(" users, ").append(h.kept()).append(" session(s) kept, ").append(h.lost()).append(" lost\n");
        }
        return sb.toString();
    }

    /** docs/redundancy.md, Witness: whether it can be reached, who holds the lease, and the risk while it cannot. */
    static String witness(FailoverAnswers.Witness w) {
        return "Witness: " + (w.reachable() ? "reachable" : "UNREACHABLE")
                + (w.held() ? ", lease held by this node until " + w.heldUntil() + " (fence " + w.fence() + ")"
                        : w.holder() != null ? ", lease held by " + w.holder() : "")
                + (w.risk() == null ? "" : "; " + w.risk()) + "\n";
    }

    /**
     * Each heartbeat path to the peer and its state (docs/redundancy.md, Heartbeat paths), for example
     * {@code 10.0.0.11 -> 10.0.0.12 up; 10.0.9.11 -> 10.0.9.12 DOWN (silent)}.
     */
    static String heartbeatPaths(List<HeartbeatPath> paths) {
        List<String> out = new ArrayList<>();
        int up = 0;
        for (HeartbeatPath p : paths) {
            if (p.up()) up++;
            out.add(p.local() + " -> " + p.peer() + (p.up() ? " up" : " DOWN (" + p.reason() + ")"));
        }
        return String.join("; ", out) + " [" + up + " of " + out.size() + " up]";
    }

    /** "protocol 3, software 1.3.0" (docs/redundancy.md, Versions); a build before versions sends no software. */
    private static String versions(int protocol, String software) {
        return "protocol " + protocol + ", software " + (software == null || software.isEmpty() ? "not sent" : software);
    }

    private static String sides(List<String> sides) {
        return sides == null || sides.isEmpty() ? "nobody" : String.join("+", sides);
    }

    private static String capitalised(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static String redundancyGroups(List<RedundancyAnswers.Group> groups) {
        List<String> parts = new ArrayList<>();
        for (RedundancyAnswers.Group g : groups) parts.add(redundancyGroup(g));
        return parts.isEmpty() ? "No redundancy groups.\n" : String.join("\n", parts);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
