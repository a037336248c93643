package dev.tandem.node.demo;

import dev.tandem.core.Invalid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes a runnable local cluster: one YAML file per node on 127.0.0.11, .12, ... (Linux routes all of
 * 127.0.0.0/8 to loopback, so each node has its own address without root), nodes paired into redundancy
 * groups, a shared cluster key and an admin token. What {@code tandem demo init} and {@code tandem demo} write also
 * gives every node a service address on loopback, 127.0.0.111, .112, ..., with the bind driver
 * (docs/redundancy.md, Service addresses), so the addresses that follow the users move without root.
 */
public final class DemoCluster {
    /** The first node's address is 127.0.0.{FIRST_HOST}; the cluster address is 127.0.0.10. */
    public static final int FIRST_HOST = 11;
    public static final int MAX_NODES = 100;

    public enum Profile {
        /** The specification's timers: 15 s heartbeats, 60 s timeout. */
        DEFAULT,
        /** Timers scaled down for tests and demos: 100 ms heartbeats, 500 ms timeout. */
        FAST
    }

    private DemoCluster() {}

    public static String nodeId(int i) {
        return "n" + (i + 1);
    }

    public static String address(int i) {
        return "127.0.0." + (FIRST_HOST + i);
    }

    /**
     * The first node's service address is 127.0.0.{FIRST_SERVICE_HOST}: just past the last node address a cluster
     * of {@link #MAX_NODES} can have (127.0.0.110), so no service address is ever a node's, and the last one
     * (127.0.0.210) stays below the broadcast host 255. The cluster address, 127.0.0.10, is below them all.
     */
    public static final int FIRST_SERVICE_HOST = FIRST_HOST + MAX_NODES;

    /** Node i's service address: it follows the node's users to whichever node serves them. */
    public static String serviceAddress(int i) {
        return "127.0.0." + (FIRST_SERVICE_HOST + i);
    }

    /** The cluster address of every demo cluster: the director binds it. */
    public static final String CLUSTER_ADDRESS = "127.0.0.10";
    /** The demo cluster's shared store: an H2 file next to the configuration files. */
    public static final String STORE_URL = "jdbc:h2:file:store/tandem;AUTO_SERVER=TRUE";

    /**
     * Writes the cluster without service addresses and returns the configuration files, one per node: each
     * member's public address is then its node address, as the tests and benchmarks that start such a cluster
     * expect.
     */
    public static List<Path> write(Path dir, int nodes, Profile profile) throws IOException {
        return write(dir, nodes, profile, false);
    }

    /**
     * Writes the cluster and returns the configuration files, one per node; with {@code serviceAddresses} (what
     * {@code tandem demo init} and {@code tandem demo} write) every node has the service address
     * {@link #serviceAddress}, claimed by the bind driver, and that address is its public address, where the
     * director redirects clients.
     */
    public static List<Path> write(Path dir, int nodes, Profile profile, boolean serviceAddresses) throws IOException {
        if (nodes < 1 || nodes > MAX_NODES) throw new Invalid("--nodes", nodes, "from 1 to " + MAX_NODES);
        Files.createDirectories(dir);
        writeSecret(dir.resolve("cluster-key"), randomSecret());
        writeSecret(dir.resolve("admin-token"), randomSecret());
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int first = i - i % 2;
            boolean pair = first + 1 < nodes;
            Path f = dir.resolve(nodeId(i) + ".yaml");
            Files.writeString(f, yaml(i, first, pair, profile, serviceAddresses) + loadBalancing(i, nodes, profile) + sessionService(i, profile));
            files.add(f);
        }
        return files;
    }

    private static String yaml(int i, int first, boolean pair, Profile profile, boolean serviceAddresses) {
        StringBuilder y = new StringBuilder();
        y.append("# Node ").append(nodeId(i)).append(" of a local demo cluster (docs/node-config.yaml explains every key).\n");
        y.append("node:\n  id: ").append(nodeId(i)).append("\n  address: ").append(address(i)).append('\n');
        y.append("admin:\n  address: ").append(address(i)).append("\n  port: 20075\n  tokenFile: admin-token\n");
        y.append("cluster:\n  keyFile: cluster-key\n  encryption: true\n");
        y.append("redundancyGroup:\n  name: g").append(first / 2 + 1).append('\n');
        y.append("  highAvailability: ").append(pair).append("\n  nodes:\n");
        y.append("    - id: ").append(nodeId(first)).append("\n      address: ").append(address(first)).append('\n');
        if (serviceAddresses) y.append("      serviceAddress: ").append(serviceAddress(first)).append('\n');
        if (pair) {
            y.append("    - id: ").append(nodeId(first + 1)).append("\n      address: ").append(address(first + 1)).append('\n');
            if (serviceAddresses) y.append("      serviceAddress: ").append(serviceAddress(first + 1)).append('\n');
        }
        if (serviceAddresses) {
            // 127.0.0.0/8 is routed to loopback already: binding the address is all a claim needs, so no root.
            y.append("serviceAddresses:\n  driver: bind\n");
        }
        // Not a witness: the demo's H2 store is served by one of its nodes, and would go with it (docs/redundancy.md,
        // Witness). Written out, so that a run of the benchmarks can choose.
        y.append("parameters:\n  partitionRecovery: manual\n");
        if (profile == Profile.FAST) {
            // The initialization timeout stays long enough for JVMs started one after another to find each other.
            y.append("  keepAliveInterval: 100ms\n  keepAliveTimeout: 500ms\n  initKeepAliveTimeout: 15s\n")
                    .append("  criticalServiceDelay: 1s\n  automaticFallbackDelay: 10s\n")
                    .append("  clientReloginLower: 1s\n  clientReloginUpper: 3s\n");
        }
        y.append("stateDir: state/").append(nodeId(i)).append('\n');
        // One store for the whole demo cluster: the first node to open the H2 file serves it to the others.
        y.append("store:\n  url: ").append(STORE_URL).append('\n');
        return y.toString();
    }

    /** Every node is a member of one load-balancing group whose cluster address is 127.0.0.10. */
    private static String loadBalancing(int i, int nodes, Profile profile) {
        StringBuilder y = new StringBuilder();
        y.append("loadBalancing:\n  clusterAddress: ").append(CLUSTER_ADDRESS).append('\n');
        y.append("  participate: true\n  priority: ").append(Math.max(1, 10 - i)).append('\n');
        y.append("  maxSessions: 100\n  peers:").append(nodes == 1 ? " []\n" : "\n"); // a node alone has no peers
        for (int j = 0; j < nodes; j++) {
            if (j != i) y.append("    - id: ").append(nodeId(j)).append("\n      address: ").append(address(j)).append('\n');
        }
        y.append("  redirect:\n    http:\n      maxConnectionsPerClient: ").append(DEMO_CONNECTIONS_PER_ADDRESS).append('\n');
        if (profile == Profile.FAST) {
            // Keepalives scaled down tenfold; discovery stays long enough for JVMs started one after another.
            y.append("  timing:\n    keepaliveInterval: 100ms\n    keepaliveWait: 300ms\n")
                    .append("    helloInterval: 250ms\n    discoveryWindow: 3s\n");
        }
        return y.toString();
    }

    /** The port of every node's session service, and of the director's redirect service on the cluster address. */
    public static final int SERVICE_PORT = 8443;
    /**
     * The demo's clients all come from loopback, so the per-address caps (sessions, connections) are set above
     * anything a demo starts (docs/node.md, HTTP limits).
     */
    static final int DEMO_SESSIONS_PER_ADDRESS = 100_000;
    static final int DEMO_CONNECTIONS_PER_ADDRESS = 100_000;

    /**
     * Every node runs the session service on its own address and port 8443 (and on each service address it holds),
     * and watches it on its own address as a critical service ([RG-HB]: a critical service down for the Critical
     * Service Delay fails the node over).
     */
    private static String sessionService(int i, Profile profile) {
        boolean fast = profile == Profile.FAST;
        StringBuilder y = new StringBuilder();
        y.append("sessionService:\n  port: ").append(SERVICE_PORT).append('\n');
        // Every simulated client logs in from this machine: one address holds them all.
        y.append("  maxSessionsPerAddress: ").append(DEMO_SESSIONS_PER_ADDRESS).append('\n');
        y.append("  http:\n    maxConnectionsPerClient: ").append(DEMO_CONNECTIONS_PER_ADDRESS).append('\n');
        if (fast) y.append("  heartbeatInterval: 500ms\n  endAfter: 1m\n");
        y.append("criticalServices:\n  - name: session-service\n    kind: http\n    url: http://")
                .append(address(i)).append(':').append(SERVICE_PORT).append("/session/health\n")
                // Fast: one slow answer (a loaded start on a small machine) is not yet a failed service.
                .append(fast ? "    interval: 1s\n    timeout: 1s\n    failAfter: 2\n" : "    interval: 5s\n    timeout: 2s\n");
        return y.toString();
    }

    private static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void writeSecret(Path file, String secret) throws IOException {
        Files.writeString(file, secret + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the default permissions
        }
    }
}
