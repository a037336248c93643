package dev.tandem.core;

import dev.tandem.core.rm.PersistedRm;
import java.time.Instant;
import java.util.List;

/** What a protocol step asks its shell to do. The shell executes effects in order. */
public sealed interface Effect {

    /** Send a message to another node. */
    record Send(NodeId to, Message message) implements Effect {}

    /** Deliver {@code TimerFired(name)} at {@code deadline}, replacing any timer of that name. */
    record SetTimer(String name, Instant deadline) implements Effect {}

    /** Forget the timer of that name. */
    record CancelTimer(String name) implements Effect {}

    /** Run a hook; its outcome comes back as a hook-completed event with the same id. {@code usersOf}: whose users move. */
    record RunHook(HookKind kind, List<NodeId> usersOf, long id) implements Effect {
        public RunHook {
            usersOf = List.copyOf(usersOf);
        }
    }

    /**
     * Write the recovery manager's persisted state to local disk atomically before anything else is sent (the
     * load-balancing machine keeps nothing on disk).
     */
    record Persist(PersistedRm snapshot) implements Effect {}

    /** A state transition to log and publish: node, from, to, reason. */
    record Record(NodeId node, String protocol, String from, String to, String reason) implements Effect {}

    /** The answer to an admin request: accepted, or refused with the reason. */
    record AdminResult(long requestId, boolean accepted, String message) implements Effect {}

    /** This node became director: hold the cluster address. */
    record ClaimAddress() implements Effect {}

    /** This node is no longer director: let the cluster address go. */
    record ReleaseAddress() implements Effect {}

    /** Send a message to whichever node holds the cluster address now ([LB-GROUP]: "the virtual cluster IP address"). */
    record SendToCluster(Message message) implements Effect {}

    /**
     * Send a message to every node that may belong to the group: each device configured for it, or a
     * broadcast on the group port. Used for discovery at startup and for the director's announcements.
     */
    record SendToGroup(Message message) implements Effect {}

    /**
     * A peer's shared settings differ from this node's, so the two refuse each other. The shell logs
     * it (rate-limited) and raises an alarm; {@code setting} names what differs, {@code message} says how.
     */
    record SettingsMismatch(NodeId node, NodeId peer, String setting, String message) implements Effect {}

    /**
     * Ask the witness for the lease of redundancy group {@code group} for {@code node}, for {@code leaseTime} from
     * when the witness takes the ask; answer with {@code RmEvent.WitnessAnswered} or {@code RmEvent.WitnessUnreachable}
     * naming {@code askId} (docs/decisions/115-a-witness-decides-who-serves.md).
     */
    record AskWitness(String group, NodeId node, long askId, java.time.Duration leaseTime) implements Effect {}
}
