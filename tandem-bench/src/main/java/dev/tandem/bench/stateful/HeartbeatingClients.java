package dev.tandem.bench.stateful;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.bench.Samples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * N session clients that log in at one address and then heartbeat every interval, each at its own phase, recording
 * when a heartbeat was last answered 200 with the client's own session, and by which node. A client whose session
 * is answered 404 (lost) logs in again at once at the same address (the relogin handover's clients, without the
 * Client Re-Login delay, which a real client adds on top). Nothing waits on a node: requests are asynchronous,
 * with a timeout of two intervals.
 */
final class HeartbeatingClients implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One client: its session now, and the answers it saw. */
    static final class Client {
        final String address;
        volatile String session;
        volatile long lastAnsweredNanos;
        volatile String answeredBy;
        /** Answered heartbeats (nanos) since the mark, for the interruption of the last event. */
        final List<Long> answers = new ArrayList<>();
        volatile int lost;
        volatile boolean inFlight;
        /** Why the last login failed: the status and body, or the exception. */
        volatile String refusal = "";

        Client(String address) {
            this.address = address;
        }
    }

    private final HttpClient http;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "bench-heartbeats");
        t.setDaemon(true);
        return t;
    });
    private final Duration interval;
    private final int port;
    private final List<Client> clients = new ArrayList<>();
    final Samples loginMillis = new Samples();

    HeartbeatingClients(Duration interval, int port) {
        this.interval = interval;
        this.port = port;
        this.http = HttpClient.newBuilder().connectTimeout(interval.multipliedBy(2))
                .executor(Executors.newFixedThreadPool(4)).build();
    }

    /** Logs {@code n} clients in at {@code address}, {@code parallel} at a time, timing each login. */
    void login(String address, int n, int parallel) throws Exception {
        List<Client> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(new Client(address));
        for (int i = 0; i < n; i += parallel) {
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + parallel); j++) {
                Client c = batch.get(j);
                long t0 = System.nanoTime();
                inFlight.add(loginOf(c).thenAccept(ok -> {
                    if (!ok) throw new IllegalStateException("a login at " + address + " was refused: " + c.refusal);
                    synchronized (loginMillis) {
                        loginMillis.add((System.nanoTime() - t0) / 1e6);
                    }
                }));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        clients.addAll(batch);
    }

    private CompletableFuture<Boolean> loginOf(Client c) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + c.address + ":" + port + "/session/login"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(a -> {
            if (a.statusCode() != 200) {
                c.refusal = a.statusCode() + " " + a.body();
                return false;
            }
            JsonNode j = read(a.body());
            c.session = j.get("session").asText();
            c.answeredBy = j.get("node").asText();
            c.lastAnsweredNanos = System.nanoTime();
            return true;
        }).exceptionally(e -> {
            c.refusal = e.toString();
            return false;
        });
    }

    /** Starts every client's heartbeats, each at a random phase of the interval. */
    void start() {
        long period = interval.toNanos();
        for (Client c : clients) {
            long phase = ThreadLocalRandom.current().nextLong(period);
            timer.scheduleAtFixedRate(() -> beat(c), phase, period, TimeUnit.NANOSECONDS);
        }
    }

    private void beat(Client c) {
        if (c.inFlight) return; // the one before is still waiting for its timeout
        c.inFlight = true;
        String session = c.session;
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + c.address + ":" + port + "/session/heartbeat"))
                .timeout(interval.multipliedBy(2)).header("X-Tandem-Session", session)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((a, e) -> {
            try {
                if (e != null || a == null) return;
                if (a.statusCode() == 200) {
                    JsonNode j = read(a.body());
                    if (!session.equals(j.path("session").asText())) return;
                    long now = System.nanoTime();
                    c.lastAnsweredNanos = now;
                    c.answeredBy = j.path("node").asText();
                    synchronized (c.answers) {
                        c.answers.add(now);
                    }
                } else if (a.statusCode() == 404 && session.equals(c.session)) {
                    c.lost++;
                    loginOf(c).join(); // the relogin handover's client logs in again at once
                }
            } finally {
                c.inFlight = false;
            }
        });
    }

    /** Forgets the answers before now: the next event's interruption is counted from here. */
    long mark() {
        long now = System.nanoTime();
        for (Client c : clients) {
            synchronized (c.answers) {
                c.answers.clear();
            }
        }
        return now;
    }

    List<Client> clients() {
        return clients;
    }

    /** Every client answered since {@code since} by {@code node}. */
    boolean allAnsweredBy(String node, long since) {
        for (Client c : clients) {
            if (c.lastAnsweredNanos < since || !node.equals(c.answeredBy)) return false;
        }
        return true;
    }

    /**
     * Each client's interruption around an event at {@code t0}: from its last answered heartbeat at or before t0
     * (or t0, when it had none since the mark) to its first answered after t0, in milliseconds.
     */
    Samples interruptions(long markNanos, long t0) {
        Samples s = new Samples();
        for (Client c : clients) {
            long before = markNanos;
            long after = -1;
            synchronized (c.answers) {
                for (long t : c.answers) {
                    if (t <= t0) before = Math.max(before, t);
                    else if (after < 0) after = t;
                }
            }
            if (after > 0) s.add((after - Math.max(before, markNanos)) / 1e6);
        }
        return s;
    }

    int lost() {
        int n = 0;
        for (Client c : clients) n += c.lost;
        return n;
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
