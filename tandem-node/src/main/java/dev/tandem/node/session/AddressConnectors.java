package dev.tandem.node.session;

import dev.tandem.node.http.JettyLimits;
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
 * The session service on the service addresses its node holds (docs/redundancy.md, Service addresses): a
 * connector of the service's one HTTP server for each, at the service's port, answered as its own connector is
 * (TLS, HTTP configuration, limits). Opening or closing one takes a few milliseconds, where a server of its own
 * took tens.
 */
final class AddressConnectors {
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
    AddressConnectors(String owner, Supplier<Server> server, IntSupplier port, SSLContext https) {
        this.owner = owner;
        this.server = server;
        this.port = port;
        this.https = https;
    }

    void limits(JettyLimits l) {
        limits = l;
    }

    void httpConfiguration(HttpConfiguration c) {
        httpConfiguration = c;
    }

    /**
     * Answers on {@code address} too. Throws when the address cannot be bound (its previous holder has not let it
     * go yet); the caller retries.
     */
    synchronized void listen(String address) {
        if (onAddresses.containsKey(address)) return;
        Server s = server.get();
        ServerConnector c;
        if (https != null) {
            c = PemTls.jettyConnector(s, baseConfiguration(s), https, address, port.getAsInt());
        } else {
            c = new ServerConnector(s, new HttpConnectionFactory(baseConfiguration(s)));
            c.setHost(address);
            c.setPort(port.getAsInt());
        }
        limits.watch(c);
        s.addConnector(c);
        try {
            c.start();
        } catch (Exception e) {
            s.removeConnector(c);
            stopQuietly(c);
            throw new IllegalStateException("cannot listen on " + address + ":" + port.getAsInt() + ": " + e.getMessage(), e);
        }
        onAddresses.put(address, c);
        LOG.info("{} also answers on {}:{}", owner, address, port.getAsInt());
    }

    /** The HTTP configuration of the service's own connector: a service address is answered the same way. */
    private HttpConfiguration baseConfiguration(Server s) {
        HttpConfiguration given = httpConfiguration;
        if (given != null) return given;
        HttpConnectionFactory f = s.getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class);
        return f != null ? f.getHttpConfiguration() : new HttpConfiguration();
    }

    /** Stops answering on {@code address}. */
    synchronized void unlisten(String address) {
        ServerConnector c = onAddresses.remove(address);
        if (c == null) return;
        stopQuietly(c);
        server.get().removeConnector(c);
        LOG.info("{} no longer answers on {}:{}", owner, address, port.getAsInt());
    }

    synchronized Set<String> listening() {
        return Set.copyOf(onAddresses.keySet());
    }

    /** At the service's stop: every connector closed. */
    synchronized void closeAll() {
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
