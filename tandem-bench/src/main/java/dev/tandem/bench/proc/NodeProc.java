package dev.tandem.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node as its own JVM, started from the distribution jar as an operator starts it, with the means to hurt it:
 * SIGKILL (the process dies, its ports close), SIGSTOP (the process hangs with its ports open: a silent peer).
 */
public final class NodeProc implements AutoCloseable {
    /** The JVM options of every node the benchmarks start; recorded in results so figures can be reproduced. */
    public static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    /** Nodes still running when the benchmark is stopped (Ctrl-C, a time limit) are killed with it. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Set when the benchmark's JVM begins to end: the nodes it kills then did not exit on their own. */
    private static volatile boolean ending;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ending = true;
            LIVE.forEach(Process::destroyForcibly);
        }, "kill-nodes"));
    }

    private final Path jar;
    private final Path config;
    private final Path log;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final List<String> launcher;
    private Process process;
    private long startedNanos;
    private boolean stopped;
    private volatile boolean killed;

    public NodeProc(Path jar, Path config) {
        this(jar, config, JVM_OPTIONS);
    }

    /** A node started with other JVM options than {@link #JVM_OPTIONS} (a larger heap for a million users). */
    public NodeProc(Path jar, Path config, List<String> jvmOptions) {
        this(jar, config, jvmOptions, Map.of());
    }

    /** A node started with these JVM options and these variables added to its environment. */
    public NodeProc(Path jar, Path config, List<String> jvmOptions, Map<String, String> environment) {
        this(jar, config, jvmOptions, environment, List.of());
    }

    /**
     * A node whose command is started under {@code launcher} ({@code ip netns exec NAME}: in a network namespace of
     * its own); the launcher must exec the command, so that the process signalled is the node's JVM.
     */
    public NodeProc(Path jar, Path config, List<String> jvmOptions, Map<String, String> environment, List<String> launcher) {
        this.launcher = List.copyOf(launcher);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
        this.jar = jar;
        this.config = config;
        this.log = config.resolveSibling(config.getFileName().toString().replace(".yaml", ".log"));
    }

    public NodeProc start() throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("node");
        cmd.add("--config");
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        startedNanos = System.nanoTime();
        process = pb.start();
        LIVE.add(process);
        return this;
    }

    /** {@link System#nanoTime()} just before the process was created. */
    public long startedNanos() {
        return startedNanos;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** The exit status of a process that has ended; -1 while it runs. */
    public int exitValue() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGKILL: the process dies at once and says nothing; the kernel closes its sockets. */
    public void kill() throws InterruptedException {
        killed = true;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, as systemd stops a node: the node says goodbye and the JVM runs its exit steps; the exit status. */
    public int stop() throws IOException, InterruptedException {
        signal("TERM");
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IOException("the node did not stop within 30 s of SIGTERM");
        LIVE.remove(process);
        return process.exitValue();
    }

    /** SIGSTOP: the process stops running but keeps its sockets, so only a timeout can tell. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
        stopped = true;
    }

    /** SIGCONT: a frozen process runs again. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (p.waitFor() != 0) throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }

    /** Resident memory now, from /proc/PID/status (VmRSS), in KiB; -1 when unknown. */
    public long rssKib() {
        return ProcStat.rssKib(process.pid());
    }

    /** CPU time used so far (user + system), from /proc/PID/stat, in clock ticks; -1 when unknown. */
    public long cpuTicks() {
        return ProcStat.cpuTicks(process.pid());
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    public Path logFile() {
        return log;
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) return;
        process.destroyForcibly(); // SIGKILL ends a stopped process too
        LIVE.remove(process);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean frozen() {
        return stopped;
    }

    /** Killed or frozen by the benchmark (or killed because the benchmark itself is ending), not exited on its own. */
    public boolean killedOnPurpose() {
        return killed || stopped || ending;
    }

    /** Whether the benchmark's JVM is ending (a signal, a time limit): every node is being killed with it. */
    public static boolean ending() {
        return ending;
    }
}
