package dev.tandem.node.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the state file off the protocol loop, the newest state only, so a slow or full disk never holds the loop;
 * and starts the hooks after the write that precedes them, so a hook never runs ahead of the state that asked for it.
 * A state file that cannot be written (a full disk) does not stop the node: the state is in memory and the peer's
 * heartbeats carry it; a restart before the disk is mended resumes the last state written and the peer decides
 * whether it stands (decision 0010).
 */
final class StateWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateWriter.class);

    private final StateFile file;
    private final NodeMetrics metrics;
    private final ExecutorService thread;
    private final AtomicReference<StateFile.Content> next = new AtomicReference<>();

    StateWriter(String node, StateFile file, NodeMetrics metrics) {
        this.file = file;
        this.metrics = metrics;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tandem-state-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes {@code c} soon; a state that comes before the write starts replaces it. */
    void write(StateFile.Content c) {
        if (next.getAndSet(c) == null) thread.execute(this::writeNewest);
    }

    /** Runs {@code task} on the writer, after every write asked for before it. */
    void afterWrites(Runnable task) {
        thread.execute(task);
    }

    private void writeNewest() {
        StateFile.Content c = next.getAndSet(null);
        if (c == null) return;
        try {
            file.write(c);
        } catch (java.io.UncheckedIOException e) {
            metrics.stateWriteFailed();
            LOG.error("the state file cannot be written, the node goes on with its state in memory: {}",
                    e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause());
        }
    }

    /** Finishes the last write (up to 5 s). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("the last state write did not finish");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
