package dev.tandem.core.rm;

import dev.tandem.core.Invalid;
import java.util.Locale;

/** [RG-ASSIGN]: how the sync agent spreads users over the nodes. */
public enum AssignmentMode {
    /** "assigns users equally to each node in each subcluster and balances the total across each node" (the default). */
    BALANCED("balanced"),
    /** "assigns all users to the first node of the subcluster, leaving the secondary server as a backup". */
    ACTIVE_STANDBY("active-standby"),
    /** "no assignment of the users to the nodes in the cluster by the sync agent". */
    NONE("none");

    private final String display;

    AssignmentMode(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }

    public static AssignmentMode parse(String text) {
        for (AssignmentMode m : values()) {
            if (m.display.equalsIgnoreCase(text.trim()) || m.name().equalsIgnoreCase(text.trim())) return m;
        }
        throw new Invalid("mode", text, "balanced, active-standby or none");
    }

    @Override
    public String toString() {
        return display.toLowerCase(Locale.ROOT);
    }
}
