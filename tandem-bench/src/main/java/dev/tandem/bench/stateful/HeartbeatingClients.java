package dev.tandem.bench.stateful;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.bench.Samples;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * N session clients that log in at one address and then heartbeat every interval, each at its own phase, recording
 * when a heartbeat was last answered 200 with the client's own session, and by which node. They behave as
 * TandemClient does through a failover: a heartbeat that found no answer (refused, closed, timed out, 503) is
 * repeated after a quarter of the interval for a second from the first failure and from each 503 moving, else at
 * the interval. A client whose session is answered 404 (lost)
 * logs in again at once at the same address (the relogin handover's clients, without the Client Re-Login delay,
 * which a real client adds on top).
 *
 * <p>One Netty event loop thread (or a few, each client on one) carries every client, each on a keep-alive
 * connection of its own, so that a thousand clients at ten heartbeats a second cost the machine a fraction of a core
 * and leave the rest to the nodes being measured (the JDK's HttpClient took about a core for this). How late the
 * loops run is measured too ({@link #loopLateMillis}): a failover's reconnection storm is work for them as well. A request waits at most a second for its
 * answer, then its connection is closed and the next heartbeat opens another (TandemClient waits ten by default): a
 * timeout of a couple of 100 ms intervals closed hundreds of connections whenever a node was briefly slow, and the
 * node then spent itself on reconnections.
 */
public final class HeartbeatingClients implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<Conn> CONN = AttributeKey.valueOf("tandem-bench-conn");

    /** What a request came to: the status and body, or a failure (status -1 and why). */
    private record Answer(int status, String body) {
        boolean failed() {
            return status < 0;
        }
    }

    private interface Callback {
        void answered(Answer a);
    }

    /** One event loop and the bootstrap that opens connections on it; a client and its connection live on one. */
    private record Lane(EventLoop loop, Bootstrap bootstrap) {}

    /** One keep-alive connection to an address, one request at a time; its lane's loop's only. */
    private final class Conn {
        final String address;
        final Lane lane;
        final EventLoop loop;
        Channel channel;
        Callback pending;
        ScheduledFuture<?> timeout;

        Conn(String address, Lane lane) {
            this.address = address;
            this.lane = lane;
            this.loop = lane.loop();
        }

        void send(String path, String session, Duration limit, Callback callback) {
            if (pending != null) throw new IllegalStateException("a request is still waiting on this connection");
            pending = callback;
            timeout = loop.schedule(() -> {
                if (pending == callback) fail("timed out", true);
            }, limit.toNanos(), TimeUnit.NANOSECONDS);
            if (channel != null && channel.isActive()) {
                write(path, session);
                return;
            }
            ChannelFuture f = lane.bootstrap().connect(address, port);
            channel = f.channel();
            channel.attr(CONN).set(this);
            f.addListener(done -> {
                if (pending != callback) return;
                if (done.isSuccess()) write(path, session);
                else fail(String.valueOf(done.cause()), true);
            });
        }

        private void write(String path, String session) {
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.EMPTY_BUFFER);
            r.headers().set(HttpHeaderNames.HOST, address).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            if (session != null) r.headers().set(SESSION_HEADER, session);
            channel.writeAndFlush(r).addListener(w -> {
                if (!w.isSuccess()) fail(String.valueOf(w.cause()), true);
            });
        }

        void answered(int status, String body) {
            Callback c = pending;
            if (c == null) return;
            pending = null;
            timeout.cancel(false);
            c.answered(new Answer(status, body));
        }

        /** The server closes this connection after its answer: the next request opens a new one. */
        void forget() {
            if (channel != null) channel.close();
            channel = null;
        }

        void fail(String why, boolean close) {
            Callback c = pending;
            pending = null;
            if (timeout != null) timeout.cancel(false);
            if (close && channel != null) channel.close();
            channel = null;
            if (c != null) c.answered(new Answer(-1, why));
        }
    }

    /** Hands each response to its connection's waiting request; a connection that closes fails it. */
    @ChannelHandler.Sharable
    private static final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            Conn c = ctx.channel().attr(CONN).get();
            if (c == null) return;
            if (!HttpUtil.isKeepAlive(r)) c.forget(); // Connection: close; the next request opens another
            c.answered(r.status().code(), r.content().toString(StandardCharsets.UTF_8));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Conn c = ctx.channel().attr(CONN).get();
            if (c != null && c.channel == ctx.channel()) c.fail("closed", false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One client: its session now, and the answers it saw. */
    static final class Client {
        volatile String session;
        volatile long lastAnsweredNanos;
        volatile String answeredBy;
        /** Answered heartbeats (nanos) since the mark, for the interruption of the last event. */
        final List<Long> answers = new ArrayList<>();
        volatile int lost;
        /** Why the last login failed: the status and body, or the failure. */
        volatile String refusal = "";
        /**
         * The event loop's: its connection, whether a heartbeat failed since the last answered one, and until when
         * ({@link System#nanoTime()}) failures are repeated quickly.
         */
        private Conn conn;
        private boolean failing;
        private long quickUntil;
        /** A quick repeat is scheduled: the regular beats leave the client to it, so only one chain of repeats runs. */
        private boolean repeating;
    }

    private static final String SESSION_HEADER = "X-Tandem-Session";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** How long from the first failure and from each 503 moving failures are repeated quickly, as TandemClient does. */
    private static final Duration QUICK = Duration.ofSeconds(1);
    private final EventLoopGroup group;
    private final List<Lane> lanes = new ArrayList<>();
    /** The lane the next connection goes to, round the lanes. */
    private int nextLane;
    private final Duration interval;
    private final int port;
    private final List<Client> clients = new ArrayList<>();
    final Samples loginMillis = new Samples();

    /** Clients on one event loop thread. */
    public HeartbeatingClients(Duration interval, int port) {
        this(interval, port, 1);
    }

    /** Clients spread over {@code threads} event loop threads, each client on one of them. */
    public HeartbeatingClients(Duration interval, int port, int threads) {
        if (threads < 1) throw new IllegalArgumentException("client threads must be at least 1, not " + threads);
        this.interval = interval;
        this.port = port;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        Responses responses = new Responses();
        for (int i = 0; i < threads; i++) {
            EventLoop loop = group.next();
            lanes.add(new Lane(loop, new Bootstrap().group(loop).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) REQUEST_TIMEOUT.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    responses);
                        }
                    })));
        }
    }

    /** The lane for the next connection (only the thread that logs clients in asks). */
    private Lane nextLane() {
        Lane l = lanes.get(nextLane);
        nextLane = (nextLane + 1) % lanes.size();
        return l;
    }

    /**
     * Logs {@code n} sessions in at {@code address} one at a time, untimed and never heartbeating: the node's code
     * for a login and its replication runs compiled afterwards, so the timed logins measure the steady state, not the
     * JVM's warm-up (a cold node's first hundreds of logins take several times longer).
     */
    void warmUp(String address, int n) throws Exception {
        logins(address, n, 1, null);
    }

    /**
     * Logs {@code n} clients in at {@code address}, {@code parallel} at a time over as many connections, timing each
     * login; each client heartbeats on a connection of its own once started.
     */
    public void login(String address, int n, int parallel) throws Exception {
        List<Client> batch = logins(address, n, parallel, loginMillis);
        for (Client c : batch) c.conn = new Conn(address, nextLane());
        clients.addAll(batch);
    }

    /** {@code n} logins, {@code parallel} at a time, each timed into {@code times} unless it is null. */
    private List<Client> logins(String address, int n, int parallel, Samples times) throws Exception {
        List<Client> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(new Client());
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < parallel; i++) conns.add(new Conn(address, nextLane()));
        for (int i = 0; i < n; i += parallel) {
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + parallel); j++) {
                Client c = batch.get(j);
                Conn conn = conns.get(j - i);
                CompletableFuture<Void> done = new CompletableFuture<>();
                conn.loop.execute(() -> {
                    long t0 = System.nanoTime();
                    loginOf(c, conn, ok -> {
                        if (!ok) {
                            done.completeExceptionally(new IllegalStateException("a login at " + address + " was refused: " + c.refusal));
                            return;
                        }
                        if (times != null) {
                            synchronized (times) {
                                times.add((System.nanoTime() - t0) / 1e6);
                            }
                        }
                        done.complete(null);
                    });
                });
                inFlight.add(done);
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        for (Conn conn : conns) conn.loop.submit(() -> conn.fail("logins done", true)).get(5, TimeUnit.SECONDS);
        return batch;
    }

    private interface Done {
        void accept(boolean ok);
    }

    /** On the loop: a login over {@code conn}; the client holds the new session when it succeeds. */
    private void loginOf(Client c, Conn conn, Done done) {
        conn.send("/session/login", null, Duration.ofSeconds(5), a -> {
            if (a.status() != 200) {
                c.refusal = a.failed() ? a.body() : a.status() + " " + a.body();
                done.accept(false);
                return;
            }
            JsonNode j = read(a.body());
            c.session = j.get("session").asText();
            c.answeredBy = j.get("node").asText();
            c.lastAnsweredNanos = System.nanoTime();
            done.accept(true);
        });
    }

    /** The most the loop ran a task due every {@link #TICK} late since {@link #loopLateMillis} last asked (nanos). */
    private final java.util.concurrent.atomic.AtomicLong lateMost = new java.util.concurrent.atomic.AtomicLong();
    private static final Duration TICK = Duration.ofMillis(10);

    /**
     * Starts every client's heartbeats, each at a random phase of the interval, and a tick that measures how late
     * the clients' own loop runs (a late loop delays the answers it reads: the figures would be the clients', not
     * the nodes').
     */
    public void start() {
        for (Lane l : lanes) {
            long[] due = {System.nanoTime() + TICK.toNanos()}; // the lane's loop's only
            l.loop().scheduleAtFixedRate(() -> {
                long late = System.nanoTime() - due[0];
                due[0] += TICK.toNanos();
                lateMost.accumulateAndGet(late, Math::max);
            }, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
        }
        long period = interval.toNanos();
        for (Client c : clients) {
            long phase = ThreadLocalRandom.current().nextLong(period);
            c.conn.loop.scheduleAtFixedRate(() -> beat(c), phase, period, TimeUnit.NANOSECONDS);
        }
    }

    /** On the loop: one heartbeat, unless the one before still waits. */
    private void beat(Client c) {
        if (c.conn.pending != null || c.repeating) return;
        String session = c.session;
        c.conn.send("/session/heartbeat", session, REQUEST_TIMEOUT, a -> {
            if (a.status() == 200) {
                JsonNode j = read(a.body());
                if (!session.equals(j.path("session").asText())) return;
                long now = System.nanoTime();
                c.failing = false;
                c.lastAnsweredNanos = now;
                c.answeredBy = j.path("node").asText();
                synchronized (c.answers) {
                    c.answers.add(now);
                }
            } else if (a.status() == 404 && session.equals(c.session)) {
                c.lost++;
                loginOf(c, c.conn, ok -> {
                    if (ok) c.failing = false; // a new session: its failures start afresh, as TandemClient's do
                }); // the relogin handover's client logs in again at once
            } else {
                // As TandemClient does: failures for a second from the first one and from each 503 moving are
                // repeated after a quarter interval; later ones wait for the interval.
                long now = System.nanoTime();
                if (!c.failing || a.status() == 503 && errorOf(a.body()).equals("moving")) {
                    c.failing = true;
                    c.quickUntil = now + QUICK.toNanos();
                }
                boolean quick = now - c.quickUntil < 0;
                if (quick && !c.repeating) {
                    c.repeating = true;
                    c.conn.loop.schedule(() -> {
                        c.repeating = false;
                        beat(c);
                    }, interval.toNanos() / 4, TimeUnit.NANOSECONDS);
                }
            }
        });
    }

    /** The most the clients' loop was late since the last call, in milliseconds; starts counting afresh. */
    double loopLateMillis() {
        return lateMost.getAndSet(0) / 1e6;
    }

    /** How many clients have had no heartbeat answered since {@code since} ({@link System#nanoTime()}). */
    public int unansweredSince(long since) {
        int n = 0;
        for (Client c : clients) if (c.lastAnsweredNanos < since) n++;
        return n;
    }

    /** How many clients there are. */
    public int size() {
        return clients.size();
    }

    /** Forgets the answers before now: the next event's interruption is counted from here. */
    long mark() {
        long now = System.nanoTime();
        for (Client c : clients) {
            synchronized (c.answers) {
                c.answers.clear();
            }
        }
        return now;
    }

    List<Client> clients() {
        return clients;
    }

    /** Every client answered since {@code since} by {@code node}. */
    boolean allAnsweredBy(String node, long since) {
        for (Client c : clients) {
            if (c.lastAnsweredNanos < since || !node.equals(c.answeredBy)) return false;
        }
        return true;
    }

    /**
     * Each client's interruption around an event at {@code t0}: the longest time between two of its answered
     * heartbeats, from its last one at or before t0 (or the mark, when it had none since) to its last one now, in
     * milliseconds. Not only the gap around t0: the move itself comes a few milliseconds after the request that
     * starts it, and a client answered by the old node in between would otherwise not count the gap that follows.
     * A client with no answer after t0 is left out (the caller waits until every client has one).
     */
    Samples interruptions(long markNanos, long t0) {
        Samples s = new Samples();
        for (Client c : clients) {
            long previous = markNanos;
            long longest = -1;
            synchronized (c.answers) {
                for (long t : c.answers) {
                    if (t <= t0) {
                        previous = Math.max(previous, t);
                        continue;
                    }
                    longest = Math.max(longest, t - previous);
                    previous = t;
                }
            }
            if (longest >= 0) s.add(longest / 1e6);
        }
        return s;
    }

    public int lost() {
        int n = 0;
        for (Client c : clients) n += c.lost;
        return n;
    }

    /** The error code of an answer's JSON body, "" when it has none or is not JSON (a proxy's page, say). */
    private static String errorOf(String body) {
        try {
            return JSON.readTree(body).path("error").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
