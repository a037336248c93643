package dev.tandem.core.lb;

import dev.tandem.core.Invalid;

/**
 * The load of one session class on one member: active sessions and the maximum allowed ([LB-SHOW]: "the number of active ... sessions, as well as the maximum
 * allowed sessions based on the configured or license limits"). Inactive sessions are never in
 * {@code active}: "inactive sessions do not count towards the load".
 *
 * <p>{@code active} may exceed {@code max} for a while when the limit is lowered below the sessions
 * already up; the load then shows above 100% and the member is full.
 */
public record ClassLoad(int active, int max) {
    /** Keeps the sum of both classes, and 200 x active, far from overflow. */
    public static final int MAX_SESSIONS = 100_000_000;
    public static final ClassLoad NONE = new ClassLoad(0, 0);

    public ClassLoad {
        if (active < 0 || active > MAX_SESSIONS) throw new Invalid("active", active, "a whole number from 0 to 100000000");
        if (max < 0 || max > MAX_SESSIONS) throw new Invalid("max", max, "a whole number from 0 to 100000000");
    }

    /**
     * [LB-RULES]: "an integer percentage", "all percentages are rounded
     * half-up": round(100 x active / max) with .5 going up, in integer arithmetic. 0 when max is 0.
     */
    public int percent() {
        return percent(active, max);
    }

    static int percent(long active, long max) {
        if (max == 0) return 0;
        return (int) ((200 * active + max) / (2 * max));
    }

    /**
     * [LB-SHOW]: "If an ASA in the group shows 100 percent full
     * capacity, the group director cannot redirect more connections to it." A class with max 0 is not
     * offered, so it is full too.
     */
    public boolean full() {
        return full(active, max);
    }

    static boolean full(int active, int max) {
        return max == 0 || percent(active, max) >= 100;
    }

    public ClassLoad plus(ClassLoad o) {
        return new ClassLoad(active + o.active, max + o.max);
    }
}
