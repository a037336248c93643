package dev.tandem.node.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * The node's protocol loop: one thread that owns the machines' state. A task run with {@code execute} or
 * {@code schedule} that ends in an exception is not left in a future nobody reads: it is handed to {@code failed},
 * which fails the node clean (docs/node.md, When a node fails). Work whose caller waits for it goes through
 * {@code CompletableFuture.runAsync(task, loop)}, which reports its exception to that caller instead.
 */
final class ProtocolLoop extends ScheduledThreadPoolExecutor {
    /** {@link #runningSince()} while the loop waits for work. */
    static final long IDLE = Long.MIN_VALUE;

    private final Consumer<Throwable> failed;
    private volatile long runningSince = IDLE;
    private volatile Thread thread;

    ProtocolLoop(String node, Consumer<Throwable> failed) {
        super(1, r -> {
            Thread t = new Thread(r, "tandem-loop-" + node);
            t.setDaemon(true);
            return t;
        });
        this.failed = failed;
        setRemoveOnCancelPolicy(true);
    }

    /** When the task the loop runs now started ({@link System#nanoTime()}), or {@link #IDLE}: for the watchdog. */
    long runningSince() {
        return runningSince;
    }

    /** The loop's thread, once it has run a task: for the watchdog's report of where it is stuck. */
    Thread thread() {
        return thread;
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        thread = t;
        runningSince = System.nanoTime();
        super.beforeExecute(t, r);
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        runningSince = IDLE;
        super.afterExecute(r, t);
        // execute() and schedule() wrap every task in a future that keeps its exception: take it out.
        if (t == null && r instanceof Future<?> f && f.isDone()) {
            try {
                f.get();
            } catch (ExecutionException e) {
                t = e.getCause();
            } catch (CancellationException e) {
                // a timer cancelled: nothing failed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t != null) failed.accept(t);
    }
}
