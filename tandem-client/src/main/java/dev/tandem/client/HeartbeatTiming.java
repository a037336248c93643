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

    /** How long after a 503 {@code moving} the failures that follow it are still repeated quickly. */
    static final Duration MOVE = Duration.ofSeconds(1);

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
     * The heartbeats that found no answer since the last answered one: how many (counted up to two: the first is
     * what matters), and until when ({@link System#nanoTime()}) a {@code moving} answer keeps failures quick. A
     * move's next node answers within moments of the {@code moving}; until it does, the connection is refused or the
     * old node answers {@code moving} again, and waiting a whole interval after the second of those would cost the
     * client that interval.
     */
    record Failing(int failures, boolean moved, long movingUntil) {
        /** No heartbeat has failed since the last answered one. */
        static final Failing NONE = new Failing(0, false, 0);

        /** After one more unanswered heartbeat at {@code now}, {@code moving} if it was answered 503 moving. */
        Failing after(long now, boolean moving) {
            int n = Math.min(2, failures + 1);
            return moving ? new Failing(n, true, now + MOVE.toNanos()) : new Failing(n, moved, movingUntil);
        }

        /**
         * Whether the failure just recorded ({@link #after}) is repeated after a quarter interval: the first one,
         * and any within a second of a {@code moving}.
         */
        boolean quick(long now) {
            return failures == 1 || (moved && now - movingUntil < 0);
        }
    }
}
