package dev.tandem.node.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.SessionAnswers;
import dev.tandem.core.Quote;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.http.ClientConnections;
import dev.tandem.node.http.HttpErrors;
import dev.tandem.node.http.NettyHeaderTimeout;
import dev.tandem.node.transport.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session service's HTTP server, on Netty's event loops: the node's own address for the service's life and each
 * service address while the node holds it (bound on claim, closed with its connections on release). It speaks
 * HTTP/1.1 with keep-alive, HTTPS when a certificate is configured, and the node's HTTP limits (docs/node.md, HTTP
 * limits: header timeout, idle timeout, connections per client address, body cap), and hands each whole request to
 * the service's {@link Routes} as an {@link Exchange}, which is answered once, from any thread. A connection's
 * requests are answered in the order they came: the next is handed over when the one before is answered.
 *
 * <p>Measured against the Jetty server it replaced (./tandem bench stateful-failover, 1,000 clients heartbeating
 * every 100 ms on 2 cores): the serving node spends about 0.4 of a core on them where Jetty spent 1.4. One thread
 * accepts connections and does nothing else: accepting on a busy event loop, a thousand clients reconnecting after a
 * failover saw hundreds of their connection requests retransmitted by the kernel a second later.
 */
final class SessionHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest request line and the largest header block (what Jetty allowed, 8 KiB each). */
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 8192;
    private static final int ACCEPT_QUEUE = 4096;
    /** Two event loops: heartbeats are short, logins leave the loop ({@link SessionService}); one per core here. */
    private static final int THREADS = 2;

    /** What the service does with a request: called on an event loop, so it must not block. */
    @FunctionalInterface
    interface Routes {
        void handle(Exchange exchange);
    }

    private final String owner;
    private final NodeConfig.Http http;
    private final String settings;
    private final SslContext tls;
    private final Routes routes;
    private final Consumer<HttpHeaders> everyAnswer;
    private final ClientConnections perClient;
    private final EventLoopGroup group;
    /** Accepts connections on a thread of its own, so that a storm of reconnecting clients is taken in at once. */
    private final EventLoopGroup acceptor;
    private Bound own;
    private final Map<String, Bound> onAddresses = new LinkedHashMap<>();

    /**
     * One listening socket and the connections it accepted, closed together: the socket first, so that the peer can
     * bind the address, then every connection, waited for, so that once the address is let go no client is answered
     * on it by this node any more.
     */
    private record Bound(Channel server, ChannelGroup connections) {
        void close() {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code owner} names the service in log lines; {@code settings} is the configuration key of {@code http}
     * ({@code sessionService.http}), named in refusals; {@code tls} is null for plain HTTP; {@code everyAnswer} adds
     * the headers every answer carries.
     */
    SessionHttp(String owner, NodeConfig.Http http, String settings, SslContext tls, Routes routes,
                Consumer<HttpHeaders> everyAnswer) {
        this.owner = owner;
        this.http = http;
        this.settings = settings;
        this.tls = tls;
        this.routes = routes;
        this.everyAnswer = everyAnswer;
        this.perClient = new ClientConnections(http.maxConnectionsPerClient());
        this.group = NettyTransport.group(THREADS);
        this.acceptor = NettyTransport.group(1);
    }

    /** Binds the node's own address; throws when it cannot be used. */
    synchronized void start(String address, int port) {
        own = bind(address, port);
    }

    /** The port of the node's own address (the service addresses are answered at the same one). */
    synchronized int port() {
        return ((InetSocketAddress) own.server().localAddress()).getPort();
    }

    /**
     * Answers on {@code address} at the service's port too. Throws when the address cannot be bound (its previous
     * holder has not let it go yet); the caller retries.
     */
    synchronized void listen(String address) {
        String key = address + ":" + port();
        if (onAddresses.containsKey(key)) return;
        requireFree(address, port());
        onAddresses.put(key, bind(address, port()));
        LOG.info("{} also answers on {}", owner, key);
    }

    /** Stops answering on {@code address}, its open connections closed with it. */
    synchronized void unlisten(String address) {
        String key = address + ":" + port();
        Bound b = onAddresses.remove(key);
        if (b == null) return;
        b.close();
        LOG.info("{} no longer answers on {}", owner, key);
    }

    /** The addresses answered on besides the node's own, each as address:port. */
    synchronized Set<String> listening() {
        return Set.copyOf(onAddresses.keySet());
    }

    @Override
    public synchronized void close() {
        onAddresses.values().forEach(Bound::close);
        onAddresses.clear();
        if (own != null) own.close();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /**
     * Throws unless {@code address:port} can be bound now. Asked of the kernel on the caller's thread, a refusal
     * costs microseconds, where a refused bind through the accepting loop costs a trip to that thread and back
     * (tens of milliseconds on a busy host): a claim tried again every few milliseconds while the peer lets the
     * address go then binds within moments of the release.
     */
    private static void requireFree(String address, int port) {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as the listening socket itself
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException | RuntimeException e) { // an unresolved or unsupported address is a RuntimeException
            throw new IllegalStateException("cannot listen on " + address + ":" + port + ": " + e, e);
        }
    }

    private Bound bind(String address, int port) {
        ChannelGroup connections = new DefaultChannelGroup(group.next());
        ServerBootstrap b = new ServerBootstrap().group(acceptor, group).channel(NettyTransport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_QUEUE)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        connection(ch);
                    }
                });
        try {
            return new Bound(b.bind(new InetSocketAddress(address, port)).sync().channel(), connections);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** A new connection's pipeline: TLS, the limits, the codec, the body cap and the service's requests. */
    private void connection(SocketChannel ch) {
        InetAddress client = ch.remoteAddress().getAddress();
        String overCap = perClient.opened(client) ? null : perClient.refusal(client);
        ch.closeFuture().addListener(f -> perClient.closed(client));
        if (overCap != null) LOG.warn("{}: {}", owner, overCap);
        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
        handlers(ch, overCap);
    }

    /**
     * Runs {@code rounds} times each of {@code requests} (raw HTTP/1.1 requests, the round's number given) through
     * a connection's handlers in memory, on the calling thread: no socket, no TLS, no client counted. The JIT then
     * compiles the path a client's request takes before the node serves anyone, so that the first clients it takes
     * over (a crash's or a fallback's thousands at once) are answered by compiled code, not by the interpreter.
     * Stops early once {@code goOn} says so (the service closing). Returns how many answers came back.
     */
    int warmUp(int rounds, List<java.util.function.IntFunction<String>> requests,
               java.util.function.BooleanSupplier goOn) {
        EmbeddedChannel ch = new EmbeddedChannel();
        handlers(ch, null);
        int answers = 0;
        try {
            for (int i = 0; i < rounds && ch.isActive() && goOn.getAsBoolean(); i++) {
                for (java.util.function.IntFunction<String> r : requests) {
                    ch.writeInbound(Unpooled.copiedBuffer(r.apply(i), StandardCharsets.US_ASCII));
                    ch.runPendingTasks();
                    boolean answered = false; // the codec has encoded the answer: bytes, one buffer or more
                    for (Object out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
                        answered = true;
                        ReferenceCountUtil.release(out);
                    }
                    if (answered) answers++;
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return answers;
    }

    /** The handlers of a connection after TLS: the limits, the codec, the body cap and the service's requests. */
    private void handlers(Channel ch, String overCap) {
        ch.pipeline().addLast(new IdleStateHandler(0, 0, http.idleTimeout().toMillis(), TimeUnit.MILLISECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent e) {
                ctx.close();
            }
        });
        NettyHeaderTimeout headerTimeout = new NettyHeaderTimeout(http.headerTimeout(), settings + ".headerTimeout");
        ch.pipeline().addLast(headerTimeout.bytes());
        ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
        ch.pipeline().addLast(headerTimeout.heads());
        ch.pipeline().addLast(new HttpServerKeepAliveHandler());
        ch.pipeline().addLast(new BodyCap(Math.toIntExact(Math.min(Integer.MAX_VALUE, http.maxBodyBytes()))));
        ch.pipeline().addLast(new Requests(overCap));
    }

    /** The request body gathered whole, up to the cap; over it the client gets a 413 naming the setting. */
    private final class BodyCap extends HttpObjectAggregator {
        BodyCap(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(refusal(413, HttpErrors.code(413), "the body is larger than the " + http.maxBodyBytes()
                    + " bytes allowed (" + settings + ".maxBodyBytes)", null, true))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One connection's whole requests, handed to the routes one at a time. */
    private final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String overCap;
        private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
        private boolean busy;
        private boolean closing;

        Requests(String overCap) {
            this.overCap = overCap;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (closing) return;
            if (!req.decoderResult().isSuccess()) {
                invalid(ctx, req);
                return;
            }
            if (overCap != null) {
                closing = true;
                ctx.writeAndFlush(refusal(503, HttpErrors.code(503), overCap, "1", true))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            HttpVersion version = req.protocolVersion();
            if (version.majorVersion() != 1) {
                closing = true;
                ctx.writeAndFlush(refusal(505, HttpErrors.code(505), "HTTP version " + version.text()
                        + " is not supported; allowed: HTTP/1.0, HTTP/1.1", null, true))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            Exchange x = new Exchange(ctx.channel(), req, this);
            if (busy) {
                waiting.add(x);
            } else {
                busy = true;
                routes.handle(x);
            }
        }

        /** On the connection's event loop, once the exchange before has been answered. */
        void next() {
            Exchange x = waiting.poll();
            if (x == null) {
                busy = false;
            } else {
                routes.handle(x);
            }
        }

        /** A request the codec could not read: the status that says why, and the connection closed. */
        private void invalid(ChannelHandlerContext ctx, FullHttpRequest req) {
            Throwable cause = req.decoderResult().cause();
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            String why = switch (status) {
                case 414 -> "the request line is longer than " + MAX_INITIAL_LINE + " bytes";
                case 431 -> "the request header is larger than " + MAX_HEADER_BYTES + " bytes";
                // The codec stands a request it could not read at all in for "/bad-request"; anything else failed in
                // its body (a bad chunk) or ended before it said it would.
                default -> req.uri().equals("/bad-request") ? "the request is not valid HTTP: " + Quote.prefix(String.valueOf(cause.getMessage()))
                        : "the request's body ended early or is not valid HTTP";
            };
            closing = true;
            ctx.writeAndFlush(refusal(status, HttpErrors.code(status), why, null, true))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{}: connection closed: {}", owner, cause.toString());
            ctx.close();
        }
    }

    /** The JSON refusal every error of the service is answered with ({@link SessionAnswers.Refusal}). */
    private FullHttpResponse refusal(int status, String code, String reason, String retryAfter, boolean close) {
        FullHttpResponse res = response(status, new SessionAnswers.Refusal(code, reason, reason, status));
        if (retryAfter != null) res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        if (close) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return res;
    }

    private FullHttpResponse response(int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException("an answer of the session service cannot be written as JSON", e);
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        everyAnswer.accept(res.headers());
        return res;
    }

    /**
     * One request and its answer. The request's parts are read on the event loop or on any thread the service hands
     * it to; {@link #answer} may be called once, from any thread.
     */
    final class Exchange {
        private final Channel channel;
        private final Requests connection;
        private final String method;
        private final QueryStringDecoder uri;
        private final HttpHeaders headers;
        private final String body;
        private final boolean keepAlive;
        private final AtomicBoolean answered = new AtomicBoolean();

        private Exchange(Channel channel, FullHttpRequest req, Requests connection) {
            this.channel = channel;
            this.connection = connection;
            this.method = req.method().name();
            this.uri = new QueryStringDecoder(req.uri());
            this.headers = req.headers();
            this.body = req.content().toString(StandardCharsets.UTF_8);
            this.keepAlive = HttpUtil.isKeepAlive(req);
        }

        String method() {
            return method;
        }

        String path() {
            return uri.path();
        }

        /** The first value of a query parameter, or null. */
        String query(String name) {
            List<String> v = uri.parameters().get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        String header(String name) {
            return headers.get(name);
        }

        /** The body as text; empty when there is none. */
        String body() {
            return body;
        }

        /** The client's IP address as text. */
        String clientAddress() {
            return ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
        }

        /** A 200 with {@code json} as its body. */
        void ok(Object json) {
            send(response(200, json), false);
        }

        /**
         * A refusal; {@code retryAfter} becomes the Retry-After header when not null; {@code close} closes the
         * connection after it, so that the client's next request opens a new one.
         */
        void refuse(int status, String code, String reason, Duration retryAfter, boolean close) {
            String seconds = retryAfter == null ? null : Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
            send(refusal(status, code, reason, seconds, close), close);
        }

        private void send(FullHttpResponse res, boolean close) {
            if (!answered.compareAndSet(false, true)) {
                throw new IllegalStateException("a request of the session service was answered twice");
            }
            if (keepAlive && !close) {
                HttpUtil.setKeepAlive(res, true);
                channel.writeAndFlush(res);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                channel.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
            channel.eventLoop().execute(connection::next);
        }
    }
}
