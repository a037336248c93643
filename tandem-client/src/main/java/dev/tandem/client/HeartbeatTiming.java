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
     * When a heartbeat that found no answer is repeated: the first time after a quarter of the interval (a planned
     * move or a takeover is over within tens of milliseconds, so most clients then miss no more than that), later
     * ones each interval, so a long outage costs the nodes no more requests than heartbeats do; never less than
     * 10 ms apart nor more than a second.
     */
    static Duration retryAfterFailure(Duration heartbeat, boolean firstFailure) {
        Duration d = firstFailure ? heartbeat.dividedBy(4) : heartbeat;
        if (d.compareTo(SHORTEST) < 0) d = SHORTEST;
        return d.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : d;
    }
}
