package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.config.ConfigError;
import dev.tandem.core.config.ConfigInterpreter;
import dev.tandem.core.config.ConfigMode;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * The {@code tandem config} shell's loop: each line is checked here (syntax, mode) and, when it changes a setting,
 * sent to the node (POST /api/v1/config/commands), which applies it to the store with the specification's rules. Errors are
 * printed after {@code %} as the specification's devices do, and the shell goes on. {@code ?} at the end of a line lists
 * what may come next; {@code exit} in global configuration mode, or the end of the input, leaves.
 */
public final class ConfigShell {
    static final String COMMANDS_PATH = "/api/v1/config/commands";
    static final String RUNNING_PATH = "/api/v1/config/running";

    private final AdminHttp api;
    private final PrintWriter out;
    private final String hostname;
    private final String node;
    private ConfigMode mode = ConfigMode.GLOBAL;
    /** What the sub-mode configures: the interface after {@code interface X}, the tunnel group after {@code tunnel-group X general-attributes}. */
    private String target;
    /** The line that entered the sub-mode, sent again before each line typed in it. */
    private String entry;
    private int applied;
    private int refused;
    /** Nodes that apply what was changed at their next restart, told once when the session ends. */
    private final java.util.Set<String> restartRequired = new java.util.LinkedHashSet<>();

    /** @param node the device that device commands (interface, priority, nat...) configure, or null for the answering node */
    public ConfigShell(AdminHttp api, PrintWriter out, String hostname, String node) {
        this.api = api;
        this.out = out;
        this.hostname = hostname;
        this.node = node;
    }

    public ConfigMode mode() {
        return mode;
    }

    public String prompt() {
        return mode.prompt(hostname);
    }

    public int refused() {
        return refused;
    }

    public int applied() {
        return applied;
    }

    /** Reads lines until the input ends or {@code exit} leaves global configuration mode. */
    public void run(Supplier<String> lines) {
        while (true) {
            String line = lines.get();
            if (line == null || !handle(line)) break;
        }
        if (!restartRequired.isEmpty()) {
            com.fasterxml.jackson.databind.node.ObjectNode answer = AdminHttp.JSON.createObjectNode();
            com.fasterxml.jackson.databind.node.ArrayNode nodes = answer.putArray("restartRequired");
            restartRequired.forEach(nodes::add);
            out.print(AdminCommand.restartNote(answer));
        }
        out.flush();
    }

    /** One line; false when it ends the session. */
    public boolean handle(String line) {
        String typed = line.stripTrailing();
        if (typed.endsWith("?")) {
            out.print(ConfigInterpreter.helpText(mode, typed.substring(0, typed.length() - 1)));
            out.flush();
            return true;
        }
        ConfigInterpreter.Statement s;
        try {
            s = ConfigInterpreter.parseLine(mode, target, typed, 1);
        } catch (ConfigError e) {
            error(e.reason());
            return true;
        }
        if (s == null) return true;
        ConfigMode before = mode;
        if (s.command().mode() != mode) {
            // A global command typed in a sub-mode leaves it, as on the appliances.
            mode = ConfigMode.GLOBAL;
            entry = null;
        }
        switch (s.command().action()) {
            case EXIT -> {
                if (before == ConfigMode.GLOBAL) return false;
                mode = ConfigMode.GLOBAL;
                entry = null;
            }
            case SHOW -> {
                try {
                    out.print(api.getText(RUNNING_PATH));
                } catch (CliFailure f) {
                    error(f.getMessage());
                }
            }
            case ENTER -> {
                if (s.negated()) send(typed);
                else mode = ConfigMode.LOAD_BALANCING;
            }
            case SET -> {
                if (s.entersTarget()) {
                    mode = s.modeAfter(ConfigMode.GLOBAL);
                    entry = typed.strip();
                } else {
                    send(typed);
                }
            }
        }
        target = s.targetAfter(before);
        out.flush();
        return true;
    }

    /** Sends the line as typed (a statement's text has the key masked). */
    private void send(String typed) {
        // The node reads commands from global configuration mode, so a line typed in the section carries its mode.
        String context = mode == ConfigMode.LOAD_BALANCING ? "vpn load-balancing\n" : entry != null ? entry + "\n" : "";
        String body = context + typed.strip() + "\n";
        AdminHttp.Answer a;
        try {
            a = api.exchange("POST", commandsPath(node), "text/plain", body);
        } catch (CliFailure f) {
            error(f.getMessage());
            return;
        }
        if (a.status() >= 200 && a.status() < 300) {
            applied++;
            a.json().path("restartRequired").forEach(n -> restartRequired.add(n.asText()));
            // The specification's advice the settings now break, and addresses not on the node's host.
            // Line 0 is advice the stored settings broke before this line: said when it arose.
            a.json().path("warnings").forEach(w -> {
                if (w.path("line").asInt() > 0) out.println("% warning: " + w.path("warning").asText());
            });
            return;
        }
        error(AdminHttp.errorText(a));
    }

    static String commandsPath(String node) {
        return COMMANDS_PATH + (node == null ? "" : "?node=" + AdminCommand.encode(node));
    }

    private void error(String message) {
        refused++;
        out.println("% " + message);
        out.flush();
    }

    /** The node's name for the prompt (GET /api/v1/node), or "tandem" when it cannot be read. */
    public static String hostnameOf(AdminHttp api) {
        try {
            JsonNode n = api.get("/api/v1/node");
            return n.path("id").asText("tandem");
        } catch (CliFailure f) {
            return "tandem";
        }
    }
}
