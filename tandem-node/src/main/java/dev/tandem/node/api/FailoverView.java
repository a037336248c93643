package dev.tandem.node.api;

import dev.tandem.api.FailoverAnswers;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceAddresses;
import dev.tandem.core.rm.Versions;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.session.SessionService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /api/v1/failover}: this node and its peer as a failover pair ([LB-FAILOVER]), in the spirit of an
 * appliance's "show failover": for each node's users, which node is active for them and which stands by; whether
 * the standby holds a copy of every session; the last failover this node took part in; the replication link's
 * counters. docs/cli.md, show failover, describes every field.
 */
public final class FailoverView {
    private FailoverView() {}

    static FailoverAnswers.Failover of(TandemNode node) {
        RmState s = node.snapshot();
        List<FailoverAnswers.UsersSide> users = new ArrayList<>();
        for (NodeId owner : s.group().nodes()) {
            Optional<NodeId> active = ServiceAddresses.holderAsSeenBy(s, owner);
            users.add(new FailoverAnswers.UsersSide(owner.value(), active.map(NodeId::value).orElse(null),
                    active.isPresent() && active.get().equals(s.self()) ? "active"
                            : s.peerId().isPresent() ? "standby" : "none"));
        }
        Optional<FailoverAnswers.Replication> r = node.sessions().flatMap(SessionService::replication);
        return new FailoverAnswers.Failover(s.self().value(), s.peerId().map(NodeId::value).orElse(null),
                s.peerId().isPresent() && s.peer().alive(),
                // docs/redundancy.md, Heartbeat paths: a path down is shown here, and is no failover while another works.
                node.heartbeatPaths(), s.state().display(), s.reason().display(),
                // docs/redundancy.md, Versions: why the pair cannot fail over (Unknown), naming both versions; else null.
                RecoveryManager.detail(s).orElse(null), versions(s),
                node.loadBalancing().map(v -> column(s, v.speaking())).orElse(null), users,
                node.sessions().isEmpty() ? null : r.isPresent() ? "keep"
                        : node.config().sessionService().replication().handover().name().toLowerCase(Locale.ROOT),
                r.map(FailoverAnswers.Replication::standbyReady).orElse(null),
                node.lastServingChange().map(c -> new FailoverAnswers.LastFailover(c.at().toString(), sides(c.from()),
                        sides(c.to()), c.state(), c.reason())).orElse(null),
                r.orElse(null), node.sessions().flatMap(SessionService::capacity).orElse(null),
                witness(s, node.store().reachable()));
    }

    /** docs/redundancy.md, Witness: what this node knows of its group's lease; null without a witness. */
    public static FailoverAnswers.Witness witness(RmState s, boolean storeReachable) {
        if (s.params().partitionRecovery() != dev.tandem.core.rm.ServiceParameters.PartitionRecovery.WITNESS
                || !s.group().highAvailability() || s.peerId().isEmpty()) return null;
        RmState.Lease l = s.lease();
        boolean held = l.heldAt(java.time.Instant.now());
        boolean reachable = l.reachable() && storeReachable;
        String risk = reachable ? null : s.peer().alive()
                ? "the witness cannot be reached: should the peer go silent, neither node could serve its users"
                : "the witness cannot be reached: this node gives every user up unless it holds the lease";
        return new FailoverAnswers.Witness(reachable, l.holder() == null ? null : l.holder().value(), held,
                held ? l.heldUntil().toString() : null, l.fence(), risk);
    }

    /**
     * The Failover column of {@code show vpn load-balancing} ([LB-SHOW]): n/a without high availability; else
     * Active while this node speaks for the member (it serves the users the member's sessions belong to) and
     * Standby while its peer does.
     */
    static String column(RmState rm, boolean speaking) {
        return !rm.group().highAvailability() ? "n/a" : speaking ? "Active" : "Standby";
    }

    private static FailoverAnswers.PairVersions versions(RmState s) {
        Versions peer = s.peer().versions();
        return new FailoverAnswers.PairVersions(
                new FailoverAnswers.Versions(s.versions().protocol(), s.versions().software()),
                peer == null ? null : new FailoverAnswers.PeerVersions(peer.protocol(), peer.software(),
                        !s.peer().incompatibleWith(s.versions())));
    }

    private static List<String> sides(java.util.Set<dev.tandem.core.rm.Serving.Side> sides) {
        return sides.stream().sorted().map(x -> x.name().toLowerCase(Locale.ROOT)).toList();
    }
}
