package dev.tandem.core.lb;

import dev.tandem.core.Invalid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The sessions of one member and their limits per class. Every session, active or inactive, holds
 * one of the class's licences; only active ones count as load.
 *
 * <p>[LB-SHOW]: "Although the ASA may show as full, some users
 * may be in inactive/wait-to-resume state, wasting the licenses ... the inactive sessions are not
 * reported to the group director ... When the ASA receives the new connection, the session that has
 * been inactive the longest is logged off, allowing new connections to take its license."
 */
public record SessionTable(int ipsecMax, int sslMax, List<Session> sessions) {

    public SessionTable {
        if (ipsecMax < 0 || ipsecMax > ClassLoad.MAX_SESSIONS) throw new Invalid("ipsec max", ipsecMax, "0 to 100000000");
        if (sslMax < 0 || sslMax > ClassLoad.MAX_SESSIONS) throw new Invalid("ssl max", sslMax, "0 to 100000000");
        sessions = List.copyOf(sessions);
    }

    public static SessionTable empty(int ipsecMax, int sslMax) {
        return new SessionTable(ipsecMax, sslMax, List.of());
    }

    public int max(SessionClass c) {
        return c == SessionClass.IPSEC ? ipsecMax : sslMax;
    }

    /** What a keepalive reports: active sessions only, and the maxima. */
    public Load load() {
        int ipsec = 0;
        int ssl = 0;
        for (Session s : sessions) {
            if (!s.isActive()) continue;
            if (s.sessionClass() == SessionClass.IPSEC) ipsec++; else ssl++;
        }
        return new Load(new ClassLoad(ipsec, ipsecMax), new ClassLoad(ssl, sslMax));
    }

    /** The outcome of a new session arriving. */
    public sealed interface Admission {
        /** Taken; {@code loggedOff} is the longest-inactive session that gave up its licence, if one had to. */
        record Admitted(SessionTable table, Optional<Session> loggedOff) implements Admission {}

        /** Every licence of the class is held by an active session. */
        record Refused(String reason) implements Admission {}
    }

    /** A new session: takes a free licence, else the licence of the session inactive the longest. */
    public Admission admit(Session incoming) {
        if (!incoming.isActive()) throw new IllegalArgumentException("a new session is active: " + incoming.id());
        if (find(incoming.id()) >= 0) throw new IllegalArgumentException("session " + incoming.id() + " exists already");
        SessionClass c = incoming.sessionClass();
        int held = 0;
        int victim = -1;
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            if (s.sessionClass() != c) continue;
            held++;
            if (!s.isActive() && (victim < 0 || longerInactive(s, sessions.get(victim)))) victim = i;
        }
        List<Session> next = new ArrayList<>(sessions);
        Optional<Session> loggedOff = Optional.empty();
        if (held >= max(c)) {
            if (victim < 0) {
                return new Admission.Refused("full: all " + max(c) + " " + c.display() + " sessions are active");
            }
            loggedOff = Optional.of(next.remove(victim));
        }
        next.add(incoming);
        return new Admission.Admitted(new SessionTable(ipsecMax, sslMax, next), loggedOff);
    }

    /** Inactive since earlier; the smaller id on a tie, so the choice never depends on table order. */
    private static boolean longerInactive(Session a, Session b) {
        int c = a.inactiveSince().compareTo(b.inactiveSince());
        return c < 0 || (c == 0 && a.id().compareTo(b.id()) < 0);
    }

    public SessionTable inactive(String id, Instant since) {
        return replace(id, s -> s.isActive() ? new Session(s.id(), s.sessionClass(), since) : s);
    }

    public SessionTable resumed(String id) {
        return replace(id, s -> Session.active(s.id(), s.sessionClass()));
    }

    public SessionTable ended(String id) {
        int i = find(id);
        if (i < 0) return this;
        List<Session> next = new ArrayList<>(sessions);
        next.remove(i);
        return new SessionTable(ipsecMax, sslMax, next);
    }

    private SessionTable replace(String id, UnaryOperator<Session> change) {
        int i = find(id);
        if (i < 0) throw new IllegalArgumentException("no session " + id);
        List<Session> next = new ArrayList<>(sessions);
        next.set(i, change.apply(next.get(i)));
        return new SessionTable(ipsecMax, sslMax, next);
    }

    private int find(String id) {
        for (int i = 0; i < sessions.size(); i++) {
            if (sessions.get(i).id().equals(id)) return i;
        }
        return -1;
    }
}
