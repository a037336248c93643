package dev.tandem.core.lb;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import java.time.Duration;

/**
 * The load-balancing group's timing. Each default is defined here once; the keepalive ones are the
 * specification's ([LB-KA]), the others are Tandem's choices (docs/decisions) where the specification gives no number.
 *
 * @param keepaliveInterval a member's keepalive period while its requests are answered
 * @param keepaliveWait     how long a member waits, after the missed period, before it resends
 * @param keepaliveRetries  how many resends before the director is declared gone
 * @param helloInterval     the period of Hello requests (and startup candidacies) while no director answers
 * @param helloRetries      how many times a member resends its Hello to a director it elected
 * @param discoveryWindow   at startup, how long a node looks for a director and for the other starting
 *                          nodes before it elects
 */
public record LbTiming(Duration keepaliveInterval, Duration keepaliveWait, int keepaliveRetries,
                       Duration helloInterval, int helloRetries, Duration discoveryWindow) {

    /** [LB-KA]: "Keepalive requests are sent by a member unit at one second intervals". */
    public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(1);
    /** [LB-KA]: "The member waits for 3 seconds and sends a keepalive request at the 4th second." */
    public static final Duration DEFAULT_KEEPALIVE_WAIT = Duration.ofSeconds(3);
    /** [LB-KA]: "The member repeats step #2 above five(5) times". */
    public static final int DEFAULT_KEEPALIVE_RETRIES = 5;
    /** The specification says "after maximum retries" without numbers: one Hello a second, like keepalives. */
    public static final Duration DEFAULT_HELLO_INTERVAL = Duration.ofSeconds(1);
    /** Three resends: an elected member has four seconds to notice the loss itself and take the role. */
    public static final int DEFAULT_HELLO_RETRIES = 3;
    /** As long as the Hello retries (first Hello plus three resends, one second apart). */
    public static final Duration DEFAULT_DISCOVERY_WINDOW = Duration.ofSeconds(4);

    private static final Duration MIN = Duration.ofMillis(10);
    private static final Duration MAX = Duration.ofMinutes(10);

    public LbTiming {
        within("keepaliveInterval", keepaliveInterval);
        within("keepaliveWait", keepaliveWait);
        within("helloInterval", helloInterval);
        within("discoveryWindow", discoveryWindow);
        if (keepaliveRetries < 1 || keepaliveRetries > 100) {
            throw new Invalid("keepaliveRetries", keepaliveRetries, "a whole number from 1 to 100 (default 5)");
        }
        if (helloRetries < 0 || helloRetries > 100) {
            throw new Invalid("helloRetries", helloRetries, "a whole number from 0 to 100 (default 3)");
        }
        // A window shorter than one Hello period would elect before a director could answer the first Hello.
        if (discoveryWindow.compareTo(helloInterval) < 0) {
            throw new Invalid("discoveryWindow", Durations.format(discoveryWindow),
                    "at least helloInterval (" + Durations.format(helloInterval) + ")");
        }
    }

    public static LbTiming defaults() {
        return new LbTiming(DEFAULT_KEEPALIVE_INTERVAL, DEFAULT_KEEPALIVE_WAIT, DEFAULT_KEEPALIVE_RETRIES,
                DEFAULT_HELLO_INTERVAL, DEFAULT_HELLO_RETRIES, DEFAULT_DISCOVERY_WINDOW);
    }

    private static void within(String field, Duration d) {
        if (d == null || d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            throw new Invalid(field, d == null ? null : Durations.format(d), "a duration from 10ms to 10m");
        }
    }

    /**
     * One step of the keepalive timeout: the missed period and the wait (1 s + 3 s = 4 s by default).
     * A member with an unanswered request sends at most this long apart.
     */
    public Duration resendCycle() {
        return keepaliveInterval.plus(keepaliveWait);
    }

    /**
     * From an unanswered keepalive request until the director is declared gone: five resends, each
     * one cycle apart, and the wait after the fifth (24 s by default). [LB-KA].
     */
    public Duration directorLostAfter() {
        return Duration.ofNanos(resendCycle().toNanos() * (keepaliveRetries + 1L)); // at most 20 min x 101: no overflow
    }

    /**
     * The director sends no clients to a member silent this long (one resend cycle, 4 s by default):
     * a working member is heard every keepalive interval, and at least once a cycle even while its
     * answers are lost.
     */
    public Duration memberStaleAfter() {
        return resendCycle();
    }

    /**
     * The director drops a member silent this long: as long as a member needs to give up on the
     * director (24 s by default), so a member still resending is never dropped first.
     */
    public Duration memberLostAfter() {
        return directorLostAfter();
    }

    /** How often the director announces itself to the group, so two directors meet within one cycle. */
    public Duration announceInterval() {
        return resendCycle();
    }

    /** Load changes reach the members at most once per keepalive interval; membership changes at once. */
    public Duration loadPushInterval() {
        return keepaliveInterval;
    }
}
