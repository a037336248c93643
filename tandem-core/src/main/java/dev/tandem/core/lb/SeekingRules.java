package dev.tandem.core.lb;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node looking for its director: discovering at startup, joining a member it elected, and the
 * election itself ([LB-HELLO]; [LB-ELECT]).
 */
final class SeekingRules {
    private final LbWork w;

    SeekingRules(LbWork w) {
        this.w = w;
    }

    // ---------------------------------------------------------------- discovering

    /** [LB-HELLO]: "Each member sends a Hello request to the virtual cluster IP address ... upon startup." */
    void startDiscovering(String reason) {
        w.setPhase(LbPhase.DISCOVERING, reason);
        w.discoveryEnds = w.in(w.timing.discoveryWindow());
        w.hellosSent = 0;
        discoveryHello();
    }

    /** To the cluster address for a director, and to the group so that nodes starting together find each other. */
    private void discoveryHello() {
        w.hellosSent++;
        w.toCluster(w.hello(false));
        w.toGroup(w.candidacy());
        w.helloDue = w.in(w.timing.helloInterval());
    }

    void discoveringDue() {
        if (w.due(w.discoveryEnds)) {
            // [LB-HELLO]: "If no Hello response is received by the member after maximum retries,
            // the member goes into master election state."
            elect("no director answered " + w.hellosSent + " Hello requests");
        } else if (w.due(w.helloDue)) {
            discoveryHello();
        }
    }

    void discovering(LbMessage m) {
        switch (m) {
            case LbMessage.Candidacy c -> {
                if (w.differsFrom(c.from(), c.member(), c.group()).isEmpty()) candidate(c.info(), c.from());
            }
            case LbMessage.HelloRequest h when !h.director() -> {
                // Someone elected this node; it may become director at the end of its own window.
                if (w.differsFrom(h.from(), h.member(), h.group()).isEmpty()) candidate(h.info(), h.from());
            }
            case LbMessage.HelloRequest h -> {
                if (directorAgrees(h.from(), h.member(), h.group())) acceptDirector(h);
            }
            case LbMessage.DirectorAnnounce a -> {
                // A working director exists: ask it for the handshake.
                if (directorAgrees(a.from(), a.member(), a.group())) w.send(a.from(), w.hello(false));
            }
            case LbMessage.Refuse r -> refused(r);
            default -> { }
        }
    }

    private void candidate(MemberInfo info, NodeId node) {
        if (info.name().equals(w.member)) return;
        w.membersToChange().put(info.name(), new MemberRecord(info, node, Load.NONE, null, false));
    }

    /**
     * A director whose group settings differ: this node must not claim the address beside it, so it
     * stays out of the group until its settings change.
     */
    boolean directorAgrees(NodeId node, MemberName name, GroupSignature theirs) {
        var d = w.differsFrom(node, name, theirs);
        if (d.isEmpty()) return true;
        w.setPhase(LbPhase.REFUSED, "director " + name + " refuses this node: " + d.get().between(w.member, name));
        clearSeeking();
        return false;
    }

    /**
     * Refused ([LB-PREREQ]: members need the same cluster-specific values; decision 111), a node still hears the
     * director's announcements. One that now runs this node's settings is sought at once: settings change in the
     * store while the nodes run (docs/store.md), each node taking them on its own, so a node can be refused by a
     * director that takes the same settings a moment later.
     */
    void whileRefused(LbMessage m) {
        if (m instanceof LbMessage.DirectorAnnounce a && w.signature().differenceFrom(a.group()).isEmpty()) {
            w.warned.remove(a.from()); // a later difference with it is news again
            startDiscovering("director " + a.member() + " now runs this node's settings");
            w.send(a.from(), w.hello(false));
        }
    }

    void refused(LbMessage.Refuse r) {
        w.warn(r.from(), r.setting(), r.reason());
        w.setPhase(LbPhase.REFUSED, "refused by " + r.member() + ": " + r.reason());
        clearSeeking();
        w.director = null;
        w.directorNode = null;
    }

    private void clearSeeking() {
        w.target = null;
        w.targetNode = null;
        w.helloDue = null;
        w.discoveryEnds = null;
    }

    /** [LB-HELLO]: "The non-director member returns a Hello response upon receiving of a Hello request from the director." */
    void acceptDirector(LbMessage.HelloRequest h) {
        boolean newDirector = !h.member().equals(w.director);
        w.director = h.member();
        w.directorNode = h.from();
        if (newDirector) w.version = 0;
        // The director's term, even when this node's own is newer (it directed for a while and yielded): pushes are
        // ordered by the director's term, and one kept higher would make this member ignore every push for good.
        w.term = h.term();
        w.send(h.from(), w.helloResponse());
        w.putSelf();
        clearSeeking();
        w.setPhase(LbPhase.MEMBER, "Hello handshake with director " + h.member() + " done");
        // [LB-KA]: keepalives start once the handshake is complete.
        w.keepalive = KeepaliveState.startingAt(w.keepalive == null ? 0 : w.keepalive.seq(), w.now);
    }

    // ---------------------------------------------------------------- election

    /**
     * [LB-ELECT]: compare the priority of every unit in the local topology
     * database, the lower IP on equal priority; "If the member itself is elected, it claims the virtual
     * IP address. If one of the other members is elected, the member sends a Hello request to the elected master."
     */
    void elect(String why) {
        w.putSelf();
        List<MemberInfo> candidates = new ArrayList<>(w.members().size());
        for (MemberRecord r : w.members().values()) candidates.add(r.info());
        MemberInfo best = Election.best(candidates);
        if (best.name().equals(w.member)) {
            becomeDirector(why + "; elected itself (priority " + best.priority() + ", " + best.publicAddress() + ")");
        } else {
            startJoining(best.name(), w.members().get(best.name()).speaker(), why + "; elected " + best.name()
                    + " (priority " + best.priority() + ", " + best.publicAddress() + ")");
        }
    }

    void startJoining(MemberName elected, NodeId node, String reason) {
        w.setPhase(LbPhase.JOINING, reason);
        w.director = null;
        w.directorNode = null;
        w.discoveryEnds = null;
        w.target = elected;
        w.targetNode = node;
        w.hellosSent = 1;
        w.send(node, w.hello(false));
        w.helloDue = w.in(w.timing.helloInterval());
    }

    /** The elected member becomes director: it claims the address and greets everyone it knows. */
    void becomeDirector(String reason) {
        w.setPhase(LbPhase.DIRECTOR, reason);
        w.effect(new Effect.ClaimAddress());
        w.term++;
        w.version = 0;
        w.director = w.member;
        w.directorNode = w.self;
        clearSeeking();
        // The members it knows keep their place until they shake hands again, or stay silent for memberLostAfter.
        for (MemberRecord r : List.copyOf(w.members().values())) {
            if (r.name().equals(w.member)) continue;
            w.membersToChange().put(r.name(), new MemberRecord(r.info(), r.speaker(), r.load(), w.now, false));
            w.send(r.speaker(), w.hello(true));
        }
        w.putSelf();
        w.pushNow = true;
        w.announceNow = true;
    }

    // ---------------------------------------------------------------- joining

    void joiningDue() {
        if (!w.due(w.helloDue)) return;
        if (w.hellosSent <= w.timing.helloRetries()) {
            w.hellosSent++;
            w.send(w.targetNode, w.hello(false));
            w.helloDue = w.in(w.timing.helloInterval());
            return;
        }
        // The elected member never answered: it is gone too; elect among the others.
        MemberName silent = w.target;
        w.membersToChange().remove(silent);
        elect("elected " + silent + " did not answer " + w.hellosSent + " Hello requests");
    }

    void joining(LbMessage m) {
        switch (m) {
            case LbMessage.HelloRequest h when h.director() && (h.member().equals(w.target) || h.term() > w.term) -> {
                if (directorAgrees(h.from(), h.member(), h.group())) acceptDirector(h);
            }
            case LbMessage.DirectorAnnounce a when !a.member().equals(w.target) -> {
                // A working director exists: join it rather than the one elected (no preemption).
                if (w.differsFrom(a.from(), a.member(), a.group()).isEmpty()) {
                    w.target = a.member();
                    w.targetNode = a.from();
                    w.hellosSent = 1;
                    w.send(a.from(), w.hello(false));
                    w.helloDue = w.in(w.timing.helloInterval());
                }
            }
            case LbMessage.Refuse r when r.member().equals(w.target) -> refused(r);
            case LbMessage.KeepaliveRequest k -> redirectStraggler(k);
            default -> { }
        }
    }

    /**
     * A keepalive reached this node, which is not director (any more): a member missed the Resign when
     * this node yielded. Tell it again where the director is, rather than let it time out and elect
     * from an old topology.
     */
    void redirectStraggler(LbMessage.KeepaliveRequest k) {
        MemberName next = w.phase == LbPhase.MEMBER ? w.director : w.target;
        NodeId node = w.phase == LbPhase.MEMBER ? w.directorNode : w.targetNode;
        if (next == null || node == null || next.equals(k.member())) return;
        w.send(k.from(), new LbMessage.Resign(w.self, w.member, w.term,
                Optional.of(new LbMessage.Successor(next, node))));
    }
}
