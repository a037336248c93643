package dev.tandem.bench.proc;

import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.node.demo.DemoCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A demo cluster ({@link DemoCluster}, what {@code tandem demo init} writes) of real node processes. The subnet
 * moves every address from 127.0.0.x to 127.0.S.x, so a benchmark can run beside tests that use the demo
 * addresses; the ports stay those of the specification.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final Path jar;
    private final int subnet;
    private final List<Path> configs;
    private final List<NodeProc> nodes = new ArrayList<>();
    private final Admin admin;
    private List<String> jvmOptions = NodeProc.JVM_OPTIONS;
    private Map<String, String> environment = Map.of();

    private LocalCluster(Path dir, Path jar, int subnet, List<Path> configs, Admin admin) {
        this.dir = dir;
        this.jar = jar;
        this.subnet = subnet;
        this.configs = configs;
        this.admin = admin;
    }

    public static LocalCluster write(Path dir, Path jar, int nodes, DemoCluster.Profile profile, int subnet)
            throws IOException {
        if (subnet < 0 || subnet > 254) throw new IllegalArgumentException("--subnet: " + subnet + "; allowed: 0 to 254");
        List<Path> configs = DemoCluster.write(dir, nodes, profile);
        for (Path c : configs) {
            String y = Files.readString(c);
            if (subnet != 0) y = y.replace("127.0.0.", "127.0." + subnet + ".");
            // A lone node has no peers: the demo writes an empty key, which the loader rightly refuses.
            if (nodes == 1) y = y.replace("  peers:\n", "  peers: []\n");
            Files.writeString(c, y);
        }
        Admin admin = new Admin(Files.readString(dir.resolve("admin-token")).strip(), 20075);
        return new LocalCluster(dir, jar, subnet, configs, admin);
    }

    /** The JVM options of the nodes started from now on (default {@link NodeProc#JVM_OPTIONS}). */
    public LocalCluster jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /** The JVM options and environment variables of the nodes started from now on. */
    public LocalCluster launch(NodeLaunch launch) {
        this.jvmOptions = launch.jvmOptions();
        this.environment = launch.environment();
        return this;
    }

    public String host(int i) {
        return "127.0." + subnet + "." + (DemoCluster.FIRST_HOST + i);
    }

    public String clusterAddress() {
        return "127.0." + subnet + ".10";
    }

    public String id(int i) {
        return DemoCluster.nodeId(i);
    }

    public int size() {
        return configs.size();
    }

    public Path dir() {
        return dir;
    }

    public Admin admin() {
        return admin;
    }

    public Path config(int i) {
        return configs.get(i);
    }

    /** Starts node {@code i} (again, after it was killed) and returns it. */
    public NodeProc start(int i) throws IOException {
        while (nodes.size() <= i) nodes.add(null);
        NodeProc p = new NodeProc(jar, configs.get(i), jvmOptions, environment).start();
        nodes.set(i, p);
        return p;
    }

    public NodeProc node(int i) {
        return nodes.get(i);
    }

    /** Every log, for the message of a failed run. */
    public String logs() {
        StringBuilder b = new StringBuilder();
        for (NodeProc n : nodes) {
            if (n == null) continue;
            String log = n.log();
            b.append("\n--- ").append(n.logFile().getFileName()).append(" (last lines)\n");
            List<String> lines = log.lines().toList();
            lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }

    /** The index of the node every node names as director, once it also holds the cluster address; else -1. */
    public int agreedDirector() {
        requireAlive();
        String d = null;
        for (int i = 0; i < size(); i++) {
            Optional<LoadBalancingAnswers.LoadBalancing> lb = admin().loadBalancing(host(i));
            if (lb.isEmpty() || lb.get().director() == null) return -1;
            String seen = lb.get().director();
            if (d != null && !d.equals(seen)) return -1;
            d = seen;
        }
        for (int i = 0; i < size(); i++) {
            Optional<LoadBalancingAnswers.LoadBalancing> lb = admin().loadBalancing(host(i));
            if (lb.isPresent() && lb.get().holdsClusterAddress()) return i;
        }
        return -1;
    }

    /** Node {@code i} reports itself Normal / Normal (failing at once when a node exited on its own). */
    public boolean normal(int i) {
        requireAlive();
        return admin.stateOf(host(i), id(i)).map(s -> s.equals("Normal / Normal")).orElse(false);
    }

    /** Fails at once when a started node has exited on its own (a configuration error, a crash). */
    public void requireAlive() {
        for (NodeProc n : nodes) {
            if (n != null && !n.alive() && !n.killedOnPurpose()) {
                throw new IllegalStateException("node " + n.logFile().getFileName() + " exited" + logs());
            }
        }
    }

    /** Polls until the condition holds; false when the deadline passed. */
    public static boolean await(BooleanSupplier condition, long timeoutMillis, long pollMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(pollMillis);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        for (NodeProc n : nodes) if (n != null) n.close();
    }
}
