package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.api.RedundancyAnswers;
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

    /** An answer of the admin API's records (docs/api.md): as JSON with --json, else as people read it. */
    protected void print(Object answer, String human) {
        print(AdminHttp.JSON.<JsonNode>valueToTree(answer), human);
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
    protected int act(String group, String action, String node, String what) {
        RedundancyAnswers.ActionAnswer a = api().call(c -> c.action(group, action, node));
        if (options.json()) {
            print(a, "");
        } else if (a.accepted()) {
            out().println(what + ": accepted" + (a.message().isEmpty() ? "" : ": " + a.message()));
            out().flush();
        } else {
            spec.commandLine().getErr().println("tandem: " + what + " refused: " + a.message());
            spec.commandLine().getErr().flush();
        }
        return a.accepted() ? 0 : CliFailure.FAILURE;
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

    /** How long a change waits for the running nodes to apply it before it says who has not. */
    static final java.time.Duration APPLY_WAIT = java.time.Duration.ofSeconds(5);
    /** A node silent this long is named as not running rather than waited for. */
    static final long SILENT_SECONDS = 10;

    /**
     * Which nodes run the store's settings of {@code epoch} or later (null: the store's epoch now), as a line for
     * people: the nodes that report to the store are waited for up to {@link #APPLY_WAIT}; one silent for longer
     * than {@link #SILENT_SECONDS} is named as not running. "" when the store's status cannot be read (docs/cli.md).
     */
    protected String appliedNote(Long epoch) {
        if (options.json()) return ""; // the JSON is the node's answer alone; db status says the rest
        long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
        while (true) {
            AdminHttp.Answer a = api().exchange("GET", "/api/v1/db/status", null, null);
            if (a.status() != 200) return "";
            JsonNode s = a.json();
            long e = epoch != null ? epoch : s.path("settingsEpoch").asLong(-1);
            if (e < 0 || !s.path("nodes").isArray()) return "";
            java.util.List<String> applied = new java.util.ArrayList<>();
            java.util.List<String> pending = new java.util.ArrayList<>();
            java.util.List<String> silent = new java.util.ArrayList<>();
            for (JsonNode n : s.path("nodes")) {
                String id = n.path("id").asText();
                long ago = n.path("lastReportSecondsAgo").isNumber() ? n.get("lastReportSecondsAgo").asLong() : -1;
                if (n.path("epoch").asLong(-1) >= e) applied.add(id);
                else if (ago >= 0 && ago <= SILENT_SECONDS) pending.add(id + " (still at " + n.path("epoch").asLong() + ")");
                else silent.add(id + (ago < 0 ? " (no report)" : " (last report " + ago + " s ago)"));
            }
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                return "epoch " + e + " applied by " + (applied.isEmpty() ? "no node yet" : String.join(", ", applied))
                        + (pending.isEmpty() ? "" : "; not yet by " + String.join(", ", pending))
                        + (silent.isEmpty() ? "" : "; not running: " + String.join(", ", silent)) + "\n";
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
    }

    protected static String encode(String pathPart) {
        return java.net.URLEncoder.encode(pathPart, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
