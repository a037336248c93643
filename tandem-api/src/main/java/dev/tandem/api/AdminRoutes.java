package dev.tandem.api;

import static dev.tandem.api.Body.listOf;
import static dev.tandem.api.Body.mapOf;
import static dev.tandem.api.Body.of;

import dev.tandem.api.ClusterAnswers.AssignmentMode;
import dev.tandem.api.ClusterAnswers.AuditEntry;
import dev.tandem.api.ClusterAnswers.CommandsApplied;
import dev.tandem.api.ClusterAnswers.DbStatus;
import dev.tandem.api.ClusterAnswers.GroupChange;
import dev.tandem.api.ClusterAnswers.GroupDeleted;
import dev.tandem.api.ClusterAnswers.LoadBalancingChange;
import dev.tandem.api.ClusterAnswers.LoadBalancingSettings;
import dev.tandem.api.LoadBalancingAnswers.LoadAnswer;
import dev.tandem.api.LoadBalancingAnswers.LoadReport;
import dev.tandem.api.NodeAnswers.CriticalServices;
import dev.tandem.api.NodeAnswers.Event;
import dev.tandem.api.NodeAnswers.Health;
import dev.tandem.api.NodeAnswers.NodeInfo;
import dev.tandem.api.RedundancyAnswers.ActionAnswer;
import dev.tandem.api.UsersAnswers.Page;
import dev.tandem.api.UsersAnswers.Rebalanced;
import dev.tandem.api.UsersAnswers.Removed;
import dev.tandem.api.UsersAnswers.User;
import java.util.List;
import java.util.Map;

/**
 * Every route of a node's admin API, once: the node registers exactly these (a test checks it), the OpenAPI document
 * at {@code /api/v1/openapi.json} is built from them, and clients read the answers into the records named here.
 * docs/api.md describes each one in prose.
 */
public final class AdminRoutes {
    private AdminRoutes() {}

    private static final List<Integer> NONE = List.of();
    private static final List<Integer> BAD = List.of(400);
    private static final String GROUP = "/api/v1/redundancy-groups/{name}";
    private static final String CLUSTER_GROUP = "/api/v1/cluster/groups/{name}";

    public static final List<Route> ALL = List.of(
            new Route("GET", "/health", "Whether the node answers clients: 200 ok, or 503 stalled or failed.",
                    List.of(), Body.NONE, 200, of(Health.class), NONE, Map.of(503, of(Health.class))),
            new Route("GET", "/metrics", "Prometheus metrics (docs/metrics.md).", List.of(), Body.NONE, 200,
                    Body.text("text/plain; version=0.0.4"), NONE),
            get("/api/v1/openapi.json", "This document.", Body.of(Object.class)),
            get("/api/v1/node", "Who this node is, its addresses, version and uptime.", of(NodeInfo.class)),
            get("/api/v1/redundancy-groups", "This node's redundancy group, as this node sees it.",
                    listOf(RedundancyAnswers.Group.class)),
            new Route("GET", GROUP, "One redundancy group, as this node sees it.", List.of(), Body.NONE, 200,
                    of(RedundancyAnswers.Group.class), List.of(404)),
            action("failover", "Manual failover: the node's users move to its peer."),
            action("fallback", "Manual fallback: the node takes its users back from its peer."),
            new Route("POST", GROUP + "/recover", "Recover: both recovery managers restart (from Running in Failed Mode"
                    + " or Unknown).", List.of(), Body.NONE, 202, of(ActionAnswer.class), List.of(404),
                    Map.of(409, of(ActionAnswer.class))),
            get("/api/v1/failover", "This node and its peer as a failover pair (show failover).",
                    of(FailoverAnswers.Failover.class)),
            get("/api/v1/parameters", "The service parameters this node runs with.", mapOf(String.class)),
            new Route("PUT", "/api/v1/parameters", "Changes service parameters on this node alone (name: value).",
                    List.of(), mapOf(String.class), 200, mapOf(String.class), BAD),
            get("/api/v1/critical-services", "Each critical-service check's verdict and recent changes.",
                    of(CriticalServices.class)),
            new Route("GET", "/api/v1/load-balancing", "What show vpn load-balancing shows.", List.of(), Body.NONE, 200,
                    of(LoadBalancingAnswers.LoadBalancing.class), List.of(404)),
            new Route("PUT", "/api/v1/load", "Tells a member its sessions, when no session service reports them.",
                    List.of(), of(LoadReport.class), 202, of(LoadAnswer.class), List.of(400, 404, 409)),
            get("/api/v1/events/recent", "The node's recent events, oldest first.", listOf(Event.class)),
            new Route("GET", "/api/v1/events", "The node's events as they happen (server-sent events, one per event,"
                    + " named by its kind).", List.of(), Body.NONE, 200, Body.text("text/event-stream"), NONE),
            get("/api/v1/cluster/groups", "Every redundancy group in the store.", listOf(ClusterAnswers.Group.class)),
            new Route("POST", "/api/v1/cluster/groups", "Adds a redundancy group.", List.of(),
                    of(ClusterAnswers.Group.class), 201, of(GroupChange.class), List.of(400, 409)),
            new Route("GET", CLUSTER_GROUP, "One redundancy group in the store.", List.of(), Body.NONE, 200,
                    of(ClusterAnswers.Group.class), List.of(404)),
            new Route("PUT", CLUSTER_GROUP, "Replaces a redundancy group's description, nodes and HA switch.",
                    List.of(), of(ClusterAnswers.Group.class), 200, of(GroupChange.class), List.of(400, 404)),
            new Route("DELETE", CLUSTER_GROUP, "Deletes a redundancy group with no users.", List.of(), Body.NONE, 200,
                    of(GroupDeleted.class), List.of(404, 409)),
            new Route("POST", CLUSTER_GROUP + "/ha", "Turns high availability on or off ({\"enabled\": true}); the"
                    + " running nodes of the group apply it at once.",
                    List.of(), of(HaSwitch.class), 200, of(GroupChange.class), List.of(400, 404)),
            new Route("GET", CLUSTER_GROUP + "/ha/check", "What to verify before the HA switch is saved ([RG-ENABLE]),"
                    + " as found now: a dry run that changes nothing.", List.of("enabled"), Body.NONE, 200,
                    of(ClusterAnswers.HaCheck.class), List.of(400, 404)),
            get("/api/v1/cluster/parameters", "The cluster's service parameters in the store.", mapOf(String.class)),
            new Route("PUT", "/api/v1/cluster/parameters", "Changes the cluster's service parameters (name: value).",
                    List.of(), mapOf(String.class), 200, mapOf(String.class), BAD),
            new Route("GET", "/api/v1/cluster/nodes/{id}/parameters", "The parameters set per node (the Client Re-Login"
                    + " limits): the node's own and those it runs with.", List.of(), Body.NONE, 200,
                    of(ClusterAnswers.NodeParameters.class), List.of(404)),
            new Route("PUT", "/api/v1/cluster/nodes/{id}/parameters", "Sets the node's own Client Re-Login limits"
                    + " (name: value; null: the cluster's again).", List.of(), mapOf(String.class), 200,
                    of(ClusterAnswers.NodeParameters.class), List.of(400, 404)),
            get("/api/v1/cluster/assignment-mode", "How new users are assigned: Balanced, Active-Standby or None.",
                    of(AssignmentMode.class)),
            new Route("PUT", "/api/v1/cluster/assignment-mode", "Sets the assignment mode.", List.of(),
                    of(AssignmentMode.class), 200, of(AssignmentMode.class), BAD),
            get("/api/v1/cluster/load-balancing/settings", "The load-balancing group and its devices in the store.",
                    of(LoadBalancingSettings.class)),
            new Route("PUT", "/api/v1/cluster/load-balancing/settings", "Replaces the load-balancing group and"
                    + " devices.", List.of(), of(LoadBalancingSettings.class), 200, of(LoadBalancingChange.class), BAD),
            new Route("GET", "/api/v1/config/export", "The cluster's settings as one YAML document (no users, no"
                    + " secrets).", List.of(), Body.NONE, 200, Body.text("application/yaml"), NONE),
            new Route("PUT", "/api/v1/config", "Imports a YAML document as exported: all of it or nothing.", List.of(),
                    Body.text("application/yaml"), 200, of(ClusterAnswers.Imported.class), BAD),
            new Route("POST", "/api/v1/config/commands", "Applies load-balancing configuration commands as a device's"
                    + " CLI takes them (docs/cli.md, config).", List.of("node"), Body.text("text/plain"), 200,
                    of(CommandsApplied.class), BAD),
            new Route("GET", "/api/v1/config/running", "A device's load-balancing configuration as commands.",
                    List.of("node"), Body.NONE, 200, Body.text("text/plain"), List.of(400, 404)),
            get("/api/v1/db/status", "The store's status, like utils dbreplication status.", of(DbStatus.class)),
            new Route("GET", "/api/v1/audit", "The audit log, newest first.", List.of("limit"), Body.NONE, 200,
                    listOf(AuditEntry.class), BAD),
            new Route("GET", "/api/v1/users/export", "Every user as CSV (id,group,home).", List.of(), Body.NONE, 200,
                    Body.text("text/csv"), NONE),
            new Route("POST", "/api/v1/users/import", "Imports users from CSV: all of them or none.", List.of(),
                    Body.text("text/csv"), 200, of(UsersAnswers.Imported.class), List.of(400, 413)),
            new Route("POST", "/api/v1/users/rebalance", "Reassigns every user by the group's assignment mode.",
                    List.of(), Body.NONE, 200, of(Rebalanced.class), NONE),
            new Route("GET", "/api/v1/users", "One page of users, by id: of a group, at home on a node, or served by a"
                    + " node now.", List.of("group", "node", "serving", "after", "limit"),
                    Body.NONE, 200, of(Page.class), BAD),
            new Route("POST", "/api/v1/users", "Adds a user.", List.of(), of(UsersAnswers.NewUser.class), 201,
                    of(User.class), List.of(400, 409)),
            new Route("GET", "/api/v1/users/{id}", "One user.", List.of(), Body.NONE, 200, of(User.class),
                    List.of(404)),
            new Route("DELETE", "/api/v1/users/{id}", "Removes a user.", List.of(), Body.NONE, 200,
                    of(Removed.class), List.of(404)),
            new Route("POST", "/api/v1/users/{id}/move", "Moves a user to another group or home.", List.of(),
                    of(UsersAnswers.Move.class), 200, of(User.class), List.of(400, 404)),
            new Route("GET", "/", "The web console's page (docs/console.md).", List.of(), Body.NONE, 200,
                    Body.text("text/html"), NONE),
            new Route("GET", "/console/console.js", "The console's script.", List.of(), Body.NONE, 200,
                    Body.text("text/javascript"), NONE),
            new Route("GET", "/console/console.css", "The console's style sheet.", List.of(), Body.NONE, 200,
                    Body.text("text/css"), NONE),
            new Route("GET", "/console/icon.svg", "The console's icon.", List.of(), Body.NONE, 200,
                    Body.text("image/svg+xml"), NONE),
            new Route("POST", "/console/login", "Signs an operator in: sets the session cookie, answers the CSRF"
                    + " token.", List.of(), of(ConsoleAnswers.Login.class), 200, of(ConsoleAnswers.Session.class),
                    List.of(400, 401, 429)),
            new Route("POST", "/console/logout", "Signs the browser's operator out.", List.of(), Body.NONE, 200,
                    of(ConsoleAnswers.SignedOut.class), List.of(401, 403)),
            get("/api/v1/session", "Who is signed in, with which role and CSRF token.",
                    of(ConsoleAnswers.Session.class)),
            get("/api/v1/operators", "The console's operators, by name.", listOf(ConsoleAnswers.Operator.class)),
            new Route("POST", "/api/v1/operators", "Adds an operator (admin only).", List.of(),
                    of(ConsoleAnswers.NewOperator.class), 201, of(ConsoleAnswers.Operator.class), List.of(400, 409)),
            new Route("DELETE", "/api/v1/operators/{name}", "Removes an operator (admin only; never the last admin).",
                    List.of(), Body.NONE, 200, of(ConsoleAnswers.OperatorRemoved.class), List.of(404, 409)),
            new Route("PUT", "/api/v1/operators/{name}/password", "Sets an operator's password (admin only).",
                    List.of(), of(ConsoleAnswers.Password.class), 200, of(ConsoleAnswers.Operator.class),
                    List.of(400, 404)));

    /** {@code POST /api/v1/cluster/groups/{name}/ha}. */
    public record HaSwitch(boolean enabled) {}

    private static Route get(String path, String summary, Body answer) {
        return new Route("GET", path, summary, List.of(), Body.NONE, 200, answer, NONE);
    }

    private static Route action(String name, String summary) {
        // 409: the specification does not allow the action now; the answer says why (accepted false).
        return new Route("POST", GROUP + "/" + name, summary, List.of("node"), Body.NONE, 202, of(ActionAnswer.class),
                List.of(400, 404, 503), Map.of(409, of(ActionAnswer.class)));
    }
}
