package dev.tandem.core.rm;

import dev.tandem.core.HookKind;
import java.util.Optional;

/** Everything that can happen to a recovery manager. */
public sealed interface RmEvent {

    /**
     * The recovery manager starts, with what it persisted before (if anything).
     *
     * @param incarnationFloor the new incarnation is above this as well as above the persisted one: the shell gives
     *                         a number that grows across starts without the state file (the node gives the wall
     *                         clock in milliseconds), so a node that lost its state file is not taken for an old
     *                         incarnation of itself by its peer (docs/decisions/0050-incarnation-survives-a-lost-state-file.md)
     */
    record Start(Optional<PersistedRm> persisted, long incarnationFloor) implements RmEvent {
        /** A start whose incarnation only follows the persisted one (the simulator, which never loses a state file). */
        public Start(Optional<PersistedRm> persisted) {
            this(persisted, 0);
        }
    }

    /** A graceful stop (service stop, host shutdown or reboot). */
    record Stop() implements RmEvent {}

    record TimerFired(String name) implements RmEvent {}

    /**
     * The peer's host refused a message: nothing listens on the peer's port (ICMP port unreachable, connection
     * refused). The process is gone although the host answers.
     */
    record PeerRefused() implements RmEvent {}

    /**
     * A connection to node {@code from}'s process was reset (the node's session replication link): the process may
     * be gone. A heartbeat sent at once tells: a dead process's host refuses it, which starts crash detection without
     * waiting out the keep-alive interval; a live peer just hears from us (docs/decisions/0080-a-reset-link-probes-the-peer.md).
     */
    record PeerLinkLost(dev.tandem.core.NodeId from) implements RmEvent {}

    record Received(RmMessage message) implements RmEvent {}

    /** A critical service check changed its verdict. */
    record ServiceChanged(String service, boolean running) implements RmEvent {}

    /** The database check changed its verdict ([RG-T2]: Database Failure). */
    record DatabaseChanged(boolean up) implements RmEvent {}

    record HookCompleted(long hookId, HookKind kind, boolean success) implements RmEvent {}

    /** An administrator asks for an action on this node (failover, fallback) or its group (recover). */
    record Admin(long requestId, AdminAction action) implements RmEvent {}

    /** The group's configuration changed (high availability enabled or disabled, description). */
    record GroupChanged(RedundancyGroup group) implements RmEvent {}

    record ParametersChanged(ServiceParameters parameters) implements RmEvent {}

    /**
     * The witness answered ask {@code askId}: {@code holder} holds the group's lease now, with fencing number
     * {@code fence}. This node holds it when it is the holder (docs/decisions/115-a-witness-decides-who-serves.md).
     */
    record WitnessAnswered(long askId, dev.tandem.core.NodeId holder, long fence) implements RmEvent {}

    /** The witness could not be reached for ask {@code askId} (no answer in time, or an error), said in {@code why}. */
    record WitnessUnreachable(long askId, String why) implements RmEvent {}
}
