package dev.tandem.cli;

import dev.tandem.cli.demo.ClientStats;
import dev.tandem.cli.demo.LiveDemo;
import dev.tandem.client.ClientState;
import dev.tandem.client.TandemClient;
import dev.tandem.node.demo.DemoCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's clients: Java clients (tandem-client) that log in through the cluster address as users u0001, u0002,
 * ... (or as guests), keep their sessions alive and log in again after the fast profile's re-login delay when they lose them. They
 * share one HTTP client and one scheduler, and arrive a few at a time, as users do. The director redirects each to a
 * member's public address, which in the demo is that node's service address: a client goes on heartbeating there
 * when the node fails and its peer takes the address and the session over (docs/redundancy.md, Service addresses).
 */
final class DemoClients implements LiveDemo.Clients {
    /** The fast profile's Client Re-Login Lower and Upper Limits (DemoCluster writes the same). */
    static final Duration RELOGIN_LOWER = Duration.ofSeconds(1);
    static final Duration RELOGIN_UPPER = Duration.ofSeconds(3);
    private static final int ARRIVALS_PER_SECOND = 100;

    private final List<TandemClient> clients = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong relogins = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    private DemoClients(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** {@code count} clients; the first {@code users} log in as u0001, u0002, ..., the others as guests (no user). */
    static DemoClients start(int count, int users, HttpClient http) {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "tandem-demo-clients");
            t.setDaemon(true);
            return t;
        });
        DemoClients d = new DemoClients(scheduler);
        URI cluster = URI.create("http://" + DemoCluster.CLUSTER_ADDRESS + ":8443");
        for (int i = 0; i < count; i++) {
            TandemClient c = TandemClient.builder(cluster).user(i < users ? String.format("u%04d", i + 1) : null)
                    .reloginLimits(RELOGIN_LOWER, RELOGIN_UPPER).httpClient(http).scheduler(scheduler)
                    .requestTimeout(Duration.ofSeconds(2))
                    .listener((client, state) -> {
                        if (state instanceof ClientState.ReloginScheduled r) {
                            d.relogins.incrementAndGet();
                            if (r.reason().contains("503")) d.refusals.incrementAndGet();
                        }
                    }).build();
            d.clients.add(c);
            scheduler.schedule(c::start, i * 1000L / ARRIVALS_PER_SECOND, TimeUnit.MILLISECONDS);
        }
        return d;
    }

    @Override
    public ClientStats stats() {
        Map<String, Integer> byAddress = new HashMap<>();
        int waiting = 0;
        for (TandemClient c : clients) {
            ClientState s = c.state();
            if (s instanceof ClientState.LoggedIn in) byAddress.merge(in.member().getHost(), 1, Integer::sum);
            else if (!(s instanceof ClientState.Idle) && !(s instanceof ClientState.Closed)) waiting++;
        }
        return new ClientStats(clients.size(), byAddress, waiting, relogins.get(), refusals.get());
    }

    @Override
    public void close() {
        // Log out what is logged in, briefly; the nodes stop next anyway.
        List<java.util.concurrent.CompletableFuture<Void>> out = new ArrayList<>();
        for (TandemClient c : clients) out.add(c.closeAsync());
        try {
            java.util.concurrent.CompletableFuture.allOf(out.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            // some nodes are down or slow: their sessions end with them
        }
        scheduler.shutdownNow();
    }
}
