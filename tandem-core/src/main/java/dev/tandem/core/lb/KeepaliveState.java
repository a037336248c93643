package dev.tandem.core.lb;

import java.time.Instant;

/**
 * A member's keepalive clock ([LB-KA]).
 *
 * @param seq            the last request's sequence number; grows for the whole run
 * @param unansweredFrom the first request still without a response, or 0 when none is outstanding
 * @param lastSent       when the last request went out, or null before the first
 * @param resends        resends since the first unanswered request
 * @param due            when the next request (regular, resend or probe) or the verdict is due
 * @param refusals       the director's host refused this many requests in a row, with nothing heard from the director
 *                       in between (decision 0083)
 */
public record KeepaliveState(long seq, long unansweredFrom, Instant lastSent, int resends, Instant due, int refusals) {

    /** Nothing outstanding; the first request goes out at {@code at}. */
    static KeepaliveState startingAt(long seq, Instant at) {
        return new KeepaliveState(seq, 0, null, 0, at, 0);
    }

    boolean outstanding() {
        return unansweredFrom != 0;
    }
}
