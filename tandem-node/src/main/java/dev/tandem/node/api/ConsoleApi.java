package dev.tandem.node.api;

import dev.tandem.api.ConsoleAnswers;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterStore;
import dev.tandem.node.store.ClusterStore.Operator;
import dev.tandem.node.store.StoreUnavailable;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console (docs/console.md, decision 0084): its page and assets, served from the build; operators signing in
 * and out; the operators themselves. The page is static and reads everything through the admin API, so a browser
 * can do exactly what the API lets its operator do. A signed-in browser authenticates by an HttpOnly, SameSite=Strict
 * cookie and sends its session's CSRF token with every change; a read-only operator's changes are refused.
 */
final class ConsoleApi {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);
    static final String COOKIE = "tandem_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String OPERATOR = "tandem.operator";
    static final String ROLE = "tandem.role";
    /** What the bearer token acts as: the CLI and scripts, with every right. */
    static final String TOKEN_OPERATOR = "token";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
    /** No inline script or style, nothing from another origin, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> ASSETS = Map.of("console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8", "icon.svg", "image/svg+xml");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    static final int HASHING = 2;
    private static final Duration HASHING_WAIT = Duration.ofSeconds(2);

    private final TandemNode node;
    private final boolean secure;
    private final ConsoleSessions sessions = new ConsoleSessions();
    private final AuthFailures loginFailures = new AuthFailures();
    /** Password checks at once: each holds {@link Passwords#MEMORY_KIB} KiB. */
    private final java.util.concurrent.Semaphore hashing = new java.util.concurrent.Semaphore(HASHING);
    private final Map<String, byte[]> assets;
    private final byte[] page;

    ConsoleApi(TandemNode node, boolean secure) {
        this.node = node;
        this.secure = secure;
        this.page = resource("index.html");
        this.assets = Map.of("console.js", resource("console.js"), "console.css", resource("console.css"),
                "icon.svg", resource("icon.svg"));
    }

    void register(RoutesConfig r) {
        r.get("/", ctx -> ctx.header("Content-Security-Policy", CSP).contentType("text/html; charset=utf-8")
                .header("Cache-Control", "no-cache").result(page));
        assets.forEach((name, body) -> r.get("/console/" + name,
                ctx -> ctx.contentType(ASSETS.get(name)).header("Cache-Control", "no-cache").result(body)));
        r.post("/console/login", this::login);
        r.post("/console/logout", this::logout);
        r.get("/api/v1/session", ctx -> ctx.json(new ConsoleAnswers.Session(operator(ctx), role(ctx),
                sessionOf(ctx).map(ConsoleSessions.Session::csrf).orElse(null))));
        r.get("/api/v1/operators", ctx -> ctx.json(store().operators().stream().map(ConsoleApi::view).toList()));
        r.post("/api/v1/operators", this::addOperator);
        r.delete("/api/v1/operators/{name}", this::removeOperator);
        r.put("/api/v1/operators/{name}/password", this::password);
    }

    /**
     * Authenticates a request under /api that carries the session cookie and no bearer token. True when it does and
     * may go on; throws 401 or 403 otherwise.
     */
    void authenticate(Context ctx, String sessionId) {
        ConsoleSessions.Session s = live(sessionId).orElseThrow(() -> new AdminApi.ApiError(401,
                "not signed in, or the session has ended: sign in again"));
        if (!SAFE.contains(ctx.method().name())) {
            if (!csrfMatches(ctx, s)) {
                LOG.warn("console: {} {} by {} from {} without the session's CSRF token: refused", ctx.method(),
                        ctx.path(), s.operator(), ctx.req().getRemoteAddr());
                throw new AdminApi.ApiError(403, "a change needs the session's CSRF token in " + CSRF_HEADER);
            }
            if (!s.admin()) {
                throw new AdminApi.ApiError(403, "operator '" + s.operator() + "' is read-only: changes need an admin");
            }
        }
        ctx.attribute(OPERATOR, s.operator());
        ctx.attribute(ROLE, s.role());
    }

    /** Whether the request carries the session's CSRF token, compared in constant time. */
    private static boolean csrfMatches(Context ctx, ConsoleSessions.Session s) {
        String csrf = ctx.header(CSRF_HEADER);
        return csrf != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                s.csrf().getBytes(StandardCharsets.UTF_8));
    }

    /** Who acts: the signed-in operator, or the bearer token. */
    static String operator(Context ctx) {
        String o = ctx.attribute(OPERATOR);
        return o == null ? TOKEN_OPERATOR : o;
    }

    static String role(Context ctx) {
        String r = ctx.attribute(ROLE);
        return r == null ? Operator.ADMIN : r;
    }

    private Optional<ConsoleSessions.Session> sessionOf(Context ctx) {
        return ctx.attribute(OPERATOR) == null ? Optional.empty() : live(ctx.cookie(COOKIE));
    }

    private Optional<ConsoleSessions.Session> live(String id) {
        Instant now = node.clock().instant();
        Optional<ConsoleSessions.Session> s = sessions.use(id, now);
        if (s.isEmpty() || !now.isAfter(s.get().checked().plus(ConsoleSessions.RECHECK))) return s;
        try {
            return sessions.rechecked(s.get(), store().operator(s.get().operator()).map(Operator::role), now);
        } catch (StoreUnavailable e) {
            return s; // the store is down: the session keeps the role it had
        }
    }

    private void login(Context ctx) throws InterruptedException {
        ctx.header("Cache-Control", "no-store"); // the answer holds the session's CSRF token
        ConsoleAnswers.Login in = body(ctx, ConsoleAnswers.Login.class);
        if (in.name() == null || in.password() == null) throw new AdminApi.ApiError(400, "name and password are required");
        String client = ctx.req().getRemoteAddr();
        boolean ok;
        // Each check holds 19 MiB for tens of milliseconds: at most HASHING at once, whatever the number of clients.
        if (!hashing.tryAcquire(HASHING_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            ctx.header("Retry-After", "1");
            throw new AdminApi.ApiError(429, "too many sign-ins at once; try again in a second");
        }
        Optional<Operator> o;
        try {
            o = NAME.matcher(in.name()).matches() ? store().operator(in.name()) : Optional.empty();
            ok = o.isPresent() ? Passwords.matches(in.password(), o.get().passwordHash()) : decoy(in.password());
        } finally {
            hashing.release();
        }
        if (!ok) {
            int n = loginFailures.failed(client);
            Duration delay = AuthFailures.delay(n);
            LOG.warn("console: failed sign-in as '{}' from {} ({} in a row{})", dev.tandem.core.Quote.prefix(in.name()),
                    client, n, delay.isZero() ? "" : "; answered after " + delay.toMillis() + " ms");
            if (!loginFailures.hold(delay)) {
                ctx.header("Retry-After", Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000)));
                throw new AdminApi.ApiError(429, "too many failed sign-ins; wait before trying again");
            }
            audit(dev.tandem.core.Quote.prefix(in.name()), "login", client, "refused: wrong name or password");
            throw new AdminApi.ApiError(401, "wrong name or password");
        }
        loginFailures.succeeded(client);
        ConsoleSessions.Session s = sessions.open(o.get().name(), o.get().role(), node.clock().instant());
        Cookie c = new Cookie(COOKIE, s.id(), "/", -1, secure, true, null, SameSite.STRICT);
        ctx.cookie(c);
        audit(s.operator(), "login", client, "ok: role " + s.role());
        ctx.json(new ConsoleAnswers.Session(s.operator(), s.role(), s.csrf()));
    }

    private static boolean decoy(String password) {
        Passwords.decoy(password);
        return false;
    }

    private void logout(Context ctx) {
        String id = ctx.cookie(COOKIE);
        ConsoleSessions.Session s = live(id).orElseThrow(() -> new AdminApi.ApiError(401, "not signed in"));
        if (!csrfMatches(ctx, s)) {
            throw new AdminApi.ApiError(403, "signing out needs the session's CSRF token in " + CSRF_HEADER);
        }
        sessions.close(id);
        ctx.removeCookie(COOKIE, "/");
        audit(s.operator(), "logout", ctx.req().getRemoteAddr(), "ok");
        ctx.json(new ConsoleAnswers.SignedOut(s.operator()));
    }

    private void addOperator(Context ctx) {
        ConsoleAnswers.NewOperator in = body(ctx, ConsoleAnswers.NewOperator.class);
        String name = validName(in.name());
        String role = validRole(in.role());
        validPassword(in.password());
        Operator o = new Operator(name, role, Passwords.hash(in.password()), node.clock().instant());
        ClusterStore.Action a = action(ctx, "operator add", name);
        audited(a, () -> store().addOperator(a, o));
        ctx.status(201).json(view(o));
    }

    private void removeOperator(Context ctx) {
        String name = ctx.pathParam("name");
        ClusterStore.Action a = action(ctx, "operator remove", name);
        audited(a, () -> store().removeOperator(a, name));
        sessions.closeAll(name);
        ctx.json(new ConsoleAnswers.OperatorRemoved(name));
    }

    private void password(Context ctx) {
        String name = ctx.pathParam("name");
        ConsoleAnswers.Password in = body(ctx, ConsoleAnswers.Password.class);
        validPassword(in.password());
        ClusterStore.Action a = action(ctx, "operator passwd", name);
        audited(a, () -> store().operatorPassword(a, name, Passwords.hash(in.password())));
        // Other browsers signed in as this operator sign in again with the new password.
        sessions.closeAll(name);
        ctx.json(view(store().operator(name).orElseThrow()));
    }

    private static String validName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new AdminApi.ApiError(400, "name: '" + dev.tandem.core.Quote.prefix(String.valueOf(name))
                    + "' is not allowed; allowed: 1 to 64 of A-Z a-z 0-9 _ . @ -, starting with a letter or digit");
        }
        return name;
    }

    private static String validRole(String role) {
        if (!Operator.ADMIN.equals(role) && !Operator.READ_ONLY.equals(role)) {
            throw new AdminApi.ApiError(400, "role: '" + dev.tandem.core.Quote.prefix(String.valueOf(role))
                    + "' is not allowed; allowed: " + Operator.ADMIN + ", " + Operator.READ_ONLY);
        }
        return role;
    }

    private static void validPassword(String password) {
        String why = Passwords.refusal(password);
        if (why != null) throw new AdminApi.ApiError(400, "password: " + why);
    }

    private static ConsoleAnswers.Operator view(Operator o) {
        return new ConsoleAnswers.Operator(o.name(), o.role(), o.created().toString());
    }

    /** Runs a change that audits itself when it succeeds; a refusal is audited here, then answered. */
    private void audited(ClusterStore.Action a, Runnable change) {
        try {
            change.run();
        } catch (dev.tandem.node.store.AdminRefused | dev.tandem.node.store.UserAdmin.NotFound e) {
            audit(a.who(), a.action(), a.target(), "refused: " + e.getMessage());
            throw e;
        }
    }

    private ClusterStore.Action action(Context ctx, String what, String target) {
        return new ClusterStore.Action(ClusterApi.who(ctx), what, target);
    }

    private void audit(String who, String action, String target, String result) {
        if (!node.store().reachable()) return;
        store().audit(new ClusterStore.Action(who, action, target), result);
    }

    private ClusterStore store() {
        return node.store().store();
    }

    private static <T> T body(Context ctx, Class<T> type) {
        try {
            T t = ClusterApi.JSON.readValue(ctx.body(), type);
            if (t == null) throw new AdminApi.ApiError(400, "the body is empty; a JSON object is required");
            return t;
        } catch (IOException e) {
            throw new AdminApi.ApiError(400, "the body is not the JSON object expected: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleApi.class.getResourceAsStream("/console/" + name)) {
            if (in == null) throw new IllegalStateException("the build lacks the console's " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
