package dev.tandem.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tandem.api.ApiError;
import dev.tandem.api.ClusterAnswers;
import dev.tandem.core.Invalid;
import dev.tandem.core.Quote;
import dev.tandem.node.config.LocatedYaml;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.AdminRefused;
import dev.tandem.node.store.ClusterSettings;
import dev.tandem.node.store.ClusterStore;
import dev.tandem.node.store.ImportError;
import dev.tandem.node.store.StoreService;
import dev.tandem.node.store.StoreUnavailable;
import dev.tandem.node.store.UserAdmin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The store-backed admin endpoints: cluster groups, parameters, assignment mode, load-balancing settings, the
 * whole configuration as YAML, the store's status and the audit log (docs/store.md, REST). Every write is one
 * store transaction with an audit row; refusals are audited too. Reads fall back to this node's cached settings
 * while the store is unreachable and say so in the {@code X-Tandem-Settings} header.
 */
final class ClusterApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    /** The header an admin client may set to name who acts, for the audit log (default: "api"). */
    static final String ACTOR = "X-Tandem-Actor";

    private final TandemNode node;

    ClusterApi(TandemNode node) {
        this.node = node;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/cluster/groups", ctx -> ctx.json(settings(ctx).groups().stream().map(SettingsDocument::group).toList()));
        r.post("/api/v1/cluster/groups", this::addGroup);
        r.get("/api/v1/cluster/groups/{name}", ctx -> ctx.json(SettingsDocument.group(settings(ctx).group(ctx.pathParam("name"))
                .orElseThrow(() -> noGroup(ctx.pathParam("name"))))));
        r.put("/api/v1/cluster/groups/{name}", this::putGroup);
        r.delete("/api/v1/cluster/groups/{name}", this::deleteGroup);
        r.post("/api/v1/cluster/groups/{name}/ha", this::groupHa);
        r.get("/api/v1/cluster/groups/{name}/ha/check", ctx -> ctx.json(HaCheck.of(node, settings(ctx),
                ctx.pathParam("name"), ctx.queryParam("enabled"))));
        r.get("/api/v1/cluster/parameters", ctx -> ctx.json(settings(ctx).serviceParameters().asText()));
        r.put("/api/v1/cluster/parameters", this::putParameters);
        r.get("/api/v1/cluster/nodes/{id}/parameters", ctx -> {
            ClusterSettings s = settings(ctx);
            ctx.json(nodeParameters(s, knownNode(s, ctx.pathParam("id")), null));
        });
        r.put("/api/v1/cluster/nodes/{id}/parameters", this::putNodeParameters);
        r.get("/api/v1/cluster/assignment-mode", ctx -> ctx.json(new ClusterAnswers.AssignmentMode(
                SettingsDocument.modeName(settings(ctx).mode()), null)));
        r.put("/api/v1/cluster/assignment-mode", this::putMode);
        r.get("/api/v1/cluster/load-balancing/settings", ctx -> ctx.json(SettingsDocument.loadBalancing(settings(ctx))));
        r.put("/api/v1/cluster/load-balancing/settings", this::putLoadBalancing);
        r.get("/api/v1/config/export", this::export);
        r.put("/api/v1/config", this::importConfig);
        r.get("/api/v1/db/status", this::dbStatus);
        r.get("/api/v1/audit", this::audit);
        new UsersApi(node).register(r);
        new ConfigCommandsApi(node, this).register(r);
        r.exception(StoreUnavailable.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
        r.exception(AdminRefused.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
        r.exception(UserAdmin.NotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
        r.exception(SettingsDocument.Bad.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        r.exception(ImportError.class, (e, ctx) -> ctx.status(400)
                .json(new ApiError(e.getMessage(), e.getMessage(), 400, e.line(), null)));
    }

    static void error(Context ctx, int status, String message) {
        ctx.status(status).json(ApiError.of(status, message));
    }

    /** Who acts, for the audit log: the console's signed-in operator, else what the bearer token's caller says. */
    static String who(Context ctx) {
        String operator = ctx.attribute(ConsoleApi.OPERATOR);
        if (operator != null) return operator;
        String a = ctx.header(ACTOR);
        if (a == null || a.isBlank()) return "api";
        return a.strip().replaceAll("[^A-Za-z0-9_.:@-]", "_");
    }

    static JsonNode body(Context ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.body());
            if (n == null) throw new AdminApi.ApiError(400, "the body is empty; a JSON object is required");
            return n;
        } catch (IOException e) {
            throw new AdminApi.ApiError(400, "the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The store's settings, or this node's cached copy while the store is unreachable. */
    ClusterSettings settings(Context ctx) {
        StoreService s = node.store();
        try {
            // Known down: answer from the cache at once rather than wait for the connection timeout.
            if (!s.reachable()) throw new StoreUnavailable(s.lastError(), null);
            ClusterSettings fresh = s.store().settings();
            ctx.header("X-Tandem-Settings", "store, epoch " + fresh.epoch());
            return fresh;
        } catch (StoreUnavailable e) {
            ctx.header("X-Tandem-Settings", "cache, epoch " + s.settings().epoch() + "; the store is unreachable");
            return s.settings();
        }
    }

    private static AdminApi.ApiError noGroup(String name) {
        return new AdminApi.ApiError(404, "no redundancy group '" + Quote.prefix(name) + "'");
    }

    /** One settings write: audited whether it succeeds or is refused. */
    ClusterSettings write(Context ctx, String action, String target, UnaryOperator<ClusterSettings> change) {
        ClusterStore.Action a = new ClusterStore.Action(who(ctx), action, target);
        try {
            return node.store().store().updateSettings(a, change);
        } catch (Invalid | AdminApi.ApiError | SettingsDocument.Bad | dev.tandem.core.config.ConfigError e) {
            node.store().store().audit(a, "refused: " + e.getMessage());
            throw e;
        }
    }

    /** Group changes reach the nodes of the group at their next start; the answer says which. */
    private void groupAnswer(Context ctx, int status, ClusterSettings after, ClusterSettings.Group g, Set<String> nodes) {
        ctx.status(status).json(SettingsDocument.change(g, after.epoch(), nodes));
    }

    private void addGroup(Context ctx) {
        JsonNode body = body(ctx);
        ClusterSettings.Group[] g = new ClusterSettings.Group[1];
        // Read inside the write, so a rejected body is audited like any other refusal.
        ClusterSettings after = write(ctx, "group add", body.path("name").asText("(no name)"), s -> {
            g[0] = SettingsDocument.readGroup(body, "", SettingsDocument.json());
            if (s.group(g[0].name()).isPresent()) throw new Invalid("name", g[0].name(), "a name no other group has");
            return s.withGroup(g[0]);
        });
        groupAnswer(ctx, 201, after, g[0], nodesOf(g[0]));
    }

    private void putGroup(Context ctx) {
        String name = ctx.pathParam("name");
        JsonNode body = body(ctx);
        if (body.isObject() && !body.has("name")) ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("name", name);
        ClusterSettings.Group g = SettingsDocument.readGroup(body, "", SettingsDocument.json());
        if (!g.name().equals(name)) throw new Invalid("name", g.name(), "the group's name in the path (" + name + "); groups are not renamed");
        Set<String> affected = new LinkedHashSet<>();
        ClusterSettings after = write(ctx, "group change", name, s -> {
            ClusterSettings.Group old = s.group(name).orElseThrow(() -> noGroup(name));
            // The HA switch and the description apply on the running nodes; other nodes bind at their start.
            if (!old.nodes().equals(g.nodes())) {
                affected.addAll(nodesOf(g));
                affected.addAll(nodesOf(old));
            }
            return s.withGroup(g);
        });
        groupAnswer(ctx, 200, after, g, affected);
    }

    private void deleteGroup(Context ctx) {
        String name = ctx.pathParam("name");
        Set<String> affected = new LinkedHashSet<>();
        ClusterSettings after = write(ctx, "group delete", name, s -> {
            affected.addAll(nodesOf(s.group(name).orElseThrow(() -> noGroup(name))));
            return s.withoutGroup(name);
        });
        ctx.json(new ClusterAnswers.GroupDeleted(name, after.epoch(), List.copyOf(affected)));
    }

    private void groupHa(Context ctx) {
        String name = ctx.pathParam("name");
        JsonNode body = body(ctx);
        JsonNode enabled = body.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw new Invalid("enabled", enabled == null ? null : enabled.asText(), "true or false");
        }
        ClusterSettings after = write(ctx, enabled.asBoolean() ? "group ha enable" : "group ha disable", name,
                s -> {
                    s.group(name).orElseThrow(() -> noGroup(name));
                    return s.mapGroup(name, g -> new ClusterSettings.Group(g.name(), g.description(), g.nodes(), enabled.asBoolean()));
                });
        ClusterSettings.Group g = after.group(name).orElseThrow();
        // The group's running nodes apply it at once (StoreService, [RG-ENABLE]): no restart.
        groupAnswer(ctx, 200, after, g, Set.of());
    }

    private static Set<String> nodesOf(ClusterSettings.Group g) {
        Set<String> out = new LinkedHashSet<>();
        g.nodes().forEach(m -> out.add(m.id()));
        return out;
    }

    private void putParameters(Context ctx) {
        JsonNode body = body(ctx);
        ClusterSettings after = write(ctx, "parameters", "cluster", s -> s.withParameters(
                SettingsDocument.readParameters(body, "", s.serviceParameters().asText(), SettingsDocument.json())));
        // Applied live by every node's watcher; servicePort only with a restart (it binds the heartbeat sockets).
        ctx.json(after.serviceParameters().asText());
    }

    /**
     * [RG-RELOGIN]: a node's own Client Re-Login limits, over the cluster's; applied by that node's watcher at once
     * and told to its clients in every answer of its session service.
     */
    private void putNodeParameters(Context ctx) {
        JsonNode body = body(ctx);
        String id = ctx.pathParam("id");
        ClusterSettings after = write(ctx, "node parameters", id, s -> s.withNodeParameters(knownNode(s, id),
                SettingsDocument.readNodeParameters(body, "", SettingsDocument.json())));
        ctx.json(nodeParameters(after, id, after.epoch()));
    }

    private static ClusterAnswers.NodeParameters nodeParameters(ClusterSettings s, String id, Long epoch) {
        Map<String, String> effective = new java.util.LinkedHashMap<>();
        Map<String, String> all = s.serviceParametersOf(id).asText();
        for (String name : ClusterSettings.NODE_PARAMETERS) effective.put(name, all.get(name));
        return new ClusterAnswers.NodeParameters(id, s.nodeParameters(id), effective, epoch);
    }

    /** A node of one of the store's redundancy groups, or a 404 naming those there are. */
    private static String knownNode(ClusterSettings s, String id) {
        if (s.groupOf(id).isPresent()) return id;
        throw new UserAdmin.NotFound("no node '" + Quote.prefix(id) + "' in any redundancy group; nodes: "
                + s.groups().stream().flatMap(g -> g.nodes().stream()).map(ClusterSettings.Member::id).toList());
    }

    private void putMode(Context ctx) {
        JsonNode body = body(ctx);
        if (!body.isObject()) throw new Invalid("mode", body.toString(), "{\"mode\": \"Balanced\" | \"Active-Standby\" | \"None\"}");
        String mode = SettingsDocument.readMode(body.get("mode"), "mode", SettingsDocument.json());
        ClusterSettings after = write(ctx, "assignment mode", mode, s -> s.withAssignmentMode(mode));
        ctx.json(new ClusterAnswers.AssignmentMode(SettingsDocument.modeName(after.mode()), after.epoch()));
    }

    private void putLoadBalancing(Context ctx) {
        JsonNode body = body(ctx);
        Set<String> affected = new LinkedHashSet<>();
        ClusterSettings after = write(ctx, "load-balancing settings", "cluster", s -> {
            ClusterSettings next = SettingsDocument.readLoadBalancing(body, "", s, SettingsDocument.json());
            if (next.lbGroup() != null && ClusterSettings.LbGroup.needsRestart(s.lbGroup(), next.lbGroup())) {
                next.devices().forEach(d -> affected.add(d.node()));
            }
            for (ClusterSettings.Device d : next.devices()) {
                if (ClusterSettings.Device.needsRestart(s.device(d.node()), next.device(d.node()))) affected.add(d.node());
            }
            return next;
        });
        // The group's port, key and encryption and a device's addresses are bound at start: the named nodes apply them
        // when restarted. The cluster address, mode, other devices, priority, NAT, redirect-fqdn and participate apply
        // at once (decision 114).
        ctx.json(SettingsDocument.change(after, affected));
    }

    private void export(Context ctx) throws IOException {
        ctx.contentType("application/yaml").result(YAML.writeValueAsString(SettingsDocument.export(settings(ctx))));
    }

    private void importConfig(Context ctx) {
        LocatedYaml y;
        try {
            y = LocatedYaml.parse(ctx.body());
        } catch (IOException e) {
            throw new AdminApi.ApiError(400, "the body is not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        ClusterSettings after = write(ctx, "config import", "cluster", s -> SettingsDocument.readDocument(y, s));
        ctx.json(new ClusterAnswers.Imported(after.epoch(),
                StoreService.restartNeeded(node.store().effectiveConfig(), after).isEmpty()
                        ? List.of() : List.of(node.config().id())));
    }

    /** Like the specification's {@code utils dbreplication status}: connectivity, schema, each node's epoch, replication. */
    private void dbStatus(Context ctx) {
        StoreService s = node.store();
        ClusterStore store = s.store();
        boolean reachable;
        String schema = null;
        Long epoch = null;
        List<ClusterStore.NodeReport> reports;
        List<ClusterAnswers.Replica> replication = List.of();
        String error = null;
        try {
            epoch = store.epoch();
            schema = store.schemaVersion();
            reports = store.reports();
            replication = store.replication();
            reachable = true;
        } catch (StoreUnavailable e) {
            reachable = false;
            error = e.getMessage();
            reports = s.reports();
        }
        List<ClusterAnswers.DbNode> nodes = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ClusterStore.NodeReport r : reports) {
            boolean self = r.node().equals(node.config().id());
            nodes.add(new ClusterAnswers.DbNode(r.node(), self ? s.settings().epoch() : r.epoch(),
                    self ? reachable : r.secondsAgo() <= StoreService.REPORT_STALE_SECONDS, r.state(), r.reason(),
                    r.secondsAgo()));
            seen.add(r.node());
        }
        if (!seen.contains(node.config().id())) {
            nodes.add(new ClusterAnswers.DbNode(node.config().id(), s.settings().epoch(), reachable,
                    node.snapshot().state().display(), node.snapshot().reason().display(), null));
        }
        ctx.json(new ClusterAnswers.DbStatus(store.kind(), store.url(), reachable, error, schema, epoch, nodes,
                replication));
    }

    private void audit(Context ctx) {
        int limit = UsersApi.intParam(ctx, "limit", 100, 1, 10_000);
        ctx.json(node.store().store().audit(limit).stream()
                .map(a -> new ClusterAnswers.AuditEntry(a.at().toString(), a.who(), a.action(), a.target(), a.result()))
                .toList());
    }
}
