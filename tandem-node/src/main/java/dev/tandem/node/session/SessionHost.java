package dev.tandem.node.session;

import dev.tandem.core.lb.Load;
import dev.tandem.core.rm.Serving;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** What the session service needs from the node it runs beside. */
public interface SessionHost {
    /** This node's id. */
    String id();

    /** The other node of its redundancy pair, if it has one. */
    Optional<String> peer();

    /** Whose users the node serves now ([RG-OVER]: its own, its peer's while the peer is failed over, or none). */
    Set<Serving.Side> serving();

    /** [RG-RELOGIN], Client Re-Login Lower Limit: how long clients should wait before logging in here again. */
    Duration reloginLower();

    /** [RG-RELOGIN], Client Re-Login Upper Limit: the longest clients should wait before logging in here again. */
    Duration reloginUpper();

    /** Both limits, read together: a change of the parameters between two reads never pairs an old and a new one. */
    default Relogin relogin() {
        return new Relogin(reloginLower(), reloginUpper());
    }

    /** The node's Client Re-Login Lower and Upper Limits ([RG-RELOGIN]). */
    record Relogin(Duration lower, Duration upper) {}

    /**
     * False while the node cannot take part in its pair (its protocol loop stalled, or it failed): the service
     * refuses logins and heartbeats then, so a node that cannot hear its peer never serves users the peer may
     * have taken over (docs/decisions/0046-a-deaf-node-stops-serving.md).
     */
    default boolean answering() {
        return true;
    }

    /**
     * The node took over a side's users with their sessions ({@code whose}: "its own" or "its peer's"): how many
     * sessions it kept and about how many were lost (an incomplete standby copy, or licences run out).
     */
    default void sessionsTakenOver(String whose, int kept, int lost) {}

    /**
     * The session replication link to the peer broke while it was up: the peer's process may be gone, and the node
     * probes it at once (docs/decisions/0080-a-reset-link-probes-the-peer.md). Called on the link's own thread.
     */
    default void peerLinkLost() {}

    /**
     * True when the pair's nodes have service addresses (docs/redundancy.md): a session's address moves with its
     * users, so a client whose session moves heartbeats again at the same address.
     */
    default boolean addressesFollowUsers() {
        return false;
    }

    /**
     * The node could not take over every session of its peer: its own sessions and the peer's are more than its
     * licences ({@code over} true), or that is no longer so ({@code over} false). [LB-FAILOVER] asks the operator
     * of an Active/Active pair to make sure either unit can carry both units' sessions.
     */
    default void capacityChanged(boolean over, int own, int peer, int max) {}

    /** The sessions as load for the load-balancing group ([LB-SHOW]: inactive sessions left out). */
    void reportLoad(Load load);
}
