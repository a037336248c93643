package dev.tandem.node.runtime;

import dev.tandem.core.rm.Serving;
import java.time.Instant;
import java.util.Set;

/**
 * When a node last began or stopped serving a side's users, and the state and reason it moved to: the last
 * failover or fallback as that node took part in it (docs/cli.md, show failover).
 */
public record ServingChange(Instant at, Set<Serving.Side> from, Set<Serving.Side> to, String state, String reason) {}
