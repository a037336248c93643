package dev.tandem.node.runtime;

import dev.tandem.core.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a node answers no client: while its protocol loop is stalled, and for good once it has failed clean
 * (docs/decisions/0046-a-deaf-node-stops-serving.md). The watchdog reports stalls here; any thread may fail the node.
 */
final class Fencing implements LoopWatchdog.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(TandemNode.class);

    private final NodeId self;
    private final Clock clock;
    private final NodeMetrics metrics;
    private final EventBus events;
    /** The recovery manager's state in a line, for the log of a failure. */
    private final Supplier<String> state;
    /** Stops the node's own work at once: no event is stepped from then on. */
    private final Runnable halt;
    /** Releases what the node holds (addresses, the session service, sockets); may throw. */
    private final Runnable release;
    /** True while the loop is stalled or after the node failed: clients are refused. */
    private volatile boolean deaf;
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile String failure;
    /** What ends the process after a clean failure; the node command sets it, embedded nodes just stay stopped. */
    private volatile Consumer<String> onFailure = why -> { };

    Fencing(NodeId self, Clock clock, NodeMetrics metrics, EventBus events, Supplier<String> state, Runnable halt,
            Runnable release) {
        this.self = self;
        this.clock = clock;
        this.metrics = metrics;
        this.events = events;
        this.state = state;
        this.halt = halt;
        this.release = release;
    }

    @Override
    public void deaf(Duration stalled, StackTraceElement[] where) {
        deaf = true;
        metrics.loopStalled();
        LOG.error("the protocol loop of {} has not turned for {} ms: clients are refused until it does; it is at{}",
                self, stalled.toMillis(), LoopWatchdog.describe(where));
        events.publish("stall", clock.instant(), Map.of("node", self.value(), "stalledMillis", stalled.toMillis()));
    }

    @Override
    public void hearing(Duration stalled) {
        if (failing.get()) return;
        deaf = false;
        LOG.warn("the protocol loop of {} turned again after about {} ms: clients are answered again", self,
                stalled.toMillis());
    }

    @Override
    public void fail(Duration stalled, StackTraceElement[] where) {
        failStop("the protocol loop has not turned for " + stalled.toMillis() + " ms and the peer is about to take"
                + " over; it is at" + LoopWatchdog.describe(where), null);
    }

    /**
     * Fail clean: stop answering clients, release what the node holds, then run what ends the process. Safe from
     * any thread, including a stalled loop's watchdog; only the first call acts.
     */
    void failStop(String why, Throwable cause) {
        if (!failing.compareAndSet(false, true)) return;
        deaf = true;
        halt.run();
        failure = why;
        LOG.error("node {} FAILED and stops serving: {}; recovery manager {}", self, why, state.get(), cause);
        events.publish("failed", clock.instant(), Map.of("node", self.value(), "reason", why));
        try {
            release.run();
        } catch (RuntimeException e) {
            LOG.error("releasing what node {} holds failed: {}", self, e.toString());
        }
        onFailure.accept(why);
    }

    void onFailure(Consumer<String> action) {
        onFailure = action;
    }

    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** False while the loop is stalled or after the node failed. */
    boolean answering() {
        return !deaf;
    }
}
