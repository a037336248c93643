package dev.tandem.core.rm;

import java.util.List;
import java.util.Optional;

/**
 * The node states of a redundancy group member, spelled as the specification ([RG-T1]) spells them
 * (Table 1: Node State Definitions; Table 2 adds Backup Activated and Failover Affected Services).
 */
public enum NodeState {
    /** [RG-T1]: initial (transition) state when the recovery manager starts. */
    INITIALIZING("Initializing"),
    /** [RG-T1]: failed over by the administrator, services stopped, serves nobody. */
    IDLE("Idle"),
    /** [RG-T1]: stable, operating normally. */
    NORMAL("Normal"),
    /** [RG-T1]: stable, acting as backup for its peer; the peer's users are here. */
    RUNNING_IN_BACKUP_MODE("Running in Backup Mode", "Backup Mode"),
    /** [RG-T1]: transition, taking over for its peer. */
    TAKING_OVER("Taking Over"),
    /** [RG-T1]: transition, being taken over by its peer. */
    FAILING_OVER("Failing Over"),
    /** [RG-T1]: steady, failed over, no critical service down; fallback possible. */
    FAILED_OVER("Failed Over"),
    /** [RG-T1]: steady, failed over, some critical services stopped or failed. */
    FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING("Failed Over with Critical Services Not Running"),
    /** [RG-T1]: transition, the backup gives the users back to their home node. */
    FALLING_BACK("Falling Back"),
    /** [RG-T1]: transition, the failed node takes its users back from its peer. */
    TAKING_BACK("Taking Back"),
    /** [RG-T1]: an error occurred in a transition or in backup mode; needs Recover. */
    RUNNING_IN_FAILED_MODE("Running in Failed Mode"),
    /** [RG-T1]: state unknown, e.g. high availability not enabled properly. */
    UNKNOWN("Unknown"),
    /** [RG-T2] (auto-recovery rows): the failed-over node took every user back from a failing backup. */
    BACKUP_ACTIVATED("Backup Activated"),
    /** [RG-T2] (auto-recovery rows): the backup whose services failed, its users moved to the peer. */
    FAILOVER_AFFECTED_SERVICES("Failover Affected Services");

    private final String display;
    private final List<String> aliases;

    NodeState(String display, String... aliases) {
        this.display = display;
        this.aliases = List.of(aliases);
    }

    /** The name exactly as the specification spells it. */
    public String display() {
        return display;
    }

    @Override
    public String toString() {
        return display;
    }

    /** Serves its peer's users as well as its own. */
    public boolean isBackup() {
        return this == RUNNING_IN_BACKUP_MODE || this == BACKUP_ACTIVATED;
    }

    /** Its users are served by the peer; it serves nobody. */
    public boolean isFailedOver() {
        return this == IDLE || this == FAILED_OVER || this == FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING
                || this == FAILOVER_AFFECTED_SERVICES;
    }

    /** High availability is suspended until an administrator recovers the group. */
    public boolean isBroken() {
        return this == RUNNING_IN_FAILED_MODE || this == UNKNOWN;
    }

    /** Table 1 marks it a transition state: no admin action is offered while in it. */
    public boolean isTransition() {
        return this == INITIALIZING || this == TAKING_OVER || this == FAILING_OVER
                || this == FALLING_BACK || this == TAKING_BACK;
    }

    /**
     * [RG-LIMITS]: users cannot be added while a node
     * of the cluster is in a failover state; every state but Normal and Initializing counts.
     */
    public boolean isFailoverState() {
        return this != NORMAL && this != INITIALIZING;
    }

    /** Reads a specification spelling (or a known variant of it), ignoring case. */
    public static Optional<NodeState> parse(String text) {
        String t = text.trim();
        for (NodeState s : values()) {
            if (s.display.equalsIgnoreCase(t) || s.name().equalsIgnoreCase(t.replace(' ', '_').replace('-', '_'))) {
                return Optional.of(s);
            }
            for (String a : s.aliases) {
                if (a.equalsIgnoreCase(t)) return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static String allowedNames() {
        StringBuilder b = new StringBuilder();
        for (NodeState s : values()) {
            if (!b.isEmpty()) b.append(", ");
            b.append('"').append(s.display).append('"');
        }
        return b.toString();
    }

}
