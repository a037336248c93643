package dev.tandem.core.rm;

import dev.tandem.core.HookKind;
import java.util.Optional;

/** Everything that can happen to a recovery manager. */
public sealed interface RmEvent {

    /** The recovery manager starts, with what it persisted before (if anything). */
    record Start(Optional<PersistedRm> persisted) implements RmEvent {}

    /** A graceful stop (service stop, host shutdown or reboot). */
    record Stop() implements RmEvent {}

    record TimerFired(String name) implements RmEvent {}

    /**
     * The peer's host refused a message: nothing listens on the peer's port (ICMP port unreachable, connection
     * refused). The process is gone although the host answers.
     */
    record PeerRefused() implements RmEvent {}

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
}
