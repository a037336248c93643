package dev.tandem.node.runtime;

import dev.tandem.node.config.CheckConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the critical-service checks, each on its own virtual thread at its interval, off the event loop.
 * A change of verdict is reported once; every change is kept in a short history for the admin API. A verdict
 * changes after the check's {@code failAfter} failed probes in a row (down) or {@code recoverAfter} good ones (up);
 * the first verdict of a check is up at its first good probe, down after {@code failAfter} failed ones.
 */
public final class HealthChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);
    private static final int HISTORY = 50;

    /** One change of a check's verdict. */
    public record Change(String check, boolean up, Instant at, String detail) {}

    /** Receives a check's new verdict. */
    public interface Listener {
        void changed(CheckConfig check, boolean up);
    }

    private final List<CheckConfig> checks;
    private final Listener listener;
    private final Clock clock;
    private final Map<String, Boolean> verdicts = new ConcurrentHashMap<>();
    private final Deque<Change> history = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
    private volatile boolean running = true;
    private final InterfaceLink links;

    public HealthChecks(List<CheckConfig> checks, Listener listener, Clock clock) {
        this(checks, listener, clock, InterfaceLink.SYSFS);
    }

    /** @param netClass where interface checks read link state: /sys/class/net, or a fake tree in tests */
    HealthChecks(List<CheckConfig> checks, Listener listener, Clock clock, Path netClass) {
        this.checks = checks;
        this.listener = listener;
        this.clock = clock;
        this.links = new InterfaceLink(netClass);
    }

    public void start() {
        for (CheckConfig c : checks) {
            threads.add(Thread.ofVirtual().name("check-" + c.name()).start(() -> loop(c)));
        }
    }

    private void loop(CheckConfig c) {
        // Probes in a row whose result differs from the verdict (or, before the first verdict, failed ones).
        int inARow = 0;
        while (running) {
            String detail;
            boolean up;
            try {
                detail = probe(c);
                up = detail == null;
            } catch (Exception e) {
                up = false;
                detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            Boolean before = verdicts.get(c.name());
            inARow = before != null && before == up ? 0 : inARow + 1;
            boolean change = before == null ? up || inARow >= c.failAfter()
                    : before != up && inARow >= (up ? c.recoverAfter() : c.failAfter());
            if (!change && inARow > 0) {
                LOG.debug("critical service {}: probe {} ({} of {} in a row to change)", c.name(), up ? "good" : "failed: "
                        + detail, inARow, up ? c.recoverAfter() : c.failAfter());
            }
            if (change) {
                inARow = 0;
                verdicts.put(c.name(), up);
                record(c.name(), up, up ? "up" : detail);
                if (before != null || !up) {
                    LOG.info("critical service {} is {}{}", c.name(), up ? "up" : "down", up ? "" : " (" + detail + ")");
                }
                listener.changed(c, up);
            }
            try {
                Thread.sleep(c.interval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Null when the service is up, else why it is down. */
    private String probe(CheckConfig c) throws Exception {
        int timeoutMs = (int) c.timeout().toMillis();
        return switch (c.kind()) {
            case "tcp" -> {
                int colon = c.target().lastIndexOf(':');
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(c.target().substring(0, colon),
                            Integer.parseInt(c.target().substring(colon + 1))), timeoutMs);
                }
                yield null;
            }
            case "http" -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.url()))
                        .timeout(c.timeout()).GET().build(), HttpResponse.BodyHandlers.ofString());
                int want = c.expectStatus() == null ? 200 : c.expectStatus();
                if (r.statusCode() != want) yield "status " + r.statusCode() + ", expected " + want;
                if (c.bodyContains() != null && !r.body().contains(c.bodyContains())) {
                    yield "body does not contain '" + c.bodyContains() + "'";
                }
                yield null;
            }
            case "process" -> processAlive(c) ? null : "process not running";
            case "command" -> {
                Process p = new ProcessBuilder(c.command()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    yield "timed out after " + c.timeout();
                }
                yield p.exitValue() == 0 ? null : "exit status " + p.exitValue();
            }
            case "database" -> {
                DriverManager.setLoginTimeout(Math.max(1, timeoutMs / 1000));
                try (Connection conn = DriverManager.getConnection(c.jdbcUrl())) {
                    yield conn.isValid(Math.max(1, timeoutMs / 1000)) ? null : "connection not valid";
                }
            }
            case "interface" -> links.down(c.interfaceName() == null ? c.name() : c.interfaceName());
            default -> throw new IllegalStateException("unknown check kind " + c.kind());
        };
    }

    private static boolean processAlive(CheckConfig c) throws IOException {
        if (c.pidFile() != null) {
            Path p = Path.of(c.pidFile());
            if (!Files.exists(p)) return false;
            long pid = Long.parseLong(Files.readString(p).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().command()
                .map(cmd -> Path.of(cmd).getFileName().toString().equals(c.processName())).orElse(false));
    }

    /**
     * The clock is read under the history's lock, so that the newest change first is also the latest time first: two
     * checks that change together cannot be stamped in one order and listed in the other.
     */
    private synchronized void record(String check, boolean up, String detail) {
        history.addFirst(new Change(check, up, clock.instant(), detail));
        while (history.size() > HISTORY) history.removeLast();
    }

    /** The newest changes first. */
    public synchronized List<Change> history() {
        return List.copyOf(history);
    }

    public Map<String, Boolean> verdicts() {
        return Map.copyOf(verdicts);
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
