package dev.tandem.node.runtime;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.Load;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.SessionHandover;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.session.SessionHost;
import dev.tandem.node.session.SessionService;
import dev.tandem.node.session.UserHomes;
import java.io.IOException;
import java.net.InetSocketAddress;
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

    private NodeSessionHost(TandemNode node) {
        this.node = node;
    }

    /**
     * Starts the session service of {@code node}, with replication to its peer when its sessions are handed over by
     * keeping them, and has it follow the node's transitions.
     *
     * @param epoch the node's envelope epoch: the replication's messages are sealed with it
     */
    static SessionService startService(TandemNode node, Optional<ClusterKey> key, long epoch, UserHomes homes)
            throws IOException {
        NodeConfig config = node.config();
        SessionService s = new SessionService(config.sessionService(), new NodeSessionHost(node), homes, node.clock());
        NodeConfig.Replication r = config.sessionService().replication();
        Optional<NodeConfig.Member> peer = config.redundancyGroup().nodes().stream()
                .filter(m -> !m.id().equals(config.id())).findFirst();
        if (r.handover() == SessionHandover.Mode.KEEP && peer.isPresent()) {
            // The peer's copies come in on this node's address; this node's go to the peer's, on the same port.
            s.replicate(new InetSocketAddress(config.address(), r.port()),
                    new InetSocketAddress(peer.get().address(), r.port()), config.address(),
                    () -> new Envelope(key, config.cluster().encryption(), config.id(), epoch),
                    node.metrics()::dropped, epoch);
            node.metrics().replication(s::replication);
        }
        // Published from the event loop right after the step, so the snapshot the service reads is the new state.
        node.events().subscribe(e -> {
            if (e.kind().equals("transition")) s.servingChanged();
        });
        return s.start();
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

    @Override public Duration reloginUpper() {
        return node.snapshot().params().clientReloginUpper();
    }

    @Override public Relogin relogin() {
        var p = node.snapshot().params();
        return new Relogin(p.clientReloginLower(), p.clientReloginUpper());
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
