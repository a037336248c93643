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
        List<String> actions = new ArrayList<>();
        g.path("actions").forEach(a -> actions.add(a.asText()));
        sb.append("Actions available now: ").append(actions.isEmpty() ? "none" : String.join(", ", actions)).append('\n');
        return sb.toString();
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
