package dev.tandem.core.lb;

import java.time.Instant;
import java.util.Objects;

/**
 * One client session on a member.
 *
 * @param inactiveSince when the client went inactive ("inactive/wait-to-resume state", the specification ([LB-SHOW])), or null while active
 */
public record Session(String id, SessionClass sessionClass, Instant inactiveSince) {
    public Session {
        Objects.requireNonNull(id, "session id");
        Objects.requireNonNull(sessionClass, "session class");
    }

    public static Session active(String id, SessionClass c) {
        return new Session(id, c, null);
    }

    public boolean isActive() {
        return inactiveSince == null;
    }
}
