package dev.tandem.node.session;

import dev.tandem.core.lb.Licences;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.Session;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.core.lb.SessionTable;
import dev.tandem.core.rm.Serving;
import dev.tandem.node.wire.ReplicationCodec.Copy;
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
 * {@link Licences} (the indexed form of {@link SessionTable}, each operation O(log n)) ([LB-SHOW]: inactive sessions hold a licence but are not load; a new session takes the licence
 * of the session inactive the longest when every licence is held).
 *
 * <p>Besides its live sessions the book keeps the standby copies of the sessions its redundancy peer serves
 * (docs/session-service.md, Stateful failover): when this node takes over a side's users, their copies become live
 * sessions with the same tokens ({@link #promote}); when it gives a side up, its sessions become copies
 * ({@link #demote}). Every change to a live session is told to the {@link Journal} inside the lock, in order, so the
 * peer's copies follow.
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

    /** Where the changes to live sessions go (the replication to the peer), called inside the book's lock. */
    interface Journal {
        Journal NONE = new Journal() {
            @Override public void changed(Copy copy) { }
            @Override public void ended(String token) { }
        };

        void changed(Copy copy);

        void ended(String token);
    }

    private final String self;
    private final String peer;
    private final Duration inactiveAfter;
    private final Duration endAfter;
    private final int maxPerAddress;
    private final int maxPerUser;
    private final Map<String, Entry> entries = new HashMap<>();
    /** Sessions (tokens) by client address and by user, kept with {@code entries}. */
    private final Map<String, Set<String>> byAddress = new HashMap<>();
    private final Map<String, Set<String>> byUser = new HashMap<>();
    /** The peer's sessions as it last told them, by token (docs/session-service.md, Stateful failover). */
    private final Map<String, Copy> copies = new HashMap<>();
    private final Licences licences;
    private long maxSeen;
    private Journal journal = Journal.NONE;

    SessionBook(int maxSessions, Duration inactiveAfter, Duration endAfter, int maxPerAddress, int maxPerUser) {
        this(null, null, maxSessions, inactiveAfter, endAfter, maxPerAddress, maxPerUser);
    }

    /** {@code self} and {@code peer}: the node ids whose users the sides are, for the copies (peer null: no pair). */
    SessionBook(String self, String peer, int maxSessions, Duration inactiveAfter, Duration endAfter, int maxPerAddress,
                int maxPerUser) {
        this.self = self;
        this.peer = peer;
        this.licences = new Licences(0, maxSessions);
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
                licences.ended(room.get());
                madeRoom = Optional.ofNullable(remove(room.get()));
            }
        }
        Optional<Entry> ownRoom = madeRoom;
        Licences.Admission a = licences.admit(Session.active(token, CLASS));
        return switch (a) {
            case Licences.Admission.Refused r -> new Admission.Full(r.reason());
            case Licences.Admission.Admitted in -> {
                Optional<Entry> off = in.loggedOff().map(s -> remove(s.id()));
                Entry e = new Entry(token, user, address, side, now, now);
                put(e);
                maxSeen = Math.max(maxSeen, entries.size());
                journal.changed(copyOf(e, null));
                yield new Admission.In(e, off.isPresent() ? off : ownRoom);
            }
        };
    }

    /** Of {@code tokens}, the session inactive the longest, if any is inactive. */
    private Optional<String> longestInactive(Set<String> tokens) {
        Session oldest = null;
        for (String t : tokens) {
            Session s = licences.find(t).orElse(null);
            if (s == null || s.isActive()) continue;
            if (oldest == null || s.inactiveSince().isBefore(oldest.inactiveSince())
                    || s.inactiveSince().equals(oldest.inactiveSince()) && s.id().compareTo(oldest.id()) < 0) {
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
        boolean resumed = !licences.isActive(token);
        if (resumed) {
            licences.resumed(token);
            journal.changed(copyOf(seen, null)); // a plain heartbeat is not replicated (decision 0071)
        }
        return Optional.of(new Beat(seen, resumed));
    }

    synchronized Optional<Entry> end(String token) {
        Entry e = remove(token);
        if (e != null) licences.ended(token);
        return Optional.ofNullable(e);
    }

    /** Ends every session of the users of {@code side}; returns them. */
    synchronized List<Entry> drop(Serving.Side side) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : List.copyOf(entries.values())) {
            if (e.side() == side) {
                remove(e.token());
                licences.ended(e.token());
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
        for (Session s : List.copyOf(licences.sessions())) {
            Entry e = entries.get(s.id());
            if (s.isActive()) {
                Instant idleFrom = e.lastSeen().plus(inactiveAfter);
                if (!now.isBefore(idleFrom)) {
                    licences.inactive(s.id(), idleFrom);
                    journal.changed(copyOf(e, idleFrom));
                    changed = true;
                }
            } else if (!now.isBefore(s.inactiveSince().plus(endAfter))) {
                licences.ended(s.id());
                remove(s.id());
                changed = true;
            }
        }
        return changed;
    }

    // ---------------------------------------------------------------- standby copies

    synchronized void journal(Journal j) {
        this.journal = j;
    }

    /** Every live session as a copy, for a snapshot; called by the journal's owner under {@link #locked}. */
    List<Copy> liveCopies() {
        List<Copy> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) out.add(copyOf(e, inactiveSince(e.token())));
        return out;
    }

    /** Runs {@code action} holding the book's lock: nothing changes meanwhile (a snapshot and the stream after it). */
    synchronized <T> T locked(java.util.function.Supplier<T> action) {
        return action.get();
    }

    synchronized int liveCount() {
        return entries.size();
    }

    /** The peer's changes to its sessions. A token live here stays live: this node serves it (a partition). */
    synchronized void applyCopies(List<Copy> upserts, List<String> ended) {
        for (Copy c : upserts) if (!entries.containsKey(c.token())) copies.put(c.token(), c);
        for (String t : ended) copies.remove(t);
    }

    /** Every session this node knows, live and copies, for a snapshot; called under {@link #locked}. */
    List<Copy> knownCopies() {
        List<Copy> out = liveCopies();
        out.addAll(copies.values());
        return out;
    }

    /** What a snapshot did: sessions made live here (this node serves their users) and copies kept as orphans. */
    record Merge(int adopted, int orphansKept) {}

    /**
     * The peer's snapshot: every session it knows. A session live here stays live; one whose users this node serves
     * now ({@code serving}) becomes live here (the peer held it as a copy, or this node lost it); the rest are the
     * copies. Copies this node held that the snapshot lacks are dropped when the peer is the same process (it ended
     * them), but kept when the peer restarted ({@code peerRestarted}): then the peer lost them, and this node's copy
     * may be the only one left (it goes back to the peer in this node's own snapshot).
     */
    synchronized Merge mergeSnapshot(Map<String, Copy> all, boolean peerRestarted, Set<Serving.Side> serving,
                                     Instant now) {
        Map<String, Copy> before = new HashMap<>(copies);
        copies.clear();
        int adopted = 0;
        for (Copy c : all.values()) {
            if (entries.containsKey(c.token())) continue;
            if (serving.contains(sideOf(c.home())) && adopt(c, now)) {
                adopted++;
                continue;
            }
            copies.put(c.token(), c);
        }
        int orphans = 0;
        if (peerRestarted) {
            for (Copy c : before.values()) {
                if (entries.containsKey(c.token()) || copies.containsKey(c.token())) continue;
                copies.put(c.token(), c);
                orphans++;
            }
        }
        maxSeen = Math.max(maxSeen, entries.size());
        return new Merge(adopted, orphans);
    }

    /** A copy becomes a live session here, under the licence rules; false when no licence is free for it. */
    private boolean adopt(Copy c, Instant now) {
        Licences.Admission a = licences.admit(Session.active(c.token(), CLASS));
        if (!(a instanceof Licences.Admission.Admitted in)) return false;
        in.loggedOff().ifPresent(s -> remove(s.id()));
        Entry e = new Entry(c.token(), c.user(), c.address(), sideOf(c.home()), Instant.ofEpochMilli(c.sinceMillis()),
                c.active() ? now : Instant.ofEpochMilli(c.lastSeenMillis()));
        put(e);
        Instant inactiveSince = c.active() ? null : Instant.ofEpochMilli(c.inactiveSinceMillis());
        if (inactiveSince != null) licences.inactive(c.token(), inactiveSince);
        journal.changed(copyOf(e, inactiveSince));
        return true;
    }

    synchronized int copyCount() {
        return copies.size();
    }

    /** The standby copy of a session, if the book holds one. */
    synchronized Optional<Copy> copy(String token) {
        return Optional.ofNullable(copies.get(token));
    }

    /** What a take-over made of the copies of one side's users. */
    record Promotion(int promoted, int refused, int loggedOff) {}

    /**
     * This node now serves {@code side}'s users: their copies become live sessions with the same tokens. An active
     * copy is seen {@code now}, so its client has a whole {@code inactiveAfter} to reach this node (its last
     * heartbeat time is not replicated, decision 0071); an inactive one keeps the time it went inactive. The licence
     * rules apply as to a login; a copy the table cannot admit (every licence held by an active session) is lost
     * and counted in {@code refused}.
     */
    synchronized Promotion promote(Serving.Side side, Instant now) {
        List<Copy> mine = new ArrayList<>();
        for (Copy c : copies.values()) if (sideOf(c.home()) == side) mine.add(c);
        // The active ones first, then the most recently inactive: if licences run short, the least useful are lost.
        mine.sort(java.util.Comparator.comparing(Copy::active).reversed()
                .thenComparing(java.util.Comparator.comparingLong(Copy::inactiveSinceMillis).reversed()));
        int promoted = 0;
        int refused = 0;
        int loggedOffCount = 0;
        for (Copy c : mine) {
            copies.remove(c.token());
            if (entries.containsKey(c.token())) continue;
            int before = entries.size();
            if (adopt(c, now)) {
                promoted++;
                if (entries.size() == before) loggedOffCount++; // the licence of a session inactive the longest
            } else {
                refused++;
            }
        }
        maxSeen = Math.max(maxSeen, entries.size());
        return new Promotion(promoted, refused, loggedOffCount);
    }

    /**
     * This node no longer serves {@code side}'s users and their sessions move with them: each becomes a copy, which
     * the peer (now serving them) holds live. Returns how many moved.
     */
    synchronized int demote(Serving.Side side) {
        int moved = 0;
        for (Entry e : List.copyOf(entries.values())) {
            if (e.side() != side) continue;
            Instant inactiveSince = inactiveSince(e.token());
            unlist(e.token());
            licences.ended(e.token());
            copies.put(e.token(), copyOf(e, inactiveSince));
            moved++;
        }
        return moved;
    }

    private Copy copyOf(Entry e, Instant inactiveSince) {
        String home = e.side() == Serving.Side.OWN || peer == null ? self : peer;
        return new Copy(e.token(), e.user(), e.address(), home == null ? "-" : home, e.since().toEpochMilli(),
                e.lastSeen().toEpochMilli(), inactiveSince == null ? -1 : inactiveSince.toEpochMilli());
    }

    private Serving.Side sideOf(String home) {
        return home.equals(self) ? Serving.Side.OWN : Serving.Side.PEER;
    }

    synchronized Load load() {
        return licences.load();
    }

    synchronized Optional<Entry> find(String token) {
        return Optional.ofNullable(entries.get(token));
    }

    /** Counts for the stats answer. */
    record Counts(int active, int inactive, int max, long maxSeen, int own, int peer, Load load) {}

    synchronized Counts counts() {
        int own = 0;
        Load load = licences.load();
        int active = load.ssl().active();
        for (Entry e : entries.values()) if (e.side() == Serving.Side.OWN) own++;
        return new Counts(active, entries.size() - active, licences.max(CLASS), maxSeen, own, entries.size() - own,
                load);
    }

    private void put(Entry e) {
        entries.put(e.token(), e);
        byAddress.computeIfAbsent(e.address(), k -> new HashSet<>()).add(e.token());
        if (e.user() != null) byUser.computeIfAbsent(e.user(), k -> new HashSet<>()).add(e.token());
    }

    /** Ends a live session (the table is the caller's): the peer's copy ends with it. */
    private Entry remove(String token) {
        Entry e = unlist(token);
        if (e != null) journal.ended(token);
        return e;
    }

    private Entry unlist(String token) {
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

    /** When the session went inactive, or null while it is active. */
    private Instant inactiveSince(String token) {
        return licences.find(token).map(Session::inactiveSince).orElse(null);
    }
}
