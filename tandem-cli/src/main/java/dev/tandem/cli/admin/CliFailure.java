package dev.tandem.cli.admin;

/** A command that could not do its work; {@code exitCode} is 1 (failure) or 2 (usage or configuration error). */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    private final int exitCode;

    public CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
