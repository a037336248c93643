package dev.tandem.node.runtime;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State changes, director changes and admin actions, for the admin API's server-sent events and the node's own
 * listeners.
 *
 * <p>{@link #publish} is called on the protocol loop and never waits: it puts the event on each subscriber's bounded
 * queue and returns. Each subscriber has its own delivery thread, which is the only one that calls it, so a
 * subscriber that blocks (an events reader that stopped reading, its TCP window full) blocks only itself. One that
 * falls {@link #QUEUE} events behind is dropped: its queue is cleared, its delivery thread stops, and its
 * {@code onDropped} runs on a thread of its own (docs/node.md, Events).
 */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    /** How many events {@link #recent()} keeps. */
    private static final int KEEP = 200;
    /**
     * How far a subscriber may fall behind before it is dropped. A state change publishes one to three events; a
     * thousand is minutes of the busiest cluster, and at a few hundred bytes an event bounds each queue to well under
     * a megabyte.
     */
    public static final int QUEUE = 1024;
    /**
     * At most this many subscribers at once; one more is refused. Each has a thread, so the bound keeps a flood of
     * event-stream connections from exhausting the node's threads.
     */
    public static final int MAX_SUBSCRIBERS = 256;

    /** One event: a kind ("transition", "admin", "director") and its fields. */
    public record Event(long seq, Instant at, String kind, Map<String, Object> fields) {
        /** As the API shows it: seq, at, kind, then the fields. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("seq", seq);
            m.put("at", at.toString());
            m.put("kind", kind);
            m.putAll(fields);
            return m;
        }
    }

    /** Refused when {@link #MAX_SUBSCRIBERS} are already subscribed. */
    public static final class TooManySubscribers extends RuntimeException {
        TooManySubscribers() {
            super("at most " + MAX_SUBSCRIBERS + " event subscribers at once; close one first");
        }
    }

    private final String name;
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    /**
     * Closes dropped subscribers' connections. Its thread is started with the bus: starting a thread where a drop is
     * noticed, on the protocol loop, once took a quarter of a second.
     */
    private final java.util.concurrent.ThreadPoolExecutor closer;
    private long seq;

    public EventBus() {
        this("node");
    }

    /** @param name names the delivery threads, for thread dumps */
    public EventBus(String name) {
        this.name = name;
        this.closer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "tandem-events-drop-" + name);
                    t.setDaemon(true);
                    return t;
                });
        closer.prestartCoreThread();
    }

    /** Never blocks: the event goes on each subscriber's queue, or drops a subscriber whose queue is full. */
    public void publish(String kind, Instant at, Map<String, Object> fields) {
        Event e;
        synchronized (this) {
            e = new Event(++seq, at, kind, Map.copyOf(fields));
            recent.addFirst(e);
            while (recent.size() > KEEP) recent.removeLast();
        }
        for (Subscription s : subscribers) s.offer(e);
    }

    /** Subscribes with nothing to do if the subscriber is dropped (see {@link #subscribe(Consumer, Runnable)}). */
    public Runnable subscribe(Consumer<Event> subscriber) {
        return subscribe(subscriber, () -> { });
    }

    /**
     * @param subscriber called with each event, in order, on the subscription's own thread
     * @param onDropped  called once, on a thread of its own, if the subscriber falls {@link #QUEUE} events behind
     * @return cancels the subscription (idempotent)
     * @throws TooManySubscribers when {@link #MAX_SUBSCRIBERS} are subscribed already
     */
    public Runnable subscribe(Consumer<Event> subscriber, Runnable onDropped) {
        Subscription s;
        synchronized (subscribers) {
            if (subscribers.size() >= MAX_SUBSCRIBERS) throw new TooManySubscribers();
            s = new Subscription(subscriber, onDropped);
            subscribers.add(s);
        }
        s.thread.start();
        return s::cancel;
    }

    /** Ends every subscription and the closer's thread: the node is stopping. */
    public void close() {
        for (Subscription s : subscribers) s.cancel();
        closer.shutdown();
    }

    /** The newest events first. */
    public synchronized List<Event> recent() {
        return List.copyOf(recent);
    }

    /** How many subscribers are connected now. */
    public int subscribers() {
        return subscribers.size();
    }

    /** How many subscribers were dropped for falling behind since the node started. */
    public long droppedSubscribers() {
        return dropped.get();
    }

    private final class Subscription {
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Consumer<Event> subscriber;
        private final Runnable onDropped;
        private final AtomicBoolean over = new AtomicBoolean();
        private final Thread thread;

        Subscription(Consumer<Event> subscriber, Runnable onDropped) {
            this.subscriber = subscriber;
            this.onDropped = onDropped;
            this.thread = new Thread(this::deliver, "tandem-events-" + name);
            thread.setDaemon(true);
        }

        void offer(Event e) {
            if (over.get()) return;
            if (!queue.offer(e)) drop();
        }

        private void deliver() {
            try {
                while (!over.get()) {
                    Event e = queue.take();
                    try {
                        subscriber.accept(e);
                    } catch (RuntimeException ex) {
                        // A closed connection: the subscriber is gone, as if it had cancelled.
                        LOG.debug("event subscriber failed, removing it: {}", ex.toString());
                        cancel();
                    }
                }
            } catch (InterruptedException stop) {
                // cancelled or dropped
            }
        }

        private void drop() {
            if (!end()) return;
            dropped.incrementAndGet();
            LOG.warn("an event subscriber fell {} events behind and was dropped (a reader that stopped reading)", QUEUE);
            closer.execute(() -> {
                try {
                    onDropped.run();
                } catch (RuntimeException e) {
                    LOG.debug("closing a dropped event subscriber failed: {}", e.toString());
                }
            });
        }

        void cancel() {
            end();
        }

        /** Ends the subscription once; true for the call that ended it. */
        private boolean end() {
            if (!over.compareAndSet(false, true)) return false;
            subscribers.remove(this);
            queue.clear();
            thread.interrupt();
            return true;
        }
    }
}
