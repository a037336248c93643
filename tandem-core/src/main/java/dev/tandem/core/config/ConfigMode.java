package dev.tandem.core.config;

/**
 * Where a configuration command is typed ([LB-GROUP], step 1:
 * {@code vpn load-balancing} in global configuration mode "enters vpn-load-balancing configuration mode").
 */
public enum ConfigMode {
    GLOBAL("config"),
    LOAD_BALANCING("config-load-balancing");

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
}
