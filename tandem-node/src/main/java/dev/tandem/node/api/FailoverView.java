package dev.tandem.node.api;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceAddresses;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.session.SessionService;
import dev.tandem.node.session.Standby;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/failover}: this node and its peer as a failover pair ([LB-FAILOVER]), in the spirit of an
 * appliance's "show failover": for each node's users, which node is active for them and which stands by; whether
 * the standby holds a copy of every session; the last failover this node took part in; the replication link's
 * counters. docs/cli.md, show failover, describes every field.
 */
final class FailoverView {
    private FailoverView() {}

    static Map<String, Object> of(TandemNode node) {
        RmState s = node.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.self().value());
        m.put("peer", s.peerId().map(NodeId::value).orElse(null));
        m.put("peerAlive", s.peerId().isPresent() && s.peer().alive());
        // docs/redundancy.md, Heartbeat paths: a path down is shown here, and is no failover while another works.
        m.put("heartbeatPaths", node.heartbeatPaths());
        m.put("state", s.state().display());
        m.put("reason", s.reason().display());
        // docs/redundancy.md, Versions: why the pair cannot fail over (Unknown), naming both versions; else null.
        m.put("detail", dev.tandem.core.rm.RecoveryManager.detail(s).orElse(null));
        m.put("versions", versions(s));
        m.put("loadBalancing", node.loadBalancing().map(v -> column(s, v.speaking())).orElse(null));
        List<Map<String, Object>> users = new ArrayList<>();
        for (NodeId owner : s.group().nodes()) {
            Map<String, Object> u = new LinkedHashMap<>();
            Optional<NodeId> active = ServiceAddresses.holderAsSeenBy(s, owner);
            u.put("usersOf", owner.value());
            u.put("activeOn", active.map(NodeId::value).orElse(null));
            u.put("thisNode", active.isPresent() && active.get().equals(s.self()) ? "active"
                    : s.peerId().isPresent() ? "standby" : "none");
            users.add(u);
        }
        m.put("users", users);
        Optional<Standby.Replication> r = node.sessions().flatMap(SessionService::replication);
        m.put("handover", node.sessions().isEmpty() ? null : r.isPresent() ? "keep"
                : node.config().sessionService().replication().handover().name().toLowerCase(Locale.ROOT));
        m.put("standbyReady", r.map(Standby.Replication::standbyReady).orElse(null));
        m.put("lastFailover", node.lastServingChange().map(c -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("at", c.at().toString());
            f.put("from", sides(c.from()));
            f.put("to", sides(c.to()));
            f.put("state", c.state());
            f.put("reason", c.reason());
            return f;
        }).orElse(null));
        m.put("replication", r.orElse(null));
        m.put("capacity", node.sessions().flatMap(SessionService::capacity).orElse(null));
        return m;
    }

    /**
     * The Failover column of {@code show vpn load-balancing} ([LB-SHOW]): n/a without high availability; else
     * Active while this node speaks for the member (it serves the users the member's sessions belong to) and
     * Standby while its peer does.
     */
    static String column(RmState rm, boolean speaking) {
        return !rm.group().highAvailability() ? "n/a" : speaking ? "Active" : "Standby";
    }

    private static Map<String, Object> versions(RmState s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("node", Map.of("protocol", s.versions().protocol(), "software", s.versions().software()));
        dev.tandem.core.rm.Versions peer = s.peer().versions();
        v.put("peer", peer == null ? null : Map.of("protocol", peer.protocol(), "software", peer.software(),
                "compatible", !s.peer().incompatibleWith(s.versions())));
        return v;
    }

    private static List<String> sides(java.util.Set<dev.tandem.core.rm.Serving.Side> sides) {
        return sides.stream().sorted().map(x -> x.name().toLowerCase(Locale.ROOT)).toList();
    }
}
