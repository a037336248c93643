package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.lb.LbView;
import java.util.ArrayList;
import java.util.List;

/** What the admin commands print for people, computed from the admin API's JSON. */
public final class Formats {
    private Formats() {}

    /**
     * {@code show vpn load-balancing} ([LB-SHOW]): the same {@link LbView}
     * rendering the node uses, rebuilt from GET /api/v1/load-balancing.
     */
    public static String loadBalancing(JsonNode lb) {
        List<LbView.Row> rows = new ArrayList<>();
        for (JsonNode r : lb.path("members")) {
            rows.add(new LbView.Row(r.path("publicIp").asText(), r.path("role").asText(), r.path("priority").asInt(),
                    r.path("model").asText(), r.path("ipsecLoad").asInt(), r.path("sslLoad").asInt(),
                    r.path("ipsecSessions").asInt(), r.path("sslSessions").asInt()));
        }
        return new LbView(lb.path("status").asText(), lb.path("role").asText(), lb.path("phase").asText(),
                lb.path("failover").asText(), lb.path("encryption").asText(), lb.path("clusterIp").asText(),
                lb.path("peers").asInt(), rows).render();
    }

    /**
     * One redundancy group ([RG-T2]: each node's state and reason) and the actions available now
     * ([RG-MANUAL]).
     */
    public static String redundancyGroup(JsonNode g) {
        StringBuilder sb = new StringBuilder();
        sb.append("Redundancy group: ").append(g.path("name").asText());
        String description = g.path("description").asText("");
        if (!description.isEmpty()) sb.append(" (").append(description).append(')');
        sb.append('\n');
        sb.append("High availability: ").append(g.path("ha").asBoolean() ? "enabled" : "disabled").append('\n');
        Table t = new Table("Node", "Address", "State", "Reason", "Alive", "Healthy");
        for (JsonNode n : g.path("nodes")) {
            t.row(n.path("id").asText(), n.path("address").asText(), n.path("state").asText(),
                    n.path("reason").asText(), yesNo(n.path("alive")), yesNo(n.path("healthy")));
        }
        sb.append(t.render());
        // docs/redundancy.md, Versions: what each node runs, and what Unknown disagrees on.
        List<String> versions = new ArrayList<>();
        for (JsonNode n : g.path("nodes")) {
            if (n.path("protocol").isNumber()) versions.add(n.path("id").asText() + " " + versions(n));
        }
        // Versions matter between the two nodes of a pair: a lone node has nobody to interoperate with.
        if (g.path("nodes").size() > 1 && !versions.isEmpty()) sb.append("Versions: ").append(String.join("; ", versions)).append('\n');
        for (JsonNode n : g.path("nodes")) {
            if (n.path("detail").isTextual()) sb.append("Detail: ").append(n.path("detail").asText()).append('\n');
        }
        // docs/redundancy.md, Service addresses: each one follows its node's users.
        List<String> addresses = new ArrayList<>();
        for (JsonNode n : g.path("nodes")) {
            String address = n.path("serviceAddress").asText("");
            if (address.isEmpty() || n.path("serviceAddress").isNull()) continue;
            JsonNode holder = n.path("serviceAddressHolder");
            addresses.add(address + " (" + n.path("id").asText() + "'s) held by "
                    + (holder.isNull() || holder.isMissingNode() ? "nobody" : holder.asText()));
        }
        if (!addresses.isEmpty()) sb.append("Service addresses: ").append(String.join("; ", addresses)).append('\n');
        for (JsonNode n : g.path("nodes")) {
            if (n.path("heartbeatPaths").size() > 0) {
                sb.append("Heartbeat paths to ").append(n.path("id").asText()).append(": ")
                        .append(heartbeatPaths(n.path("heartbeatPaths"))).append('\n');
            }
        }
        List<String> actions = new ArrayList<>();
        g.path("actions").forEach(a -> actions.add(a.asText()));
        sb.append("Actions available now: ").append(actions.isEmpty() ? "none" : String.join(", ", actions)).append('\n');
        return sb.toString();
    }

    /**
     * {@code show failover} (docs/cli.md): this node and its peer, active or standby for each node's users, whether
     * the standby holds every session, the last failover and the replication link's counters.
     */
    public static String failover(JsonNode f) {
        StringBuilder sb = new StringBuilder();
        String peer = f.path("peer").isNull() ? null : f.path("peer").asText();
        sb.append("Failover ").append(peer == null ? "Off (no peer)" : "On").append('\n');
        sb.append("This node: ").append(f.path("node").asText()).append(", ").append(f.path("state").asText())
                .append(" / ").append(f.path("reason").asText()).append('\n');
        if (f.path("detail").isTextual()) sb.append("Detail: ").append(f.path("detail").asText()).append('\n');
        if (peer != null) {
            sb.append("Peer: ").append(peer).append(", ").append(f.path("peerAlive").asBoolean() ? "heard" : "not heard")
                    .append('\n');
        }
        JsonNode v = f.path("versions");
        if (v.path("node").isObject()) {
            sb.append("Versions: this node ").append(versions(v.path("node")));
            if (v.path("peer").isObject()) {
                sb.append("; peer ").append(versions(v.path("peer")))
                        .append(v.path("peer").path("compatible").asBoolean(true) ? "" : " (INCOMPATIBLE)");
            }
            sb.append('\n');
        }
        if (f.path("heartbeatPaths").size() > 0) {
            sb.append("Heartbeat paths: ").append(heartbeatPaths(f.path("heartbeatPaths"))).append('\n');
        }
        Table t = new Table("Users of", "Active on", "This node");
        for (JsonNode u : f.path("users")) {
            t.row(u.path("usersOf").asText(), u.path("activeOn").isNull() ? "nobody" : u.path("activeOn").asText(),
                    capitalised(u.path("thisNode").asText()));
        }
        sb.append(t.render());
        if (!f.path("loadBalancing").isNull() && !f.path("loadBalancing").isMissingNode()) {
            sb.append("Load-balancing member: ").append(f.path("loadBalancing").asText()).append('\n');
        }
        JsonNode last = f.path("lastFailover");
        sb.append("Last failover: ").append(last.isNull() || last.isMissingNode() ? "none since start"
                : last.path("at").asText() + ", serving " + sides(last.path("from")) + " -> " + sides(last.path("to"))
                + " (" + last.path("state").asText() + " / " + last.path("reason").asText() + ")").append('\n');
        JsonNode handover = f.path("handover");
        if (handover.isNull() || handover.isMissingNode()) {
            sb.append("Session handover: no session service\n");
            return sb.toString();
        }
        sb.append("Session handover: ").append(handover.asText()).append('\n');
        JsonNode r = f.path("replication");
        if (r.isNull() || r.isMissingNode()) return sb.toString();
        sb.append("Standby Ready: ").append(f.path("standbyReady").asBoolean() ? "yes" : "no").append('\n');
        sb.append("Stateful failover link: ").append(r.path("peerConnected").asBoolean() ? "connected" : "down")
                .append('\n');
        sb.append("  Sessions replicated: ").append(r.path("sessionsReplicated").asLong())
                .append(", batches: ").append(r.path("batchesSent").asLong())
                .append(", snapshots: ").append(r.path("snapshots").asLong())
                .append(r.path("lastSnapshotMillis").asLong() >= 0
                        ? " (last " + r.path("lastSnapshotMillis").asLong() + " ms)" : "")
                .append('\n');
        sb.append("  Lag: ").append(r.path("lagMillis").asLong()).append(" ms, queued: ").append(r.path("queued").asInt())
                .append(", errors: ").append(r.path("errors").asLong()).append('\n');
        sb.append("  Standby copies of ").append(peer).append("'s sessions: ").append(r.path("copies").asInt())
                .append(" of ").append(r.path("peerSessions").asInt())
                .append(r.path("copiesComplete").asBoolean() ? " (complete)" : " (incomplete)")
                .append(", frames rejected: ").append(r.path("framesRejected").asLong()).append('\n');
        JsonNode cap = f.path("capacity");
        if (!cap.isNull() && !cap.isMissingNode()) {
            int own = cap.path("own").asInt();
            int peerSessions = cap.path("peer").asInt();
            int max = cap.path("max").asInt();
            sb.append("Capacity: ").append(own).append(" own + ").append(peerSessions).append(" of ").append(peer)
                    .append(cap.path("enough").asBoolean() ? " <= " : " > ").append(max).append(" licences")
                    .append(cap.path("enough").asBoolean() ? "\n" : ": WARNING, a take-over would refuse "
                            + (own + peerSessions - max) + " session(s)\n");
        }
        JsonNode h = r.path("lastHandover");
        if (!h.isNull() && !h.isMissingNode()) {
            sb.append("  Last take-over: ").append(h.path("at").asText()).append(", ")
                    .append(h.path("side").asText().equals("OWN") ? "own" : "peer's").append(" users, ")
                    .append(h.path("kept").asInt()).append(" session(s) kept, ").append(h.path("lost").asInt())
                    .append(" lost\n");
        }
        return sb.toString();
    }

    /**
     * Each heartbeat path to the peer and its state (docs/redundancy.md, Heartbeat paths), for example
     * {@code 10.0.0.11 -> 10.0.0.12 up; 10.0.9.11 -> 10.0.9.12 DOWN (silent)}.
     */
    static String heartbeatPaths(JsonNode paths) {
        List<String> out = new ArrayList<>();
        int up = 0;
        for (JsonNode p : paths) {
            boolean isUp = p.path("up").asBoolean();
            if (isUp) up++;
            out.add(p.path("local").asText() + " -> " + p.path("peer").asText()
                    + (isUp ? " up" : " DOWN (" + p.path("reason").asText() + ")"));
        }
        return String.join("; ", out) + " [" + up + " of " + out.size() + " up]";
    }

    /** "protocol 2, software 1.3.0" (docs/redundancy.md, Versions); a build before versions sends no software. */
    private static String versions(JsonNode n) {
        String software = n.path("software").asText("");
        return "protocol " + n.path("protocol").asInt() + ", software " + (software.isEmpty() ? "not sent" : software);
    }

    private static String sides(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : list) out.add(x.asText());
        return out.isEmpty() ? "nobody" : String.join("+", out);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static String redundancyGroups(JsonNode groups) {
        List<String> parts = new ArrayList<>();
        for (JsonNode g : groups) parts.add(redundancyGroup(g));
        return parts.isEmpty() ? "No redundancy groups.\n" : String.join("\n", parts);
    }

    private static String yesNo(JsonNode b) {
        return b.isMissingNode() || b.isNull() ? "" : b.asBoolean() ? "yes" : "no";
    }
}
