package dev.tandem.core.lb;

import java.time.Instant;

/** A member whose Hello handshake is done: keepalives to the director, its topology pushes ([LB-KA]). */
final class MemberRules {
    private final LbWork w;
    private final SeekingRules seeking;

    MemberRules(LbWork w, SeekingRules seeking) {
        this.w = w;
        this.seeking = seeking;
    }

    /**
     * [LB-KA]: a request each second while the last one was answered; with one
     * outstanding, no regular request: "The member waits for 3 seconds and sends a keepalive request at
     * the 4th second", five times; "Then, the member declares the director as gone and starts a new
     * director election cycle."
     */
    void due() {
        KeepaliveState k = w.keepalive;
        if (!w.due(k.due())) return;
        if (!k.outstanding()) {
            long seq = k.seq() + 1;
            w.send(w.directorNode, new LbMessage.KeepaliveRequest(w.self, w.member, seq, w.load));
            w.keepalive = new KeepaliveState(seq, seq, w.now, 0, w.in(w.timing.resendCycle()));
        } else if (k.resends() < w.timing.keepaliveRetries()) {
            long seq = k.seq() + 1;
            w.send(w.directorNode, new LbMessage.KeepaliveRequest(w.self, w.member, seq, w.load));
            w.keepalive = new KeepaliveState(seq, k.unansweredFrom(), w.now, k.resends() + 1,
                    w.in(w.timing.resendCycle()));
        } else {
            MemberName lost = w.director;
            forgetDirector();
            seeking.elect("director " + lost + " gone: no keepalive response after " + k.resends() + " resends");
        }
    }

    /** The node that spoke for the director is down (its redundancy peer says so): elect without waiting. */
    void directorNodeDown(dev.tandem.core.NodeId node) {
        if (!node.equals(w.directorNode)) return;
        MemberName lost = w.director;
        forgetDirector();
        seeking.elect("director " + lost + " gone: its node " + node + " is down (the redundancy pair's detection)");
    }

    void received(LbMessage m) {
        switch (m) {
            case LbMessage.KeepaliveResponse r when r.member().equals(w.director) -> answered(r);
            case LbMessage.TopologyPush p when p.member().equals(w.director) -> pushed(p);
            case LbMessage.HelloRequest h when h.director() && h.member().equals(w.director) -> {
                // The director asks for the handshake again (it lost us, or its pair's other node now speaks).
                w.directorNode = h.from();
                w.term = Math.max(w.term, h.term());
                w.send(h.from(), w.helloResponse());
                w.keepalive = KeepaliveState.startingAt(w.keepalive.seq(), w.now);
            }
            case LbMessage.HelloRequest h when h.director() && w.keepalive.resends() > 0 && h.term() > w.term -> {
                // Our director is not answering and a newer one greets us: follow it rather than wait.
                if (seeking.directorAgrees(h.from(), h.member(), h.group())) seeking.acceptDirector(h);
            }
            case LbMessage.DirectorAnnounce a when !a.member().equals(w.director) && w.keepalive.resends() > 0 -> {
                // Our director is not answering and another one works: join it rather than elect from a stale database.
                if (w.differsFrom(a.from(), a.member(), a.group()).isEmpty()) {
                    MemberName silent = w.director;
                    forgetDirector();
                    seeking.startJoining(a.member(), a.from(), "director " + silent + " is not answering; "
                            + a.member() + " directs the group");
                }
            }
            case LbMessage.KeepaliveRequest k -> seeking.redirectStraggler(k);
            case LbMessage.Resign r when r.member().equals(w.director) -> resigned(r);
            case LbMessage.Refuse r when r.member().equals(w.director) -> seeking.refused(r);
            default -> { }
        }
    }

    private void answered(LbMessage.KeepaliveResponse r) {
        KeepaliveState k = w.keepalive;
        if (!k.outstanding() || r.seq() < k.unansweredFrom()) return; // older than what is outstanding
        w.directorNode = r.from();
        // [LB-KA]: "the next keepalive request is sent the next second as long as keepalive responses from
        // the previous request was received".
        Instant next = k.lastSent().plus(w.timing.keepaliveInterval());
        w.keepalive = new KeepaliveState(k.seq(), 0, k.lastSent(), 0, next.isAfter(w.now) ? next : w.now);
    }

    /** [LB-ELECT]: the local topology database, "updated by the master". */
    private void pushed(LbMessage.TopologyPush p) {
        Topology t = p.topology();
        if (!t.newerThan(w.term, w.version) || !w.director.equals(t.director())) return;
        w.members.clear();
        for (TopologyEntry e : t.members()) w.members.put(e.name(), MemberRecord.of(e));
        w.putSelf();
        w.term = t.term();
        w.version = t.version();
        w.directorNode = p.from();
    }

    private void resigned(LbMessage.Resign r) {
        if (r.successor().isPresent()) {
            LbMessage.Successor s = r.successor().get();
            forgetDirector();
            seeking.startJoining(s.member(), s.node(), "director " + r.member() + " yielded to " + s.member());
        } else {
            MemberName gone = w.director;
            forgetDirector();
            seeking.elect("director " + gone + " stopped");
        }
    }

    private void forgetDirector() {
        w.members.remove(w.director);
        w.director = null;
        w.directorNode = null;
        w.keepalive = KeepaliveState.startingAt(w.keepalive.seq(), w.now);
    }

    /** Leaving on purpose: the director drops us at once rather than after memberLostAfter. */
    void goodbye() {
        if (w.directorNode != null) w.send(w.directorNode, new LbMessage.Goodbye(w.self, w.member));
    }

    /** New device settings (priority, addresses, model): the director learns them from a fresh Hello. */
    void deviceChanged() {
        w.send(w.directorNode, w.hello(false));
    }
}
