package dev.tandem.node.store;

import dev.tandem.core.Invalid;
import dev.tandem.core.Quote;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users' CSV, {@code id[,group[,home]]} a line (docs/store.md, Import and export): read from a stream one line at
 * a time, so an import never holds its body as one string, and written so that a spreadsheet never runs a cell as a
 * formula.
 */
public final class UserCsv {
    /** The header line of an export (and optionally of an import). */
    public static final String HEADER = "id,group,home";
    /**
     * The longest line an import reads: an id (128), a group and a node name with room to spare. A longer line is an
     * error that quotes its start, not a line held in memory.
     */
    public static final int MAX_LINE = 1024;
    private static final char BOM = '\uFEFF';

    private UserCsv() {}

    /** The rows of an import and the line each id came from. */
    public record Rows(List<String[]> rows, Map<String, Integer> lineOf) {}

    /**
     * Reads every line and checks every id; an error names its line. A UTF-8 byte-order mark before the first line is
     * skipped, the header line ({@code id,...}) and lines that are empty or start with {@code #} are ignored.
     */
    public static Rows parse(Reader in) {
        List<String[]> rows = new ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<ImportError.Problem> problems = new ArrayList<>();
        LineReader lines = new LineReader(in);
        String raw;
        boolean header = true;
        for (int n = 1; (raw = lines.next(n)) != null; n++) {
            if (n == 1 && !raw.isEmpty() && raw.charAt(0) == BOM) raw = raw.substring(1);
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(",", -1);
            if (header && f[0].strip().equalsIgnoreCase("id")) {
                header = false;
                continue; // the header
            }
            header = false;
            if (f.length > 3) {
                problems.add(new ImportError.Problem(n, "'" + Quote.prefix(line) + "' has " + f.length
                        + " fields; allowed: id[,group[,home]]"));
                continue;
            }
            String[] r = new String[3];
            for (int k = 0; k < f.length; k++) {
                String cell = unescape(f[k].strip());
                r[k] = cell.isEmpty() ? null : cell;
            }
            try {
                User.checkId(r[0]);
            } catch (Invalid e) {
                problems.add(new ImportError.Problem(n, e.getMessage()));
                continue;
            }
            Integer first = lineOf.putIfAbsent(r[0], n);
            if (first != null) {
                problems.add(new ImportError.Problem(n, "id '" + r[0] + "' appears again (first on line " + first + ")"));
                continue;
            }
            rows.add(r);
        }
        // Every bad line at once (the first 20 named), so that one import attempt shows all that needs mending.
        if (!problems.isEmpty()) throw new ImportError(problems);
        if (rows.isEmpty()) throw new ImportError(1, "no users: expected lines of id[,group[,home]]");
        return new Rows(rows, lineOf);
    }

    /**
     * One cell as an export writes it. A cell that starts with {@code = + - @} (or a tab or carriage return) would be
     * run as a formula by a spreadsheet that opens the file (CSV injection); it gets a leading {@code '}, which a
     * spreadsheet shows as text and {@link #unescape} removes again on import.
     */
    public static String escape(String cell) {
        if (cell == null || cell.isEmpty()) return cell == null ? "" : cell;
        return formulaStart(cell.charAt(0)) ? "'" + cell : cell;
    }

    /** Undoes {@link #escape}: an export read back imports the same users. */
    public static String unescape(String cell) {
        return cell.length() >= 2 && cell.charAt(0) == '\'' && formulaStart(cell.charAt(1)) ? cell.substring(1) : cell;
    }

    private static boolean formulaStart(char c) {
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }

    /** Lines of at most {@link #MAX_LINE} characters, read without holding more than that. */
    private static final class LineReader {
        private final Reader in;
        private final char[] buf = new char[8192];
        private int pos;
        private int end;
        private boolean eof;

        LineReader(Reader in) {
            this.in = in;
        }

        /** The next line without its end (\n or \r\n), or null at the end of the input. */
        String next(int n) {
            StringBuilder line = new StringBuilder();
            boolean any = false;
            while (true) {
                if (pos == end && !fill(n)) return any ? line.toString() : null;
                any = true;
                char c = buf[pos++];
                if (c == '\n') {
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r') line.setLength(len - 1);
                    return line.toString();
                }
                if (line.length() >= MAX_LINE) {
                    throw new ImportError(n, "the line starting '" + Quote.prefix(line) + "' is longer than " + MAX_LINE
                            + " characters; allowed: id[,group[,home]] of at most " + MAX_LINE + " characters");
                }
                line.append(c);
            }
        }

        private boolean fill(int n) {
            if (eof) return false;
            try {
                int r = in.read(buf);
                if (r <= 0) {
                    eof = true;
                    return false;
                }
                pos = 0;
                end = r;
                return true;
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new ImportError(n, "the text is not UTF-8; allowed: UTF-8 lines of id[,group[,home]]");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
