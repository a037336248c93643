package dev.tandem.node.store;

/** A user import rejected because of one line of its CSV; nothing was imported. */
public final class ImportError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public ImportError(int line, String message) {
        super("line " + line + ": " + message, null, false, false);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
