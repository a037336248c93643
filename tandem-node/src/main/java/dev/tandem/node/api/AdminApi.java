package dev.tandem.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.FailoverAnswers;
import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.api.NodeAnswers;
import dev.tandem.api.OpenApi;
import dev.tandem.api.RedundancyAnswers;
import dev.tandem.core.Effect;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.Quote;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.core.lb.LbView;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.rm.Actions;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceAddresses;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.core.rm.Versions;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.http.AddressConnectors;
import dev.tandem.node.http.JettyLimits;
import dev.tandem.node.runtime.EventBus;
import dev.tandem.node.runtime.LoadBalancingView;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.session.SessionService;
import dev.tandem.node.tls.PemTls;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on the admin RPC port ([RG-HB]: 20075): JSON, bearer-token authenticated, bound to the admin
 * address. Malformed or unauthenticated requests get a JSON error, never a stack trace.
 */
public final class AdminApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final String FORWARDED = "X-Tandem-Forwarded";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a request waits for the node's loop to carry out an action or a change. */
    static final Duration LOOP_WAIT = Duration.ofSeconds(5);
    /** docs/api.md: the contract of every route, built once from {@link dev.tandem.api.AdminRoutes}. */
    private static final Map<String, Object> OPENAPI = OpenApi.document(Version.get());

    private final TandemNode node;
    private final byte[] token;
    private final AuthFailures authFailures = new AuthFailures();
    /** Calls the peer's admin API: over HTTPS, checked against admin.trustFile, when this node serves HTTPS. */
    private final HttpClient http;
    private final String scheme;
    private final Javalin app;
    private final ConsoleApi console;
    /** The admin API on the cluster's Admin RPC Port too, when it differs from admin.port. */
    private final RpcPort rpcPort;

    public AdminApi(TandemNode node) throws IOException {
        this.node = node;
        NodeConfig.Admin admin = node.config().admin();
        this.token = admin.tokenFile() == null ? null
                : Files.readString(admin.tokenFile()).strip().getBytes(StandardCharsets.UTF_8);
        if (token == null) LOG.warn("no admin.tokenFile: the admin API answers only /health and /metrics");
        NodeConfig.Tls tls = admin.tls();
        HttpClient.Builder peer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        javax.net.ssl.SSLContext serverTls = null;
        if (tls != null) {
            serverTls = PemTls.server(tls.certificate(), tls.privateKey(), "admin");
            peer.sslContext(PemTls.trusting(tls.trustFile(), "admin.trustFile"));
        }
        this.http = peer.build();
        this.scheme = tls == null ? "http" : "https";
        javax.net.ssl.SSLContext https = serverTls;
        this.console = new ConsoleApi(node, tls != null);
        this.rpcPort = new RpcPort(node, new AddressConnectors("admin API", this::jetty, this::port, https), admin.address());
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            // HTTPS only: no plain connector at all, so the bearer token never crosses the network in clear.
            if (https != null) {
                cfg.jetty.addConnector((server, httpConfig) -> {
                    rpcPort.connectors().httpConfiguration(httpConfig);
                    return PemTls.jettyConnector(server, httpConfig, https, admin.address(), admin.port());
                });
            }
            // Every body is capped (admin.http.maxBodyBytes); the user import reads its own stream under
            // admin.maxImportBytes (docs/node.md, HTTP limits).
            rpcPort.connectors().limits(JettyLimits.install(cfg, admin.http(), "admin API"));
            cfg.routes.before(ctx -> {
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("X-Frame-Options", "DENY");
            });
            cfg.routes.before("/api/*", this::authenticate);
            cfg.routes.get("/health", this::health);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(node.metrics().scrape()));
            cfg.routes.get("/api/v1/openapi.json", ctx -> ctx.json(OPENAPI));
            cfg.routes.get("/api/v1/node", this::nodeInfo);
            cfg.routes.get("/api/v1/redundancy-groups", ctx -> ctx.json(List.of(groupView())));
            cfg.routes.get("/api/v1/redundancy-groups/{name}", ctx -> ctx.json(groupOr404(ctx)));
            cfg.routes.post("/api/v1/redundancy-groups/{name}/failover", ctx -> action(ctx, AdminAction.FAILOVER));
            cfg.routes.post("/api/v1/redundancy-groups/{name}/fallback", ctx -> action(ctx, AdminAction.FALLBACK));
            cfg.routes.post("/api/v1/redundancy-groups/{name}/recover", ctx -> action(ctx, AdminAction.RECOVER));
            cfg.routes.get("/api/v1/failover", ctx -> ctx.json(FailoverView.of(node)));
            cfg.routes.get("/api/v1/parameters", ctx -> ctx.json(node.snapshot().params().asText()));
            cfg.routes.put("/api/v1/parameters", this::putParameters);
            cfg.routes.get("/api/v1/critical-services", this::criticalServices);
            cfg.routes.get("/api/v1/load-balancing", this::loadBalancing);
            cfg.routes.put("/api/v1/load", this::putLoad);
            cfg.routes.get("/api/v1/events/recent", ctx -> ctx.json(node.events().recent().stream()
                    .map(EventBus.Event::asMap).toList()));
            cfg.routes.sse("/api/v1/events", client -> {
                // Each reader has its own queue and thread (EventBus): one that stops reading is dropped, never waited for.
                Runnable cancel;
                try {
                    cancel = node.events().subscribe(e -> client.sendEvent(e.kind(), eventJson(e)), client::close);
                } catch (EventBus.TooManySubscribers e) {
                    client.sendEvent("error", e.getMessage());
                    client.close();
                    return;
                }
                client.keepAlive();
                client.onClose(cancel);
            });
            new ClusterApi(node).register(cfg.routes);
            console.register(cfg.routes);
            cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getStatus() == 413
                    ? tooLarge(admin.http().maxBodyBytes(), "admin.http.maxBodyBytes") : e.getMessage()));
            cfg.routes.exception(TimeoutException.class, (e, ctx) -> {
                // The loop is busy or stalled: the action may still be carried out, so the client checks, then retries.
                ctx.header("Retry-After", Long.toString(LOOP_WAIT.toSeconds()));
                error(ctx, 503, "the node did not carry out the request within " + LOOP_WAIT.toSeconds()
                        + " s; it may still take effect: check the state before retrying");
            });
            cfg.routes.exception(Invalid.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                var fault = dev.tandem.node.http.HttpErrors.clientFault(e);
                if (fault.isPresent()) {
                    error(ctx, fault.get().status(), fault.get().message());
                    return;
                }
                LOG.warn("admin API error on {} {}: {}", ctx.method(), ctx.path(), e.toString());
                error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
            });
            cfg.routes.error(404, ctx -> {
                // Our own 404s are JSON already; the framework's (no such route) are replaced by one.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) error(ctx, 404, "no such resource: " + ctx.path());
            });
            cfg.routes.error(405, ctx -> error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path()));
        });
    }

    public AdminApi start() {
        NodeConfig.Admin admin = node.config().admin();
        app.start(admin.address(), admin.port());
        LOG.info("admin API on {}://{}:{}", scheme, admin.address(), app.port());
        rpcPort.start(app.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The ports the API answers on besides admin.port: the cluster's Admin RPC Port, and one still retiring. */
    java.util.Set<Integer> rpcPorts() { return rpcPort.extraPorts(); }

    private org.eclipse.jetty.server.Server jetty() { return app.jettyServer().server(); }

    /** Every route the server answers, as "METHOD /path" (the contract test compares them with the document). */
    List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(e -> e.endpoint)
                .filter(e -> e.method.isHttpMethod()).map(e -> e.method.name() + " " + e.path).toList();
    }

    // ---------------------------------------------------------------- handlers

    /**
     * Checks the bearer token. The scheme is case-insensitive (RFC 7235: {@code bearer} is {@code Bearer}). Every
     * failure is logged with the client's address (never the token given); repeated wrong tokens from one address
     * are answered more and more slowly ({@link AuthFailures}).
     */
    private void authenticate(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        String h = ctx.header("Authorization");
        String session = ctx.cookie(ConsoleApi.COOKIE);
        if (h == null && session != null) {
            // A browser signed in to the console (docs/console.md): its operator's role decides what it may do.
            console.authenticate(ctx, session);
            return;
        }
        if (token == null) throw new ApiError(401, "the admin API has no token configured (admin.tokenFile)");
        String client = ctx.req().getRemoteAddr();
        if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            LOG.warn("admin API: no bearer token from {} on {} {}", client, ctx.method(), ctx.path());
            throw new ApiError(401, "missing bearer token: send 'Authorization: Bearer <token>', or sign in to the"
                    + " console");
        }
        if (MessageDigest.isEqual(h.substring(7).strip().getBytes(StandardCharsets.UTF_8), token)) {
            authFailures.succeeded(client);
            return;
        }
        int n = authFailures.failed(client);
        Duration delay = AuthFailures.delay(n);
        LOG.warn("admin API: wrong bearer token from {} on {} {} ({} in a row{})", client, ctx.method(), ctx.path(), n,
                delay.isZero() ? "" : "; answered after " + delay.toMillis() + " ms");
        if (!authFailures.hold(delay)) {
            ctx.header("Retry-After", Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000)));
            throw new ApiError(429, "too many wrong bearer tokens; wait before trying again");
        }
        throw new ApiError(401, "wrong bearer token");
    }

    /** A 413's message: the limit and the setting that raises it. */
    static String tooLarge(long limit, String setting) {
        return "the body is larger than the " + limit + " bytes allowed (" + setting + ")";
    }

    /** 200 while the node answers clients; 503 while its protocol loop is stalled or after it failed. */
    private void health(Context ctx) {
        if (node.answering()) {
            ctx.json(new NodeAnswers.Health("ok", node.config().id(), null));
            return;
        }
        ctx.status(503).json(new NodeAnswers.Health(node.failure().isPresent() ? "failed" : "stalled",
                node.config().id(), node.failure().orElse("the protocol loop is stalled")));
    }

    private void nodeInfo(Context ctx) {
        NodeConfig c = node.config();
        ctx.json(new NodeAnswers.NodeInfo(c.id(), ProcessHandle.current().pid(), Version.get(),
                new NodeAnswers.Addresses(c.address(), c.admin().address() + ":" + port(),
                        node.snapshot().params().servicePort()),
                node.startedAt().toString(), Duration.between(node.startedAt(), node.clock().instant()).toSeconds()));
    }

    private RedundancyAnswers.Group groupOr404(Context ctx) {
        String name = ctx.pathParam("name");
        if (!name.equals(node.snapshot().group().name())) {
            throw new ApiError(404, "no redundancy group '" + Quote.prefix(name) + "'; this node is in '"
                    + node.snapshot().group().name() + "'");
        }
        return groupView();
    }

    private RedundancyAnswers.Group groupView() {
        RmState s = node.snapshot();
        List<Actions.NodeView> views = new ArrayList<>();
        for (NodeId id : s.group().nodes()) {
            views.add(id.equals(s.self()) ? new Actions.NodeView(id, s.state(), s.running(), s.healthy())
                    : new Actions.NodeView(id, s.peer().state(), s.peer().alive(), s.peer().healthy()));
        }
        List<RedundancyAnswers.GroupNode> nodes = new ArrayList<>();
        for (Actions.NodeView view : views) {
            NodeId id = view.id();
            // docs/redundancy.md, Service addresses: where the address is now, as this node knows it.
            String serviceAddress = node.serviceAddressOf(id).orElse(null);
            String holder = serviceAddress == null ? null
                    : ServiceAddresses.holderAsSeenBy(s, id).map(NodeId::value).orElse(null);
            List<String> actions = nodeActions(s.group().highAvailability(), view, views);
            if (id.equals(s.self())) {
                // docs/redundancy.md, Versions: what Unknown disagrees on, naming both versions; null otherwise.
                // docs/session-service.md, Stateful failover: standbyReady is null without replication.
                nodes.add(new RedundancyAnswers.GroupNode(id.value(), address(id), serviceAddress, holder,
                        s.state().display(), s.reason().display(), RecoveryManager.detail(s).orElse(null),
                        s.versions().protocol(), s.versions().software(), null, s.running(), s.healthy(),
                        s.self().value(), node.sessions().flatMap(SessionService::replication)
                                .map(FailoverAnswers.Replication::standbyReady).orElse(null), null, actions));
            } else {
                boolean alive = s.peer().alive();
                // As the peer last sent them: null before it is heard; software "" from a build that sends none.
                Versions v = s.peer().versions();
                // docs/redundancy.md, Heartbeat paths: each path to this peer and whether it works now.
                nodes.add(new RedundancyAnswers.GroupNode(id.value(), address(id), serviceAddress, holder,
                        alive ? s.peer().state().display() : "Unknown", alive ? s.peer().reason().display() : "",
                        null, v == null ? null : v.protocol(), v == null ? null : v.software(),
                        v == null ? null : !s.peer().incompatibleWith(s.versions()), alive,
                        alive && s.peer().healthy(), s.self().value(), null, node.heartbeatPaths(), actions));
            }
        }
        return new RedundancyAnswers.Group(s.group().name(), s.group().description(), s.group().highAvailability(),
                nodes, Actions.available(s.group().highAvailability(), views).stream().map(AdminAction::display)
                        .sorted().toList(), FailoverView.witness(s, node.store().reachable()));
    }

    /** The actions the specification allows on {@code target} now, as {@link #action} would accept them. */
    private static List<String> nodeActions(boolean ha, Actions.NodeView target, List<Actions.NodeView> views) {
        java.util.Optional<Actions.NodeView> peer = views.stream().filter(v -> !v.id().equals(target.id())).findFirst();
        List<String> out = new ArrayList<>();
        for (AdminAction a : AdminAction.values()) {
            if (Actions.refusal(a, ha, target, peer).isEmpty()) out.add(a.display());
        }
        return out;
    }

    private String address(NodeId id) {
        return node.config().redundancyGroup().nodes().stream().filter(m -> m.id().equals(id.value()))
                .map(NodeConfig.Member::address).findFirst().orElse("");
    }

    private void action(Context ctx, AdminAction action) throws Exception {
        groupOr404(ctx);
        RmState s = node.snapshot();
        String target = action == AdminAction.RECOVER ? s.self().value() : ctx.queryParam("node");
        if (target == null || target.isBlank()) {
            throw new ApiError(400, "query parameter 'node' is required: one of " + s.group().nodes());
        }
        NodeId id;
        try {
            id = NodeId.of(target);
        } catch (Invalid e) {
            throw new ApiError(400, e.getMessage());
        }
        if (!s.group().contains(id)) {
            throw new ApiError(404, "no node '" + Quote.prefix(target) + "' in group " + s.group().name() + "; nodes: " + s.group().nodes());
        }
        if (!id.equals(s.self())) {
            forward(ctx, id);
            return;
        }
        Effect.AdminResult r = node.admin(action).get(LOOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (node.store().reachable()) {
            // Who pressed the button, in the audit log beside the settings' changes (docs/console.md).
            node.store().store().audit(new dev.tandem.node.store.ClusterStore.Action(ClusterApi.who(ctx),
                    action.display().toLowerCase(java.util.Locale.ROOT), s.group().name() + "/" + id.value()),
                    r.accepted() ? "ok: " + r.message() : "refused: " + r.message());
        }
        ctx.status(r.accepted() ? HttpStatus.ACCEPTED : HttpStatus.CONFLICT);
        ctx.json(new RedundancyAnswers.ActionAnswer(r.accepted(), r.message()));
    }

    /** The action is for the peer: ask the peer's own admin API (the admin RPC port is cluster-wide). */
    private void forward(Context ctx, NodeId peer) throws Exception {
        if (ctx.header(FORWARDED) != null) throw new ApiError(409, "not the node named; refusing to forward twice");
        URI uri = URI.create(scheme + "://" + address(peer) + ":" + node.config().admin().port() + ctx.path()
                + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + new String(token, StandardCharsets.UTF_8))
                .header(FORWARDED, node.config().id()).header(ClusterApi.ACTOR, ClusterApi.who(ctx))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            ctx.status(r.statusCode()).contentType("application/json").result(r.body());
        } catch (IOException e) {
            throw new ApiError(503, "the admin API of " + peer + " at " + uri.getHost() + " did not answer: " + e.getMessage());
        }
    }

    private void putParameters(Context ctx) throws Exception {
        JsonNode body = ClusterApi.body(ctx);
        if (!body.isObject()) throw new ApiError(400, "the body must be a JSON object of parameter: value");
        Map<String, String> changes = new LinkedHashMap<>(node.snapshot().params().asText());
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!ServiceParameters.NAMES.contains(e.getKey())) {
                throw new ApiError(400, "unknown parameter '" + Quote.prefix(e.getKey()) + "'; allowed: " + ServiceParameters.NAMES);
            }
            changes.put(e.getKey(), e.getValue().asText());
        }
        ServiceParameters next = ServiceParameters.fromText(changes);
        if (next.servicePort() != node.snapshot().params().servicePort()) {
            throw new ApiError(400, "servicePort changes only with a restart of the node (its heartbeat sockets are bound then)");
        }
        if (next.adminRpcPort() != node.snapshot().params().adminRpcPort()) {
            throw new ApiError(400, "adminRpcPort is the cluster's, not one node's: PUT /api/v1/cluster/parameters");
        }
        node.parameters(next).get(LOOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        ctx.json(next.asText());
    }

    /** Everything {@code show vpn load-balancing} shows ([LB-SHOW]), as JSON, with the specification's text in {@code text}. */
    private void loadBalancing(Context ctx) {
        LoadBalancingView v = node.loadBalancing()
                .orElseThrow(() -> new ApiError(404, "this node takes no part in a load-balancing group"));
        RmState rm = node.snapshot();
        String failover = FailoverView.column(rm, v.speaking());
        LbView view = LoadBalancer.view(v.state(), failover);
        ctx.json(new LoadBalancingAnswers.LoadBalancing(view.status(), view.role(), view.phase(), view.failover(),
                view.encryption(), view.clusterIp(), v.state().group().mode().display(), view.peers(), v.config().member(),
                v.speaking(), v.holdsAddress(), v.state().director() == null ? null : v.state().director().value(),
                view.rows().stream().map(r -> new LoadBalancingAnswers.MemberRow(r.publicIp(), r.role(), r.priority(),
                        r.model(), r.ipsecLoad(), r.sslLoad(), r.ipsecSessions(), r.sslSessions())).toList(),
                view.render()));
    }

    /**
     * The session service reports its sessions: {@code {"ssl":{"active":N,"max":M},"ipsec":{...}}}. Inactive
     * sessions are left out ([LB-SHOW]: they do not count towards the load).
     */
    private void putLoad(Context ctx) {
        if (node.loadBalancing().isEmpty()) throw new ApiError(404, "this node takes no part in a load-balancing group");
        if (node.sessions().isPresent()) {
            // Two sources would overwrite each other every second; the service's own count is the true one.
            throw new ApiError(409, "this node runs the session service, which reports the load itself;"
                    + " remove the sessionService section to report load through the API");
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw new ApiError(400, "the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject()) throw new ApiError(400, "the body must be {\"ssl\":{\"active\":N,\"max\":M},\"ipsec\":{...}}");
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("ssl") && !k.equals("ipsec")) throw new ApiError(400, "unknown session class '" + Quote.prefix(k) + "'; allowed: ssl, ipsec");
        }
        Load load = new Load(classLoad(body, "ipsec"), classLoad(body, "ssl"));
        node.reportLoad(load);
        ctx.status(HttpStatus.ACCEPTED).json(new LoadBalancingAnswers.LoadAnswer(count(load.ipsec()),
                count(load.ssl()), load.percent()));
    }

    private static LoadBalancingAnswers.ClassCount count(ClassLoad c) {
        return new LoadBalancingAnswers.ClassCount(c.active(), c.max());
    }

    private static ClassLoad classLoad(JsonNode body, String cls) {
        JsonNode c = body.get(cls);
        if (c == null || c.isNull()) return ClassLoad.NONE;
        if (!c.isObject()) throw new ApiError(400, cls + ": must be {\"active\":N,\"max\":M}");
        int active = count(c, cls + ".active");
        int max = count(c, cls + ".max");
        if (active > max) {
            throw new ApiError(400, cls + ".active: " + active + " is not allowed; allowed: at most " + cls + ".max (" + max + ")");
        }
        try {
            return new ClassLoad(active, max);
        } catch (Invalid e) {
            throw new ApiError(400, cls + ": " + e.getMessage());
        }
    }

    private static int count(JsonNode c, String field) {
        JsonNode v = c.get(field.substring(field.indexOf('.') + 1));
        if (v == null || !v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > ClassLoad.MAX_SESSIONS) {
            throw new ApiError(400, field + ": " + (v == null ? "missing" : "'" + Quote.prefix(v.toString()) + "'") + " is not allowed; allowed: a whole"
                    + " number from 0 to " + ClassLoad.MAX_SESSIONS);
        }
        return v.asInt();
    }

    private void criticalServices(Context ctx) {
        ctx.json(node.checks().map(c -> new NodeAnswers.CriticalServices(c.verdicts(), c.history().stream()
                        .map(h -> new NodeAnswers.CheckChange(h.check(), h.up(), h.at().toString(), h.detail())).toList()))
                .orElse(new NodeAnswers.CriticalServices(Map.of(), List.of())));
    }

    private static String eventJson(EventBus.Event e) {
        try {
            return JSON.writeValueAsString(e.asMap());
        } catch (IOException ex) {
            return "{}";
        }
    }

    private static void error(Context ctx, int status, String message) {
        // "message" too, so that every error of every server of the node has it (docs/node.md, HTTP limits).
        ctx.status(status).json(dev.tandem.api.ApiError.of(status, message));
    }

    @Override
    public void close() {
        rpcPort.close();
        app.stop();
    }

    /** A request that is answered with a status and a JSON error. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
