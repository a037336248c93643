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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The live sessions of one node and their licences. Thread-safe: HTTP requests, the sweep and the node's state
 * changes all come through its synchronized methods, each short. The licence rules are the core's
 * {@link SessionTable} ([LB-SHOW]: inactive sessions hold a licence but are not load; a new session takes the licence
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
    /** Sessions (tokens) by client address and by user, kept with {@code entries}. */
    private final Map<String, Set<String>> byAddress = new HashMap<>();
    private final Map<String, Set<String>> byUser = new HashMap<>();
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
     * A new login. Its client address and its user hold at most {@code maxPerAddress} and {@code maxPerUser}
     * sessions, so that one client cannot take every licence, anonymous or not. At its cap, the address's (or
     * user's) own session inactive the longest makes room, as the licence rule does for the whole table
     * (docs/load-balancing.md), so a client that lost its sessions can always log in again; with every one of them
     * active the login is refused. Then the core's table admits it by the licence rules.
     */
    synchronized Admission admit(String token, String user, String address, Serving.Side side, Instant now) {
        Set<String> ofAddress = byAddress.getOrDefault(address, Set.of());
        Optional<String> addressRoom = ofAddress.size() < maxPerAddress ? Optional.empty() : longestInactive(ofAddress);
        if (ofAddress.size() >= maxPerAddress && addressRoom.isEmpty()) {
            return new Admission.OverLimit("too-many-sessions-from-address", "the address " + address + " holds "
                    + maxPerAddress + " active sessions, the most one address may hold"
                    + " (sessionService.maxSessionsPerAddress); log out of one first");
        }
        Set<String> ofUser = user == null ? Set.of() : byUser.getOrDefault(user, Set.of());
        Set<String> userLeft = new HashSet<>(ofUser);
        addressRoom.ifPresent(userLeft::remove);
        Optional<String> userRoom = userLeft.size() < maxPerUser ? Optional.empty() : longestInactive(userLeft);
        if (userLeft.size() >= maxPerUser && userRoom.isEmpty()) {
            return new Admission.OverLimit("too-many-sessions-for-user", "user " + user + " holds " + maxPerUser
                    + " active sessions, the most one user may hold (sessionService.maxSessionsPerUser); log out of"
                    + " one first");
        }
        Optional<Entry> madeRoom = Optional.empty();
        for (Optional<String> room : List.of(addressRoom, userRoom)) {
            if (room.isPresent()) {
                table = table.ended(room.get());
                madeRoom = Optional.ofNullable(remove(room.get()));
            }
        }
        Optional<Entry> ownRoom = madeRoom;
        SessionTable.Admission a = table.admit(Session.active(token, CLASS));
        return switch (a) {
            case SessionTable.Admission.Refused r -> new Admission.Full(r.reason());
            case SessionTable.Admission.Admitted in -> {
                table = in.table();
                Optional<Entry> off = in.loggedOff().map(s -> remove(s.id()));
                Entry e = new Entry(token, user, address, side, now, now);
                put(e);
                maxSeen = Math.max(maxSeen, entries.size());
                yield new Admission.In(e, off.isPresent() ? off : ownRoom);
            }
        };
    }

    /** Of {@code tokens}, the session inactive the longest, if any is inactive. */
    private Optional<String> longestInactive(Set<String> tokens) {
        Session oldest = null;
        for (Session s : table.sessions()) {
            if (!s.isActive() && tokens.contains(s.id())
                    && (oldest == null || s.inactiveSince().isBefore(oldest.inactiveSince()))) {
                oldest = s;
            }
        }
        return Optional.ofNullable(oldest).map(Session::id);
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
        byAddress.computeIfAbsent(e.address(), k -> new HashSet<>()).add(e.token());
        if (e.user() != null) byUser.computeIfAbsent(e.user(), k -> new HashSet<>()).add(e.token());
    }

    private Entry remove(String token) {
        Entry e = entries.remove(token);
        if (e != null) {
            forget(byAddress, e.address(), token);
            if (e.user() != null) forget(byUser, e.user(), token);
        }
        return e;
    }

    private static void forget(Map<String, Set<String>> index, String key, String token) {
        Set<String> tokens = index.get(key);
        if (tokens != null && tokens.remove(token) && tokens.isEmpty()) index.remove(key);
    }

    private boolean isActive(String token) {
        for (Session s : table.sessions()) if (s.id().equals(token)) return s.isActive();
        return false;
    }
}
