package dev.tandem.core.rm;

import java.util.List;
import java.util.Optional;

/**
 * Why a node is in its state, spelled as [RG-T2] spells it. Where the specification spells one
 * reason two ways, the first spelling is shown and the others are accepted when read
 * (see docs/decisions/0003-one-spelling-per-state-and-reason.md).
 */
public enum Reason {
    NORMAL("Normal"),
    ON_ADMIN_REQUEST("On Admin Request"),
    INITIALIZATION("Initialization"),
    AUTOMATIC_FALLBACK("Automatic Fallback"),
    CRITICAL_SERVICE_DOWN("Critical Service Down", "Critical Services Down"),
    DATABASE_FAILURE("Database Failure"),
    PEER_DOWN("Peer Down"),
    PEER_REBOOT("Peer Reboot"),
    PEER_DOWN_DURING_INITIALIZATION("Peer Down During Initialization"),
    START_OF_CRITICAL_SERVICES_FAILED("Start of Critical Services Failed"),
    TAKE_OVER_USERS_FAILED("Take Over Users Failed", "Cisco Server Recovery Manager Take Over Users Failed"),
    TAKE_BACK_USERS_FAILED("Take Back Users Failed", "Cisco Server Recovery Manager Take Back Users Failed"),
    AUTO_RECOVER_DATABASE_FAILURE("Auto Recover Database Failure", "Auto Recovery Database Failure",
            "Auto Recovery Database Failure."),
    AUTO_RECOVER_CRITICAL_SERVICE_DOWN("Auto Recover Critical Service Down"),
    UNKNOWN("Unknown");

    private final String display;
    private final List<String> aliases;

    Reason(String display, String... aliases) {
        this.display = display;
        this.aliases = List.of(aliases);
    }

    public String display() {
        return display;
    }

    @Override
    public String toString() {
        return display;
    }

    /** The auto-recovery reason for a failure of the backup ([RG-T2], auto-recovery rows). */
    public Reason autoRecover() {
        return switch (this) {
            case DATABASE_FAILURE -> AUTO_RECOVER_DATABASE_FAILURE;
            case CRITICAL_SERVICE_DOWN -> AUTO_RECOVER_CRITICAL_SERVICE_DOWN;
            default -> throw new IllegalArgumentException("no auto-recovery for " + this);
        };
    }

    public boolean isAutoRecover() {
        return this == AUTO_RECOVER_DATABASE_FAILURE || this == AUTO_RECOVER_CRITICAL_SERVICE_DOWN;
    }

    public static Optional<Reason> parse(String text) {
        String t = text.trim();
        for (Reason r : values()) {
            if (r.display.equalsIgnoreCase(t) || r.name().equalsIgnoreCase(t.replace(' ', '_'))) {
                return Optional.of(r);
            }
            for (String a : r.aliases) {
                if (a.equalsIgnoreCase(t)) return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static String allowedNames() {
        StringBuilder b = new StringBuilder();
        for (Reason r : values()) {
            if (!b.isEmpty()) b.append(", ");
            b.append('"').append(r.display).append('"');
        }
        return b.toString();
    }
}
