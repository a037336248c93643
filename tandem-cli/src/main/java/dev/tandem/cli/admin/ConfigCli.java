package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.config.ConfigError;
import dev.tandem.core.config.ConfigInterpreter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tandem config}: the configuration commands of [LB-CONFIG], typed in a shell (history, tab completion, {@code ?}
 * help) or read from a file, and the whole cluster's settings as YAML.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Configure the cluster: without a subcommand, an interactive shell of the specification's [LB-CONFIG] commands",
                "(vpn load-balancing, interface lbpublic|lbprivate, priority, nat, cluster ip address, cluster port,",
                "cluster encryption, cluster key [8], redirect-fqdn enable|disable, participate, no ..., exit,",
                "show running-config; in global mode also interface, ip address, nameif, crypto ikev1 enable, dns",
                "domain-lookup, dns name-server, tunnel-group, group-url). Tab completes, '?' lists what may come next."},
        subcommands = {ConfigCli.Apply.class, ConfigCli.Export.class, ConfigCheckCommand.class})
public final class ConfigCli extends AdminCommand {
    @Option(names = "--node", paramLabel = "ID",
            description = "The device that interface, priority and nat configure (default: the node answering).")
    String node;

    @Option(names = "--history", paramLabel = "FILE",
            description = "The shell's history file (default: ~/.tandem_history).")
    Path history;

    @Override
    protected int execute() throws IOException {
        AdminHttp api = api();
        ConfigShell shell = new ConfigShell(api, out(), ConfigShell.hostnameOf(api), node);
        if (System.console() == null) {
            // Piped input: the same commands, one per line, no line editing.
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            shell.run(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return shell.refused() == 0 ? 0 : CliFailure.FAILURE;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = reader(terminal, shell);
            out().println("Configuration of " + api.base() + ". '?' lists commands, Tab completes, 'exit' leaves.");
            out().flush();
            shell.run(() -> {
                while (true) {
                    try {
                        return reader.readLine(shell.prompt());
                    } catch (UserInterruptException e) {
                        // Ctrl-C drops the line being typed, as a shell does.
                    } catch (EndOfFileException e) {
                        return null;
                    }
                }
            });
        }
        return 0;
    }

    private LineReader reader(Terminal terminal, ConfigShell shell) {
        Path file = history != null ? history : Path.of(System.getProperty("user.home"), ".tandem_history");
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("tandem")
                .variable(LineReader.HISTORY_FILE, file)
                .completer((r, line, candidates) -> {
                    String before = line.line().substring(0, line.cursor());
                    for (String w : ConfigInterpreter.complete(shell.mode(), before)) candidates.add(new Candidate(w));
                })
                .build();
        // '?' shows help for what is typed so far, without adding the '?' to the line.
        reader.getWidgets().put("tandem-help", () -> {
            String typed = reader.getBuffer().toString();
            reader.printAbove(shell.prompt() + typed + "?\n" + ConfigInterpreter.helpText(shell.mode(), typed));
            return true;
        });
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference("tandem-help"), "?");
        return reader;
    }

    /** {@code tandem config apply FILE}: the configuration commands of [LB-CONFIG], or the whole cluster as YAML when the file ends in .yaml or .yml. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Apply a file: the configuration commands of [LB-CONFIG] (one per line, from global configuration",
                    "mode), or the whole cluster's YAML when the name ends in .yaml or .yml (PUT /api/v1/config).",
                    "All or nothing; an error names the line. Exit code: 0 applied, 1 failure, 2 the file was refused."})
    public static final class Apply extends AdminCommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--node", paramLabel = "ID",
                description = "The device that interface, priority and nat configure (default: the node answering).")
        String node;

        @Override
        protected int execute() {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new CliFailure(CliFailure.USAGE, "file: '" + file + "' cannot be read (" + e.getClass().getSimpleName()
                        + "); allowed: a readable file of configuration commands or YAML");
            }
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".yaml") || name.endsWith(".yml") ? applyYaml(text) : applyCommands(text);
        }

        private int applyCommands(String text) {
            try {
                ConfigInterpreter.parse(text); // syntax and modes here, so a typo is named before anything is sent
            } catch (ConfigError e) {
                throw new CliFailure(CliFailure.USAGE, file + ":" + e.line() + ": " + e.reason());
            }
            AdminHttp.Answer a = api().exchange("POST", ConfigShell.commandsPath(node), "text/plain", text);
            JsonNode body = answer(a);
            StringBuilder warnings = new StringBuilder();
            body.path("warnings").forEach(w -> {
                if (w.path("line").asInt() > 0) {
                    warnings.append(file).append(':').append(w.path("line").asInt()).append(": warning: ")
                            .append(w.path("warning").asText()).append('\n');
                }
            });
            print(body, warnings + "applied " + body.path("applied").asInt() + " command(s) from " + file
                    + (body.hasNonNull("epoch") ? "; settings epoch " + body.get("epoch").asText() : "") + "\n"
                    + restartNote(body));
            return 0;
        }

        private int applyYaml(String text) {
            AdminHttp.Answer a = api().exchange("PUT", "/api/v1/config", "application/yaml", text);
            JsonNode body = answer(a);
            print(body, "applied " + file + (body.hasNonNull("epoch") ? "; settings epoch " + body.get("epoch").asText() : "")
                    + "\n" + restartNote(body));
            return 0;
        }

        /** A 400 names the line of the file that was refused; nothing was changed. */
        private JsonNode answer(AdminHttp.Answer a) {
            if (a.status() >= 200 && a.status() < 300) return a.json();
            if (a.status() == 400) {
                JsonNode e = a.json();
                String text = AdminHttp.errorText(a);
                // A YAML document's errors start with "line N: "; shown as FILE:N: like a commands file's.
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+): (.*)", java.util.regex.Pattern.DOTALL)
                        .matcher(text);
                String where = file + ": ";
                if (e.hasNonNull("line")) {
                    where = file + ":" + e.get("line").asInt() + ": ";
                } else if (m.matches()) {
                    where = file + ":" + m.group(1) + ": ";
                    text = m.group(2);
                }
                throw new CliFailure(CliFailure.USAGE, where + text + " (nothing was changed)");
            }
            throw api().refusal(a);
        }
    }

    /** {@code tandem config export}: the whole cluster's settings as YAML (no users, no secrets). */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the whole cluster's settings as YAML (groups, parameters, assignment mode,"
                    + " load-balancing group and devices; no users, no secrets), ready for 'config apply'.")
    public static final class Export extends AdminCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of printing.")
        Path output;

        @Override
        protected int execute() throws IOException {
            String yaml = api().getText("/api/v1/config/export");
            if (output == null) {
                out().print(yaml);
                out().flush();
            } else {
                Files.writeString(output, yaml);
            }
            return 0;
        }
    }
}
