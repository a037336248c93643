package dev.tandem.node.config;

import dev.tandem.core.rm.ServiceParameters;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * What a node's configuration needs of the host it starts on, checked before the node writes anything anywhere
 * (its state directory, the store), and writing nothing itself: every address it binds is one of this host's, every
 * port it listens on is free, its state directory is one this user can write or create. A configuration that fails here is a configuration error (exit 2) named
 * by file, line and key, like any other; a node that has not started never fills the store
 * (docs/decisions/0052-a-node-checks-its-host-before-it-writes.md).
 *
 * <p>The ports are checked by binding them for an instant: another process may still take one before the node
 * binds it, and then the start fails with the bind error; the check exists for the usual mistake, not for races.
 */
final class HostCheck {
    private final BiFunction<String, String, ConfigError> error;

    /** @param error builds the error for a key path and a message, with the file and the key's line */
    HostCheck(BiFunction<String, String, ConfigError> error) {
        this.error = error;
    }

    void check(NodeConfig c) {
        ServiceParameters params = ServiceParameters.fromText(c.parameters());
        // The recovery manager's heartbeats: UDP on the node's address.
        InetAddress node = local("node.address", c.address());
        udpFree("parameters.servicePort", node, params.servicePort());
        // Further heartbeat paths: UDP on each of this node's heartbeat addresses (docs/redundancy.md, Heartbeat paths).
        java.util.List<NodeConfig.Member> me = c.redundancyGroup().nodes().stream().filter(m -> m.id().equals(c.id())).toList();
        for (int i = 0; !me.isEmpty() && i < me.get(0).heartbeatAddresses().size(); i++) {
            String key = "redundancyGroup.nodes[" + c.redundancyGroup().nodes().indexOf(me.get(0)) + "].heartbeatAddresses[" + i + "]";
            udpFree(key, local(key, me.get(0).heartbeatAddresses().get(i)), params.servicePort());
        }
        InetAddress admin = c.admin().address().equals(c.address()) ? node : local("admin.address", c.admin().address());
        tcpFree("admin.port", admin, c.admin().port());
        if (c.sessionService() != null) {
            NodeConfig.SessionService s = c.sessionService();
            InetAddress at = s.address().equals(c.address()) ? node : local("sessionService.address", s.address());
            tcpFree("sessionService.port", at, s.port());
            if (s.replication().handover() == dev.tandem.core.rm.SessionHandover.Mode.KEEP && c.redundancyGroup().nodes().size() > 1) {
                // The peer's copies of this node's sessions arrive here (docs/session-service.md, Stateful failover).
                tcpFree("sessionService.replicationPort", node, s.replication().port());
            }
        }
        if (c.loadBalancing() != null) {
            NodeConfig.LoadBalancing lb = c.loadBalancing();
            // Group messages: UDP on the private address; clients are sent to the public one. The cluster address is
            // claimed by the director only (the address driver may add it), so it need not be here yet.
            InetAddress priv = local("loadBalancing.privateAddress", lb.privateAddress());
            udpFree("loadBalancing.clusterPort", priv, lb.clusterPort());
            // A service address of the group as public address (the default where the node has one) is on this host
            // only while the node holds it: a driver that adds addresses (linux, script) puts it here on a claim.
            boolean serviceAddress = c.redundancyGroup().nodes().stream()
                    .anyMatch(m -> lb.publicAddress().equals(m.serviceAddress()));
            if (!serviceAddress || c.serviceAddresses().driver().equals("bind")) {
                local("loadBalancing.publicAddress", lb.publicAddress());
            }
        }
        stateDir(c.stateDir());
    }

    /** The directory, or the nearest of its parents that exists, is a directory this user may write (nothing is created). */
    private void stateDir(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        String why = p == null ? "no part of the path exists"
                : !Files.isDirectory(p) ? "not a directory: " + p
                : !Files.isWritable(p) ? "permission denied: " + p
                : null;
        if (why != null) {
            throw error.apply("stateDir", "'" + dir + "' cannot be written (" + why + "); allowed: a directory"
                    + " this user can create and write, where the node keeps its state");
        }
    }

    /** The address, which must be one this host can bind (one of its interfaces', or any of 127.0.0.0/8). */
    private InetAddress local(String key, String address) {
        InetAddress a;
        try {
            a = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw error.apply(key, "'" + address + "' does not resolve to an address; allowed: an IP address or a"
                    + " host name of this host");
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, 0))) {
            return a;
        } catch (IOException e) {
            throw error.apply(key, "'" + address + "' is not an address of this host (" + describe(e) + "); allowed:"
                    + " an address of one of its interfaces (on Linux any address of 127.0.0.0/8 too)");
        }
    }

    private void udpFree(String key, InetAddress a, int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, port))) {
            // free
        } catch (IOException e) {
            throw busy(key, "UDP", a, port, e);
        }
    }

    private void tcpFree(String key, InetAddress a, int port) {
        if (port == 0) return; // any free port
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a port left in TIME_WAIT by the last run is free to listen on
            s.bind(new InetSocketAddress(a, port));
        } catch (IOException e) {
            throw busy(key, "TCP", a, port, e);
        }
    }

    private ConfigError busy(String key, String protocol, InetAddress a, int port, IOException e) {
        return error.apply(key, protocol + " port " + port + " on " + a.getHostAddress() + " cannot be bound ("
                + describe(e) + "); allowed: a port no other process uses (is this node, or another with the same"
                + " port, already running?)");
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (e instanceof BindException && m != null) return m.replaceFirst(" \\(Bind failed\\)$", "");
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
