package dev.tandem.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole file checked line by line without applying it anywhere ({@code tandem config check}): what each line sets
 * or why it is refused, the settings the file gives and the specification's advice it breaks. Unlike
 * {@link ConfigInterpreter#run}, a refused line does not stop the check: the lines after it are checked against the
 * settings without it, so one pass names every problem. A file with any refused line does not apply.
 */
public final class ConfigCheck {
    private ConfigCheck() {}

    /** One line's outcome; {@code refused} lines carry the reason, the others what they do. */
    public record Line(int line, String text, boolean refused, String message) {}

    /**
     * @param lines    every command line, in order (blank lines and comments are left out)
     * @param config   the settings of the accepted lines
     * @param warnings the specification's advice the settings break, at the line that brought each about
     */
    public record Report(List<Line> lines, LbConfig config, List<ConfigWarning> warnings) {
        public long refused() {
            return lines.stream().filter(Line::refused).count();
        }

        public boolean applies() {
            return refused() == 0;
        }
    }

    public static Report of(LbConfig start, String script) {
        List<Line> out = new ArrayList<>();
        LbConfig c = start;
        ConfigMode mode = ConfigMode.GLOBAL;
        String target = null;
        Map<String, Integer> since = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (String a : ConfigAdvice.of(start)) since.put(a, 0);
        String[] lines = script.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            ConfigInterpreter.Statement s;
            try {
                s = ConfigInterpreter.parseLine(mode, target, lines[i], i + 1);
                if (s == null) continue;
                c = ConfigInterpreter.apply(c, s);
            } catch (ConfigError e) {
                out.add(new Line(i + 1, e.command(), true, e.reason()));
                continue;
            }
            out.add(new Line(i + 1, s.text(), false, describe(s, mode)));
            target = s.targetAfter(mode);
            mode = s.modeAfter(mode);
            List<String> now = ConfigAdvice.of(c);
            since.keySet().retainAll(now);
            for (String a : now) {
                if (since.putIfAbsent(a, i + 1) == null) texts.put(a, s.text());
            }
        }
        List<ConfigWarning> warnings = new ArrayList<>();
        since.forEach((a, line) -> warnings.add(new ConfigWarning(line, texts.getOrDefault(a, ""), a)));
        warnings.sort(java.util.Comparator.comparingInt(ConfigWarning::line));
        return new Report(out, c, warnings);
    }

    /** What an accepted line does, in a few words. */
    static String describe(ConfigInterpreter.Statement s, ConfigMode before) {
        ConfigCommand cmd = s.command();
        String of = s.target() == null ? "" : before == ConfigMode.INTERFACE ? " of interface " + s.target()
                : " of tunnel-group " + s.target();
        if (s.entersTarget()) {
            GlobalCommands.Entry e = (GlobalCommands.Entry) s.value();
            return "enters " + e.mode().promptName() + " mode for " + (e.mode() == ConfigMode.INTERFACE ? "interface "
                    : "tunnel-group ") + e.target();
        }
        return switch (cmd.action()) {
            case ENTER -> s.negated() ? "removes the vpn load-balancing section" : "enters " + cmd.enters().promptName() + " mode";
            case EXIT -> "leaves " + before.promptName() + " mode";
            case SHOW -> "shows the configuration (nothing to apply)";
            case SET -> (s.negated() ? "removes or resets '" : "sets '") + cmd.name() + "'" + of;
        };
    }
}
