package dev.tandem.core.config;

import dev.tandem.core.Invalid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and applies the configuration commands of [LB-CONFIG] (Configuring VPN Load Balancing) to a {@link LbConfig}.
 * Pure: text and settings in, settings or a {@link ConfigError} with the line number out.
 *
 * <p>Input starts in global configuration mode; {@code vpn load-balancing} enters the section's mode, {@code exit}
 * leaves it. Keywords may be shortened to any unambiguous prefix ({@code clu ip add}). Blank lines and lines
 * starting with {@code !} or {@code #} are skipped. A file is all or nothing: the first refused line stops it and
 * nothing is applied.
 */
public final class ConfigInterpreter {
    private static final String NO = "no";

    private ConfigInterpreter() {}

    /**
     * One command read from a line; {@code text} is the line with a key masked, fit for messages, not for sending.
     * {@code target} is what the mode it was typed in configures: the interface in {@code config-if}, the tunnel
     * group in {@code config-tunnel-general}, else null.
     */
    public record Statement(int line, String text, ConfigCommand command, boolean negated, Object value, String target) {
        public Statement(int line, String text, ConfigCommand command, boolean negated, Object value) {
            this(line, text, command, negated, value, null);
        }

        /**
         * The mode after this statement: {@code no vpn load-balancing} removes the section without entering it; a
         * global command typed in a sub-mode leaves it ({@link ConfigMode#fallsBackToGlobal()}).
         */
        public ConfigMode modeAfter(ConfigMode before) {
            ConfigMode here = command.mode() == before ? before : command.mode();
            if (negated) return here;
            if (value instanceof GlobalCommands.Entry e) return e.mode();
            return command.next(here);
        }

        /** The target in force after this statement. */
        public String targetAfter(ConfigMode before) {
            if (!negated && value instanceof GlobalCommands.Entry e) return e.target();
            ConfigMode after = modeAfter(before);
            return after.fallsBackToGlobal() && after == before ? target : null;
        }

        /** Whether this statement enters a sub-mode that names what it configures ({@code interface X}). */
        public boolean entersTarget() {
            return !negated && value instanceof GlobalCommands.Entry;
        }

        public boolean changesSettings() {
            return negated || (command.action() == ConfigCommand.Action.SET && !entersTarget());
        }
    }

    /**
     * The outcome of a script.
     *
     * @param config   the section after every line
     * @param applied  how many commands changed settings (mode changes and show are not counted)
     * @param mode     the mode the last line left the input in
     * @param warnings the specification's advice the result breaks, each at the line that brought it about
     */
    public record Result(LbConfig config, int applied, ConfigMode mode, List<ConfigWarning> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }

        public Result(LbConfig config, int applied, ConfigMode mode) {
            this(config, applied, mode, List.of());
        }
    }

    /** A word {@code ?} offers and what it does. */
    public record HelpEntry(String word, String help) {}

    // ------------------------------------------------------------- reading

    /** Reads one line typed in {@code mode}; null for a blank line or a comment. Checks syntax only. */
    public static Statement parseLine(ConfigMode mode, String text, int line) {
        return parseLine(mode, null, text, line);
    }

    /** Reads one line typed in {@code mode} whose target (interface, tunnel group) is {@code target}. */
    public static Statement parseLine(ConfigMode mode, String target, String text, int line) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("!") || trimmed.startsWith("#")) return null;
        List<String> words = List.of(trimmed.split("\\s+"));
        boolean negated = words.get(0).equalsIgnoreCase(NO);
        List<String> rest = negated ? words.subList(1, words.size()) : words;
        if (rest.isEmpty()) throw new ConfigError(line, shown(trimmed), "'no' needs a command after it; " + allowed(mode));
        ConfigCommand cmd = mode.fallsBackToGlobal() && matching(mode, rest).isEmpty()
                && !matching(ConfigMode.GLOBAL, rest).isEmpty()
                ? find(ConfigMode.GLOBAL, rest, line, trimmed) : find(mode, rest, line, trimmed);
        String in = cmd.mode() == mode ? target : null;
        List<String> args = rest.subList(cmd.keywords().size(), rest.size());
        try {
            if (negated) {
                if (cmd.unset() == null) throw new ConfigError(line, shown(trimmed), "'" + cmd.name() + "' has no 'no' form");
                if (!cmd.noArguments() && !args.isEmpty()) {
                    throw new ConfigError(line, shown(trimmed), "'no " + cmd.name() + "' takes no arguments");
                }
                return new Statement(line, shown(trimmed), cmd, true, args.isEmpty() ? null : cmd.parser().apply(args), in);
            }
            return new Statement(line, shown(trimmed), cmd, false, cmd.parser().apply(args), in);
        } catch (Invalid e) {
            throw new ConfigError(line, shown(trimmed), e.getMessage());
        }
    }

    /** Reads a whole script starting in global configuration mode; the first bad line is an error. */
    public static List<Statement> parse(String script) {
        List<Statement> out = new ArrayList<>();
        ConfigMode mode = ConfigMode.GLOBAL;
        String target = null;
        String[] lines = script.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            Statement s = parseLine(mode, target, lines[i], i + 1);
            if (s == null) continue;
            out.add(s);
            target = s.targetAfter(mode);
            mode = s.modeAfter(mode);
        }
        return out;
    }

    // ------------------------------------------------------------- applying

    /** Applies one statement; a rule between settings (for example encryption without a key) refuses it. */
    public static LbConfig apply(LbConfig config, Statement s) {
        try {
            if (s.negated()) return s.command().unset().apply(config, s.value(), s.target());
            return s.command().apply().apply(config, s.value(), s.target());
        } catch (ConfigCommands.Refusal | Invalid e) {
            throw new ConfigError(s.line(), s.text(), e.getMessage());
        }
    }

    /** Applies statements in order, all or nothing. */
    public static Result apply(LbConfig start, List<Statement> statements) {
        return apply(start, statements, ConfigInterpreter::apply);
    }

    /**
     * Applies statements in order with {@code step} (a caller may add to each step, as the node does to open a
     * sealed key), all or nothing, and collects the advice the result breaks at the line that first brought it
     * about (decision 0066).
     */
    public static Result apply(LbConfig start, List<Statement> statements,
                               java.util.function.BiFunction<LbConfig, Statement, LbConfig> step) {
        LbConfig c = start;
        int applied = 0;
        ConfigMode mode = ConfigMode.GLOBAL;
        Map<String, Statement> since = new LinkedHashMap<>();
        for (String advice : ConfigAdvice.of(start)) since.put(advice, null);
        for (Statement s : statements) {
            c = step.apply(c, s);
            if (s.changesSettings()) applied++;
            mode = s.modeAfter(mode);
            List<String> now = ConfigAdvice.of(c);
            since.keySet().retainAll(now);
            for (String advice : now) since.putIfAbsent(advice, s);
        }
        List<ConfigWarning> warnings = new ArrayList<>();
        for (Map.Entry<String, Statement> e : since.entrySet()) {
            // Advice that held before the first line is the stored settings', not this input's: line 0.
            Statement s = e.getValue();
            warnings.add(new ConfigWarning(s == null ? 0 : s.line(), s == null ? "" : s.text(), e.getKey()));
        }
        warnings.sort(java.util.Comparator.comparingInt(ConfigWarning::line));
        return new Result(c, applied, mode, warnings);
    }

    /** Reads and applies a script that starts in global configuration mode. */
    public static Result run(LbConfig start, String script) {
        return apply(start, parse(script));
    }

    // ------------------------------------------------------------- show running-config

    /**
     * The section as {@code show running-config} prints it, in the order of the specification's configuration
     * example, after the device's global-mode commands; defaults are left out and the key is shown as asterisks.
     * Applying this text (with the real key) gives back the same section.
     */
    public static String runningConfig(LbConfig c) {
        return RunningConfig.of(c);
    }

    /** The device's global-mode settings as commands: interfaces, crypto, dns, tunnel groups; "" when none. */
    public static String globalText(GlobalConfig g) {
        return RunningConfig.globalText(g);
    }

    /**
     * What a store keeps of a device besides its addresses and section settings: its global-mode settings and the
     * interface names {@code interface lbpublic|lbprivate} were given (decision 0068). Applying this text to the
     * section rebuilt from the stored addresses gives back the same section.
     */
    public static String deviceText(LbConfig c) {
        return RunningConfig.deviceText(c);
    }

    // ------------------------------------------------------------- ? help and completion

    /**
     * What {@code ?} shows after {@code partial}: the words that may come next (when {@code partial} is empty or
     * ends with a space) or the words that complete the last one, each with its help; {@code <cr>} when the command
     * may end there.
     */
    public static List<HelpEntry> help(ConfigMode mode, String partial) {
        List<String> words = partial.isBlank() ? List.of() : List.of(partial.strip().split("\\s+"));
        boolean completing = !partial.isEmpty() && !Character.isWhitespace(partial.charAt(partial.length() - 1));
        List<String> done = completing ? words.subList(0, words.size() - 1) : words;
        String prefix = completing ? words.get(words.size() - 1).toLowerCase(Locale.ROOT) : "";
        boolean negated = !done.isEmpty() && done.get(0).equalsIgnoreCase(NO);
        List<String> typed = negated ? done.subList(1, done.size()) : done;

        Map<String, List<ConfigCommand>> nextWords = new LinkedHashMap<>();
        List<HelpEntry> placeholders = new ArrayList<>();
        for (ConfigCommand cmd : ConfigCommands.in(mode)) {
            if (negated && cmd.unset() == null) continue;
            if (!prefixesMatch(cmd, typed)) continue;
            int at = typed.size();
            if (at < cmd.keywords().size()) {
                nextWords.computeIfAbsent(cmd.keywords().get(at), k -> new ArrayList<>()).add(cmd);
            } else if (!negated && cmd.takesArguments() && at == cmd.keywords().size()) {
                if (cmd.choices().isEmpty()) placeholders.add(new HelpEntry(cmd.arguments(), cmd.help()));
                for (String choice : cmd.choices()) nextWords.computeIfAbsent(choice, k -> new ArrayList<>()).add(cmd);
            } else {
                placeholders.add(new HelpEntry("<cr>", "end of the command"));
            }
        }
        List<HelpEntry> out = new ArrayList<>();
        if (done.isEmpty() && NO.startsWith(prefix)) out.add(new HelpEntry(NO, "Negate a command or set its default"));
        for (Map.Entry<String, List<ConfigCommand>> e : nextWords.entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            out.add(new HelpEntry(e.getKey(), helpOf(e.getKey(), e.getValue(), typed.size())));
        }
        for (HelpEntry p : placeholders) {
            if (!out.contains(p)) out.add(p);
        }
        return out;
    }

    /** Tab completion: the words (never placeholders) that may replace the last word of {@code lineBeforeCursor}. */
    public static List<String> complete(ConfigMode mode, String lineBeforeCursor) {
        return help(mode, lineBeforeCursor).stream().map(HelpEntry::word)
                .filter(w -> !w.startsWith("<") && !w.startsWith("[") && !w.startsWith("{")).toList();
    }

    /** {@code ?} as text: one word a line, its help in a column. */
    public static String helpText(ConfigMode mode, String partial) {
        List<HelpEntry> entries = help(mode, partial);
        if (entries.isEmpty()) return "% Unrecognized command\n";
        int width = entries.stream().mapToInt(e -> e.word().length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (HelpEntry e : entries) {
            sb.append("  ").append(e.word()).append(" ".repeat(width - e.word().length() + 2)).append(e.help()).append('\n');
        }
        return sb.toString();
    }

    private static String helpOf(String word, List<ConfigCommand> cmds, int position) {
        if (cmds.size() == 1) return cmds.get(0).help();
        List<String> follow = new ArrayList<>();
        for (ConfigCommand c : cmds) {
            String rest = String.join(" ", c.keywords().subList(position, c.keywords().size()));
            if (!follow.contains(rest)) follow.add(rest);
        }
        return String.join(" | ", follow);
    }

    private static boolean prefixesMatch(ConfigCommand cmd, List<String> typed) {
        if (typed.size() > cmd.keywords().size() + (cmd.takesArguments() ? 2 : 0)) return false;
        for (int i = 0; i < Math.min(typed.size(), cmd.keywords().size()); i++) {
            if (!cmd.keywords().get(i).startsWith(typed.get(i).toLowerCase(Locale.ROOT))) return false;
        }
        return true;
    }

    // ------------------------------------------------------------- matching a command

    private static ConfigCommand find(ConfigMode mode, List<String> words, int line, String text) {
        List<ConfigCommand> found = matching(mode, words);
        if (found.size() == 1) return found.get(0);
        if (found.size() > 1) {
            int n = found.stream().mapToInt(c -> c.keywords().size()).min().orElse(1);
            throw new ConfigError(line, shown(text), "ambiguous command: '" + String.join(" ", words.subList(0, n))
                    + "' could be " + String.join(", ", found.stream().map(c -> "'" + c.name() + "'").toList()));
        }
        for (ConfigMode other : ConfigMode.values()) {
            if (other == mode) continue;
            List<ConfigCommand> elsewhere = matching(other, words);
            if (elsewhere.size() == 1 && elsewhere.get(0).action() != ConfigCommand.Action.EXIT) {
                String where = switch (other) {
                    case LOAD_BALANCING -> "vpn-load-balancing configuration mode: enter 'vpn load-balancing' first";
                    case INTERFACE -> "interface configuration mode: enter 'interface <hardware-id>' first";
                    case TUNNEL_GENERAL -> "tunnel-group configuration mode: enter 'tunnel-group <name>"
                            + " general-attributes' first";
                    case GLOBAL -> "global configuration mode: enter 'exit' first";
                };
                throw new ConfigError(line, shown(text), "'" + elsewhere.get(0).name() + "' is a command of " + where);
            }
        }
        List<String> after = words.size() > 1 ? complete(mode, words.get(0) + " ") : List.of();
        if (!after.isEmpty()) {
            throw new ConfigError(line, shown(text), "incomplete or unknown command '" + words.get(0) + " " + words.get(1)
                    + "'; after '" + words.get(0) + "' allowed: " + String.join(", ", after));
        }
        if (words.size() == 1 && !complete(mode, words.get(0) + " ").isEmpty()) {
            throw new ConfigError(line, shown(text), "incomplete command '" + words.get(0) + "'; it goes on with: "
                    + String.join(", ", complete(mode, words.get(0) + " ")));
        }
        throw new ConfigError(line, shown(text), "unknown command '" + words.get(0) + "' in "
                + mode.promptName() + " mode; " + allowed(mode));
    }

    /** Commands whose keywords the words start with (each word a prefix of its keyword); exact words win. */
    private static List<ConfigCommand> matching(ConfigMode mode, List<String> words) {
        List<ConfigCommand> prefix = new ArrayList<>();
        List<ConfigCommand> exact = new ArrayList<>();
        for (ConfigCommand cmd : ConfigCommands.in(mode)) {
            List<String> kw = cmd.keywords();
            if (words.size() < kw.size()) continue;
            boolean all = true;
            boolean same = true;
            for (int i = 0; i < kw.size() && all; i++) {
                String w = words.get(i).toLowerCase(Locale.ROOT);
                all = kw.get(i).startsWith(w);
                same &= kw.get(i).equals(w);
            }
            if (all) prefix.add(cmd);
            if (all && same) exact.add(cmd);
        }
        return exact.size() == 1 ? exact : prefix;
    }

    private static String allowed(ConfigMode mode) {
        List<String> first = new ArrayList<>();
        for (ConfigCommand c : ConfigCommands.in(mode)) {
            String w = c.keywords().get(0);
            if (!first.contains(w)) first.add(w);
        }
        first.add(NO);
        return "allowed: " + String.join(", ", first);
    }

    /** The line as it may be repeated in an error: a key after {@code cluster key} is masked. */
    static String shown(String text) {
        String[] w = text.strip().split("\\s+");
        int start = w[0].equalsIgnoreCase(NO) ? 1 : 0;
        if (w.length > start + 1 && "cluster".startsWith(w[start].toLowerCase(Locale.ROOT))
                && "key".startsWith(w[start + 1].toLowerCase(Locale.ROOT))) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                boolean secret = i > start + 1 && !(i == start + 2 && w[i].equals("8") && w.length > i + 1);
                sb.append(i == 0 ? "" : " ").append(secret ? ConfigCommands.MASKED_KEY : w[i]);
            }
            return sb.toString();
        }
        return text.strip();
    }
}
