package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RedundancyGroup;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem groups ...}: create, show, change and delete redundancy groups, and enable or disable high
 * availability ([RG-GROUP]). The specification's checks run here before anything is sent
 * (the core's {@link RedundancyGroup} rules) and again on the node, which also checks the whole cluster.
 */
@Command(name = "groups", mixinStandardHelpOptions = true, description = "Redundancy groups in the store.",
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Show.class, GroupsCommand.Create.class,
                GroupsCommand.Change.class, GroupsCommand.Delete.class, GroupsCommand.Ha.class})
public final class GroupsCommand implements java.util.concurrent.Callable<Integer> {
    static final String PATH = "/api/v1/cluster/groups";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    static String table(JsonNode groups) {
        Table t = new Table("Name", "Nodes", "High availability", "Description");
        for (JsonNode g : groups) {
            List<String> nodes = new ArrayList<>();
            g.path("nodes").forEach(n -> nodes.add(n.path("id").asText() + " (" + n.path("address").asText() + ")"));
            t.row(g.path("name").asText(), String.join(", ", nodes), g.path("ha").asBoolean() ? "enabled" : "disabled",
                    g.path("description").asText(""));
        }
        return t.isEmpty() ? "No redundancy groups.\n" : t.render();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every redundancy group.")
    public static final class ListGroups extends AdminCommand {
        @Override
        protected int execute() {
            JsonNode all = api().get(PATH);
            print(all, table(all));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One redundancy group.")
    public static final class Show extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        protected int execute() {
            JsonNode g = api().get(PATH + "/" + encode(name));
            print(g, table(AdminHttp.JSON.createArrayNode().add(g)));
            return 0;
        }
    }

    /** The fields create and change share. */
    abstract static class GroupFields extends AdminCommand {
        @Option(names = "--description", paramLabel = "TEXT", description = "Up to 128 characters without \" % & / < >.")
        String description;

        @Option(names = "--node", paramLabel = "ID=ADDRESS",
                description = "A node of the group and its address; give it twice for a pair.")
        List<String> nodes;

        ArrayNode nodesJson() {
            ArrayNode out = AdminHttp.JSON.createArrayNode();
            for (String n : nodes) {
                int eq = n.indexOf('=');
                if (eq <= 0 || eq == n.length() - 1) {
                    throw new CliFailure(CliFailure.USAGE, "--node: '" + n + "' is not allowed; allowed: ID=ADDRESS,"
                            + " for example n1=10.0.0.11");
                }
                NodeId.of(n.substring(0, eq));
                out.addObject().put("id", n.substring(0, eq)).put("address", n.substring(eq + 1));
            }
            return out;
        }

        /** The specification's [RG-GROUP] group rules, checked before sending. */
        static void check(ObjectNode g) {
            List<NodeId> ids = new ArrayList<>();
            g.path("nodes").forEach(n -> ids.add(NodeId.of(n.path("id").asText())));
            new RedundancyGroup(g.path("name").asText(), g.path("description").asText(""), ids, g.path("ha").asBoolean());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a redundancy group of one node or a pair ([RG-GROUP]: name up to 128 of A-Za-z0-9_-).")
    public static final class Create extends GroupFields {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--ha", description = "Enable high availability at once (a pair only).")
        boolean ha;

        @Override
        protected int execute() {
            if (nodes == null || nodes.isEmpty()) {
                throw new CliFailure(CliFailure.USAGE, "--node: (missing) is not allowed; allowed: one or two ID=ADDRESS");
            }
            ObjectNode g = AdminHttp.JSON.createObjectNode().put("name", name)
                    .put("description", description == null ? "" : description);
            g.set("nodes", nodesJson());
            g.put("ha", ha);
            check(g);
            JsonNode created = api().post(PATH, g);
            print(created, "created redundancy group " + name + "\n" + table(AdminHttp.JSON.createArrayNode().add(created))
                    + restartNote(created));
            return 0;
        }
    }

    @Command(name = "change", mixinStandardHelpOptions = true, description = "Change a group's description or nodes.")
    public static final class Change extends GroupFields {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        protected int execute() {
            ObjectNode g = (ObjectNode) api().get(PATH + "/" + encode(name)).deepCopy();
            if (description != null) g.put("description", description);
            if (nodes != null) g.set("nodes", nodesJson());
            check(g);
            JsonNode changed = api().put(PATH + "/" + encode(name), g);
            print(changed, "changed redundancy group " + name + "\n" + table(AdminHttp.JSON.createArrayNode().add(changed))
                    + restartNote(changed));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a redundancy group.")
    public static final class Delete extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        protected int execute() {
            JsonNode r = api().delete(PATH + "/" + encode(name));
            print(r, "deleted redundancy group " + name + "\n" + restartNote(r));
            return 0;
        }
    }

    @Command(name = "ha", mixinStandardHelpOptions = true,
            description = {"Enable or disable high availability of a group ([RG-ENABLE]); its running nodes apply it at once.",
                    "First checks what the specification asks (the store and its replication, each node's state and"
                            + " critical services), prints what it found, and changes nothing while something speaks"
                            + " against the change, unless --force."})
    public static final class Ha extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "enable|disable")
        String setting;

        @Option(names = "--force", description = "Change it even when the checks found something against it.")
        boolean force;

        @Override
        protected int execute() {
            boolean on = switch (setting.toLowerCase(java.util.Locale.ROOT)) {
                case "enable" -> true;
                case "disable" -> false;
                default -> throw new CliFailure(CliFailure.USAGE, "high availability: '" + setting
                        + "' is not allowed; allowed: enable or disable");
            };
            JsonNode check = api().get(PATH + "/" + encode(name) + "/ha/check?enabled=" + on);
            java.io.PrintWriter err = spec.commandLine().getErr();
            if (!options.json()) {
                StringBuilder b = new StringBuilder("Checked:\n");
                check.path("checked").forEach(c -> b.append("  ").append(c.asText()).append('\n'));
                b.append(check.path("caution").asText()).append('\n');
                out().print(b);
                out().flush();
            }
            if (!check.path("warnings").isEmpty()) {
                StringBuilder w = new StringBuilder();
                check.path("warnings").forEach(x -> w.append("  ").append(x.asText()).append('\n'));
                if (!force) {
                    err.print("tandem: high availability of " + name + " not changed; the checks found:\n" + w
                            + "Mend these, or run again with --force to change it anyway.\n");
                    err.flush();
                    return CliFailure.FAILURE;
                }
                err.print("tandem: changing it anyway (--force); the checks found:\n" + w);
                err.flush();
            }
            JsonNode r = api().post(PATH + "/" + encode(name) + "/ha",
                    AdminHttp.JSON.createObjectNode().put("enabled", on));
            print(r, "high availability " + (on ? "enabled" : "disabled") + " for " + name
                    + "; its running nodes apply it at once\n" + restartNote(r)
                    + appliedNote(r.path("epoch").isNumber() ? r.get("epoch").asLong() : null));
            return 0;
        }
    }
}
