package dev.tandem.cli.demo;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A demo's actions from a file, one per line: a time since the clients started, an action and its argument.
 * <pre>
 * # comments and blank lines are ignored
 * 10s  kill n1        # SIGKILL the node's process
 * 25s  start n1       # start it again
 * 40s  failover n3    # manual failover of n3's users to its peer ([RG-MANUAL])
 * 55s  fallback n3    # manual fallback
 * 60s  recover g2     # recover a redundancy group
 * 70s  quit
 * </pre>
 * Times never go back; an error names the line, the word and what is allowed.
 */
public record DemoScript(List<Step> steps) {
    public static final Set<String> ACTIONS = Set.of("kill", "start", "failover", "fallback", "recover", "quit");

    public record Step(int line, Duration at, String action, String target) {}

    public static DemoScript parse(String name, String text) {
        List<Step> steps = new ArrayList<>();
        Duration last = Duration.ZERO;
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] w = line.split("\\s+");
            String where = name + ":" + n;
            Duration at;
            try {
                at = Durations.parse("time", w[0]);
            } catch (Invalid e) {
                throw new Invalid(where + ": time", w[0], "a time since the clients started, like 10s, 1500ms or 2m");
            }
            if (at.compareTo(last) < 0) {
                throw new Invalid(where + ": time", w[0], "a time no earlier than the line before (" + last.toMillis() + "ms)");
            }
            if (w.length < 2 || !ACTIONS.contains(w[1])) {
                throw new Invalid(where + ": action", w.length < 2 ? null : w[1], "one of " + ACTIONS.stream().sorted().toList());
            }
            boolean quit = w[1].equals("quit");
            if (quit ? w.length != 2 : w.length != 3) {
                throw new Invalid(where + ": " + w[1], line, quit ? "'quit' and nothing after it"
                        : "'" + w[1] + "' and one " + (w[1].equals("recover") ? "redundancy group, like g1" : "node, like n1"));
            }
            String target = quit ? "" : w[2];
            if (!quit && !target.matches(w[1].equals("recover") ? "g[0-9]{1,3}" : "n[0-9]{1,3}")) {
                throw new Invalid(where + ": " + w[1], target, w[1].equals("recover") ? "a redundancy group, like g1"
                        : "a node, like n1");
            }
            steps.add(new Step(n, at, w[1], target));
            last = at;
        }
        return new DemoScript(List.copyOf(steps));
    }
}
