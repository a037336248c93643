package dev.tandem.node.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.SessionAnswers;
import dev.tandem.core.Quote;
import dev.tandem.core.lb.Load;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.SessionHandover;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.store.User;
import dev.tandem.node.tls.PemTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small, real session service to run behind Tandem: clients log in over HTTP as a user, hold their session with
 * heartbeats and log out. It reports its sessions to the node as load, follows the node's recovery-manager state
 * (take over, take back, manual failover) and has its own HTTP server on the member's public address and the
 * service port. docs/session-service.md describes the HTTP API.
 */
public final class SessionService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The header a client may name its session in (besides ?session= and the JSON body). */
    public static final String SESSION_HEADER = "X-Tandem-Session";
    private final java.util.concurrent.CompletableFuture<Integer> warmedUp = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean closed;
    private static final Duration LONGEST_SWEEP = Duration.ofSeconds(1);

    private final NodeConfig.SessionService config;
    private final SessionHost host;
    private final UserHomes homes;
    private final Clock clock;
    private final SessionBook book;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer;
    private final AtomicBoolean reportPending = new AtomicBoolean();
    /** The HTTP server: the node's own address and each service address the node holds now. */
    private final SessionHttp http;
    /** Logins wait for the store (the user's home) and the peer's acknowledgement: never on an event loop. */
    private final java.util.concurrent.ExecutorService logins = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tandem-login-", 0).factory());
    private volatile Set<Serving.Side> served = Set.of();
    private volatile Load lastReported;
    private final Object servingLock = new Object();
    /** What happens to sessions when users move, and the replication to and from the peer. */
    private final Standby standby;

    public SessionService(NodeConfig.SessionService config, SessionHost host, UserHomes homes, Clock clock) {
        this.config = config;
        this.host = host;
        this.homes = homes;
        this.clock = clock;
        this.book = new SessionBook(host.id(), host.peer().orElse(null), config.maxSessions(), config.inactiveAfter(),
                config.endAfter(), config.maxSessionsPerAddress(), config.maxSessionsPerUser());
        this.standby = new Standby(config, host, book, clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-sessions-" + host.id());
            t.setDaemon(true);
            return t;
        });
        io.netty.handler.ssl.SslContext tls = config.tls() == null ? null
                : PemTls.nettyServer(config.tls().certificate(), config.tls().privateKey(), "sessionService");
        // Every answer, a refusal too, tells the client how long to wait before it logs in here again.
        this.http = new SessionHttp("session service of " + host.id(), config.http(), "sessionService.http", tls,
                this::route, headers -> {
                    SessionHost.Relogin r = host.relogin();
                    headers.set(SessionAnswers.RELOGIN_HEADER, r.lower().toMillis() + "-" + r.upper().toMillis());
                });
    }

    /** Which handler answers a path, and with which methods. */
    private void route(SessionHttp.Exchange x) {
        switch (x.path()) {
            // GET too: a client that follows the cluster address's redirect arrives here with the same method.
            case "/session/login" -> {
                if (allowed(x, "POST", "GET")) loginOffTheLoop(x);
            }
            case "/session/heartbeat" -> {
                if (allowed(x, "POST")) answer(x, this::heartbeat);
            }
            case "/session/logout" -> {
                if (allowed(x, "POST")) answer(x, this::logout);
            }
            case "/session/health" -> {
                if (allowed(x, "GET")) answer(x, this::health);
            }
            case "/session/stats" -> {
                if (allowed(x, "GET")) answer(x, this::stats);
            }
            default -> x.refuse(404, "no-such-resource", "no such resource: " + Quote.prefix(x.path()), null, false);
        }
    }

    /** A login may wait (the store, the peer's acknowledgement): it runs off the event loop, on a thread of its own. */
    private void loginOffTheLoop(SessionHttp.Exchange x) {
        try {
            logins.execute(() -> answer(x, this::login));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            x.refuse(503, "not-serving", host.id() + "'s session service is stopping; log in through the cluster address",
                    retryAfter(), true);
        }
    }

    private static boolean allowed(SessionHttp.Exchange x, String... methods) {
        for (String m : methods) {
            if (m.equals(x.method())) return true;
        }
        x.refuse(405, "method-not-allowed", "method " + Quote.prefix(x.method()) + " not allowed on " + x.path()
                + "; allowed: " + String.join(", ", methods), null, false);
        return false;
    }

    /** Runs a handler and answers with what it returns, or with its refusal; never leaves a request unanswered. */
    private void answer(SessionHttp.Exchange x, java.util.function.Function<SessionHttp.Exchange, Object> handler) {
        Object body;
        try {
            body = handler.apply(x);
        } catch (Refusal r) {
            // The session's service address is moving to the peer: the client's connection still reaches this node,
            // which will close it when it lets the address go, maybe a while later with many clients. Closed now,
            // the client's next heartbeat opens a new connection, and that reaches whoever holds the address by then.
            x.refuse(r.status, r.code, r.getMessage(), r.retryAfter, r.code.equals("moving"));
            return;
        } catch (RuntimeException e) {
            LOG.warn("session service error on {} {}: {}", x.method(), x.path(), e.toString());
            x.refuse(500, "internal", "internal error: " + e.getClass().getSimpleName(), null, false);
            return;
        }
        x.ok(body);
    }

    /** Binds the HTTP server, starts the sweep and reports the first (empty) load. */
    public SessionService start() {
        served = Set.copyOf(host.serving());
        http.start(config.address(), config.port());
        standby.start();
        Duration sweep = config.inactiveAfter().dividedBy(4);
        if (sweep.compareTo(LONGEST_SWEEP) > 0) sweep = LONGEST_SWEEP;
        if (sweep.toMillis() < 5) sweep = Duration.ofMillis(5);
        // The sweep also reports the load at least once a second: at least every load-balancing keepalive ([LB-KA]).
        timer.scheduleAtFixedRate(this::tick, sweep.toMillis(), sweep.toMillis(), TimeUnit.MILLISECONDS);
        changed();
        LOG.info("session service of {} on {}://{}:{} (max {} sessions)", host.id(), config.tls() == null ? "http" : "https",
                config.address(), port(),
                config.maxSessions());
        return this;
    }

    /**
     * Starts the warm-up ({@link SessionWarmUp}) on a virtual thread of its own and returns at once. `tandem node`
     * calls it once the node and its admin API have started, so that it does not compete with the start itself.
     */
    public SessionService warmUpInBackground() {
        new SessionWarmUp(host.id(), config.address(), port(), config.tls() != null, http, () -> !closed, warmedUp).startInBackground();
        return this;
    }

    /** How many answers the warm-up at start had, once it is over (SessionServiceTest). */
    java.util.concurrent.CompletableFuture<Integer> warmedUp() {
        return warmedUp;
    }

    public int port() {
        return http.port();
    }

    /**
     * Replicates this node's sessions to its redundancy peer and takes the peer's as standby copies
     * (docs/session-service.md, Stateful failover): copies arrive on {@code listenAt}; this node's go to
     * {@code peerAt}. {@code envelopes} makes a new envelope of the cluster key for each direction;
     * {@code dropped} counts a rejected frame by cause; {@code incarnation} is new with every start of the node.
     * Call before {@link #start}.
     */
    public void replicate(InetSocketAddress listenAt, InetSocketAddress peerAt, String bindFrom,
                          Supplier<Envelope> envelopes, BiConsumer<String, String> dropped, long incarnation)
            throws IOException {
        // What a snapshot adopts as live follows what the service serves now (servingChanged keeps it current).
        standby.replicate(listenAt, peerAt, bindFrom, envelopes, dropped, incarnation, () -> served);
    }

    /**
     * The node's state changed: the sessions of the users it serves no longer, and of those it serves now, follow
     * tandem-core's {@link SessionHandover} plan ({@link Standby#apply}).
     */
    public void servingChanged() {
        synchronized (servingLock) {
            Set<Serving.Side> now = Set.copyOf(host.serving());
            Set<Serving.Side> before = served;
            if (now.equals(before)) return;
            served = now;
            if (standby.apply(before, now)) changed();
        }
    }

    /** Empty without a peer to replicate to (or with handover relogin). */
    public Optional<dev.tandem.api.FailoverAnswers.Replication> replication() {
        return standby.replication();
    }

    /** Whether this node could carry its peer's sessions on top of its own; empty without replication. */
    public Optional<dev.tandem.api.FailoverAnswers.Capacity> capacity() {
        return standby.capacity();
    }

    /** A state change the service has not seen yet is acted on before a client's request is. */
    private void syncServing() {
        if (!Set.copyOf(host.serving()).equals(served)) servingChanged();
    }

    // ---------------------------------------------------------------- handlers

    private Object login(SessionHttp.Exchange x) {
        requireAnswering();
        syncServing();
        String user = user(x);
        Serving.Side side = sideFor(user);
        String token = newToken();
        String address = x.clientAddress();
        switch (book.admit(token, user, address, side, clock.instant())) {
            case SessionBook.Admission.Full f -> throw new Refusal(503, "full", f.reason(), retryAfter());
            case SessionBook.Admission.OverLimit o -> {
                LOG.info("{} refused a login: {}", host.id(), o.reason());
                throw new Refusal(429, o.code(), o.reason(), retryAfter());
            }
            case SessionBook.Admission.In in -> {
                in.loggedOff().ifPresent(off -> LOG.info("{} logged off the session inactive the longest ({}) to admit"
                        + " a new one", host.id(), off.user() == null ? "anonymous" : off.user()));
                changed();
                // Answered once the peer holds a copy, so that a login answered is never lost to one failure; a peer
                // that does not answer in time is marked not ready and the login answered anyway (decision 0071).
                standby.acknowledged().join();
                return sessionAnswer(in.entry(), "active");
            }
        }
    }

    /** Which of the node's sides the user belongs to, or a refusal that sends the client back to the cluster address. */
    private Serving.Side sideFor(String user) {
        Set<Serving.Side> now = host.serving();
        Optional<String> home = user == null ? Optional.empty() : homes.homeNode(user);
        if (home.isEmpty() || home.get().equals(host.id())) {
            if (now.contains(Serving.Side.OWN)) return Serving.Side.OWN;
            if (home.isPresent() && host.peer().isPresent()) {
                throw new Refusal(409, "not-here", "user " + user + " is served by " + host.peer().get()
                        + " while " + host.id() + " is failed over; log in through the cluster address", null);
            }
            throw new Refusal(503, "not-serving", host.id() + " serves no users now; log in through the cluster address",
                    retryAfter());
        }
        if (host.peer().equals(home) && now.contains(Serving.Side.PEER)) return Serving.Side.PEER;
        String servedBy = home.get();
        throw new Refusal(409, "not-here", "user " + user + " is served by " + servedBy
                + "; log in through the cluster address", null);
    }

    /** A node whose protocol loop is stalled answers no client (SessionHost#answering). */
    private void requireAnswering() {
        if (!host.answering()) {
            throw new Refusal(503, "node-unavailable", host.id() + " cannot reach its redundancy peer's state now"
                    + " (its protocol loop is stalled or it has failed); try again", retryAfter());
        }
    }

    private Object heartbeat(SessionHttp.Exchange x) {
        requireAnswering();
        syncServing();
        String token = token(x);
        Optional<SessionBook.Beat> seen = book.heartbeat(token, clock.instant());
        if (seen.isEmpty() && book.copy(token).isPresent()) {
            String peer = host.peer().orElse("the peer");
            // The session moves to the peer with its user (or this node has not taken it over yet): the service
            // address follows within moments, so the client heartbeats again rather than logging in.
            if (host.addressesFollowUsers()) {
                throw new Refusal(503, "moving", "the session is served by " + peer
                        + " now or in a moment; heartbeat again at the same address", null);
            }
            throw new Refusal(409, "not-here", "the session is served by " + peer + " now; log in through the"
                    + " cluster address", null);
        }
        SessionBook.Beat beat = seen.orElseThrow(this::noSession);
        if (beat.resumed()) changed(); // an active session's heartbeat leaves the load as it was
        return sessionAnswer(beat.entry(), "active");
    }

    private Object logout(SessionHttp.Exchange x) {
        String token = token(x);
        if (book.end(token).isEmpty()) throw noSession();
        changed();
        return new SessionAnswers.Ended(token, host.id(), true);
    }

    private Object health(SessionHttp.Exchange x) {
        return new SessionAnswers.Health("ok", host.id(), sides(host.serving()));
    }

    private Object stats(SessionHttp.Exchange x) {
        SessionBook.Counts c = book.counts();
        Load reported = lastReported;
        return new SessionAnswers.Stats(host.id(), sides(host.serving()), c.active(), c.inactive(), c.max(),
                c.maxSeen(), c.own(), c.peer(), c.load().percent(),
                reported == null ? null : new SessionAnswers.Reported(reported.sessions(), reported.max()),
                config.replication().handover().name().toLowerCase(Locale.ROOT), book.copyCount(),
                replication().orElse(null));
    }

    // ---------------------------------------------------------------- request parts

    private String user(SessionHttp.Exchange x) {
        String user = x.query("user");
        if (user == null) user = x.header(config.userHeader());
        if (user == null) user = bodyField(x, "user");
        if (user == null || user.isEmpty()) return null;
        // The store's rule (User.checkId), so that every user the store accepts can log in.
        if (!User.validId(user)) {
            throw new Refusal(400, "bad-request", "user '" + Quote.prefix(user) + "' is not allowed; allowed: " + User.ID_ALLOWED, null);
        }
        return user;
    }

    private static String token(SessionHttp.Exchange x) {
        String token = x.header(SESSION_HEADER);
        if (token == null) token = x.query("session");
        if (token == null) token = bodyField(x, "session");
        if (token == null || token.isBlank()) {
            throw new Refusal(400, "bad-request", "session missing: send it in the " + SESSION_HEADER
                    + " header, as ?session= or as {\"session\": ...}", null);
        }
        return token;
    }

    private static String bodyField(SessionHttp.Exchange x, String field) {
        String body = x.body();
        if (body.isBlank()) return null;
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new Refusal(400, "bad-request", "the body is not JSON: send {\"" + field + "\": \"...\"} or nothing", null);
        }
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new Refusal(400, "bad-request", "'" + field + "' must be text", null);
        return v.asText();
    }

    private SessionAnswers.Session sessionAnswer(SessionBook.Entry e, String state) {
        SessionHost.Relogin r = host.relogin();
        return new SessionAnswers.Session(e.token(), e.user(), host.id(), state,
                config.heartbeatInterval().toMillis() / 1000.0, config.heartbeatInterval().toMillis(),
                config.inactiveAfter().toMillis() / 1000.0, r.lower().toMillis(), r.upper().toMillis());
    }

    private Refusal noSession() {
        return new Refusal(404, "no-session", "no such session on " + host.id()
                + " (ended, dropped or never started); log in again through the cluster address", null);
    }

    /** [RG-RELOGIN]: clients wait at least the Client Re-Login Lower Limit before they log in again. */
    private Duration retryAfter() {
        return host.reloginLower();
    }

    private String newToken() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static List<String> sides(Set<Serving.Side> s) {
        return EnumSet.copyOf(s.isEmpty() ? EnumSet.noneOf(Serving.Side.class) : s).stream()
                .map(x -> x.name().toLowerCase(Locale.ROOT)).toList();
    }

    // ---------------------------------------------------------------- load

    /** Something changed: one report soon, however many changes come before it runs (coalesced). */
    private void changed() {
        if (reportPending.compareAndSet(false, true)) {
            try {
                timer.execute(this::report);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reportPending.set(false); // closing
            }
        }
    }

    private void report() {
        reportPending.set(false);
        Load load = book.load();
        // A node that serves nobody (failed over, idle) shows full, so the director never sends a client there
        // ([LB-SHOW]: a member at 100% is never chosen); its own users are with its peer.
        if (host.serving().isEmpty()) load = Load.of(SessionBook.CLASS, load.sessions(), 0);
        try {
            host.reportLoad(load);
            lastReported = load;
        } catch (RuntimeException e) {
            LOG.warn("session load not reported to {}: {}", host.id(), e.getMessage());
        }
    }

    private void tick() {
        try {
            book.sweep(clock.instant()); // the report below carries what it changed
            // A state change is acted on when the node announces it; this catches one that came without a transition
            // (for example the hand-off inside Failing Over).
            if (!Set.copyOf(host.serving()).equals(served)) servingChanged();
            standby.checkCapacity();
            report();
        } catch (RuntimeException e) {
            LOG.warn("session sweep of {} failed: {}", host.id(), e.toString());
        }
    }

    /** For tests: the sweep at a chosen instant. */
    void sweepNow() {
        if (book.sweep(clock.instant())) changed();
    }

    SessionBook book() {
        return book;
    }

    /**
     * Answers clients on {@code address} too, at the service's port: the node now holds that service address.
     * Throws when the address cannot be bound (its previous holder has not let it go yet); the caller retries.
     */
    public void listen(String address) {
        http.listen(address);
    }

    /** Stops answering on {@code address}: the node gives that service address up. Its sessions stay. */
    public void unlisten(String address) {
        http.unlisten(address);
    }

    /** The service addresses the service answers on now. */
    public Set<String> listening() {
        return http.listening().stream().map(k -> k.substring(0, k.lastIndexOf(':')))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        standby.close();
        http.close();
        logins.shutdownNow();
    }

    // ---------------------------------------------------------------- refusals

    /** An answer other than success; {@code retryAfter} becomes the Retry-After header when set. */
    private static final class Refusal extends RuntimeException {
        final int status;
        final String code;
        final Duration retryAfter;

        Refusal(int status, String code, String reason, Duration retryAfter) {
            super(reason, null, false, false);
            this.status = status;
            this.code = code;
            this.retryAfter = retryAfter;
        }
    }
}
