package dev.tandem.bench.chaos;

import dev.tandem.api.AdminClient;
import dev.tandem.api.SessionAnswers;
import dev.tandem.bench.proc.Admin;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.node.demo.DemoCluster;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cluster a chaos run hurts: what {@code tandem demo init} writes (pairs g1 = n1, n2, g2 = n3, n4, ...; every
 * node a member of one load-balancing group; a service address per node; the fast profile), moved onto the run's
 * network ({@link ChaosNetwork}: namespaces and the linux driver, or loopback and the bind driver), with sessions handed over by replication and a real PostgreSQL server as the cluster store, so
 * that the store can be stopped and started again under the running nodes.
 */
final class ChaosCluster implements AutoCloseable {
    static final int SESSION_PORT = DemoCluster.SERVICE_PORT;
    private static final int ADMIN_PORT = 20075;
    private final Path dir;
    private final Path jar;
    private final ChaosNetwork network;
    private final List<Path> configs;
    private final NodeProc[] nodes;
    /** Nodes the run killed or stopped and has not started again: the only ones allowed not to run. */
    private final boolean[] downOnPurpose;
    /** When the run found a node exited on its own ({@link System#nanoTime()}), 0 while it runs. */
    private final long[] exitSeen;
    private final Admin admin;
    private final int storePort;
    private EmbeddedPostgres store;
    private final List<Path> mounted = new ArrayList<>();
    /** One client per node's session service, so that probes reuse their connections instead of piling them up. */
    private final java.util.Map<Integer, AdminClient> sessionClients = new java.util.concurrent.ConcurrentHashMap<>();

    private ChaosCluster(Path dir, Path jar, ChaosNetwork network, List<Path> configs, Admin admin, int storePort) {
        this.dir = dir;
        this.jar = jar;
        this.network = network;
        this.configs = configs;
        this.nodes = new NodeProc[configs.size()];
        this.downOnPurpose = new boolean[configs.size()];
        this.exitSeen = new long[configs.size()];
        this.admin = admin;
        this.storePort = storePort;
    }

    /**
     * Writes the configurations and starts the store; the nodes start with {@link #start(int)}.
     *
     * @param partitionRecovery witness (the PostgreSQL store here is a process of its own) or manual, as the demo writes it
     */
    static ChaosCluster create(Path dir, Path jar, int nodes, ChaosNetwork network, String partitionRecovery)
            throws Exception {
        // The server's own log (every start and stop of a store outage) would bury the run's lines.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.zonky"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Path> configs = DemoCluster.write(dir, nodes, DemoCluster.Profile.FAST, true);
        String url = "jdbc:postgresql://" + network.storeAddress() + ":" + port + "/tandem";
        for (Path c : configs) {
            String y = network.configure(Files.readString(c))
                    .replace("  url: " + DemoCluster.STORE_URL + "\n", "  url: " + url + "\n  user: postgres\n")
                    .replace("sessionService:\n", "sessionService:\n  handover: keep\n")
                    .replace("  partitionRecovery: manual\n", "  partitionRecovery: " + partitionRecovery + "\n");
            if (!y.contains(url)) throw new IllegalStateException("the demo configuration has no store line to replace: " + c);
            Files.writeString(c, y);
        }
        Admin admin = new Admin(Files.readString(dir.resolve("admin-token")).strip(), ADMIN_PORT);
        ChaosCluster cluster = new ChaosCluster(dir, jar, network, configs, admin, port);
        cluster.startStore();
        try (Connection c = cluster.store.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE tandem");
            if (!network.storeAddress().equals("127.0.0.1")) {
                // The server lets in only this host's own loopback until told: the nodes come from the run's subnet.
                Files.writeString(dir.resolve("pg-data").resolve("pg_hba.conf"), "host all all "
                        + network.prefix() + "0/24 trust\n", java.nio.file.StandardOpenOption.APPEND);
                s.execute("SELECT pg_reload_conf()");
            }
        }
        return cluster;
    }

    int size() {
        return nodes.length;
    }

    String id(int i) {
        return DemoCluster.nodeId(i);
    }

    String host(int i) {
        return network.host(i);
    }

    String serviceAddress(int i) {
        return network.serviceAddress(i);
    }

    String clusterAddress() {
        return network.clusterAddress();
    }

    ChaosNetwork network() {
        return network;
    }

    /** The pair of node {@code i}: g1 for n1 and n2, g2 for n3 and n4, ... */
    static String group(int i) {
        return "g" + (i / 2 + 1);
    }

    static int peer(int i) {
        return i ^ 1;
    }

    Admin admin() {
        return admin;
    }

    Path dir() {
        return dir;
    }

    NodeProc node(int i) {
        return nodes[i];
    }

    NodeProc start(int i) throws IOException {
        nodes[i] = new NodeProc(jar, configs.get(i), NodeProc.JVM_OPTIONS, java.util.Map.of(), network.launcher(i)).start();
        downOnPurpose[i] = false;
        exitSeen[i] = 0;
        return nodes[i];
    }

    /** SIGKILL: the node dies at once, its sockets closed by the kernel. */
    void kill(int i) throws InterruptedException {
        downOnPurpose[i] = true;
        nodes[i].kill();
    }

    /** SIGTERM, as systemd stops a node; false when it did not stop in time (then it is killed). */
    boolean stop(int i) throws IOException, InterruptedException {
        downOnPurpose[i] = true;
        try {
            nodes[i].stop();
            return true;
        } catch (IOException e) {
            nodes[i].kill();
            return false;
        }
    }

    boolean running(int i) {
        return nodes[i] != null && nodes[i].alive() && !downOnPurpose[i];
    }

    /** The store's server, on the same data folder and port as before it was stopped. */
    void startStore() throws IOException {
        store = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.resolve("pg").toFile())
                .setDataDirectory(dir.resolve("pg-data")).setCleanDataDirectory(false).setPort(storePort)
                .setServerConfig("listen_addresses", network.storeAddress().equals("127.0.0.1") ? "localhost"
                        : "localhost," + network.storeAddress())
                .start();
    }

    /** Stops the store's server (a fast shutdown: every connection of the nodes is cut). */
    void stopStore() throws IOException {
        store.close();
        store = null;
    }

    boolean storeRunning() {
        return store != null;
    }

    /** What node {@code i}'s session service says it serves: the homes whose users it serves now; empty: no answer. */
    Optional<List<String>> serving(int i) {
        AdminClient c = sessionClients.computeIfAbsent(i, k -> new AdminClient(URI.create("http://" + host(k) + ":"
                + SESSION_PORT), null, null, Duration.ofMillis(300), Duration.ofSeconds(1)));
        try {
            AdminClient.Answer a = c.exchange("GET", "/session/health", null, null);
            if (a.status() != 200 && a.status() != 503) return Optional.empty();
            return Optional.of(a.as(SessionAnswers.Health.class).serving());
        } catch (AdminClient.Failure | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Node {@code i}'s state directory, as its configuration names it. */
    Path stateDir(int i) {
        return dir.resolve("state").resolve(id(i));
    }

    /**
     * Gives every node's state directory a file system of its own, 2 MiB of memory (tmpfs), so that one node's disk
     * can be filled without filling the machine's; empty when it cannot (not root, no mount).
     */
    String mountStateDirs() {
        // A run stopped by Ctrl-C or a time limit skips close(): the mounts go with the process all the same.
        Runtime.getRuntime().addShutdownHook(new Thread(this::unmount, "chaos-unmount"));
        for (int i = 0; i < nodes.length; i++) {
            try {
                Files.createDirectories(stateDir(i));
                Shell.run("mount", "-t", "tmpfs", "-o", "size=2m", "tandem-chaos", stateDir(i).toString());
                mounted.add(stateDir(i));
            } catch (IOException e) {
                return "full disks need root and mount(8): " + e.getMessage();
            }
        }
        return "";
    }

    /** Fills node {@code i}'s state directory until the file system refuses another byte. */
    void fillDisk(int i) throws IOException {
        byte[] chunk = new byte[16 * 1024];
        try (var out = Files.newOutputStream(stateDir(i).resolve(FILLER))) {
            while (true) out.write(chunk);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("space")) throw e; // not a full disk: something else broke
        }
    }

    void emptyDisk(int i) throws IOException {
        Files.deleteIfExists(stateDir(i).resolve(FILLER));
    }

    private static final String FILLER = "chaos-filler";

    /** The last lines of every node's log, for a violation's record. */
    String logs(int lines) {
        StringBuilder b = new StringBuilder();
        for (NodeProc n : nodes) {
            if (n == null) continue;
            List<String> all = n.log().lines().toList();
            b.append("--- ").append(n.logFile().getFileName()).append(" (last ").append(lines).append(" lines)\n");
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }

    /**
     * The nodes whose state file names another state than {@code state} (NORMAL, ...), with what it names, or is not
     * whole JSON (a write cut short by a full disk or a kill would show here).
     */
    List<String> stateFilesSay(String state) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            try {
                String found = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(stateDir(i).resolve("recovery-manager.json").toFile()).path("rm").path("state").asText();
                if (!found.equals(state)) out.add(id(i) + ": " + found);
            } catch (IOException e) {
                out.add(id(i) + ": unreadable (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /**
     * Does what the packaged systemd unit does (Restart=on-failure, RestartSec=2, RestartPreventExitStatus=2) for
     * nodes that exited without the run killing or stopping them: starts them again 2 s after they exited, unless
     * their status was 2 (a configuration error). Returns each such exit with its status and last log line, once,
     * and whether it was the refusal to start that a full state disk calls for ({@code fullDisk}: the node whose
     * disk is full now, or -1).
     */
    List<Exit> supervise(int fullDisk) throws IOException {
        List<Exit> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            NodeProc n = nodes[i];
            // A run that is being stopped kills its nodes: those exits are the run's, not the nodes'.
            if (n == null || n.alive() || downOnPurpose[i] || NodeProc.ending()) continue;
            if (exitSeen[i] == 0) {
                exitSeen[i] = System.nanoTime();
                // Why it ended: the command's own last word ("tandem node: ...") is followed by the stop's log lines.
                List<String> log = n.log().lines().toList();
                List<String> tail = log.subList(Math.max(0, log.size() - 8), log.size());
                String last = tail.stream().filter(l -> l.startsWith("tandem node: ")).reduce((a, b) -> b)
                        .orElse(tail.isEmpty() ? "" : tail.get(tail.size() - 1));
                boolean refusedOnFullDisk = i == fullDisk && n.exitValue() == 1
                        && last.contains("cannot start: cannot write the state file");
                out.add(new Exit(id(i), n.exitValue(), last, refusedOnFullDisk));
            }
            if (n.exitValue() != 2 && System.nanoTime() - exitSeen[i] >= 2_000_000_000L) start(i);
        }
        return out;
    }

    record Exit(String node, int status, String lastLine, boolean refusedOnFullDisk) {}

    @Override
    public void close() throws IOException {
        for (NodeProc n : nodes) if (n != null) n.close();
        if (store != null) stopStore();
        unmount();
    }

    private synchronized void unmount() {
        for (Path m : mounted) {
            try {
                Shell.run("umount", "-l", m.toString()); // lazily: a node killed a moment ago may still hold a file there
            } catch (IOException e) {
                System.err.println("chaos: could not unmount " + m + ": " + e.getMessage());
            }
        }
        mounted.clear();
    }
}
