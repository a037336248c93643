package dev.tandem.node.runtime;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** State changes, director changes and admin actions, for the admin API's server-sent events. */
public final class EventBus {
    private static final int KEEP = 200;

    /** One event: a kind ("transition", "admin", "director") and its fields. */
    public record Event(long seq, Instant at, String kind, Map<String, Object> fields) {}

    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    private long seq;

    public void publish(String kind, Instant at, Map<String, Object> fields) {
        Event e;
        synchronized (this) {
            e = new Event(++seq, at, kind, Map.copyOf(fields));
            recent.addFirst(e);
            while (recent.size() > KEEP) recent.removeLast();
        }
        for (Consumer<Event> s : subscribers) s.accept(e);
    }

    public Runnable subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** The newest events first. */
    public synchronized List<Event> recent() {
        return List.copyOf(recent);
    }
}
