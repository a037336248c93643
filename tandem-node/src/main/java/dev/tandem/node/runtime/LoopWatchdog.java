package dev.tandem.node.runtime;

import dev.tandem.core.rm.LoopStall;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Notices a protocol loop that has stopped turning: one task that has run longer than {@link LoopStall#fenceAfter()}
 * (a blocking write, a disk that hangs, a loop in the code) leaves the node deaf to its peer, and still stuck
 * {@link LoopStall#failAfterSilence()} after the last heartbeat the node sent, its peer is about to serve this node's
 * users (docs/decisions/0046-a-deaf-node-stops-serving.md). A loop that is merely busy goes on turning and is left alone.
 * Its own thread looks every {@link LoopStall#checkEvery()}; the bounds are read at every look, so a change of the
 * heartbeat parameters applies at once.
 *
 * <p>A whole process that stopped (SIGSTOP, a paused virtual machine) stopped this thread too: it notices by looking
 * far later than it asked. A task the loop was in when everything stopped fences the node at once, as any long task
 * does, but fails it only if the loop is still in it one interval after the wake (one such grace a task). So a node
 * stopped whole comes back through its peer's rules like a healed partition, instead of failing clean a moment after
 * its woken loop has already told the peer it serves (which left the peer in Running in Failed Mode with this node's
 * users served by nobody).
 */
final class LoopWatchdog implements AutoCloseable {

    /** What the node does about a stall; called on the watchdog's thread, never on the loop. */
    interface Listener {
        /** The loop has been in one task for {@code stalled}: stop answering clients. */
        void deaf(Duration stalled, StackTraceElement[] where);

        /** The loop finished that task after about {@code stalled}, before {@link #fail}: answer clients again. */
        void hearing(Duration stalled);

        /** The loop has been in one task for {@code stalled} and the peer is about to take over: end the process. */
        void fail(Duration stalled, StackTraceElement[] where);
    }

    private final ProtocolLoop loop;
    private final Supplier<LoopStall> bounds;
    private final java.util.function.LongSupplier lastHeartbeat;
    private final Listener listener;
    private final Thread watcher;
    private volatile boolean running = true;
    /** The start of the task that made the loop deaf, or IDLE; touched only by the watcher (and tests' looks). */
    private long deafSince = ProtocolLoop.IDLE;
    /** When the process last resumed after it stopped whole ({@link #woke}), or IDLE; the watcher's too. */
    private long wokeAt = ProtocolLoop.IDLE;
    /** The task (its start) given its one grace after a wake, and when that grace began; the watcher's too. */
    private long gracedTask = ProtocolLoop.IDLE;
    private long graceFrom = ProtocolLoop.IDLE;

    /**
     * @param lastHeartbeat when the node last sent its peer a heartbeat ({@link System#nanoTime()}), or
     *                      {@link ProtocolLoop#IDLE} if it has none to send: such a node is fenced but never failed
     */
    LoopWatchdog(String node, ProtocolLoop loop, Supplier<LoopStall> bounds, java.util.function.LongSupplier lastHeartbeat,
                 Listener listener) {
        this.loop = loop;
        this.lastHeartbeat = lastHeartbeat;
        this.bounds = bounds;
        this.listener = listener;
        this.watcher = new Thread(this::watch, "tandem-watchdog-" + node);
        watcher.setDaemon(true);
    }

    LoopWatchdog start() {
        watcher.start();
        return this;
    }

    private void watch() {
        long lastLook = System.nanoTime();
        while (running) {
            LoopStall b = bounds.get();
            try {
                Thread.sleep(Math.max(1, b.checkEvery().toMillis()));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            // Measured from look to look, so a stop that lands outside the sleep is seen too.
            if (stoppedWhole(b, now - lastLook)) woke(now);
            lastLook = now;
            if (running) look(b, now);
        }
    }

    /**
     * Whether looks {@code apartNanos} apart, where {@link LoopStall#checkEvery()} was asked, mean the process
     * stopped whole: a whole interval ({@link LoopStall#fenceAfter()}) later than asked, nothing in it ran meanwhile,
     * the loop included.
     */
    static boolean stoppedWhole(LoopStall b, long apartNanos) {
        return apartNanos > b.checkEvery().plus(b.fenceAfter()).toNanos();
    }

    /** The process resumed at {@code at} ({@link System#nanoTime()}) after it stopped whole. */
    void woke(long at) {
        wokeAt = at;
    }

    /** One look at the task the loop runs now. */
    void look(LoopStall b, long now) {
        long since = loop.runningSince();
        if (deafSince != ProtocolLoop.IDLE && since != deafSince) {
            listener.hearing(Duration.ofNanos(now - deafSince));
            deafSince = ProtocolLoop.IDLE;
        }
        if (since == ProtocolLoop.IDLE) return;
        Duration stalled = Duration.ofNanos(now - since);
        if (stalled.compareTo(b.fenceAfter()) < 0) return;
        if (deafSince == ProtocolLoop.IDLE) {
            deafSince = since;
            listener.deaf(stalled, where());
        }
        // A task the process stopped in has been stuck only since it could run again: it is fenced at once (the
        // peer may hold its users by now) but failed only if still in it an interval after the wake. One grace a
        // task: a later stop during the same task does not put its end off again.
        if (wokeAt != ProtocolLoop.IDLE && wokeAt - since > 0 && gracedTask != since) {
            gracedTask = since;
            graceFrom = wokeAt;
        }
        long from = gracedTask == since ? graceFrom : since;
        if (now - from < b.fenceAfter().toNanos()) return;
        long sent = lastHeartbeat.getAsLong();
        if (sent != ProtocolLoop.IDLE && Duration.ofNanos(now - sent).compareTo(b.failAfterSilence()) >= 0) {
            running = false;
            listener.fail(stalled, where());
        }
    }

    private StackTraceElement[] where() {
        Thread t = loop.thread();
        return t == null ? new StackTraceElement[0] : t.getStackTrace();
    }

    /** For the log: where the loop is stuck, a few frames deep. */
    static String describe(StackTraceElement[] where) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(where.length, 12); i++) b.append("\n    at ").append(where[i]);
        if (where.length > 12) b.append("\n    ...");
        return b.toString();
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }
}
