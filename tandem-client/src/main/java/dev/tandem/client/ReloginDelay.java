package dev.tandem.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a client waits before it logs in again after losing its session or its node: uniformly at random between
 * the Client Re-Login Lower and Upper Limits ([RG-RELOGIN], Step 5: "how long to wait before attempting to relogin"),
 * so that the users of a failed node do not all come back in the same second.
 */
public record ReloginDelay(Duration lower, Duration upper) {
    /** [RG-RELOGIN]: "Client Re-Login Lower Limit ... The default is 120." */
    public static final Duration DEFAULT_LOWER = Duration.ofSeconds(120);
    /** [RG-RELOGIN]: "Client Re-Login Upper Limit ... The default is 537." */
    public static final Duration DEFAULT_UPPER = Duration.ofSeconds(537);
    public static final ReloginDelay DEFAULT = new ReloginDelay(DEFAULT_LOWER, DEFAULT_UPPER);

    public ReloginDelay {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        if (lower.isNegative()) {
            throw new IllegalArgumentException("re-login lower limit " + lower + " is not allowed; allowed: zero or more");
        }
        if (upper.compareTo(lower) < 0) {
            throw new IllegalArgumentException("re-login upper limit " + upper + " is not allowed; allowed: at least"
                    + " the lower limit (" + lower + ")");
        }
    }

    /** A delay from lower to upper, both included, to the millisecond. */
    public Duration pick(RandomGenerator random) {
        long span = upper.toMillis() - lower.toMillis();
        return lower.plusMillis(span == 0 ? 0 : random.nextLong(span + 1));
    }
}
