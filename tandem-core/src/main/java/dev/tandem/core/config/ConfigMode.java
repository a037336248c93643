package dev.tandem.core.config;

/**
 * Where a configuration command is typed ([LB-GROUP], step 1:
 * {@code vpn load-balancing} in global configuration mode "enters vpn-load-balancing configuration mode").
 */
public enum ConfigMode {
    GLOBAL("config"),
    LOAD_BALANCING("config-load-balancing"),
    /** After {@code interface <hardware-id>}: {@code ip address}, {@code ipv6 address}, {@code nameif}. */
    INTERFACE("config-if"),
    /** After {@code tunnel-group <name> general-attributes}: {@code group-url}. */
    TUNNEL_GENERAL("config-tunnel-general");

    private final String promptName;

    ConfigMode(String promptName) {
        this.promptName = promptName;
    }

    /** The specification's prompt, for example {@code hostname(config-load-balancing)# }. */
    public String prompt(String hostname) {
        return hostname + "(" + promptName + ")# ";
    }

    public String promptName() {
        return promptName;
    }

    /**
     * Whether a command of global configuration mode typed here leaves this mode and runs there, as the appliances'
     * sub-modes do (so a pasted configuration needs no {@code exit}). The load-balancing section keeps its own
     * rule: a global command there is refused until {@code exit} (decision 0034).
     */
    public boolean fallsBackToGlobal() {
        return this == INTERFACE || this == TUNNEL_GENERAL;
    }
}
