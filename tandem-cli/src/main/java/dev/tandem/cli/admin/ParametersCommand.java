package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.ServiceParameters;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tandem parameters ...}: the service parameters of [RG-HB] and the user assignment mode, cluster-wide. */
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

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Every service parameter and its value.")
    public static final class Show extends AdminCommand {
        @Override
        protected int execute() {
            JsonNode p = api().get(PATH);
            print(p, table(p));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set parameters, for example keepAliveTimeout=60s automaticFallback=true.")
    public static final class Set extends AdminCommand {
        @Parameters(arity = "1..*", paramLabel = "NAME=VALUE")
        List<String> settings;

        @Override
        protected int execute() {
            ObjectNode body = AdminHttp.JSON.createObjectNode();
            for (String s : settings) {
                int eq = s.indexOf('=');
                String name = eq < 0 ? s : s.substring(0, eq);
                if (eq <= 0) {
                    throw new CliFailure(CliFailure.USAGE, "'" + s + "' is not allowed; allowed: NAME=VALUE with NAME one of "
                            + String.join(", ", ServiceParameters.NAMES));
                }
                if (!ServiceParameters.NAMES.contains(name)) {
                    throw new CliFailure(CliFailure.USAGE, "parameter: '" + name + "' is not allowed; allowed: "
                            + String.join(", ", ServiceParameters.NAMES));
                }
                body.put(name, s.substring(eq + 1));
            }
            JsonNode p = api().put(PATH, body);
            print(p, table(p));
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
