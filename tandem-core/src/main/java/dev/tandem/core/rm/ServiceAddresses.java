package dev.tandem.core.rm;

import dev.tandem.core.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A node's service address follows its users ([LB-FAILOVER]: the unit that becomes active assumes the addresses of
 * the failed one; [RG-OVER]: a failed node's users are served by its peer). The address of node N is held by
 * whichever node serves N's users now, as {@link Serving} says, so it moves exactly when the users move:
 * <ul>
 *   <li>a planned move (manual failover, fallback, automatic fallback, auto-recovery) hands over in two halves: the
 *       node letting users go stops serving them (and releases the address) before its heartbeat tells the peer,
 *       and the peer starts serving them (and claims the address) only once it has heard that;</li>
 *   <li>after a crash the survivor claims once it has declared the peer down;</li>
 *   <li>after a partition heals, Running in Failed Mode keeps each node's own users only, so it ends dual holding
 *       as it ends dual service.</li>
 * </ul>
 * docs/redundancy.md, Service addresses.
 */
public final class ServiceAddresses {
    private ServiceAddresses() {}

    /** The nodes of the group whose service addresses {@code s.self()} holds now, in the group's order. */
    public static List<NodeId> heldBy(RmState s) {
        Set<Serving.Side> serving = s.serving();
        return s.group().nodes().stream().filter(n -> serving.contains(side(s.self(), n))).toList();
    }

    /**
     * Who holds {@code owner}'s address as {@code s.self()} knows it: itself, or its peer when the peer's last
     * heartbeat says it serves {@code owner}'s users. A peer in Running in Failed Mode or Unknown is taken to keep
     * its own users, the usual case (its heartbeats do not say more).
     */
    public static Optional<NodeId> holderAsSeenBy(RmState s, NodeId owner) {
        if (heldBy(s).contains(owner)) return Optional.of(s.self());
        Optional<NodeId> peer = s.peerId();
        if (peer.isEmpty() || !s.peer().alive()) return Optional.empty();
        PeerView p = s.peer();
        Set<Serving.Side> held = p.state() == NodeState.RUNNING_IN_FAILED_MODE || p.state() == NodeState.UNKNOWN
                ? Set.of(Serving.Side.OWN) : Set.of();
        Set<Serving.Side> peerServes = Serving.of(p.state(), p.handoffReady(), held);
        return peerServes.contains(side(peer.get(), owner)) ? peer : Optional.empty();
    }

    private static Serving.Side side(NodeId holder, NodeId owner) {
        return holder.equals(owner) ? Serving.Side.OWN : Serving.Side.PEER;
    }
}
