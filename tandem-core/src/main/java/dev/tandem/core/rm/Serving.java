package dev.tandem.core.rm;

import java.util.EnumSet;
import java.util.Set;

/**
 * Whose users a node serves in each state: its own (OWN) and its peer's (PEER). This is the one
 * place that says it; routing, the simulator's checks and the admin views all ask here.
 */
public final class Serving {
    public enum Side { OWN, PEER }

    private Serving() {}

    /**
     * @param handoffReady in Failing Over: the node has let its users go; in Taking Over: it serves none yet
     * @param held         in Running in Failed Mode and Unknown: what the node held when it entered,
     *                     kept so that a failure freezes users where they are instead of dropping them
     */
    public static Set<Side> of(NodeState state, boolean handoffReady, Set<Side> held) {
        return switch (state) {
            case NORMAL, FALLING_BACK -> EnumSet.of(Side.OWN);
            case RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED -> EnumSet.of(Side.OWN, Side.PEER);
            // Taking Over with its handoff ready: with a witness, it served nobody when its peer went silent and
            // serves nobody until the take over ends (docs/decisions/115-a-witness-decides-who-serves.md).
            case FAILING_OVER, TAKING_OVER -> handoffReady ? EnumSet.noneOf(Side.class) : EnumSet.of(Side.OWN);
            case RUNNING_IN_FAILED_MODE, UNKNOWN -> held.isEmpty() ? EnumSet.noneOf(Side.class) : EnumSet.copyOf(held);
            case INITIALIZING, IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING,
                 FAILOVER_AFFECTED_SERVICES, TAKING_BACK -> EnumSet.noneOf(Side.class);
        };
    }
}
