package dev.tandem.core.config;

/**
 * A configuration command that was refused, with the line it was on (1 for a single command) and the text typed.
 * Nothing of the input is applied when one line is refused.
 */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String command;
    private final String reason;

    public ConfigError(int line, String command, String reason) {
        super("line " + line + ": " + reason + " (in '" + command + "')");
        this.line = line;
        this.command = command;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    /** The command as typed, except that a key given to {@code cluster key} is masked. */
    public String command() {
        return command;
    }

    /** Why the command was refused, without the line number. */
    public String reason() {
        return reason;
    }
}
