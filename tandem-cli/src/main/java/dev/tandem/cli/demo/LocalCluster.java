package dev.tandem.cli.demo;

import dev.tandem.core.Invalid;
import dev.tandem.node.demo.DemoCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local cluster of node processes on 127.0.0.11, .12, ... written by {@link DemoCluster}: starts each node as a
 * child process of this one (which it follows: a node stops when this process ends, however it ends), kills and
 * restarts them, and stops them all at the end.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final int size;
    private final List<String> java;
    private final Map<String, Process> processes = new LinkedHashMap<>();

    /**
     * @param java the command that runs this program's main class: the java binary, its options and class path
     */
    public LocalCluster(Path dir, int size, List<String> java) {
        this.dir = dir;
        this.size = size;
        this.java = List.copyOf(java);
    }

    /** The java command of this very process, with small-footprint options for the demo's nodes. */
    public static List<String> selfCommand() {
        String bin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        return List.of(bin, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx192m",
                "-cp", System.getProperty("java.class.path"), "dev.tandem.cli.Main");
    }

    public List<String> nodes() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size; i++) out.add(DemoCluster.nodeId(i));
        return out;
    }

    public int index(String node) {
        for (int i = 0; i < size; i++) if (DemoCluster.nodeId(i).equals(node)) return i;
        throw new Invalid("node", node, "one of " + nodes());
    }

    public String address(String node) {
        return DemoCluster.address(index(node));
    }

    /** The service address {@link DemoCluster} gives the node: it follows the node's users. */
    public String serviceAddress(String node) {
        return DemoCluster.serviceAddress(index(node));
    }

    public String adminUrl(String node) {
        return "http://" + address(node) + ":20075";
    }

    public Path tokenFile() {
        return dir.resolve("admin-token");
    }

    public String token() throws IOException {
        return Files.readString(tokenFile()).strip();
    }

    public Path log(String node) {
        return dir.resolve("logs").resolve(node + ".log");
    }

    public synchronized boolean running(String node) {
        Process p = processes.get(node);
        return p != null && p.isAlive();
    }

    /** Starts the node's process (again); its output goes to logs/NODE.log. */
    public synchronized void start(String node) throws IOException {
        index(node);
        if (running(node)) return;
        Files.createDirectories(log(node).getParent());
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(List.of("node", "--config", dir.resolve(node + ".yaml").toString(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()));
        processes.put(node, b.start());
    }

    /** SIGKILL: the node has no chance to tell its peer (a crash, as far as the cluster can tell). */
    public synchronized void kill(String node) throws InterruptedException {
        index(node);
        Process p = processes.get(node);
        if (p == null || !p.isAlive()) return;
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL for what is still running after a few seconds; the same for every child it started. */
    @Override
    public synchronized void close() {
        for (Process p : processes.values()) if (p.isAlive()) p.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        for (Process p : processes.values()) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) p.waitFor(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    /** Process ids of the nodes now running, for a check that none outlives the demo. */
    public synchronized List<Long> pids() {
        return processes.values().stream().filter(Process::isAlive).map(Process::pid).toList();
    }
}
