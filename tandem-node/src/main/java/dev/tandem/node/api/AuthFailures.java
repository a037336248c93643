package dev.tandem.node.api;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Wrong bearer tokens by client address (docs/node.md, Admin API). After {@link #FREE} wrong tokens in a row, each
 * further wrong answer from that address is held back, twice as long each time, up to {@link #LONGEST}: guessing
 * gets slow while a right token is never held. The wait is bounded in threads too: at most {@link #MAX_WAITING}
 * requests wait at once; a wrong token that finds them all taken is refused at once with 429 and Retry-After, so
 * failed attempts can never tie up the server's threads. A right token forgets the address's failures; so does
 * {@link #FORGET_AFTER} without a failure.
 */
final class AuthFailures {
    /** A mistyped token or two costs nothing. */
    static final int FREE = 3;
    /** The first wait, then twice as long after every further failure. */
    static final Duration FIRST_WAIT = Duration.ofMillis(250);
    /** Four seconds at most: with {@link #MAX_WAITING}, at most one guess a second reaches an answer. */
    static final Duration LONGEST = Duration.ofSeconds(4);
    /** A few threads of the server's pool (Jetty's holds up to 200). */
    static final int MAX_WAITING = 4;
    /** Failures older than this are forgotten. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    /** The table holds at most this many addresses; past it, old ones go (all of them in a flood of addresses). */
    private static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, long lastNanos) {}

    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final Semaphore waiting = new Semaphore(MAX_WAITING);
    private final LongSupplier nanos;

    AuthFailures(LongSupplier nanos) {
        this.nanos = nanos;
    }

    AuthFailures() {
        this(System::nanoTime);
    }

    /** Records a wrong token from {@code address}; returns how many in a row it has sent now. */
    int failed(String address) {
        long now = nanos.getAsLong();
        if (byAddress.size() >= MAX_ADDRESSES) prune(now);
        return byAddress.compute(address, (k, old) -> old == null || now - old.lastNanos > FORGET_AFTER.toNanos()
                ? new Failures(1, now) : new Failures(old.count + 1, now)).count;
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }

    /** How long the answer to the {@code n}th wrong token in a row is held back. */
    static Duration delay(int n) {
        if (n <= FREE) return Duration.ZERO;
        Duration d = FIRST_WAIT.multipliedBy(1L << Math.min(n - FREE - 1, 20));
        return d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }

    /**
     * Holds the calling request back for {@code d}. False when {@link #MAX_WAITING} requests wait already: the caller
     * refuses at once instead.
     */
    boolean hold(Duration d) {
        if (d.isZero()) return true;
        if (!waiting.tryAcquire()) return false;
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            waiting.release();
        }
    }

    private void prune(long now) {
        for (Iterator<Failures> it = byAddress.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastNanos > FORGET_AFTER.toNanos()) it.remove();
        }
        if (byAddress.size() >= MAX_ADDRESSES) byAddress.clear();
    }
}
