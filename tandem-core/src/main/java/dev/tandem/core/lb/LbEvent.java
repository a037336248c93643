package dev.tandem.core.lb;

import java.util.List;

import java.util.Optional;

/** Everything that can happen to a node's load-balancing machine. */
public sealed interface LbEvent {

    /**
     * The node starts taking part in the group (participate, or it became the serving node of its
     * failover pair). {@code handover} is what the pair's previous serving node last published, if any.
     */
    record Start(Optional<LbHandover> handover) implements LbEvent {}

    /**
     * The node stops taking part. {@code handingOver}: the other node of its failover pair takes over
     * the member, so the group should not notice.
     */
    record Stop(boolean handingOver) implements LbEvent {}

    record TimerFired(String name) implements LbEvent {}

    record Received(LbMessage message) implements LbEvent {}

    /** The node's own sessions changed: active and maximum per class. */
    record LoadChanged(Load load) implements LbEvent {}

    record SettingsChanged(GroupSettings group, DeviceSettings device) implements LbEvent {}

    /**
     * The director sent a new session to {@code member}. Until that member's next keepalive reports its real
     * load, the director counts the session itself, so clients arriving between two keepalives are spread by
     * rules 1 to 4 instead of all going to the member that was least loaded a second ago. A busy director counts
     * the sessions it sent since its last step in one event, each member as often as it appears in {@code members}.
     */
    record Redirected(List<IpAddress> members, SessionClass sessionClass) implements LbEvent {
        public Redirected {
            members = List.copyOf(members);
        }

        /** One session sent to one member. */
        public Redirected(IpAddress member, SessionClass sessionClass) {
            this(List.of(member), sessionClass);
        }
    }

    /**
     * The address driver saw another holder of the cluster address ([LB-ELECT]:
     * "the ARP subsystem detects the duplicate IP address condition").
     */
    record AddressConflict() implements LbEvent {}

    /**
     * The host of {@code node} refused a message this node sent it (ICMP port unreachable): nothing listens on its
     * group port. Shells report it for every node they send to; the machine decides what it means (decision 0083).
     */
    record Refused(dev.tandem.core.NodeId node) implements LbEvent {}

    /**
     * This node's redundancy peer is down, as the pair's own detection declared it ([RG-T2]: Peer Down, from
     * refused heartbeats or the Keep Alive Timeout). When that node spoke for this member's director, the director
     * went with it: the member elects at once instead of waiting out its keepalive resends ([LB-KA]: five, 24 s by
     * default).
     */
    record PeerDown(dev.tandem.core.NodeId node) implements LbEvent {
        /**
         * What a node's recovery-manager state tells its load-balancing machine: its peer, while the pair holds it
         * down (reason Peer Down, nothing heard from it since). Shells call this after every recovery-manager step.
         */
        public static java.util.Optional<PeerDown> of(dev.tandem.core.rm.RmState rm) {
            if (rm.reason() != dev.tandem.core.rm.Reason.PEER_DOWN || rm.peer().alive()) return java.util.Optional.empty();
            return rm.peerId().map(PeerDown::new);
        }
    }
}
