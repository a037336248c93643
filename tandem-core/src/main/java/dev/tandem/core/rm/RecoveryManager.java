package dev.tandem.core.rm;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The recovery manager of one node ([RG-MANUAL]: Cisco Server Recovery Manager): a pure state machine
 * with one entry point, {@link #step}. The rules themselves are in {@link RmRules}; this class
 * creates the first state and names the timers.
 */
public final class RecoveryManager {
    /** The protocol name in transition records. */
    public static final String PROTOCOL = "redundancy";

    public static final String TIMER_HEARTBEAT = "rm.heartbeat";
    public static final String TIMER_PEER = "rm.peer-timeout";
    public static final String TIMER_SERVICE = "rm.critical-service-delay";
    public static final String TIMER_FALLBACK = "rm.automatic-fallback";
    public static final String TIMER_PROBE = "rm.crash-probe";
    public static final String TIMER_WITNESS = "rm.witness";

    /**
     * Crash detection: how many refusals in a row, with no heartbeat from the peer between them, prove its
     * process is gone. One refusal could be a port briefly closed; three spread over two probe intervals are a
     * dead process (docs/decisions/0012-fast-crash-detection.md).
     */
    public static final int CRASH_PROBES = 3;

    /** Time between crash probes: a quarter of the keep-alive interval, at most 250 ms. */
    public static java.time.Duration probeInterval(ServiceParameters p) {
        java.time.Duration quarter = p.keepAliveInterval().dividedBy(4);
        java.time.Duration cap = java.time.Duration.ofMillis(250);
        return quarter.compareTo(cap) < 0 ? quarter : cap;
    }

    /**
     * With a witness, how long a lease lasts from the ask that got it: one keep-alive timeout. The holder asks again
     * every keep-alive interval while its peer is silent, so a lease it keeps never runs out.
     */
    public static java.time.Duration leaseTime(ServiceParameters p) {
        return p.keepAliveTimeout();
    }

    /**
     * With a witness, how long after its peer went silent a node without the lease goes on serving its own users: one
     * keep-alive interval, the time to ask the witness (decision 115).
     */
    public static java.time.Duration askGrace(ServiceParameters p) {
        return p.keepAliveInterval();
    }

    /**
     * With a witness, how long a node that got the lease waits in Taking Over before it serves a silent peer's users:
     * the peer, cut off but alive, may have heard this node until it entered Taking Over and gives its users up at
     * the latest a keep-alive timeout and an {@link #askGrace} later; one more interval covers the network's delay.
     * A peer proven gone (its host refuses) is not waited for (decision 115).
     */
    public static java.time.Duration fenceWait(ServiceParameters p) {
        return p.keepAliveTimeout().plus(askGrace(p)).plus(p.keepAliveInterval());
    }

    private RecoveryManager() {}

    /** A recovery manager of this build's protocol that has not started yet, its software version not named. */
    public static RmState initial(NodeId self, RedundancyGroup group, ServiceParameters params) {
        return initial(self, group, params, Versions.current(""));
    }

    /** A recovery manager that has not started yet, speaking {@code versions} (the shell names its build). */
    public static RmState initial(NodeId self, RedundancyGroup group, ServiceParameters params, Versions versions) {
        if (!group.contains(self)) {
            throw new IllegalArgumentException(self + " is not a node of group " + group.name());
        }
        return new RmState(self, group, params, versions, false, NodeState.INITIALIZING, Reason.INITIALIZATION, 0,
                0, PeerView.notHeard(), false, Set.of(), null, RmState.Health.UNKNOWN, RmState.Hooks.NONE,
                RmState.Times.NONE, RmState.Lease.NONE);
    }

    /**
     * Why the node is Unknown, in words that name what disagrees: the two nodes' protocol and software versions when
     * they do not interoperate (docs/decisions/0075-versions-in-the-heartbeat.md), or their group configuration
     * (docs/decisions/0009-unknown-is-a-configuration-disagreement.md). Empty in every other state: the state and
     * reason of the specification say it all.
     */
    public static Optional<String> detail(RmState s) {
        if (!s.running() || s.state() != NodeState.UNKNOWN || s.peerId().isEmpty()) return Optional.empty();
        String peer = s.peerId().get().value();
        if (s.peer().incompatibleWith(s.versions())) {
            return Optional.of("incompatible redundancy protocol: " + peer + " runs " + s.peer().versions().describe()
                    + ", " + s.self() + " runs " + s.versions().describe() + "; protocols interoperate when they differ"
                    + " by at most 1 (docs/redundancy.md, Versions)");
        }
        if (s.peer().status() != PeerView.Status.NOT_HEARD && !s.peer().fingerprint().equals(s.group().fingerprint())) {
            return Optional.of("group configuration differs: " + peer + " runs group " + s.group().name()
                    + " as \"" + s.peer().fingerprint() + "\", " + s.self() + " as \"" + s.group().fingerprint() + "\"");
        }
        return Optional.empty();
    }

    /** Applies one event at {@code now}: the next state and the effects to execute, in order. */
    public static Transition<RmState> step(RmState state, RmEvent event, Instant now) {
        RmRules rules = new RmRules(state, now);
        rules.apply(event);
        return rules.finish();
    }

    /** The persisted form of a state. */
    public static PersistedRm persisted(RmState s) {
        HookKind hook = s.hooks().services() == null ? null : s.hooks().services().kind();
        return new PersistedRm(s.state(), s.reason(), s.incarnation(), s.recoveryEpoch(), s.health().servicesStopped(),
                hook);
    }

    /** The node's view of its group, for the admin actions. */
    public static Optional<String> refusal(RmState s, AdminAction action) {
        Actions.NodeView self = new Actions.NodeView(s.self(), s.state(), s.running(), s.healthy());
        Optional<Actions.NodeView> peer = s.peerId().map(p -> new Actions.NodeView(p, s.peer().state(),
                s.peer().alive(), s.peer().healthy()));
        return Actions.refusal(action, s.group().highAvailability(), self, peer);
    }

    static Effect.Record record(NodeId node, NodeState from, NodeState to, Reason reason) {
        return new Effect.Record(node, PROTOCOL, from.display(), to.display(), reason.display());
    }
}
