package dev.tandem.core.lb;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The licence rules of {@link SessionTable} for a session service with many sessions: the same decisions
 * ([LB-SHOW]: an inactive session holds its licence but is not load; a new session takes a free licence, else that
 * of the session inactive the longest), kept in indexes so that a login, an end, going inactive and resuming each
 * cost O(log n) instead of a copy of the table. Mutable and not thread-safe: one owner (the node's session book)
 * calls it under its lock. {@code LicencesTest} checks it against {@link SessionTable}, the reference, over random
 * sequences of operations.
 */
public final class Licences {
    /** Inactive since earlier first; the smaller id on a tie, as {@link SessionTable} chooses. */
    private static final Comparator<Session> LONGEST_INACTIVE =
            Comparator.comparing(Session::inactiveSince).thenComparing(Session::id);

    private final int ipsecMax;
    private final int sslMax;
    private final Map<String, Session> byId = new HashMap<>();
    private final Map<SessionClass, TreeSet<Session>> inactive = new EnumMap<>(SessionClass.class);
    private final Map<SessionClass, Integer> held = new EnumMap<>(SessionClass.class);

    public Licences(int ipsecMax, int sslMax) {
        SessionTable.empty(ipsecMax, sslMax); // the same bounds, the same errors
        this.ipsecMax = ipsecMax;
        this.sslMax = sslMax;
        for (SessionClass c : SessionClass.values()) {
            inactive.put(c, new TreeSet<>(LONGEST_INACTIVE));
            held.put(c, 0);
        }
    }

    public int max(SessionClass c) {
        return c == SessionClass.IPSEC ? ipsecMax : sslMax;
    }

    /** The outcome of a new session arriving: as {@link SessionTable.Admission}, without a table to carry. */
    public sealed interface Admission {
        record Admitted(Optional<Session> loggedOff) implements Admission {}

        record Refused(String reason) implements Admission {}
    }

    /** A new session: takes a free licence, else the licence of the session inactive the longest. */
    public Admission admit(Session incoming) {
        if (!incoming.isActive()) throw new IllegalArgumentException("a new session is active: " + incoming.id());
        if (byId.containsKey(incoming.id())) throw new IllegalArgumentException("session " + incoming.id() + " exists already");
        SessionClass c = incoming.sessionClass();
        Optional<Session> loggedOff = Optional.empty();
        if (held.get(c) >= max(c)) {
            TreeSet<Session> idle = inactive.get(c);
            if (idle.isEmpty()) return new Admission.Refused("full: all " + max(c) + " " + c.display() + " sessions are active");
            Session victim = idle.first();
            ended(victim.id());
            loggedOff = Optional.of(victim);
        }
        byId.put(incoming.id(), incoming);
        held.merge(c, 1, Integer::sum);
        return new Admission.Admitted(loggedOff);
    }

    /** The session goes inactive at {@code since}; one already inactive keeps its time. */
    public void inactive(String id, Instant since) {
        Session s = require(id);
        if (!s.isActive()) return;
        Session next = new Session(id, s.sessionClass(), since);
        byId.put(id, next);
        inactive.get(s.sessionClass()).add(next);
    }

    public void resumed(String id) {
        Session s = require(id);
        if (s.isActive()) return;
        inactive.get(s.sessionClass()).remove(s);
        byId.put(id, Session.active(id, s.sessionClass()));
    }

    /** Ends the session; false when there is none of that id. */
    public boolean ended(String id) {
        Session s = byId.remove(id);
        if (s == null) return false;
        if (!s.isActive()) inactive.get(s.sessionClass()).remove(s);
        held.merge(s.sessionClass(), -1, Integer::sum);
        return true;
    }

    private Session require(String id) {
        Session s = byId.get(id);
        if (s == null) throw new IllegalArgumentException("no session " + id);
        return s;
    }

    public Optional<Session> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public boolean isActive(String id) {
        Session s = byId.get(id);
        return s != null && s.isActive();
    }

    public int size() {
        return byId.size();
    }

    /** What a keepalive reports: active sessions only, and the maxima. */
    public Load load() {
        int ipsec = held.get(SessionClass.IPSEC) - inactive.get(SessionClass.IPSEC).size();
        int ssl = held.get(SessionClass.SSL) - inactive.get(SessionClass.SSL).size();
        return new Load(new ClassLoad(ipsec, ipsecMax), new ClassLoad(ssl, sslMax));
    }

    /** Every session, in no particular order; a view that changes with the licences. */
    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(byId.values());
    }
}
