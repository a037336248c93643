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

    /** The sessions as load for the load-balancing group ([LB-SHOW]: inactive sessions left out). */
    void reportLoad(Load load);
}
