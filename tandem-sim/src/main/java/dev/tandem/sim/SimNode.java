package dev.tandem.sim;

import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.rm.PersistedRm;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.Versions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One simulated host: its process (up or down), what it persisted, its critical services and
 * database, and the recovery manager's state. Everything here is owned by {@link Sim}.
 */
final class SimNode {
    final NodeId id;
    /** Grows at every process start; work scheduled by an older process is dropped. */
    long process;
    boolean up;
    /** The host answers on the network (a stopped or killed process on a running host refuses messages). */
    boolean hostUp = true;
    /** The recovery manager's state, or null for a node in no redundancy group. */
    RmState rm;
    PersistedRm persisted;
    /** The load-balancing machine, or null for a node that is not a member of the load-balancing group. */
    LbState lb;
    /** The load-balancing machine runs on this node now (it speaks for its member). */
    boolean lbRunning;
    /** Critical services by name: true while broken by a fault ({@code service-down}). */
    final Map<String, Boolean> serviceFaulted = new LinkedHashMap<>();
    /** The recovery manager stopped the critical services (manual failover); cleared by a start or a host boot. */
    boolean servicesStoppedByRm;
    boolean databaseUp = true;
    final Set<HookKind> failNext = EnumSet.noneOf(HookKind.class);
    /** The process is killed halfway through the next hook of each of these kinds. */
    final Set<HookKind> killDuring = EnumSet.noneOf(HookKind.class);
    /** Timer tokens by name: a timer fires only if its token is still the current one. */
    final Map<String, Long> timers = new HashMap<>();
    /** What the recovery manager last heard about each service, to report only changes. */
    final Map<String, Boolean> reportedRunning = new HashMap<>();
    Boolean reportedDatabase;
    /** The build the node runs from its next start: its protocol and software (docs/redundancy.md, Versions). */
    Versions versions = Versions.current("");

    SimNode(NodeId id, RmState rm) {
        this.id = id;
        this.rm = rm;
    }

    boolean serviceRunning(String name) {
        return !serviceFaulted.get(name) && !servicesStoppedByRm;
    }
}
