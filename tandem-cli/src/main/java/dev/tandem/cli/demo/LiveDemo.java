package dev.tandem.cli.demo;

import dev.tandem.node.demo.DemoCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@code tandem demo}: a local cluster of real node processes with the fast profile, session services on every node,
 * a crowd of clients logging in through the cluster address (which sends them to the nodes' service addresses), and
 * a live table. Actions come from keys or a script.
 */
public final class LiveDemo implements AutoCloseable {
    private static final Duration REFRESH = Duration.ofMillis(500);
    private static final Duration DIRECTOR_WAIT = Duration.ofSeconds(60);
    private static final int EVENTS_SHOWN = 8;

    /** Where the actions come from and how the table is drawn. */
    public interface Console extends AutoCloseable {
        /** The next key typed, or -1 when none came within the wait; never blocks longer than {@code wait}. */
        int key(Duration wait) throws IOException;

        /** Draws the table (a terminal redraws in place; a pipe gets it now and then). */
        void draw(List<String> lines);

        @Override
        void close();
    }

    /** The clients: started once a director answers, asked for what they see, stopped at the end. */
    public interface Clients extends AutoCloseable {
        ClientStats stats();

        @Override
        void close();
    }

    private final LocalCluster cluster;
    private final ClusterView view;
    private final PrintStream log;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Deque<String> events = new ArrayDeque<>();
    private Clients clients;
    private ClusterView.Snapshot last;

    public LiveDemo(LocalCluster cluster, PrintStream log) throws IOException {
        this.cluster = cluster;
        this.view = new ClusterView(cluster, cluster.token());
        this.log = log;
    }

    /** Starts every node, then waits until one directs the group; false when none did in time. */
    public boolean startCluster() throws IOException, InterruptedException {
        for (String n : cluster.nodes()) {
            cluster.start(n);
            log.println("started " + n + " on " + cluster.address(n) + ", service address " + cluster.serviceAddress(n)
                    + " (log: " + cluster.log(n) + ")");
        }
        long deadline = System.nanoTime() + DIRECTOR_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ClusterView.Snapshot s = view.read();
            if (s.director().isPresent()) {
                log.println("director " + s.director().get() + " holds the cluster address "
                        + DemoCluster.CLUSTER_ADDRESS);
                last = s;
                return true;
            }
            Thread.sleep(REFRESH.toMillis());
        }
        return false;
    }

    /**
     * Waits until every node serves (Normal), then adds {@code count} users u0001, u0002, ... to the cluster's store;
     * the assignment mode (Balanced by default) gives each a home node. Users that exist already are kept.
     */
    public void addUsers(int count) throws InterruptedException {
        if (count == 0) return;
        long deadline = System.nanoTime() + DIRECTOR_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ClusterView.Snapshot s = view.read();
            if (s.nodes().stream().allMatch(n -> n.up() && n.state().equals("Normal"))) break;
            Thread.sleep(REFRESH.toMillis());
        }
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= count; i++) csv.append(String.format("u%04d%n", i));
        String first = cluster.nodes().get(0);
        try {
            var r = view.postText(first, "/api/v1/users/import", "text/csv", csv.toString());
            log.println(r.ok() ? "added " + count + " users to the store: " + r.body()
                    : "users not added (" + r.status() + "): " + r.body());
        } catch (dev.tandem.api.AdminClient.Failure e) {
            log.println("users not added: " + first + " does not answer (" + e.getMessage() + ")");
        }
    }

    /**
     * Adds the console's first operator, {@code admin}, with a random password (docs/console.md); returns the password,
     * or empty when the node refused or did not answer (the log line says why).
     */
    public java.util.Optional<String> addConsoleOperator() {
        byte[] random = new byte[12];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String first = cluster.nodes().get(0);
        try {
            var r = view.postText(first, "/api/v1/operators", "application/json",
                    "{\"name\":\"admin\",\"role\":\"admin\",\"password\":\"" + password + "\"}");
            if (r.ok()) return java.util.Optional.of(password);
            log.println("console operator not added (" + r.status() + "): " + r.body());
        } catch (dev.tandem.api.AdminClient.Failure e) {
            log.println("console operator not added: " + first + " does not answer (" + e.getMessage() + ")");
        }
        return java.util.Optional.empty();
    }

    public void clients(Clients c) {
        this.clients = c;
    }

    /**
     * Runs until quit: redraws, and applies the script's steps at their times (from the start of this call) and the
     * keys typed.
     */
    public void run(Console console, Optional<DemoScript> script, Function<ClusterView.Snapshot, List<String>> header)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        int next = 0;
        List<DemoScript.Step> steps = script.map(DemoScript::steps).orElse(List.of());
        StringBuilder typed = new StringBuilder();
        long nextDraw = 0;
        while (!closed.get()) {
            long elapsed = System.nanoTime() - start;
            while (next < steps.size() && steps.get(next).at().toNanos() <= elapsed) {
                DemoScript.Step step = steps.get(next++);
                if (step.action().equals("quit")) {
                    event("script line " + step.line() + ": quit");
                    draw(console, header, typed);
                    return;
                }
                event("script line " + step.line() + ": " + act(step.action(), step.target()));
            }
            if (System.nanoTime() >= nextDraw) {
                draw(console, header, typed);
                nextDraw = System.nanoTime() + REFRESH.toNanos();
            }
            int k = console.key(Duration.ofMillis(100));
            if (k < 0) continue;
            if (k == 3 || k == 4 || (typed.isEmpty() && (k == 'q' || k == 'Q'))) return; // Ctrl-C, Ctrl-D, q
            if (k == 27 || k == 127 || k == 8) {
                typed.setLength(0);
            } else if (typed.isEmpty() && "ksfbr".indexOf(k) >= 0) {
                typed.append((char) k);
            } else if (!typed.isEmpty() && Character.isDigit(k)) {
                typed.append((char) k);
                if (typed.length() > 3) typed.setLength(0);
            } else if (!typed.isEmpty() && (k == '\r' || k == '\n') && typed.length() > 1) {
                String cmd = typed.toString();
                typed.setLength(0);
                String action = switch (cmd.charAt(0)) {
                    case 'k' -> "kill";
                    case 's' -> "start";
                    case 'f' -> "failover";
                    case 'b' -> "fallback";
                    default -> "recover";
                };
                String target = (action.equals("recover") ? "g" : "n") + cmd.substring(1);
                event("key " + cmd + ": " + act(action, target));
            }
            nextDraw = 0;
        }
    }

    /** Applies one action; answers what happened, in words. */
    public String act(String action, String target) {
        try {
            return switch (action) {
                case "kill" -> {
                    cluster.kill(target);
                    yield "killed " + target + " (SIGKILL)";
                }
                case "start" -> {
                    cluster.start(target);
                    yield "started " + target;
                }
                case "failover" -> target + " failover: " + view.action(target, groupOf(target), "failover", target);
                case "fallback" -> target + " fallback: " + view.action(target, groupOf(target), "fallback", target);
                case "recover" -> target + " recover: " + recover(target);
                default -> "unknown action " + action;
            };
        } catch (RuntimeException | IOException e) {
            return action + " " + target + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return action + " " + target + ": interrupted";
        }
    }

    private String groupOf(String node) {
        int i = cluster.index(node);
        return "g" + (i / 2 + 1);
    }

    private String recover(String group) {
        int g;
        try {
            g = Integer.parseInt(group.substring(1));
        } catch (NumberFormatException e) {
            return "no group " + group;
        }
        List<String> nodes = cluster.nodes();
        List<String> members = new ArrayList<>();
        for (int i = 2 * (g - 1); i < Math.min(nodes.size(), 2 * g); i++) members.add(nodes.get(i));
        if (members.isEmpty()) return "no group " + group + "; groups: g1 to g" + (nodes.size() + 1) / 2;
        // Recover is asked of a node of the group that answers ([RG-MANUAL]: Recovery in the group's window).
        String answer = "";
        for (String n : members) {
            answer = view.action(n, group, "recover", null);
            if (!answer.startsWith("failed")) return answer;
        }
        return answer;
    }

    private void draw(Console console, Function<ClusterView.Snapshot, List<String>> header, StringBuilder typed) {
        ClusterView.Snapshot s = view.read();
        for (String e : StatusTable.changes(last, s)) event(e);
        last = s;
        List<String> footer = new ArrayList<>();
        footer.add("Keys: k<N> Enter kill nN · s<N> Enter start nN · f<N> Enter fail over nN · b<N> Enter fall back nN"
                + " · r<G> Enter recover gG · q quit");
        if (!typed.isEmpty()) footer.add("> " + typed);
        console.draw(StatusTable.render(String.join("\n", header.apply(s)), s,
                clients == null ? ClientStats.NONE : clients.stats(), List.copyOf(events), footer));
    }

    private void event(String e) {
        String line = String.format("%tT %s", System.currentTimeMillis(), e);
        events.addLast(line);
        while (events.size() > EVENTS_SHOWN) events.removeFirst();
    }

    public ClusterView.Snapshot snapshot() {
        return view.read();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (clients != null) clients.close();
        cluster.close();
    }

    public Path tokenFile() {
        return cluster.tokenFile();
    }
}
