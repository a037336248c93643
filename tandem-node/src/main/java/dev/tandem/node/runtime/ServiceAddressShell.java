package dev.tandem.node.runtime;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceAddresses;
import dev.tandem.node.config.NodeConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts on this host the service addresses the core says it holds ({@link ServiceAddresses#heldBy}) and takes off
 * those it no longer holds (docs/redundancy.md, Service addresses). The loop decides after every step; a worker
 * thread of its own carries the changes out in order, every release before the claims that follow it, so the loop
 * never waits on a driver. A claim whose address is still bound by its previous holder (the peer letting go a moment
 * later) is tried again until it succeeds or the address is no longer wanted.
 */
final class ServiceAddressShell implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAddressShell.class);
    /**
     * A claim whose address is claimed but not yet free to listen on is tried again every 2 ms for a second (a
     * refused try costs microseconds, SessionHttp#listen): a planned move's release lands within a few
     * milliseconds, and every one of them is a client waiting. Anything
     * slower (a driver that failed, an address held by something else) is tried again after 10 ms, then twice as
     * long each time up to a second.
     */
    private static final Duration LISTEN_RETRY = Duration.ofMillis(2);
    private static final int LISTEN_RETRIES = 500;
    private static final Duration FIRST_RETRY = Duration.ofMillis(10);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(1);
    /** After this many tries (about five seconds) the wait is worth a warning: something else holds the address. */
    private static final int WARN_AFTER = 12;

    /** Nobody listens yet: claims wait until the node has said where clients are answered. */
    static final Listener NOBODY = null;

    /** Where clients are answered: the node's session service, when it has one. */
    interface Listener {
        /** A node without a session service: nothing to open or close. */
        Listener NONE = of(address -> { }, address -> { });

        void listen(String address);

        void unlisten(String address);

        static Listener of(java.util.function.Consumer<String> listen, java.util.function.Consumer<String> unlisten) {
            return new Listener() {
                @Override public void listen(String address) { listen.accept(address); }
                @Override public void unlisten(String address) { unlisten.accept(address); }
            };
        }
    }

    private final NodeId self;
    /** Every node of the group that has a service address, and that address. */
    private final Map<NodeId, String> addressOf = new LinkedHashMap<>();
    private final Map<String, AddressDriver> drivers = new LinkedHashMap<>();
    private final ScheduledExecutorService worker;
    private volatile Listener listener = NOBODY;
    /** What the loop last decided; read by the worker to drop a retry that is no longer wanted. */
    private volatile Set<NodeId> wanted = Set.of();
    /** What is on this host now; written by the worker only. */
    private final Set<NodeId> held = ConcurrentHashMap.newKeySet();
    /**
     * Claimed by the driver but not listened on yet (its previous holder still has it open); written by the worker,
     * and by releaseNow.
     */
    private final Set<NodeId> claimedOnly = ConcurrentHashMap.newKeySet();

    ServiceAddressShell(NodeConfig config, HookRunner hooks) {
        this.self = NodeId.of(config.id());
        for (NodeConfig.Member m : config.redundancyGroup().nodes()) {
            if (m.serviceAddress() == null) continue;
            addressOf.put(NodeId.of(m.id()), m.serviceAddress());
            drivers.put(m.serviceAddress(), AddressDriver.forServiceAddress(config.serviceAddresses(), m.serviceAddress(), hooks));
        }
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-service-addresses-" + config.id());
            t.setDaemon(true);
            return t;
        });
        // First of all the worker's tasks, so before any claim: what a killed earlier run left on this host goes.
        for (AddressDriver d : drivers.values()) worker.execute(d::clearLeftover);
    }

    boolean any() {
        return !addressOf.isEmpty();
    }

    /** The address of {@code owner}, or null when it has none. */
    String addressOf(NodeId owner) {
        return addressOf.get(owner);
    }

    /** Whether this node has {@code owner}'s service address on its host now. */
    boolean holds(NodeId owner) {
        return held.contains(owner);
    }

    /** Where clients are answered from now on; claims waiting for it go ahead. */
    void listener(Listener l) {
        listener = l;
    }

    /** On the loop, after every step: what the core says this node holds now. */
    void reconsider(RmState rm) {
        Set<NodeId> now = new LinkedHashSet<>(ServiceAddresses.heldBy(rm));
        now.retainAll(addressOf.keySet());
        Set<NodeId> before = wanted;
        if (now.equals(before)) return;
        wanted = Set.copyOf(now);
        for (NodeId owner : before) {
            if (!now.contains(owner)) worker.execute(() -> release(owner));
        }
        for (NodeId owner : now) {
            if (!before.contains(owner)) worker.execute(() -> claim(owner, 0));
        }
    }

    private void claim(NodeId owner, int attempt) {
        if (held.contains(owner)) return;
        String address = addressOf.get(owner);
        AddressDriver driver = drivers.get(address);
        if (!wanted.contains(owner)) {
            if (claimedOnly.remove(owner)) driver.release();
            return;
        }
        Listener l = listener;
        String problem = null;
        if (l == NOBODY) {
            problem = "the node is still starting";
        } else if (!claimedOnly.contains(owner) && !driver.claim()) {
            problem = "the " + driver.describe() + " address driver could not claim it";
        } else {
            claimedOnly.add(owner);
            try {
                l.listen(address);
            } catch (RuntimeException e) {
                // Its previous holder has not closed it yet: a planned move releases a moment after it tells us.
                problem = "it is not free yet (" + e.getMessage() + ")";
            }
        }
        if (problem != null) {
            // Waiting for the previous holder to close: quick tries first. Otherwise, or after a second of them,
            // the n-th slow try waits 10 ms * 2^n, at most a second.
            boolean waitingToListen = claimedOnly.contains(owner);
            int slow = waitingToListen ? attempt - LISTEN_RETRIES : attempt;
            if (slow == WARN_AFTER) LOG.warn("{} cannot claim the service address {} of {}: {}; trying on", self, address, owner, problem);
            long delay = slow < 0 ? LISTEN_RETRY.toMillis()
                    : Math.min(LONGEST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(slow, 10));
            try {
                worker.schedule(() -> claim(owner, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the node is stopping
            }
            return;
        }
        held.add(owner);
        claimedOnly.remove(owner);
        LOG.info("{} holds the service address {} of {}", self, address, owner);
        // A fence (releaseNow, from another thread) while the driver or the listener worked found nothing held yet.
        if (!wanted.contains(owner)) release(owner);
    }

    private void release(NodeId owner) {
        String address = addressOf.get(owner);
        if (claimedOnly.remove(owner)) {
            drivers.get(address).release(); // claimed, never listened on
            return;
        }
        if (!held.remove(owner)) return;
        Listener l = listener;
        if (l != null) l.unlisten(address);
        drivers.get(address).release();
        LOG.info("{} released the service address {} of {}", self, address, owner);
    }

    /** The node failed: from any thread, give every address up now, without waiting for the worker. */
    void releaseNow() {
        wanted = Set.of();
        for (NodeId owner : Set.copyOf(claimedOnly)) {
            if (claimedOnly.remove(owner)) drivers.get(addressOf.get(owner)).release();
        }
        for (NodeId owner : Set.copyOf(held)) {
            held.remove(owner);
            String address = addressOf.get(owner);
            try {
                Listener l = listener;
                if (l != null) l.unlisten(address);
            } finally {
                drivers.get(address).release();
            }
        }
    }

    /** At a graceful stop, after the last step: release in order, then stop the worker. */
    @Override
    public void close() {
        wanted = Set.of();
        for (NodeId owner : addressOf.keySet()) worker.execute(() -> release(owner));
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("service addresses not all released in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
