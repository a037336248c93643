package dev.tandem.node.redirect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.RedirectAnswers;
import dev.tandem.core.Quote;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.http.ClientConnections;
import dev.tandem.node.http.HttpErrors;
import dev.tandem.node.http.NettyHeaderTimeout;
import dev.tandem.node.tls.PemTls;
import dev.tandem.node.transport.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's redirect service on the cluster address ([LB-ABOUT]): every new request gets a
 * 302 to the member the decision chose, path and query kept; {@code /.well-known/tandem/assign} gives the same
 * choice as JSON. The decision comes from the {@link Decider} (the director's decision index, kept in step with the
 * node's protocol loop, which owns the group's state); this class only speaks HTTP. Non-blocking, keep-alive, HTTPS
 * when a certificate is configured.
 */
public final class RedirectServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedirectServer.class);
    public static final String ASSIGN_PATH = "/.well-known/tandem/assign";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Users are identified by short printable names. */
    private static final int MAX_USER = 128;
    /** The longest request line (method, target, version) and the largest header block. */
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;
    /** Headers this class sets itself from checked values: no per-response validation. */
    private static final HttpHeadersFactory TRUSTED_HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final AsciiString ZERO = AsciiString.cached("0");

    /**
     * Decides where a client goes, on the redirect service's own thread (decision 0082: from the director's decision
     * index, without a hand-off to the protocol loop). An exception is answered 503 not-director.
     */
    @FunctionalInterface
    public interface Decider {
        ClientAnswer answer(Optional<String> user);
    }

    private final NodeConfig.Redirect config;
    private final InetSocketAddress bind;
    private final Decider decider;
    private final RedirectMetrics metrics;
    private final String scheme;
    private EventLoopGroup group;
    private Channel channel;
    /** Every open client connection: closed with the server, so that no keep-alive client goes on talking to it. */
    private io.netty.channel.group.ChannelGroup clients;
    private final ClientConnections perClient;
    /**
     * Each member's Location prefix ({@code http://host:port}) as bytes ready for the header, made once per host
     * rather than per redirect; only the service's thread uses it.
     */
    private final java.util.Map<String, AsciiString> bases = new java.util.HashMap<>();
    private static final int MOST_BASES = 4096;
    /**
     * One event-loop thread: measured on 2 cores (./tandem bench redirect), two threads answered about as many
     * redirects a second but with a p99 up to twice as long, the threads and the client contending for the cores.
     */
    private static final int THREADS = 1;

    public RedirectServer(NodeConfig.Redirect config, InetSocketAddress bind, Decider decider, RedirectMetrics metrics) {
        this.config = config;
        this.bind = bind;
        this.decider = decider;
        this.metrics = metrics;
        this.scheme = config.tls() ? "https" : "http";
        this.perClient = new ClientConnections(config.http().maxConnectionsPerClient());
    }

    /** Binds the cluster address; fails when the address or port cannot be used. */
    public RedirectServer start() {
        SslContext tls = config.tls()
                ? PemTls.nettyServer(config.certificate(), config.privateKey(), "loadBalancing.redirect") : null;
        group = NettyTransport.group(THREADS);
        clients = new io.netty.channel.group.DefaultChannelGroup(group.next());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NettyTransport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        InetAddress client = ch.remoteAddress().getAddress();
                        boolean overCap = !perClient.opened(client);
                        ch.closeFuture().addListener(f -> perClient.closed(client));
                        if (overCap) LOG.warn("redirect service: {}", perClient.refusal(client));
                        NodeConfig.Http http = config.http();
                        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, http.idleTimeout().toMillis(), TimeUnit.MILLISECONDS) {
                            @Override
                            protected void channelIdle(ChannelHandlerContext ctx, io.netty.handler.timeout.IdleStateEvent e) {
                                ctx.close();
                            }
                        });
                        NettyHeaderTimeout headerTimeout = new NettyHeaderTimeout(http.headerTimeout(), "loadBalancing.redirect.http.headerTimeout");
                        ch.pipeline().addLast(headerTimeout.bytes());
                        ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
                        ch.pipeline().addLast(headerTimeout.heads());
                        ch.pipeline().addLast(new HttpServerKeepAliveHandler());
                        ch.pipeline().addLast(new Handler(overCap ? perClient.refusal(client) : null, http.maxBodyBytes()));
                    }
                });
        try {
            channel = b.bind(bind).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + bind.getHostString() + ":" + bind.getPort() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("redirect service on {}://{}:{} ({}), clients sent to port {}", scheme,
                hostForUrl(bind.getHostString()), port(), NettyTransport.name(), config.servicePort());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel == null) return;
        int port = port();
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        channel = null;
        LOG.info("redirect service on {}:{} closed", hostForUrl(bind.getHostString()), port);
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * One connection's requests, as the codec hands them over: a request's head, then its body in parts, the last
     * one marking its end. No aggregation: a redirect needs no body, so the parts are counted against
     * {@code maxBodyBytes} and let go, and the request is answered at its end (so that a pipelined request's body is
     * never read as the next request).
     */
    private final class Handler extends ChannelInboundHandlerAdapter {
        /** Set when the connection is over the per-client cap: every request on it is refused with this. */
        private final String overCap;
        private final long maxBodyBytes;
        /** The request whose body is arriving, or null. */
        private HttpRequest request;
        private long bodyBytes;
        /** After a refusal that closes the connection: whatever still arrives is let go. */
        private boolean closing;

        Handler(String overCap, long maxBodyBytes) {
            this.overCap = overCap;
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (closing) return;
                if (msg instanceof HttpRequest req) {
                    request = req;
                    bodyBytes = 0;
                    if (!req.decoderResult().isSuccess()) {
                        invalid(ctx, req.decoderResult().cause());
                        return;
                    }
                    if (HttpUtil.getContentLength(req, 0L) > maxBodyBytes) {
                        tooLarge(ctx);
                        return;
                    }
                }
                if (msg instanceof HttpContent part && request != null) {
                    bodyBytes += part.content().readableBytes();
                    if (bodyBytes > maxBodyBytes) {
                        tooLarge(ctx);
                        return;
                    }
                    if (part instanceof LastHttpContent) {
                        HttpRequest req = request;
                        request = null;
                        if (!part.decoderResult().isSuccess()) invalid(ctx, part.decoderResult().cause());
                        else answer(ctx, req);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void invalid(ChannelHandlerContext ctx, Throwable cause) {
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            String what = switch (status) {
                case 414 -> "the request line is longer than " + MAX_INITIAL_LINE + " bytes";
                case 431 -> "the request header is larger than " + MAX_HEADER_BYTES + " bytes";
                default -> "the request is not valid HTTP: " + cause.getMessage();
            };
            error(ctx, status, what);
        }

        private void tooLarge(ChannelHandlerContext ctx) {
            error(ctx, 413, "the body is larger than the " + maxBodyBytes
                    + " bytes allowed (loadBalancing.redirect.http.maxBodyBytes)");
        }

        private void answer(ChannelHandlerContext ctx, HttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (overCap != null) {
                metrics.refused("too-many-connections");
                json(ctx, false, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpErrors.body(503, overCap), "1");
                closing = true;
                return;
            }
            HttpVersion version = req.protocolVersion();
            if (version.majorVersion() != 1 || version.minorVersion() > 1) {
                error(ctx, 505, "HTTP version " + version.text() + " is not supported; allowed: HTTP/1.0, HTTP/1.1");
                return;
            }
            String target = originForm(req.uri());
            if (target == null) {
                error(ctx, 400, "the request target '" + Quote.prefix(req.uri()) + "' is not allowed; allowed: a path"
                        + " (/login?user=alice) or an absolute http(s) URL");
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(target);
            Optional<String> user;
            try {
                user = user(uri, req.headers().get(config.userHeader()));
            } catch (IllegalArgumentException e) {
                refuse(ctx, keepAlive, new ClientAnswer.Refusal(400, "bad-request", e.getMessage()));
                return;
            }
            ClientAnswer answer;
            try {
                answer = decider.answer(user);
            } catch (RuntimeException failure) {
                LOG.warn("redirect decision failed: {}", failure.getMessage());
                answer = new ClientAnswer.Refusal(503, "not-director", "this node cannot decide now: "
                        + failure.getMessage());
            }
            switch (answer) {
                case ClientAnswer.Redirect r -> {
                    metrics.redirected(r.member(), r.rule());
                    if (uri.path().equals(ASSIGN_PATH)) assign(ctx, keepAlive, r);
                    else redirect(ctx, keepAlive, r, target);
                }
                case ClientAnswer.Refusal f -> refuse(ctx, keepAlive, f);
            }
        }

        /** A framework-level error ({@link HttpErrors}), answered and the connection closed. */
        private void error(ChannelHandlerContext ctx, int status, String message) {
            metrics.refused(HttpErrors.code(status));
            json(ctx, false, HttpResponseStatus.valueOf(status), HttpErrors.body(status, message), null);
            closing = true;
        }

        private Optional<String> user(QueryStringDecoder uri, String header) {
            List<String> fromQuery = uri.parameters().get(config.userParameter());
            String u = fromQuery != null && !fromQuery.isEmpty() ? fromQuery.get(0) : header;
            if (u == null || u.isEmpty()) return Optional.empty();
            if (u.length() > MAX_USER || !u.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("user '" + Quote.prefix(u) + "' is not allowed; allowed: 1 to "
                        + MAX_USER + " printable ASCII characters without spaces (query parameter '"
                        + config.userParameter() + "' or header '" + config.userHeader() + "')");
            }
            return Optional.of(u);
        }

        private void redirect(ChannelHandlerContext ctx, boolean keepAlive, ClientAnswer.Redirect r, String target) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                    Unpooled.EMPTY_BUFFER, TRUSTED_HEADERS, TRUSTED_HEADERS);
            // The prefix is ASCII and the target passed the decoder (no CR or LF): nothing to validate again.
            res.headers().set(HttpHeaderNames.LOCATION, locationOf(r, target))
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                    .set(HttpHeaderNames.CONTENT_LENGTH, ZERO);
            write(ctx, keepAlive, res);
        }

        private void assign(ChannelHandlerContext ctx, boolean keepAlive, ClientAnswer.Redirect r) {
            json(ctx, keepAlive, HttpResponseStatus.OK, new RedirectAnswers.Assignment(r.host(), config.servicePort(),
                    base(r) + "/", r.member(), r.rule()), null);
        }

        private void refuse(ChannelHandlerContext ctx, boolean keepAlive, ClientAnswer.Refusal f) {
            metrics.refused(f.reason());
            json(ctx, keepAlive, HttpResponseStatus.valueOf(f.status()),
                    new RedirectAnswers.Refusal(f.message(), f.message(), f.reason()),
                    f.status() == 503 ? Long.toString(Math.max(1, config.retryAfter().toSeconds())) : null);
        }

        private String base(ClientAnswer.Redirect r) {
            return scheme + "://" + r.urlHost() + ":" + config.servicePort();
        }

        /** The Location of a redirect: the member's prefix, made once per host, and the request's path and query. */
        private CharSequence locationOf(ClientAnswer.Redirect r, String target) {
            AsciiString prefix = bases.get(r.host());
            if (prefix == null) {
                if (bases.size() >= MOST_BASES) bases.clear(); // hosts renamed many times: start over
                prefix = new AsciiString(base(r));
                bases.put(r.host(), prefix);
            }
            return prefix.concat(target);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("redirect connection closed: {}", cause.getMessage());
            ctx.close();
        }
    }

    /**
     * The path and query of a request target (RFC 9112, 3.2): an origin-form target as it is, an absolute-form one
     * ({@code http://host/path?q}) reduced to its path and query; null for anything else.
     */
    static String originForm(String target) {
        if (target.startsWith("/")) return target;
        try {
            java.net.URI u = new java.net.URI(target);
            String scheme = u.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || u.getRawAuthority() == null) {
                return null;
            }
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static void json(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body,
                          String retryAfter) {
            ByteBuf content;
            try {
                content = Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (retryAfter != null) res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
            write(ctx, keepAlive, res);
        }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse res) {
            if (keepAlive) {
                HttpUtil.setKeepAlive(res, true);
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

}
