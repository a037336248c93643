package dev.tandem.sim;

import dev.tandem.core.Invalid;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario file, read into steps. Reading checks every command and its arguments, so a scenario
 * with a typo is reported line by line before anything runs. See docs/scenarios.md.
 */
public record Scenario(String name, List<Step> steps, List<String> errors, java.util.SortedMap<Integer, String> comments) {

    /** One line of a scenario: what to do with the simulator and, for an expectation, what to check. */
    public record Step(int line, String text, ScenarioCommands.Action action, boolean expectation) {}

    /** The comment lines before {@code line} and after {@code after}: a traced run shows them, so a scenario narrates itself. */
    public java.util.Collection<String> commentsBetween(int after, int line) {
        return comments.subMap(after + 1, line).values();
    }

    public static Scenario parse(String name, String text) {
        List<Step> steps = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        java.util.TreeMap<Integer, String> comments = new java.util.TreeMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i].strip();
            int lineNo = i + 1;
            if (raw.isEmpty()) continue;
            if (raw.startsWith("#")) {
                comments.put(lineNo, raw);
                continue;
            }
            try {
                List<String> words = words(raw);
                ScenarioCommands.Parsed p = ScenarioCommands.parse(words);
                steps.add(new Step(lineNo, raw, p.action(), p.expectation()));
            } catch (Invalid | IllegalArgumentException e) {
                errors.add(name + ":" + lineNo + ": " + e.getMessage());
            }
        }
        return new Scenario(name, List.copyOf(steps), List.copyOf(errors), java.util.Collections.unmodifiableSortedMap(comments));
    }

    /** Splits a line into words; double quotes keep spaces inside one word. A trailing comment is dropped. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && c == '#' && !inWord) {
                break;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quoted) throw new IllegalArgumentException("unclosed double quote");
        if (inWord) out.add(cur.toString());
        return out;
    }
}
