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

    /** Whose users the node serves now (seed 000: its own, its peer's while the peer is failed over, or none). */
    Set<Serving.Side> serving();

    /** seed 000, Client Re-Login Lower Limit: how long clients should wait before logging in here again. */
    Duration reloginLower();

    /** The sessions as load for the load-balancing group (seed 004: inactive sessions left out). */
    void reportLoad(Load load);
}
