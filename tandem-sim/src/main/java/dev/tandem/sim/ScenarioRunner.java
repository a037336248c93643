package dev.tandem.sim;

import dev.tandem.core.Invalid;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs scenario files: one line per expectation ({@code ok ...} or {@code FAIL <file>:<line>: ...}),
 * then {@code N passed, N failed}.
 */
public final class ScenarioRunner {
    /** The outcome of one or more scenarios. {@code malformed}: some could not be read. */
    public record Result(int passed, int failed, boolean malformed, List<String> lines) {
        public boolean allPassed() {
            return failed == 0 && !malformed;
        }
    }

    private final PrintStream out;
    private final boolean verbose;

    /**
     * @param out     where each result line goes as it is known
     * @param verbose also print the simulator's trace (every transition, fault and hook, in virtual time)
     */
    public ScenarioRunner(PrintStream out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    /** Every *.scenario file under the paths given (files are taken whatever their name). */
    public static List<Path> collect(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> f.toString().endsWith(".scenario") && Files.isRegularFile(f)).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new Invalid("path", p, "an existing scenario file or directory");
            }
        }
        return files;
    }

    public Result runFiles(List<Path> files) {
        int passed = 0;
        int failed = 0;
        boolean malformed = false;
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                emit(lines, "ERROR " + f + ": cannot read: " + e.getMessage());
                malformed = true;
                continue;
            }
            Result r = run(Scenario.parse(f.toString(), text), lines);
            passed += r.passed();
            failed += r.failed();
            malformed |= r.malformed();
        }
        emit(lines, passed + " passed, " + failed + " failed");
        return new Result(passed, failed, malformed, lines);
    }

    /** Runs one scenario; result lines go to {@code out} and into the list given. */
    public Result run(Scenario scenario, List<String> lines) {
        if (!scenario.errors().isEmpty()) {
            for (String e : scenario.errors()) emit(lines, "ERROR " + e);
            return new Result(0, 0, true, lines);
        }
        List<String> trace = new ArrayList<>();
        ScenarioContext ctx = new ScenarioContext(1, line -> {
            trace.add(line);
            if (verbose) out.println("  " + line);
        });
        int passed = 0;
        int failed = 0;
        int lastLine = 0;
        for (Scenario.Step step : scenario.steps()) {
            if (verbose) scenario.commentsBetween(lastLine, step.line()).forEach(out::println);
            lastLine = step.line();
            Optional<String> problem;
            try {
                problem = step.action().run(ctx);
            } catch (Invalid | IllegalArgumentException e) {
                problem = Optional.of(step.text() + ": " + e.getMessage());
            } catch (IllegalStateException e) {
                problem = Optional.of(step.text() + ": the simulator stopped: " + e.getMessage());
            }
            String where = scenario.name() + ":" + step.line();
            if (problem.isPresent()) {
                failed++;
                emit(lines, "FAIL " + where + ": " + problem.get());
                if (problem.get().contains("the simulator stopped")) break;
            } else if (step.expectation()) {
                passed++;
                emit(lines, "ok " + where + ": " + step.text());
            }
        }
        return new Result(passed, failed, false, lines);
    }

    private void emit(List<String> lines, String line) {
        lines.add(line);
        out.println(line);
    }
}
