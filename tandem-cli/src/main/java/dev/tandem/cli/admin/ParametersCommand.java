package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.store.ClusterSettings;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem parameters ...}: the service parameters of [RG-HB] and the user assignment mode, cluster-wide, and the
 * Client Re-Login limits a node has of its own.
 */
@Command(name = "parameters", mixinStandardHelpOptions = true,
        description = "the service parameters of [RG-HB] and the user assignment mode, for the whole cluster.",
        subcommands = {ParametersCommand.Show.class, ParametersCommand.Set.class, ParametersCommand.Mode.class})
public final class ParametersCommand implements java.util.concurrent.Callable<Integer> {
    static final String PATH = "/api/v1/cluster/parameters";
    static final String MODE_PATH = "/api/v1/cluster/assignment-mode";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    static String table(JsonNode params) {
        Table t = new Table("Parameter", "Value");
        for (Map.Entry<String, JsonNode> e : params.properties()) {
            t.row(e.getKey(), e.getValue().asText());
        }
        return t.render();
    }

    /** The path of a node's own parameters ([RG-RELOGIN]: the Client Re-Login limits are set per node). */
    static String nodePath(String node) {
        return "/api/v1/cluster/nodes/" + java.net.URLEncoder.encode(node, java.nio.charset.StandardCharsets.UTF_8)
                + "/parameters";
    }

    /** A node's own limits and those it runs with. */
    static String nodeTable(JsonNode n) {
        Table t = new Table("Parameter", "Node's own", "Runs with");
        for (Map.Entry<String, JsonNode> e : n.path("effective").properties()) {
            JsonNode own = n.path("own").get(e.getKey());
            t.row(e.getKey(), own == null ? "(the cluster's)" : own.asText(), e.getValue().asText());
        }
        return "Node " + n.path("node").asText() + "\n" + t.render();
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Every service parameter and its value; with --node, that node's own Client Re-Login limits.")
    public static final class Show extends AdminCommand {
        @Option(names = "--node", paramLabel = "NODE", description = "a node's own parameters and those it runs with")
        String node;

        @Override
        protected int execute() {
            JsonNode p = api().get(node == null ? PATH : nodePath(node));
            print(p, node == null ? table(p) : nodeTable(p));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set parameters, for example keepAliveTimeout=60s automaticFallback=true.",
                    "With --node, that node's own Client Re-Login limits ([RG-RELOGIN]: set per node), for example"
                            + " --node n1 clientReloginLower=60s; NAME= (nothing after =) gives it the cluster's again."})
    public static final class Set extends AdminCommand {
        @Option(names = "--node", paramLabel = "NODE", description = "set that node's own clientReloginLower/Upper")
        String node;

        @Parameters(arity = "1..*", paramLabel = "NAME=VALUE")
        List<String> settings;

        @Override
        protected int execute() {
            List<String> allowed = node == null ? ServiceParameters.NAMES : ClusterSettings.NODE_PARAMETERS;
            ObjectNode body = AdminHttp.JSON.createObjectNode();
            for (String s : settings) {
                int eq = s.indexOf('=');
                String name = eq < 0 ? s : s.substring(0, eq);
                if (eq <= 0) {
                    throw new CliFailure(CliFailure.USAGE, "'" + s + "' is not allowed; allowed: NAME=VALUE with NAME one of "
                            + String.join(", ", allowed));
                }
                if (!allowed.contains(name)) {
                    throw new CliFailure(CliFailure.USAGE, "parameter: '" + name + "' is not allowed; allowed: "
                            + String.join(", ", allowed) + (node == null ? "" : " (set per node; the others are the"
                            + " cluster's: parameters set without --node)"));
                }
                String value = s.substring(eq + 1);
                if (node != null && value.isEmpty()) body.putNull(name);
                else body.put(name, value);
            }
            JsonNode p = api().put(node == null ? PATH : nodePath(node), body);
            Long epoch = p.path("epoch").isNumber() ? p.get("epoch").asLong() : null;
            print(p, (node == null ? table(p) : nodeTable(p)) + appliedNote(epoch));
            return 0;
        }
    }

    /** [RG-ASSIGN]: Balanced, Active-Standby or None. */
    @Command(name = "assignment-mode", mixinStandardHelpOptions = true,
            description = "Show the user assignment mode, or set it: balanced, active-standby or none ([RG-ASSIGN]).")
    public static final class Mode extends AdminCommand {
        @Parameters(arity = "0..1", paramLabel = "MODE")
        String mode;

        @Override
        protected int execute() {
            JsonNode r = mode == null ? api().get(MODE_PATH)
                    : api().put(MODE_PATH, AdminHttp.JSON.createObjectNode().put("mode", contractName(AssignmentMode.parse(mode))));
            print(r, "User assignment mode: " + r.path("mode").asText() + "\n");
            return 0;
        }

        /** The specification's spelling, which the API uses: Balanced, Active-Standby, None. */
        static String contractName(AssignmentMode m) {
            return switch (m) {
                case BALANCED -> "Balanced";
                case ACTIVE_STANDBY -> "Active-Standby";
                case NONE -> "None";
            };
        }
    }
}
