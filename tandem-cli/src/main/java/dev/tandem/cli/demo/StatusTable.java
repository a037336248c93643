package dev.tandem.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's live table as text: the load-balancing group (with each node's service address and the node that holds
 * it now), each redundancy group, the clients, the last events.
 */
public final class StatusTable {
    private StatusTable() {}

    public static List<String> render(String title, ClusterView.Snapshot s, ClientStats clients, List<String> events,
                                      List<String> footer) {
        List<String> out = new ArrayList<>();
        out.add(title);
        out.add("");
        out.add("Load-balancing group: " + s.director().map(d -> "director " + d + " holds the cluster address")
                .orElse("no director yet: clients wait"));
        out.add(String.format("  %-5s %-12s %-12s %-7s %-9s %6s %9s %8s", "node", "address", "service", "held by",
                "role", "load", "sessions", "clients"));
        for (ClusterView.NodeRow n : s.nodes()) {
            // The clients column counts the clients at the node's public address, which is its service address when
            // it has one: after a failover its peer serves them there.
            out.add(String.format("  %-5s %-12s %-12s %-7s %-9s %6s %9s %8d  %s", n.id(), n.address(),
                    n.serviceAddress().isEmpty() ? "-" : n.serviceAddress(), heldBy(n), n.role().isEmpty() ? "-" : n.role(),
                    n.load() < 0 ? "-" : n.load() + "%", n.sessions() < 0 ? "-" : Integer.toString(n.sessions()),
                    clients.byAddress().getOrDefault(n.publicAddress(), 0), bar(n.load())));
        }
        out.add("");
        out.add("Redundancy groups (state / reason, [RG-T2]):");
        Map<String, List<ClusterView.NodeRow>> groups = new LinkedHashMap<>();
        for (ClusterView.NodeRow n : s.nodes()) groups.computeIfAbsent(n.group().isEmpty() ? "?" : n.group(), g -> new ArrayList<>()).add(n);
        for (Map.Entry<String, List<ClusterView.NodeRow>> g : groups.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("  %-4s", g.getKey()));
            for (ClusterView.NodeRow n : g.getValue()) {
                line.append(String.format(" %-4s %-36s", n.id(), n.state() + (n.reason().isEmpty() ? "" : " / " + n.reason())));
            }
            out.add(line.toString().stripTrailing());
        }
        out.add("");
        out.add(String.format("Clients: %d, logged in %d, waiting to log in again %d (re-logins so far %d, refused %d)",
                clients.clients(), clients.loggedIn(), clients.waiting(), clients.relogins(), clients.refusals()));
        if (!events.isEmpty()) {
            out.add("");
            out.add("Recent events:");
            for (String e : events) out.add("  " + e);
        }
        if (!footer.isEmpty()) {
            out.add("");
            out.addAll(footer);
        }
        return out;
    }

    /** Who holds the node's service address: "-" without one, "nobody" while no node that answers holds it. */
    private static String heldBy(ClusterView.NodeRow n) {
        if (n.serviceAddress().isEmpty()) return "-";
        return n.holders().isEmpty() ? "nobody" : String.join("+", n.holders());
    }

    private static String bar(int load) {
        if (load < 0) return "";
        int n = Math.min(20, (load + 4) / 5);
        return "#".repeat(n) + ".".repeat(20 - n);
    }

    /** Lines of events that tell what changed between two snapshots. */
    public static List<String> changes(ClusterView.Snapshot before, ClusterView.Snapshot after) {
        List<String> out = new ArrayList<>();
        if (before == null) return out;
        if (!before.director().equals(after.director())) {
            out.add("director: " + before.director().orElse("none") + " -> " + after.director().orElse("none"));
        }
        for (ClusterView.NodeRow n : after.nodes()) {
            before.node(n.id()).ifPresent(b -> {
                if (!b.state().equals(n.state()) || !b.reason().equals(n.reason())) {
                    out.add(n.id() + ": " + b.state() + " -> " + n.state() + (n.reason().isEmpty() ? "" : " (" + n.reason() + ")"));
                }
                if (!n.serviceAddress().isEmpty() && !b.holders().equals(n.holders())) {
                    out.add(n.id() + "'s service address " + n.serviceAddress() + ": held by " + heldBy(b) + " -> "
                            + heldBy(n));
                }
            });
        }
        return out;
    }
}
