package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The transitions the recovery manager may make by its rules (a restart, Recover or a change of
 * high availability may go anywhere). Any other is a bug and fails loudly.
 */
public final class Transitions {
    private static final Map<NodeState, Set<NodeState>> ALLOWED = new EnumMap<>(NodeState.class);
    /** With a witness, the states from which a node gives its users up (decision 115). */
    private static final Set<NodeState> GIVE_UP = EnumSet.of(NORMAL, TAKING_OVER, RUNNING_IN_BACKUP_MODE,
            BACKUP_ACTIVATED, FALLING_BACK, FAILING_OVER);

    static {
        // Every state can fail (Running in Failed Mode) or find its peer configured differently (Unknown).
        allow(INITIALIZING, NodeState.values());
        allow(NORMAL, TAKING_OVER, FAILING_OVER);
        allow(TAKING_OVER, RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED, NORMAL);
        allow(FAILING_OVER, IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING,
                FAILOVER_AFFECTED_SERVICES, TAKING_OVER);
        allow(RUNNING_IN_BACKUP_MODE, FAILING_OVER, FALLING_BACK);
        allow(BACKUP_ACTIVATED, FAILING_OVER, FALLING_BACK);
        allow(FALLING_BACK, NORMAL, TAKING_OVER);
        allow(TAKING_BACK, NORMAL, TAKING_OVER);
        for (NodeState failedOver : new NodeState[] {IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING,
                FAILOVER_AFFECTED_SERVICES}) {
            allow(failedOver, TAKING_BACK, TAKING_OVER, NORMAL, FAILED_OVER,
                    FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING);
        }
        allow(RUNNING_IN_FAILED_MODE);
        allow(UNKNOWN);
    }

    private Transitions() {}

    private static void allow(NodeState from, NodeState... to) {
        Set<NodeState> set = ALLOWED.computeIfAbsent(from, k -> EnumSet.noneOf(NodeState.class));
        set.addAll(Set.of(to));
        set.add(from); // a change of reason only
        set.add(RUNNING_IN_FAILED_MODE);
        set.add(UNKNOWN);
    }

    public static boolean allowed(NodeState from, NodeState to) {
        return ALLOWED.get(from).contains(to);
    }

    /**
     * With a witness ({@code partitionRecovery: witness}), also: a node that serves users without the lease while its
     * silent peer may take them gives them all up, Failed Over with its users at the peer
     * (docs/decisions/115-a-witness-decides-who-serves.md).
     */
    public static boolean allowed(NodeState from, NodeState to, boolean witness) {
        if (allowed(from, to)) return true;
        return witness && GIVE_UP.contains(from)
                && (to == FAILED_OVER || to == FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING);
    }

}
