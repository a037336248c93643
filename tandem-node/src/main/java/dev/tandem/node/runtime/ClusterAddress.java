package dev.tandem.node.runtime;

import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.redirect.RedirectMetrics;
import dev.tandem.node.redirect.RedirectServer;
import dev.tandem.node.transport.UdpTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load-balancing group's cluster address as one node holds it while it directs: put on the host by the address
 * driver, then a socket bound to it for the group's messages, and the redirect service on it for clients. The driver
 * and the redirect service run on a worker of their own (a script may take its time); the socket and every callback
 * belong to the protocol loop.
 */
final class ClusterAddress {
    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancingShell.class);
    private static final Duration REBIND_EVERY = Duration.ofSeconds(1);

    private final NodeConfig.LoadBalancing config;
    private final ScheduledExecutorService loop;
    private final AddressDriver driver;
    private final RedirectServer.Decider decider;
    private final RedirectMetrics redirectMetrics;
    /** Messages that come to the address (on the loop). */
    private final BiConsumer<byte[], InetSocketAddress> packets;
    /** Binding failed: another node holds the address (on the loop). */
    private final Runnable conflict;
    /** The address was bound or let go: clients are to be answered, or not (on the loop). */
    private final Runnable changed;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tandem-address");
        t.setDaemon(true);
        return t;
    });
    private volatile UdpTransport socket;
    private ScheduledFuture<?> rebind;
    private volatile boolean claimed;
    /**
     * Counts claims, releases and fences: a driver's claim that completes after a later release is not this node's to
     * bind. Without it a director that yielded a few milliseconds after it was elected bound the address its release
     * had just taken off the host, and answered as the holder beside the real one.
     */
    private final java.util.concurrent.atomic.AtomicLong intent = new java.util.concurrent.atomic.AtomicLong();
    /** The loop asked for the address and has not let it go since (on the loop only). */
    private boolean wanted;
    /** The driver put the address on the host and has not taken it off (the worker's; read by a fence). */
    private volatile boolean onHost;
    /** The redirect service while the address is held; touched only by the worker. */
    private volatile RedirectServer redirect;

    ClusterAddress(NodeConfig.LoadBalancing config, ScheduledExecutorService loop, AddressDriver driver,
                   RedirectServer.Decider decider, RedirectMetrics redirectMetrics,
                   BiConsumer<byte[], InetSocketAddress> packets, Runnable conflict, Runnable changed) {
        this.config = config;
        this.loop = loop;
        this.driver = driver;
        this.decider = decider;
        this.redirectMetrics = redirectMetrics;
        this.packets = packets;
        this.conflict = conflict;
        this.changed = changed;
        worker.execute(driver::clearLeftover); // before any claim: what a killed earlier run left on this host goes
    }

    /**
     * On the loop: the driver puts the address here, then a socket is bound to it: clients and Hellos reach this node.
     * A release, a fence ({@link #releaseNow}) or another claim before the driver is done makes this claim stale: the
     * worker then takes the address off the host again itself, and nothing is bound.
     */
    void claim() {
        long mine = intent.incrementAndGet();
        wanted = true;
        worker.execute(() -> {
            if (mine != intent.get()) return; // let go before the driver even began
            boolean ok = driver.claim();
            if (ok) onHost = true;
            if (mine != intent.get()) { // let go while the driver worked
                takeOff();
                return;
            }
            loop.execute(() -> {
                if (mine != intent.get()) return; // let go since: the release behind it on the worker takes it off
                if (!ok) {
                    LOG.error("the {} address driver could not claim {}", driver.describe(), config.clusterAddress());
                    return;
                }
                claimed = true;
                bind();
            });
        });
    }

    /** On the worker: the driver takes the address off the host if it put it there. */
    private void takeOff() {
        if (!onHost) return;
        onHost = false;
        driver.release();
    }

    private void bind() {
        if (!claimed || socket != null) return;
        try {
            socket = new UdpTransport(new InetSocketAddress(config.clusterAddress(), config.clusterPort()),
                    (bytes, from) -> loop.execute(() -> packets.accept(bytes, from)));
            LOG.info("holds the cluster address {}:{}", config.clusterAddress(), config.clusterPort());
            if (rebind != null) rebind.cancel(false);
            changed.run();
            if (config.redirect().enabled()) worker.execute(this::openRedirect);
        } catch (Exception e) {
            // Somebody else holds it ([LB-ELECT]: "the ARP subsystem detects the duplicate IP address condition").
            LOG.warn("the cluster address {} is held by another node: {}", config.clusterAddress(), e.getMessage());
            conflict.run();
            if (rebind == null || rebind.isDone()) {
                rebind = loop.scheduleWithFixedDelay(this::bind, REBIND_EVERY.toMillis(), REBIND_EVERY.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** On the loop: the socket closes at once, the redirect service and the driver let go on the worker. */
    void release() {
        intent.incrementAndGet();
        wanted = false;
        claimed = false;
        changed.run();
        if (rebind != null) rebind.cancel(false);
        if (socket != null) {
            socket.close();
            socket = null;
        }
        worker.execute(this::closeRedirect);
        worker.execute(this::takeOff);
    }

    /** On the worker: clients reach the director on the cluster address from now on. */
    private void openRedirect() {
        if (!claimed || redirect != null) return;
        NodeConfig.Redirect r = config.redirect();
        try {
            redirect = new RedirectServer(r, new InetSocketAddress(config.clusterAddress(), r.port()), decider,
                    redirectMetrics).start();
        } catch (RuntimeException e) {
            LOG.error("the redirect service cannot start: {}", e.getMessage());
        }
    }

    private void closeRedirect() {
        if (redirect == null) return;
        redirect.close();
        redirect = null;
    }

    /** Whether the address is on this host and its socket bound. */
    boolean held() {
        return claimed && socket != null;
    }

    /** Whether the driver claimed the address or a socket is bound to it: something to let go at stop. */
    boolean anything() {
        return claimed || socket != null;
    }

    /**
     * From any thread, even while the loop is stalled: stop redirecting and give the address up now, so another
     * member can hold it (docs/decisions/0046-a-deaf-node-stops-serving.md).
     */
    void releaseNow() {
        intent.incrementAndGet(); // a claim still with the driver takes the address off itself when it ends
        UdpTransport s = socket;
        if (s != null) s.close();
        RedirectServer r = redirect;
        if (r != null) r.close();
        if (claimed || onHost) {
            claimed = false;
            onHost = false;
            driver.release();
        }
    }

    /** On the loop, at stop: lets go of the address if held or being claimed (the worker releases it). */
    void letGo() {
        if (wanted || anything()) release();
    }

    /**
     * On the loop, when the group's cluster address moves: lets go as at stop, without waiting; the worker finishes
     * taking the old address off the host and ends.
     */
    void retire() {
        letGo();
        worker.shutdown();
    }

    /** On the loop, at stop: lets go of the address if still held, and waits up to 5 s for the worker to finish. */
    void close() {
        letGo();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
