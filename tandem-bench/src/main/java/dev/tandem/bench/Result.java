package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one scenario run, written as {@code <scenario>.json}: what ran (the exact command), where
 * (machine facts), with which parameters, and the figures as tables. BENCHMARKS.md is generated from these
 * files only.
 */
public final class Result {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String scenario;
    private final String title;
    private final String command;
    private final Instant started = Instant.now();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<Map<String, Object>> tables = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> raw = new LinkedHashMap<>();

    public Result(String scenario, String title, String command) {
        this.scenario = scenario;
        this.title = title;
        this.command = command;
    }

    public Result parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    /** A table of figures: the columns, then one row per case. */
    public Table table(String tableTitle, String... columns) {
        Table t = new Table(tableTitle, List.of(columns));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", tableTitle);
        m.put("columns", t.columns);
        m.put("rows", t.rows);
        tables.add(m);
        return t;
    }

    public Result note(String text) {
        notes.add(text);
        return this;
    }

    /** Raw samples kept beside the tables so anyone can recompute the statistics. */
    public Result raw(String name, Object value) {
        raw.put(name, value);
        return this;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("title", title);
        m.put("command", command);
        m.put("ranAt", started.toString());
        m.put("durationSeconds", Math.round(Duration.between(started, Instant.now()).toMillis() / 100.0) / 10.0);
        m.put("machine", Machine.facts());
        m.put("parameters", parameters);
        m.put("tables", tables);
        m.put("notes", notes);
        m.put("raw", raw);
        return m;
    }

    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(scenario + ".json");
        Path tmp = dir.resolve(scenario + ".json.tmp");
        Files.writeString(tmp, JSON.writeValueAsString(toMap()) + "\n");
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return f;
    }

    /** Rows of one table; cells are numbers or text. */
    public static final class Table {
        final String title;
        final List<String> columns;
        final List<List<Object>> rows = new ArrayList<>();

        Table(String title, List<String> columns) {
            this.title = title;
            this.columns = columns;
        }

        public Table row(Object... cells) {
            if (cells.length != columns.size()) {
                throw new IllegalArgumentException("row of " + cells.length + " cells for " + columns.size()
                        + " columns " + columns + ": " + Arrays.toString(cells));
            }
            Object[] clean = cells.clone();
            for (int i = 0; i < clean.length; i++) {
                // JSON has no NaN: a figure that could not be measured is null, shown as "n/a".
                if (clean[i] instanceof Double d && (d.isNaN() || d.isInfinite())) clean[i] = null;
            }
            rows.add(Arrays.asList(clean));
            return this;
        }
    }

    /** Rounds for display and JSON: 3 significant decimals are plenty for timings on a shared machine. */
    public static double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
