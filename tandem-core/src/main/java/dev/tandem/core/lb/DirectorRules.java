package dev.tandem.core.lb;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import java.util.Optional;

/**
 * The director: answers Hellos, keeps the topology database from keepalives, drops silent members,
 * and settles who keeps the role when it meets another director ([LB-ELECT]; Hello
 * Handshake; Keepalive Messages).
 */
final class DirectorRules {
    private final LbWork w;
    private final SeekingRules seeking;

    DirectorRules(LbWork w, SeekingRules seeking) {
        this.w = w;
        this.seeking = seeking;
    }

    void received(LbMessage m) {
        switch (m) {
            case LbMessage.HelloRequest h when !h.director() -> {
                // [LB-HELLO]: "If a Hello request is received, the master sends its own Hello request to the member."
                if (admissible(h.from(), h.group(), h.info())) {
                    upsert(h.from(), h.info(), false);
                    w.send(h.from(), w.hello(true));
                }
            }
            case LbMessage.HelloResponse r -> {
                // [LB-HELLO]: the member's response "concludes the Hello handshake".
                if (admissible(r.from(), r.group(), r.info())) upsert(r.from(), r.info(), true);
            }
            case LbMessage.HelloRequest h -> otherDirector(h.from(), h.group(), h.info());
            case LbMessage.DirectorAnnounce a -> otherDirector(a.from(), a.group(), a.info());
            case LbMessage.Candidacy c -> {
                if (admissible(c.from(), c.group(), c.info())) w.send(c.from(), w.hello(true));
            }
            case LbMessage.KeepaliveRequest k -> keepalive(k);
            case LbMessage.Goodbye g -> {
                MemberRecord r = w.members().get(g.member());
                if (r != null && r.speaker().equals(g.from()) && !g.member().equals(w.member)) {
                    w.membersToChange().remove(g.member());
                    w.pushNow = true;
                }
            }
            default -> { }
        }
    }

    /**
     * A member that may join: same group settings ([LB-PREREQ]), a public address no other
     * member has (the director tells members apart by IP), and not the director's own member name.
     * Otherwise the node is refused, with the reason, and the mismatch is reported.
     */
    private boolean admissible(NodeId from, GroupSignature theirs, MemberInfo info) {
        Optional<SettingsDifference> d = w.signature().differenceFrom(theirs);
        if (d.isPresent()) return refuse(from, info, d.get().setting(), d.get().between(w.member, info.name()));
        if (info.name().equals(w.member)) {
            return refuse(from, info, "member name", "member name " + info.name() + " is the director's own");
        }
        for (MemberRecord r : w.members().values()) {
            if (!r.name().equals(info.name()) && r.info().publicAddress().equals(info.publicAddress())) {
                return refuse(from, info, "public address", "public address " + info.publicAddress()
                        + " belongs to member " + r.name() + " already");
            }
        }
        return true;
    }

    private boolean refuse(NodeId to, MemberInfo info, String setting, String reason) {
        w.warn(to, setting, reason);
        w.send(to, new LbMessage.Refuse(w.self, w.member, setting, reason));
        return false;
    }

    /**
     * The member keyed by its name: a Hello from the other node of its pair moves the member's voice to
     * that node and keeps its place and load ([LB-FAQ], load balancing and failover on the same device).
     */
    private void upsert(NodeId from, MemberInfo info, boolean handshakeDone) {
        MemberRecord old = w.members().get(info.name());
        boolean sameSpeaker = old != null && old.speaker().equals(from);
        boolean joined = handshakeDone || (sameSpeaker && old.joined());
        Load load = old == null ? Load.NONE : old.load();
        w.membersToChange().put(info.name(), new MemberRecord(info, from, load, w.now, joined));
        boolean wasJoined = old != null && old.joined() && sameSpeaker;
        // A completed handshake always gets the topology: a member that restarted at once comes back with nothing,
        // though nothing changed here.
        if (handshakeDone || joined != wasJoined || (old != null && !old.info().equals(info))) w.pushNow = true;
    }

    private void keepalive(LbMessage.KeepaliveRequest k) {
        MemberRecord r = w.members().get(k.member());
        if (r == null || !r.joined() || !r.speaker().equals(k.from())) {
            // Not (or no longer) in the group from this node: shake hands first, then answer keepalives.
            w.send(k.from(), w.hello(true));
            return;
        }
        w.membersToChange().put(k.member(), r.withLoad(k.load()).heard(w.now));
        if (!r.load().equals(k.load())) loadChanged();
        w.send(k.from(), new LbMessage.KeepaliveResponse(w.self, w.member, k.seq()));
    }

    /** Loads reach the members at most once per keepalive interval, however many change. */
    void loadChanged() {
        java.time.Instant soon = w.in(w.timing.loadPushInterval());
        if (w.pushDue == null || soon.isBefore(w.pushDue)) w.pushDue = soon;
    }

    /** Drops members silent for memberLostAfter; the director itself is never dropped. */
    void due() {
        java.time.Duration lostAfter = w.timing.memberLostAfter();
        java.util.function.Predicate<MemberRecord> silent = r -> r.lastHeard() != null && !r.name().equals(w.member)
                && w.due(r.lastHeard().plus(lostAfter));
        // Looked for first: the table is copied only when a member really goes.
        if (w.members().values().stream().anyMatch(silent)) {
            w.membersToChange().values().removeIf(silent);
            w.pushNow = true;
        }
    }

    /**
     * Two directors (a partition healed, or two nodes claimed the address at once). The specification ([LB-ELECT]) lets the
     * ARP subsystem ask the one with the higher MAC address to give up; Tandem applies the election's
     * own rank, which both sides compute the same way from the announcements: the lower-ranked director
     * yields, the other tells it so.
     */
    private void otherDirector(NodeId from, GroupSignature theirs, MemberInfo info) {
        if (info.name().equals(w.member)) return;
        if (w.differsFrom(from, info.name(), theirs).isPresent()) return; // another group, or misconfigured
        MemberRecord r = w.members().get(info.name());
        if (r != null && r.joined() && r.speaker().equals(from) && r.lastHeard() != null
                && !r.lastHeard().isBefore(w.now.minus(w.timing.keepaliveInterval().multipliedBy(2)))) {
            // It follows us right now: this is a late message from before it did (it directed, stopped and came
            // back). Tell it who directs instead of yielding to a director that no longer is one.
            w.send(from, w.announcement());
            return;
        }
        if (Election.outranks(info, w.selfInfo())) {
            yieldTo(info.name(), from);
        } else {
            w.send(from, w.announcement());
        }
    }

    private void yieldTo(MemberName winner, NodeId node) {
        w.effect(new Effect.ReleaseAddress());
        LbMessage.Resign resign = new LbMessage.Resign(w.self, w.member, w.term,
                Optional.of(new LbMessage.Successor(winner, node)));
        for (MemberRecord r : w.members().values()) {
            if (!r.name().equals(w.member) && r.joined()) w.send(r.speaker(), resign);
        }
        w.pushDue = null;
        w.announceDue = null;
        w.pushNow = false;
        w.announceNow = false;
        seeking.startJoining(winner, node, "yields the director role to " + winner + ", which ranks higher");
    }

    /** Stopping: the address goes, and unless the pair's other node takes over, the members elect at once. */
    void stop(boolean handingOver) {
        w.effect(new Effect.ReleaseAddress());
        if (handingOver) return;
        LbMessage.Resign resign = new LbMessage.Resign(w.self, w.member, w.term, Optional.empty());
        for (MemberRecord r : w.members().values()) {
            if (!r.name().equals(w.member) && r.joined()) w.send(r.speaker(), resign);
        }
    }

    /**
     * The pair's other node spoke for the director: this node takes the role as it was, claims the
     * address, and greets every member so they speak to it from now on.
     */
    void takeOver(LbHandover h) {
        w.setPhase(LbPhase.DIRECTOR, "took over the director role from the other node of " + w.member);
        w.effect(new Effect.ClaimAddress());
        w.term = h.term();
        w.version = h.version();
        w.director = w.member;
        w.directorNode = w.self;
        java.util.TreeMap<MemberName, MemberRecord> members = w.membersAnew();
        for (TopologyEntry e : h.topology()) {
            if (e.name().equals(w.member)) continue;
            members.put(e.name(), new MemberRecord(e.info(), e.speaker(), e.load(), w.now, true));
            w.send(e.speaker(), w.hello(true));
        }
        w.putSelf();
        w.pushNow = true;
        w.announceNow = true;
    }

    /** New device settings on the director: the members learn them from the next push. */
    void deviceChanged() {
        w.pushNow = true;
        w.announceNow = true;
    }
}
