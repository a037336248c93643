package dev.tandem.node.http;

import dev.tandem.node.tls.PemTls;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * More places one Jetty server answers at, opened and closed while it runs: the admin API on the cluster's Admin RPC
 * Port (the session service's Netty server binds its service addresses itself, SessionHttp).
 * Each is a connector of the server's own, answered as its first connector is (TLS, HTTP configuration, limits).
 * Opening or closing one takes a few milliseconds, where a server of its own took tens.
 */
public final class AddressConnectors {
    private static final Logger LOG = LoggerFactory.getLogger(AddressConnectors.class);

    private final String owner;
    private final Supplier<Server> server;
    private final IntSupplier port;
    /** The service's TLS context when it serves HTTPS, or null. */
    private final SSLContext https;
    /** The limits of the service's HTTP server, which these connectors are put under too. */
    private volatile JettyLimits limits;
    /** The HTTP configuration Javalin gave the server (HTTPS), or null to read it from its first connector. */
    private volatile HttpConfiguration httpConfiguration;
    private final Map<String, ServerConnector> onAddresses = new LinkedHashMap<>();

    /** {@code owner} names the service in log lines; {@code server} and {@code port} are read once it runs. */
    public AddressConnectors(String owner, Supplier<Server> server, IntSupplier port, SSLContext https) {
        this.owner = owner;
        this.server = server;
        this.port = port;
        this.https = https;
    }

    public void limits(JettyLimits l) {
        limits = l;
    }

    public void httpConfiguration(HttpConfiguration c) {
        httpConfiguration = c;
    }

    /**
     * Answers on {@code address} too. Throws when the address cannot be bound (its previous holder has not let it
     * go yet); the caller retries.
     */
    public void listen(String address) {
        listen(address, port.getAsInt());
    }

    /** Answers on {@code address} at {@code port}; throws when it cannot be bound. */
    public synchronized void listen(String address, int at) {
        String key = address + ":" + at;
        if (onAddresses.containsKey(key)) return;
        Server s = server.get();
        ServerConnector c;
        if (https != null) {
            c = PemTls.jettyConnector(s, baseConfiguration(s), https, address, at);
        } else {
            c = new ServerConnector(s, new HttpConnectionFactory(baseConfiguration(s)));
            c.setHost(address);
            c.setPort(at);
        }
        limits.watch(c);
        s.addConnector(c);
        try {
            c.start();
        } catch (Exception e) {
            s.removeConnector(c);
            stopQuietly(c);
            throw new IllegalStateException("cannot listen on " + key + ": " + e.getMessage(), e);
        }
        onAddresses.put(key, c);
        LOG.info("{} also answers on {}", owner, key);
    }

    /** The HTTP configuration of the service's own connector: a service address is answered the same way. */
    private HttpConfiguration baseConfiguration(Server s) {
        HttpConfiguration given = httpConfiguration;
        if (given != null) return given;
        HttpConnectionFactory f = s.getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class);
        return f != null ? f.getHttpConfiguration() : new HttpConfiguration();
    }

    /** Stops answering on {@code address}. */
    public void unlisten(String address) {
        unlisten(address, port.getAsInt());
    }

    /** Stops answering on {@code address} at {@code port}. */
    public synchronized void unlisten(String address, int at) {
        ServerConnector c = onAddresses.remove(address + ":" + at);
        if (c == null) return;
        stopQuietly(c);
        server.get().removeConnector(c);
        LOG.info("{} no longer answers on {}:{}", owner, address, at);
    }

    /** The addresses it answers on besides the server's own, each as address:port. */
    public synchronized Set<String> listening() {
        return Set.copyOf(onAddresses.keySet());
    }

    /** At the service's stop: every connector closed. */
    public synchronized void closeAll() {
        onAddresses.values().forEach(this::stopQuietly);
        onAddresses.clear();
    }

    private void stopQuietly(ServerConnector c) {
        try {
            c.stop();
        } catch (Exception e) {
            LOG.warn("{}: closing {}:{} failed: {}", owner, c.getHost(), c.getPort(), e.toString());
        }
    }
}
