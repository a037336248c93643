package dev.tandem.node.http;

import dev.tandem.node.config.NodeConfig;
import io.javalin.config.JavalinConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP limits of a Javalin (Jetty) server of the node (docs/node.md, HTTP limits): the idle timeout, the header
 * timeout, the cap on connections per client address, the body cap and JSON for Jetty's own errors.
 *
 * <p>Jetty's idle timeout restarts with every byte, so a client that trickles a header a byte at a time would hold its
 * connection for ever; the header timeout closes a connection whose request header has not arrived whole within
 * {@code headerTimeout} of its first byte. A sweep, a few times a header timeout, checks every waiting connection
 * (a request has begun when the connection's byte count moved since its last request ended; it is complete when it
 * reaches the handler). A connection over the per-client cap is answered 503 and closed at its first request.
 */
public final class JettyLimits {
    private static final Logger LOG = LoggerFactory.getLogger(JettyLimits.class);
    /** The sweep runs at least this often, so a short header timeout in a test is kept to about this much. */
    private static final long LONGEST_SWEEP_MS = 1000;

    private static final int ACCEPT_QUEUE = 4096;

    private final String server;
    private final NodeConfig.Http http;
    private final ClientConnections clients;
    private final Map<Connection, Waiting> connections = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    /** One open connection: whose, whether it is over the cap, and where its next request stands. */
    private static final class Waiting {
        final InetAddress client;
        final boolean overCap;
        volatile boolean inRequest;
        volatile long bytesAtLastEnd;
        volatile long headerSince = -1;

        Waiting(InetAddress client, boolean overCap) {
            this.client = client;
            this.overCap = overCap;
        }
    }

    private JettyLimits(String server, NodeConfig.Http http) {
        this.server = server;
        this.http = http;
        this.clients = new ClientConnections(http.maxConnectionsPerClient());
    }

    /**
     * Applies {@code http} to the server {@code cfg} configures; {@code server} names it in logs. A connector added
     * to the running server later is put under the same limits with {@link #watch}.
     */
    public static JettyLimits install(JavalinConfig cfg, NodeConfig.Http http, String server) {
        JettyLimits limits = new JettyLimits(server, http);
        cfg.http.maxRequestSize = http.maxBodyBytes();
        cfg.jetty.modifyServer(s -> {
            s.setErrorHandler(new JsonErrorHandler());
            // Javalin adds its handler and connectors after this point; they are in place when the server starts.
            s.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    limits.starting(s);
                }

                @Override
                public void lifeCycleStopped(LifeCycle event) {
                    limits.stopped();
                }
            });
        });
        return limits;
    }

    private void starting(Server s) {
        for (Connector c : s.getConnectors()) watch(c);
        s.setHandler(new Guard(s.getHandler()));
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-http-limits-" + server);
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, Math.min(LONGEST_SWEEP_MS, http.headerTimeout().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Puts a connector under these limits: its idle timeout, the per-client cap and the header timeout, and a
     * listen backlog for a crowd: when a service address moves, every client of it connects to the new holder within
     * a heartbeat interval, and the JDK's default backlog of 50 dropped the rest of a thousand, whose connects then
     * waited seconds for the kernel's SYN retransmission. The kernel caps it at net.core.somaxconn.
     */
    public void watch(Connector c) {
        if (!(c instanceof AbstractConnector a)) return;
        if (c instanceof ServerConnector s) s.setAcceptQueueSize(ACCEPT_QUEUE);
        a.setIdleTimeout(http.idleTimeout().toMillis());
        a.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened(connection);
            }

            @Override
            public void onClosed(Connection connection) {
                closed(connection);
            }
        });
    }

    private void stopped() {
        if (sweeper != null) sweeper.shutdownNow();
        connections.clear();
    }

    private void opened(Connection c) {
        // With TLS a socket carries two connections (TLS and HTTP); the HTTP one is counted.
        if (c instanceof org.eclipse.jetty.io.ssl.SslConnection) return;
        InetAddress client = address(c.getEndPoint().getRemoteSocketAddress());
        boolean within = clients.opened(client);
        if (!within) LOG.warn("{}: {}", server, clients.refusal(client));
        connections.put(c, new Waiting(client, !within));
    }

    private void closed(Connection c) {
        Waiting w = connections.remove(c);
        if (w != null) clients.closed(w.client);
    }

    private static InetAddress address(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress() : InetAddress.getLoopbackAddress();
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            long limit = http.headerTimeout().toNanos();
            for (Map.Entry<Connection, Waiting> e : connections.entrySet()) {
                Waiting w = e.getValue();
                if (w.inRequest) continue;
                Connection c = e.getKey();
                if (c.getBytesIn() == w.bytesAtLastEnd) continue; // idle: the idle timeout's business
                if (w.headerSince < 0) {
                    w.headerSince = now;
                } else if (now - w.headerSince >= limit) {
                    LOG.info("{}: closed a connection from {}: its request header did not arrive within {} ms"
                            + " (http.headerTimeout)", server, w.client.getHostAddress(), http.headerTimeout().toMillis());
                    c.getEndPoint().close();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: header-timeout sweep failed: {}", server, e.toString());
        }
    }

    /** Sees every request once its header has arrived: stops its header clock, refuses connections over the cap. */
    private final class Guard extends Handler.Wrapper {
        Guard(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Connection c = request.getConnectionMetaData().getConnection();
            Waiting w = connections.get(c);
            if (w == null) return super.handle(request, response, callback);
            if (w.overCap) {
                byte[] body = HttpErrors.bytes(503, clients.refusal(w.client));
                response.setStatus(503);
                HttpFields.Mutable h = response.getHeaders();
                h.put(HttpHeader.CONTENT_TYPE, "application/json");
                h.put(HttpHeader.CONNECTION, "close");
                h.put(HttpHeader.RETRY_AFTER, "1");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
            w.inRequest = true;
            w.headerSince = -1;
            Callback done = new Callback() {
                @Override
                public void succeeded() {
                    ended(c, w);
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    ended(c, w);
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            };
            boolean handled;
            try {
                handled = super.handle(request, response, done);
            } catch (Exception | Error e) {
                ended(c, w);
                throw e;
            }
            if (!handled) ended(c, w);
            return handled;
        }
    }

    private static void ended(Connection c, Waiting w) {
        w.bytesAtLastEnd = c.getBytesIn();
        w.headerSince = -1;
        w.inRequest = false;
    }

    /** Jetty's own errors (a header too large, a URI too long, a malformed request) as JSON, not an HTML page. */
    static final class JsonErrorHandler extends ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(HttpErrors.bytes(code, message)), callback);
        }

        // Jetty 12 still answers a request it cannot parse through this method; without it the answer is HTML.
        @Override
        @SuppressWarnings("removal")
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
            return ByteBuffer.wrap(HttpErrors.bytes(status, reason));
        }
    }
}
