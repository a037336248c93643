package dev.tandem.core.lb;

/**
 * How the group spreads sessions ([LB-MODES], VPN and Clustering on the FXOS Chassis: "one of two
 * mutually exclusive modes ... centralized or distributed").
 */
public enum VpnMode {
    /** [LB-MODES]: "connections are established with the control unit of the cluster only": the director serves every session. */
    CENTRALIZED("centralized"),
    /** [LB-MODES]: connections "are distributed across members": the director redirects to the least-loaded member. */
    DISTRIBUTED("distributed");

    private final String display;

    VpnMode(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }

    public static VpnMode parse(String field, String text) {
        for (VpnMode m : values()) {
            if (m.display.equalsIgnoreCase(text == null ? "" : text.trim())) return m;
        }
        throw new dev.tandem.core.Invalid(field, text, "centralized or distributed");
    }
}
