package dev.tandem.node.runtime;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.WitnessLease;
import dev.tandem.node.store.ClusterStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster store as the redundancy group's witness (docs/decisions/115-a-witness-decides-who-serves.md). The
 * recovery manager asks for the group's lease only while its peer is silent, once a keep-alive interval; each ask runs
 * off the protocol loop, one at a time, and its answer comes back to the loop as an event. An ask made while the last
 * one still waits for the store is answered at once: unreachable.
 */
final class StoreWitness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWitness.class);

    private final ClusterStore store;
    private final Consumer<RmEvent> toLoop;
    private final EventBus events;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "witness");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean asking = new AtomicBoolean();
    /** What the last answer said, to log and publish only a change: the holder and fence, or why it was not reached. */
    private volatile String last = "";

    StoreWitness(ClusterStore store, Consumer<RmEvent> toLoop, EventBus events, Clock clock) {
        this.store = store;
        this.toLoop = toLoop;
        this.events = events;
        this.clock = clock;
    }

    void ask(Effect.AskWitness ask) {
        if (!asking.compareAndSet(false, true)) {
            toLoop.accept(new RmEvent.WitnessUnreachable(ask.askId(), "the last ask still waits for the store"));
            return;
        }
        worker.execute(() -> {
            RmEvent answer;
            try {
                WitnessLease lease = store.askLease(ask.group(), ask.node(), ask.leaseTime());
                answer = new RmEvent.WitnessAnswered(ask.askId(), lease.holder(), lease.fence());
                said(ask, "holder " + lease.holder() + " fence " + lease.fence(), lease.holder(), lease.fence());
            } catch (RuntimeException e) {
                answer = new RmEvent.WitnessUnreachable(ask.askId(), String.valueOf(e.getMessage()));
                said(ask, "unreachable", null, 0);
            } finally {
                asking.set(false);
            }
            toLoop.accept(answer);
        });
    }

    private void said(Effect.AskWitness ask, String what, NodeId holder, long fence) {
        if (what.equals(last)) return;
        last = what;
        if (holder == null) {
            LOG.warn("witness: the store cannot be reached for the lease of group {}", ask.group());
        } else {
            LOG.info("witness: group {}'s lease is held by {} (fence {}){}", ask.group(), holder, fence,
                    holder.equals(ask.node()) ? "" : "; " + ask.node() + " is refused");
        }
        events.publish("witness", clock.instant(), Map.of("group", ask.group(), "node", ask.node().value(),
                "holder", holder == null ? "" : holder.value(), "fence", fence, "reachable", holder != null));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
