package dev.tandem.sim;

import dev.tandem.core.Invalid;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario file, read into steps. Reading checks every command and its arguments, so a scenario
 * with a typo is reported line by line before anything runs. See docs/scenarios.md.
 */
public record Scenario(String name, List<Step> steps, List<String> errors) {

    /** One line of a scenario: what to do with the simulator and, for an expectation, what to check. */
    public record Step(int line, String text, ScenarioCommands.Action action, boolean expectation) {
        /** A comment line: shown in a traced run, so a scenario narrates itself. */
        public boolean comment() {
            return text.startsWith("#");
        }
    }

    public static Scenario parse(String name, String text) {
        List<Step> steps = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i].strip();
            int lineNo = i + 1;
            if (raw.isEmpty()) continue;
            if (raw.startsWith("#")) {
                steps.add(new Step(lineNo, raw, ctx -> java.util.Optional.empty(), false));
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
        return new Scenario(name, List.copyOf(steps), List.copyOf(errors));
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
