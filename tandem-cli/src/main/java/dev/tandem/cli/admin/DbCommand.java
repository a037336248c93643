package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tandem db status}: the store and how far each node has caught up with it ([RG-REPL]: check replication first). */
@Command(name = "db", mixinStandardHelpOptions = true, description = "The store of cluster settings.",
        subcommands = {DbCommand.Status.class})
public final class DbCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The store, its schema and settings epoch, and each node's copy. Exit 1 when the store is unreachable.")
    public static final class Status extends AdminCommand {
        @Override
        protected int execute() {
            JsonNode s = api().get("/api/v1/db/status");
            print(s, text(s));
            return s.path("reachable").asBoolean(false) ? 0 : CliFailure.FAILURE;
        }

        static String text(JsonNode s) {
            StringBuilder sb = new StringBuilder();
            sb.append("Store: ").append(s.path("store").asText()).append(' ').append(s.path("url").asText()).append('\n');
            sb.append("Reachable: ").append(s.path("reachable").asBoolean() ? "yes" : "no").append('\n');
            sb.append("Schema version: ").append(s.path("schemaVersion").asText()).append('\n');
            sb.append("Settings epoch: ").append(s.path("settingsEpoch").asText()).append('\n');
            Table t = new Table("Node", "Epoch", "Reachable", "Up to date");
            long epoch = s.path("settingsEpoch").asLong(-1);
            for (JsonNode n : s.path("nodes")) {
                t.row(n.path("id").asText(), n.path("epoch").asText(), n.path("reachable").asBoolean() ? "yes" : "no",
                        n.path("epoch").asLong(-2) == epoch ? "yes" : "no");
            }
            if (!t.isEmpty()) sb.append(t.render());
            if (s.path("replication").size() > 0) {
                sb.append("Replication:\n");
                s.path("replication").forEach(r -> sb.append("  ").append(r.isTextual() ? r.asText() : r.toString()).append('\n'));
            }
            return sb.toString();
        }
    }
}
