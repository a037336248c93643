package dev.tandem.sim;

import java.time.Instant;
import java.util.PriorityQueue;

/** Scheduled work in virtual time: earliest first, then in the order it was scheduled. */
final class EventQueue {
    private record Entry(Instant at, long seq, Runnable work) {}

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> {
        int c = a.at.compareTo(b.at);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private long seq;

    void schedule(Instant at, Runnable work) {
        queue.add(new Entry(at, seq++, work));
    }

    /** The time of the next entry at or before {@code until}, or null. */
    Instant peek(Instant until) {
        Entry e = queue.peek();
        return e == null || e.at.isAfter(until) ? null : e.at;
    }

    Runnable poll() {
        return queue.poll().work;
    }

    int size() {
        return queue.size();
    }
}
