package dev.tandem.node.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections by client address, for the per-client cap of {@code http.maxConnectionsPerClient}
 * (docs/node.md, HTTP limits). Thread-safe; an address without connections is forgotten.
 */
public final class ClientConnections {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    public ClientConnections(int max) {
        this.max = max;
    }

    /** A connection opened: true when the client is within its cap; {@link #closed} must follow either way. */
    public boolean opened(InetAddress client) {
        return open.merge(client, 1, Integer::sum) <= max;
    }

    public void closed(InetAddress client) {
        open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    public int max() {
        return max;
    }

    /** The refusal's message. */
    public String refusal(InetAddress client) {
        return "too many connections from " + client.getHostAddress() + ": at most " + max
                + " open at once (http.maxConnectionsPerClient); close some and try again";
    }
}
