package dev.tandem.node.session;

import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.Session;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.core.lb.SessionTable;
import dev.tandem.core.rm.Serving;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live sessions of one node and their licences. Thread-safe: HTTP requests, the sweep and the node's state
 * changes all come through its synchronized methods, each short. The licence rules are the core's
 * {@link SessionTable} (seed 004: inactive sessions hold a licence but are not load; a new session takes the licence
 * of the session inactive the longest when every licence is held).
 */
final class SessionBook {
    /** Every session is of one class; a web session service counts as SSL sessions in the group's table. */
    static final SessionClass CLASS = SessionClass.SSL;

    /** One client's login. {@code user} is null for an anonymous client; {@code address} is the client's. */
    record Entry(String token, String user, String address, Serving.Side side, Instant since, Instant lastSeen) {
        Entry seen(Instant now) {
            return new Entry(token, user, address, side, since, now);
        }
    }

    sealed interface Admission {
        record In(Entry entry, Optional<Entry> loggedOff) implements Admission {}

        record Full(String reason) implements Admission {}

        /** The client's address or the user holds as many sessions as it may; {@code code} says which. */
        record OverLimit(String code, String reason) implements Admission {}
    }

    private final Duration inactiveAfter;
    private final Duration endAfter;
    private final int maxPerAddress;
    private final int maxPerUser;
    private final Map<String, Entry> entries = new HashMap<>();
    /** Sessions by client address and by user, kept with {@code entries}: a login is checked without a scan. */
    private final Map<String, Integer> byAddress = new HashMap<>();
    private final Map<String, Integer> byUser = new HashMap<>();
    private SessionTable table;
    private long maxSeen;

    SessionBook(int maxSessions, Duration inactiveAfter, Duration endAfter, int maxPerAddress, int maxPerUser) {
        this.table = SessionTable.empty(0, maxSessions);
        this.inactiveAfter = inactiveAfter;
        this.endAfter = endAfter;
        this.maxPerAddress = maxPerAddress;
        this.maxPerUser = maxPerUser;
    }

    /**
     * A new login: refused when its address or its user already holds its most sessions (so that one client cannot
     * take every licence, anonymous or not), then admitted by the licence rules of the core's table.
     */
    synchronized Admission admit(String token, String user, String address, Serving.Side side, Instant now) {
        if (byAddress.getOrDefault(address, 0) >= maxPerAddress) {
            return new Admission.OverLimit("too-many-sessions-from-address", "the address " + address + " holds "
                    + maxPerAddress + " sessions, the most one address may hold (sessionService.maxSessionsPerAddress);"
                    + " log out of one first");
        }
        if (user != null && byUser.getOrDefault(user, 0) >= maxPerUser) {
            return new Admission.OverLimit("too-many-sessions-for-user", "user " + user + " holds " + maxPerUser
                    + " sessions, the most one user may hold (sessionService.maxSessionsPerUser); log out of one first");
        }
        SessionTable.Admission a = table.admit(Session.active(token, CLASS));
        return switch (a) {
            case SessionTable.Admission.Refused r -> new Admission.Full(r.reason());
            case SessionTable.Admission.Admitted in -> {
                table = in.table();
                Optional<Entry> off = in.loggedOff().map(s -> remove(s.id()));
                Entry e = new Entry(token, user, address, side, now, now);
                put(e);
                maxSeen = Math.max(maxSeen, entries.size());
                yield new Admission.In(e, off);
            }
        };
    }

    /** A heartbeat's outcome: the session, and whether it was inactive until now (the load changed). */
    record Beat(Entry entry, boolean resumed) {}

    /** A heartbeat: the session is seen now and, if it had gone inactive, active again. Empty: no such session. */
    synchronized Optional<Beat> heartbeat(String token, Instant now) {
        Entry e = entries.get(token);
        if (e == null) return Optional.empty();
        Entry seen = e.seen(now);
        entries.put(token, seen);
        boolean resumed = !isActive(token);
        if (resumed) table = table.resumed(token);
        return Optional.of(new Beat(seen, resumed));
    }

    synchronized Optional<Entry> end(String token) {
        Entry e = remove(token);
        if (e != null) table = table.ended(token);
        return Optional.ofNullable(e);
    }

    /** Ends every session of the users of {@code side}; returns them. */
    synchronized List<Entry> drop(Serving.Side side) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : List.copyOf(entries.values())) {
            if (e.side() == side) {
                remove(e.token());
                table = table.ended(e.token());
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Marks sessions without a heartbeat for {@code inactiveAfter} inactive, and ends those inactive for
     * {@code endAfter}. Returns whether anything changed.
     */
    synchronized boolean sweep(Instant now) {
        boolean changed = false;
        for (Session s : table.sessions()) {
            Entry e = entries.get(s.id());
            if (s.isActive()) {
                Instant idleFrom = e.lastSeen().plus(inactiveAfter);
                if (!now.isBefore(idleFrom)) {
                    table = table.inactive(s.id(), idleFrom);
                    changed = true;
                }
            } else if (!now.isBefore(s.inactiveSince().plus(endAfter))) {
                table = table.ended(s.id());
                remove(s.id());
                changed = true;
            }
        }
        return changed;
    }

    synchronized Load load() {
        return table.load();
    }

    synchronized Optional<Entry> find(String token) {
        return Optional.ofNullable(entries.get(token));
    }

    /** Counts for the stats answer. */
    record Counts(int active, int inactive, int max, long maxSeen, int own, int peer, Load load) {}

    synchronized Counts counts() {
        int active = 0;
        int own = 0;
        for (Session s : table.sessions()) if (s.isActive()) active++;
        for (Entry e : entries.values()) if (e.side() == Serving.Side.OWN) own++;
        return new Counts(active, entries.size() - active, table.max(CLASS), maxSeen, own, entries.size() - own,
                table.load());
    }

    private void put(Entry e) {
        entries.put(e.token(), e);
        byAddress.merge(e.address(), 1, Integer::sum);
        if (e.user() != null) byUser.merge(e.user(), 1, Integer::sum);
    }

    private Entry remove(String token) {
        Entry e = entries.remove(token);
        if (e != null) {
            byAddress.computeIfPresent(e.address(), (k, n) -> n <= 1 ? null : n - 1);
            if (e.user() != null) byUser.computeIfPresent(e.user(), (k, n) -> n <= 1 ? null : n - 1);
        }
        return e;
    }

    private boolean isActive(String token) {
        for (Session s : table.sessions()) if (s.id().equals(token)) return s.isActive();
        return false;
    }
}
