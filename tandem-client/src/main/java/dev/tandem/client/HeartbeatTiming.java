package dev.tandem.client;

import java.time.Duration;

/** How long a client waits for a heartbeat's answer, and when it repeats one that found none (docs/client.md). */
final class HeartbeatTiming {
    /** No heartbeat is sent, nor repeated, more often than this. */
    static final Duration SHORTEST = Duration.ofMillis(10);
    /** While a failover is under way a heartbeat is repeated at least this often (or each interval, if shorter). */
    static final Duration LONGEST_RETRY = Duration.ofSeconds(1);

    private HeartbeatTiming() {}

    /**
     * How long a heartbeat waits for its answer: twice the interval, at least a second, at most the request timeout.
     * A node answers a heartbeat in milliseconds; one whose connection went with the address in a move may never
     * be answered, and waiting the whole request timeout for it would cost the client that much of the move.
     */
    static Duration heartbeatTimeout(Duration heartbeat, Duration requestTimeout) {
        Duration d = heartbeat.multipliedBy(2);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) d = Duration.ofSeconds(1);
        return d.compareTo(requestTimeout) > 0 ? requestTimeout : d;
    }

    /**
     * How long after a run of failures begins, and after each 503 {@code moving}, failures are still repeated
     * quickly: a planned move is over within that, and so is a takeover after a crash with the fast profile.
     */
    static final Duration QUICK = Duration.ofSeconds(1);

    /**
     * When a heartbeat that found no answer is repeated: after a quarter of the interval when {@code quick} (a
     * planned move or a takeover is over within tens of milliseconds, so most clients then miss no more than that),
     * else each interval, so a long outage costs the nodes no more requests than heartbeats do; never less than
     * 10 ms apart nor more than a second.
     */
    static Duration retryAfterFailure(Duration heartbeat, boolean quick) {
        Duration d = quick ? heartbeat.dividedBy(4) : heartbeat;
        if (d.compareTo(SHORTEST) < 0) d = SHORTEST;
        return d.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : d;
    }

    /**
     * The heartbeats that found no answer since the last answered one: until when ({@link System#nanoTime()}) a
     * failure is repeated after a quarter interval. The first failure opens a second of quick repeats, and each
     * 503 {@code moving} another: a move's next node, or the survivor of a crash, answers within moments, and until
     * it does the connection is refused or the old node answers {@code moving} again; a client that waited a whole
     * interval after the second of those would miss that interval more. After the second, a long outage costs the
     * nodes no more requests than heartbeats do.
     */
    record Failing(boolean any, long quickUntil) {
        /** No heartbeat has failed since the last answered one. */
        static final Failing NONE = new Failing(false, 0);

        /** After one more unanswered heartbeat at {@code now}, {@code moving} if it was answered 503 moving. */
        Failing after(long now, boolean moving) {
            return !any || moving ? new Failing(true, now + QUICK.toNanos()) : this;
        }

        /** Whether the failure just recorded ({@link #after}) at {@code now} is repeated after a quarter interval. */
        boolean quick(long now) {
            return any && now - quickUntil < 0;
        }
    }
}
