package dev.tandem.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A client of a session service behind Tandem. It asks the cluster address which node to use (following the
 * director's redirect, or reading its JSON answer), logs in there, keeps the session alive with heartbeats at the
 * interval the node asks for, and when the session or the node is lost logs in again through the cluster address
 * after a random delay between the Client Re-Login Lower and Upper Limits ([RG-RELOGIN]).
 *
 * <p>Everything is asynchronous: a client holds no thread of its own. Many clients can share one
 * {@link HttpClient} and one {@link ScheduledExecutorService} (see {@link Builder#httpClient} and
 * {@link Builder#scheduler}). docs/client.md has an example.
 */
public final class TandemClient implements AutoCloseable {
    /** How the client learns its node from the cluster address. */
    public enum Discovery {
        /** {@code GET <cluster>/session/login?user=U}: the director answers 302 to the chosen member, the client follows. */
        REDIRECT,
        /** {@code GET <cluster>/.well-known/tandem/assign?user=U}: the director answers JSON {host, port, url, member, rule}. */
        ASSIGN
    }

    public static final String LOGIN_PATH = "/session/login";
    public static final String HEARTBEAT_PATH = "/session/heartbeat";
    public static final String LOGOUT_PATH = "/session/logout";
    public static final String ASSIGN_PATH = "/.well-known/tandem/assign";
    public static final String SESSION_HEADER = "X-Tandem-Session";

    private final URI cluster;
    private final String user;
    /** The limits the application set; null: the node's. */
    private final ReloginDelay relogin;
    /** What the node the client last heard from advertised ([RG-RELOGIN]: set per node); null before any answer. */
    private volatile ReloginDelay advertised;
    private final ServiceCalls calls;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final RandomGenerator random;
    private final Duration requestTimeout;
    private final ClientListener listener;

    private final Object lock = new Object();
    private ClientState state = new ClientState.Idle();
    /** Bumped by every new login attempt and by close: an answer that arrives for an older one is ignored. */
    private long generation;
    private int attempts;
    private int notHereInRow;
    private ScheduledFuture<?> next;
    private boolean closed;

    private TandemClient(Builder b) {
        this.cluster = b.cluster;
        this.user = b.user;
        this.relogin = b.reloginLower == null ? null : new ReloginDelay(b.reloginLower, b.reloginUpper);
        this.calls = new ServiceCalls(b.cluster, b.user, b.discovery, b.http, b.trustFile, b.requestTimeout,
                limits -> advertised = limits);
        this.ownScheduler = b.scheduler == null;
        this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-client");
            t.setDaemon(true);
            return t;
        }) : b.scheduler;
        this.random = b.random;
        this.requestTimeout = b.requestTimeout;
        this.listener = b.listener;
    }

    /** A client of the service behind {@code cluster}, for example {@code http://127.0.0.10:8443}. */
    public static Builder builder(URI cluster) {
        return new Builder(cluster);
    }

    /** Starts the first login now (asynchronously). A client starts once. */
    public TandemClient start() {
        long gen;
        synchronized (lock) {
            if (!(state instanceof ClientState.Idle)) throw new IllegalStateException("started already: " + state);
            gen = generation;
        }
        run(gen, this::connect);
        return this;
    }

    public ClientState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** The session held now, if logged in. */
    public Optional<ClientState.LoggedIn> session() {
        return state() instanceof ClientState.LoggedIn in ? Optional.of(in) : Optional.empty();
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public URI cluster() {
        return cluster;
    }

    // ---------------------------------------------------------------- logging in

    private void connect(long gen) {
        int attempt;
        synchronized (lock) {
            if (gen != generation || closed) return;
            attempt = ++attempts;
        }
        change(gen, new ClientState.Connecting(cluster, attempt));
        calls.login().thenAccept(login -> {
            switch (login) {
                case ServiceCalls.Login.Session s -> loggedIn(gen, s.in(), s.hold());
                case ServiceCalls.Login.Refused f -> refused(gen, f.answer(), f.who());
                case ServiceCalls.Login.Failed f -> retryLater(gen, f.reason(), Duration.ZERO);
            }
        });
    }

    private void loggedIn(long gen, ClientState.LoggedIn in, Duration hold) {
        synchronized (lock) {
            if (gen != generation || closed) return;
            notHereInRow = 0;
        }
        change(gen, in);
        long now = System.nanoTime();
        schedule(gen, in.heartbeat(), () -> heartbeat(gen, in, hold, now));
    }

    /**
     * A refusal. 409 means "not here, ask the cluster address again": the director may not know yet that the user
     * moved, so the client asks once more at once, and waits the re-login delay only if it is sent away twice.
     */
    private void refused(long gen, HttpResponse<String> r, String who) {
        String reason = who + " answered " + r.statusCode() + Replies.reasonOf(r);
        if (r.statusCode() == 409) {
            boolean again;
            synchronized (lock) {
                if (gen != generation || closed) return;
                again = ++notHereInRow == 1;
                if (again) generation++;
            }
            if (again) {
                long g = gen + 1;
                run(g, this::connect);
                return;
            }
        }
        retryLater(gen, reason, Replies.retryAfter(r));
    }

    // ---------------------------------------------------------------- holding the session

    /**
     * One heartbeat. The session is kept through a failover (docs/client.md, Failover): while the member's address
     * does not answer, or answers 503 {@code moving} or {@code node-unavailable}, the client tries again at the same
     * address ({@link HeartbeatTiming#retryAfterFailure}: after a quarter interval for a second from the first
     * failure and from any {@code moving}, otherwise each interval), for as
     * long as the session stays active on the service ({@code hold}, the service's inactiveAfter, since the last
     * answered heartbeat). The node that answers may be another one now: the survivor of the pair, which took the
     * session over with its user.
     */
    private void heartbeat(long gen, ClientState.LoggedIn in, Duration hold, long lastAnswered) {
        heartbeat(gen, in, hold, lastAnswered, HeartbeatTiming.Failing.NONE);
    }

    private void heartbeat(long gen, ClientState.LoggedIn in, Duration hold, long lastAnswered,
                           HeartbeatTiming.Failing failing) {
        calls.heartbeat(in).whenComplete((r, e) -> {
            long now = System.nanoTime();
            if (e == null && r.statusCode() == 200) {
                ClientState.LoggedIn next = in;
                String node = Replies.nodeOf(r);
                if (node != null && !node.equals(in.node())) {
                    next = new ClientState.LoggedIn(node, in.member(), in.session(), in.heartbeat());
                    if (!change(gen, next)) return;
                }
                ClientState.LoggedIn held = next;
                schedule(gen, in.heartbeat(), () -> heartbeat(gen, held, hold, now));
                return;
            }
            String why = e != null ? "node " + in.node() + " did not answer the heartbeat: " + Replies.describe(e)
                    : "node " + in.node() + " answered the heartbeat " + r.statusCode() + Replies.reasonOf(r);
            String code = e == null && r.statusCode() == 503 ? Replies.errorCode(r) : "";
            boolean passing = e != null || code.equals("moving") || code.equals("node-unavailable");
            if (passing && now - lastAnswered < hold.toNanos()) {
                // A takeover or a move is over within moments ("moving" says one is under way): failures for a
                // second after the first one, and after any moving, are repeated after a quarter interval, so a
                // client lands on the next node soon after it answers (docs/client.md, Failover).
                HeartbeatTiming.Failing next = failing.after(now, code.equals("moving"));
                schedule(gen, HeartbeatTiming.retryAfterFailure(in.heartbeat(), next.quick(now)),
                        () -> heartbeat(gen, in, hold, lastAnswered, next));
                return;
            }
            lost(gen, in, why, e != null ? Duration.ZERO : Replies.retryAfter(r));
        });
    }

    private void lost(long gen, ClientState.LoggedIn in, String reason, Duration retryAfter) {
        if (!change(gen, new ClientState.Lost(in.node(), reason))) return;
        retryLater(gen, reason, retryAfter);
    }

    /**
     * [RG-RELOGIN]: log in again after a random delay between the re-login limits, or the server's Retry-After if
     * longer. The limits are the application's if it set them, else those the node last heard from advertised, else
     * the specification's defaults.
     */
    private void retryLater(long gen, String reason, Duration retryAfter) {
        Duration delay = reloginDelay().pick(random == null ? ThreadLocalRandom.current() : random);
        if (retryAfter.compareTo(delay) > 0) delay = retryAfter;
        long g;
        synchronized (lock) {
            if (gen != generation || closed) return;
            g = ++generation;
        }
        change(g, new ClientState.ReloginScheduled(delay, reason));
        schedule(g, delay, () -> connect(g));
    }

    /** The re-login limits this client waits by now (see {@link #retryLater}). */
    public ReloginDelay reloginDelay() {
        ReloginDelay heard = advertised;
        return relogin != null ? relogin : heard != null ? heard : ReloginDelay.DEFAULT;
    }

    // ---------------------------------------------------------------- closing

    /** Logs out (when logged in) and stops; the answer to the logout is not awaited longer than the request timeout. */
    @Override
    public void close() {
        try {
            closeAsync().get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // The node may be gone: the client is closed all the same.
        }
    }

    /** Stops at once; the logout completes in the background. */
    public CompletableFuture<Void> closeAsync() {
        ClientState before;
        synchronized (lock) {
            if (closed) return CompletableFuture.completedFuture(null);
            closed = true;
            generation++;
            if (next != null) next.cancel(false);
            before = state;
            state = new ClientState.Closed();
        }
        listener.stateChanged(this, new ClientState.Closed());
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        if (before instanceof ClientState.LoggedIn in) {
            done = calls.logout(in);
        }
        return done.whenComplete((v, e) -> {
            if (ownScheduler) scheduler.shutdownNow();
            calls.close();
        });
    }

    // ---------------------------------------------------------------- helpers

    /** Sets the state if {@code gen} is still current; tells the listener. */
    private boolean change(long gen, ClientState next) {
        synchronized (lock) {
            if (gen != generation || closed) return false;
            state = next;
        }
        listener.stateChanged(this, next);
        return true;
    }

    private void schedule(long gen, Duration delay, Runnable task) {
        synchronized (lock) {
            if (gen != generation || closed) return;
            try {
                next = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                closed = true; // the application shut the shared scheduler down
            }
        }
    }

    private void run(long gen, java.util.function.LongConsumer step) {
        schedule(gen, Duration.ZERO, () -> step.accept(gen));
    }

    @Override
    public String toString() {
        return "TandemClient[" + cluster + (user == null ? "" : ", user " + user) + ", " + state() + "]";
    }

    // ---------------------------------------------------------------- builder

    /** Settings of a client; only the cluster URL is required. */
    public static final class Builder {
        private final URI cluster;
        private String user;
        /** Null unless the application sets them: then the node's advertised limits apply. */
        private Duration reloginLower;
        private Duration reloginUpper;
        private Discovery discovery = Discovery.REDIRECT;
        private HttpClient http;
        private java.nio.file.Path trustFile;
        private ScheduledExecutorService scheduler;
        private RandomGenerator random;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private ClientListener listener = (c, s) -> { };

        private Builder(URI cluster) {
            Objects.requireNonNull(cluster, "cluster");
            String scheme = cluster.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme) || cluster.getHost() == null) {
                throw new IllegalArgumentException("cluster URL '" + cluster + "' is not allowed; allowed: http:// or"
                        + " https:// and a host, for example http://127.0.0.10:8443");
            }
            this.cluster = ServiceCalls.base(cluster);
        }

        /** The user to log in as; without one the client logs in anonymously. */
        public Builder user(String user) {
            if (user != null && (user.isBlank() || user.length() > 128)) {
                throw new IllegalArgumentException("user '" + user + "' is not allowed; allowed: 1 to 128 characters");
            }
            this.user = user;
            return this;
        }

        /**
         * [RG-RELOGIN]: fixed limits for this client. Without them the client waits what the node it last heard from
         * advertised (each answer of the session service carries the node's limits), and 120 s to 537 s (the
         * specification's defaults) before it has heard any.
         */
        public Builder reloginLimits(Duration lower, Duration upper) {
            new ReloginDelay(lower, upper); // checks them now, where the mistake is
            this.reloginLower = lower;
            this.reloginUpper = upper;
            return this;
        }

        public Builder discovery(Discovery discovery) {
            this.discovery = Objects.requireNonNull(discovery, "discovery");
            return this;
        }

        /** One HttpClient for many clients (recommended); it need not follow redirects. Default: one of its own. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "httpClient");
            return this;
        }

        /**
         * HTTPS with a certificate the JDK does not trust by itself: the PEM file of the CA (or the service's own
         * certificate) that the cluster address and the nodes present. For the client's own HttpClient; one given
         * to {@link #httpClient} brings its own SSL context ({@link TrustFile#sslContext}).
         */
        public Builder trustFile(java.nio.file.Path pem) {
            this.trustFile = Objects.requireNonNull(pem, "trustFile");
            TrustFile.sslContext(pem); // read now, where the mistake is
            return this;
        }

        /** One scheduler for many clients (recommended). Default: a daemon thread of its own, stopped by close. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The random source of re-login delays (tests pass a seeded one). Default: ThreadLocalRandom. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** How long one request may take before the node counts as lost; default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout " + timeout + " is not allowed; allowed: more than zero");
            }
            this.requestTimeout = timeout;
            return this;
        }

        public Builder listener(ClientListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public TandemClient build() {
            if (http != null && trustFile != null) {
                throw new IllegalArgumentException("trustFile and httpClient together are not allowed; allowed: one of"
                        + " them (build the HttpClient with TrustFile.sslContext(file))");
            }
            return new TandemClient(this);
        }
    }
}
