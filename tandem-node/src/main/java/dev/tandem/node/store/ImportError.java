package dev.tandem.node.store;

/**
 * A user import rejected because of lines of its CSV; nothing was imported. The message names each bad line, one a
 * line of text ("line 3: ..."), the first {@link #NAMED} of them; {@link #line} is the first.
 */
public final class ImportError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final int NAMED = 20;
    private final int line;

    /** One bad line and what is wrong with it. */
    public record Problem(int line, String message) {}

    public ImportError(int line, String message) {
        this(java.util.List.of(new Problem(line, message)));
    }

    public ImportError(java.util.List<Problem> problems) {
        super(text(problems), null, false, false);
        this.line = problems.get(0).line();
    }

    private static String text(java.util.List<Problem> problems) {
        StringBuilder b = new StringBuilder();
        for (Problem p : problems.subList(0, Math.min(NAMED, problems.size()))) {
            if (b.length() > 0) b.append('\n');
            b.append("line ").append(p.line()).append(": ").append(p.message());
        }
        if (problems.size() > NAMED) b.append("\n(and ").append(problems.size() - NAMED).append(" more lines with errors)");
        return b.toString();
    }

    public int line() {
        return line;
    }
}
