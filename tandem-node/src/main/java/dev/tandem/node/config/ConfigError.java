package dev.tandem.node.config;

/** A configuration that cannot be used: names the file, the line, the field, the value and what is allowed. */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message);
    }
}
