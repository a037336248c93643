package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem users ...}: users and their home nodes ([RG-ASSIGN]). The home node is chosen by the
 * assignment mode unless it is None, where {@code --home} is required; the serving node is the home node, or its
 * peer while the home node is failed over.
 */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Users, their home node and the node serving them now.",
        subcommands = {UsersCommand.ListUsers.class, UsersCommand.Show.class, UsersCommand.Add.class,
                UsersCommand.Delete.class, UsersCommand.Import.class, UsersCommand.Export.class, UsersCommand.Move.class,
                UsersCommand.Rebalance.class})
public final class UsersCommand implements java.util.concurrent.Callable<Integer> {
    static final String PATH = "/api/v1/users";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    static String table(JsonNode users) {
        Table t = new Table("User", "Group", "Home", "Serving");
        for (JsonNode u : users) {
            t.row(u.path("id").asText(), u.path("group").asText(""), u.path("home").asText(""), u.path("serving").asText(""));
        }
        return t.isEmpty() ? "No users.\n" : t.render();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Users, a page at a time (or --all).")
    public static final class ListUsers extends AdminCommand {
        @Option(names = "--group", paramLabel = "GROUP") String group;
        @Option(names = "--node", paramLabel = "NODE", description = "Users whose home is NODE.") String node;
        @Option(names = "--after", paramLabel = "ID", description = "Start after this user id.") String after;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Page size, 1 to 10000 (default 100).")
        int limit;
        @Option(names = "--all", description = "Follow every page.") boolean all;

        @Override
        protected int execute() {
            if (limit < 1 || limit > 10_000) {
                throw new CliFailure(CliFailure.USAGE, "--limit: '" + limit + "' is not allowed; allowed: 1 to 10000");
            }
            ArrayNode users = AdminHttp.JSON.createArrayNode();
            String cursor = after;
            String next;
            do {
                StringBuilder q = new StringBuilder(PATH + "?limit=" + limit);
                if (group != null) q.append("&group=").append(encode(group));
                if (node != null) q.append("&node=").append(encode(node));
                if (cursor != null) q.append("&after=").append(encode(cursor));
                JsonNode page = api().get(q.toString());
                page.path("users").forEach(users::add);
                next = page.hasNonNull("next") && !page.get("next").asText().isEmpty() ? page.get("next").asText() : null;
                cursor = next;
            } while (all && next != null);
            ObjectNode answer = AdminHttp.JSON.createObjectNode();
            answer.set("users", users);
            answer.put("next", next);
            print(answer, table(users) + (next == null ? "" : "More: users list --after " + next + "\n"));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One user: group, home node, serving node.")
    public static final class Show extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        protected int execute() {
            JsonNode u = api().get(PATH + "/" + encode(id));
            print(u, table(AdminHttp.JSON.createArrayNode().add(u)));
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a user; the assignment mode picks the home node unless it is None (then --home).")
    public static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Option(names = "--group", paramLabel = "GROUP") String group;
        @Option(names = "--home", paramLabel = "NODE") String home;

        @Override
        protected int execute() {
            ObjectNode body = AdminHttp.JSON.createObjectNode().put("id", id);
            if (group != null) body.put("group", group);
            if (home != null) body.put("home", home);
            JsonNode u = api().post(PATH, body);
            print(u, "added user " + id + "\n" + table(AdminHttp.JSON.createArrayNode().add(u)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user.")
    public static final class Delete extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        protected int execute() {
            JsonNode r = api().delete(PATH + "/" + encode(id));
            print(r, "deleted user " + id + "\n");
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import users from CSV lines id[,group[,home]] (a header line is allowed); all or nothing.")
    public static final class Import extends AdminCommand {
        @Parameters(index = "0", paramLabel = "FILE.csv") Path file;

        @Override
        protected int execute() {
            String csv;
            try {
                csv = Files.readString(file);
            } catch (IOException e) {
                throw new CliFailure(CliFailure.USAGE, "file: '" + file + "' cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            AdminHttp.Answer a = api().exchange("POST", PATH + "/import", "text/csv", csv);
            if (a.status() == 400) {
                throw new CliFailure(CliFailure.USAGE, file + ": " + AdminHttp.errorText(a) + " (nothing was imported)");
            }
            if (a.status() < 200 || a.status() >= 300) throw api().refusal(a);
            JsonNode r = a.json();
            print(r, "imported " + r.path("imported").asInt() + " user(s) from " + file + ", " + r.path("assigned").asInt()
                    + " assigned a home node\n");
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Every user as CSV id,group,home.")
    public static final class Export extends AdminCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE") Path output;

        @Override
        protected int execute() throws IOException {
            String csv = api().getText(PATH + "/export");
            if (output == null) {
                out().print(csv);
                out().flush();
            } else {
                Files.writeString(output, csv);
            }
            return 0;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Move a user to another group; the user must log in again ([RG-GROUP]).")
    public static final class Move extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Option(names = "--group", paramLabel = "GROUP", required = true) String group;

        @Override
        protected int execute() {
            JsonNode u = api().post(PATH + "/" + encode(id) + "/move", AdminHttp.JSON.createObjectNode().put("group", group));
            print(u, "moved user " + id + " to " + group + "; the user must log in again\n"
                    + table(AdminHttp.JSON.createArrayNode().add(u)));
            return 0;
        }
    }

    @Command(name = "rebalance", mixinStandardHelpOptions = true,
            description = "Spread users evenly over the nodes again, as the assignment mode says.")
    public static final class Rebalance extends AdminCommand {
        @Override
        protected int execute() {
            JsonNode r = api().post(PATH + "/rebalance", AdminHttp.JSON.createObjectNode());
            print(r, "moved " + r.path("moved").asInt() + " user(s)\n");
            return 0;
        }
    }
}
