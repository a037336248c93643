package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a node's admin API: {@code --admin}, {@code --token-file}, {@code --json}. */
public abstract class AdminCommand implements Callable<Integer> {
    @Mixin
    protected AdminOptions options;

    @Spec
    protected CommandSpec spec;

    private AdminHttp client;

    protected AdminHttp api() {
        if (client == null) client = options.client();
        return client;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints the JSON with --json, else the text for people. */
    protected void print(JsonNode json, String human) {
        out().print(options.json() ? AdminHttp.pretty(json) + "\n" : human);
        out().flush();
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    protected abstract int execute() throws Exception;

    /**
     * Posts a manual action: accepted (HTTP 202) exits 0; refused by the specification's rules (HTTP 409) prints the node's
     * reason and exits 1; anything else is a failure as usual.
     */
    protected int act(String path, String what) {
        AdminHttp.Answer a = api().exchange("POST", path, null, null);
        if (a.status() != 202 && a.status() != 200 && a.status() != 409) throw api().refusal(a);
        JsonNode body = a.json();
        String message = body.path("message").asText(body.path("error").asText(""));
        boolean accepted = a.status() != 409 && body.path("accepted").asBoolean(true);
        if (options.json()) {
            print(body, "");
        } else if (accepted) {
            out().println(what + ": accepted" + (message.isEmpty() ? "" : ": " + message));
            out().flush();
        } else {
            spec.commandLine().getErr().println("tandem: " + what + " refused: " + message);
            spec.commandLine().getErr().flush();
        }
        return accepted ? 0 : CliFailure.FAILURE;
    }

    /** A parent command run without a subcommand: its usage. */
    public static int usage(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * The nodes a change reaches only at their restart (the node's {@code restartRequired}: a group's membership and
     * the load-balancing settings are bound at start, docs/store.md), as a line for people; "" when there are none.
     */
    static String restartNote(JsonNode answer) {
        java.util.List<String> nodes = new java.util.ArrayList<>();
        answer.path("restartRequired").forEach(n -> nodes.add(n.asText()));
        if (nodes.isEmpty()) return "";
        return (nodes.size() == 1 ? "node " + nodes.get(0) + " applies it at its next restart"
                : "nodes " + String.join(", ", nodes) + " apply it at their next restart") + "\n";
    }

    protected static String encode(String pathPart) {
        return java.net.URLEncoder.encode(pathPart, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
