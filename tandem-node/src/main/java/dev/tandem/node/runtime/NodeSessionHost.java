package dev.tandem.node.runtime;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.Load;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.Serving;
import dev.tandem.node.session.SessionHost;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the session service asks of the node it runs in (docs/session-service.md): whose users the node serves now,
 * whether it answers clients, where its load goes; and what it tells the node: a lost replication link (probe the
 * peer now), a change of capacity, sessions taken over (events).
 */
final class NodeSessionHost implements SessionHost {
    private final TandemNode node;

    NodeSessionHost(TandemNode node) {
        this.node = node;
    }

    private NodeId self() {
        return node.snapshot().self();
    }

    @Override public String id() {
        return self().value();
    }

    @Override public Optional<String> peer() {
        return node.snapshot().peerId().map(NodeId::value);
    }

    @Override public Set<Serving.Side> serving() {
        return node.snapshot().serving();
    }

    @Override public Duration reloginLower() {
        return node.snapshot().params().clientReloginLower();
    }

    @Override public boolean answering() {
        return node.answering();
    }

    @Override public void reportLoad(Load load) {
        if (node.loadBalancing().isPresent()) node.reportLoad(load);
    }

    @Override public boolean addressesFollowUsers() {
        return node.hasServiceAddresses();
    }

    @Override public void peerLinkLost() {
        node.snapshot().peerId().ifPresent(peer -> node.submit(new RmEvent.PeerLinkLost(peer)));
    }

    @Override public void capacityChanged(boolean over, int own, int peer, int max) {
        node.events().publish("capacity", node.clock().instant(), Map.of("node", id(), "enough", !over,
                "own", own, "peer", peer, "max", max));
    }

    @Override public void sessionsTakenOver(String whose, int kept, int lost) {
        node.events().publish("sessions-taken-over", node.clock().instant(), Map.of("node", id(), "users", whose,
                "kept", kept, "lost", lost));
    }
}
