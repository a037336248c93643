package dev.tandem.core.lb;

import java.time.Instant;

/** A member whose Hello handshake is done: keepalives to the director, its topology pushes ([LB-KA]). */
final class MemberRules {
    /** Refusals in a row that show the director's process is gone (decision 0083). */
    static final int REFUSALS_TO_ELECT = 3;
    private static final java.time.Duration MAX_PROBE_INTERVAL = java.time.Duration.ofMillis(250);
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
            w.keepalive = new KeepaliveState(seq, seq, w.now, 0, w.in(w.timing.resendCycle()), k.refusals());
        } else if (k.refusals() > 0) {
            // A probe (decision 0083): a dead director's host refuses it too, a live director answers it. Probes are
            // not resends: a director that is only silent still gets the specification's five.
            long seq = k.seq() + 1;
            w.send(w.directorNode, new LbMessage.KeepaliveRequest(w.self, w.member, seq, w.load));
            w.keepalive = new KeepaliveState(seq, k.unansweredFrom(), w.now, k.resends(), w.in(w.timing.resendCycle()),
                    k.refusals());
        } else if (k.resends() < w.timing.keepaliveRetries()) {
            long seq = k.seq() + 1;
            w.send(w.directorNode, new LbMessage.KeepaliveRequest(w.self, w.member, seq, w.load));
            w.keepalive = new KeepaliveState(seq, k.unansweredFrom(), w.now, k.resends() + 1,
                    w.in(w.timing.resendCycle()), 0);
        } else {
            MemberName lost = w.director;
            forgetDirector();
            seeking.elect("director " + lost + " gone: no keepalive response after " + k.resends() + " resends");
        }
    }

    /**
     * The director's host refused a message this member sent it: nothing listens on its group port, so its process is
     * most likely gone (decision 0083, as pairs do in decision 0012). Probe a quarter of a keepalive interval later (at
     * most 250 ms); {@value #REFUSALS_TO_ELECT} refusals in a row with nothing heard from the director in between, and
     * the member elects at once instead of waiting out the resends. A director that is only slow or unreachable
     * refuses nothing and still gets the specification's timing ([LB-KA]).
     */
    void refused(dev.tandem.core.NodeId node) {
        if (!node.equals(w.directorNode)) return;
        // A director that is a redundancy pair (the member named after its group, not after a node) is not lost with
        // the node that spoke for it: the pair's other node takes the role over (decision 0037) and greets this
        // member. Its refusals end nothing; the specification's resends still do if the whole pair is gone.
        if (!w.director.value().equals(node.value())) return;
        KeepaliveState k = w.keepalive;
        int refusals = k.refusals() + 1;
        if (refusals >= REFUSALS_TO_ELECT) {
            MemberName lost = w.director;
            forgetDirector();
            seeking.elect("director " + lost + " gone: its node " + node + " refused " + refusals
                    + " keepalives in a row (nothing listens on its group port)");
            return;
        }
        Instant probe = w.in(probeInterval());
        w.keepalive = new KeepaliveState(k.seq(), k.unansweredFrom(), k.lastSent(), k.resends(),
                probe.isBefore(k.due()) ? probe : k.due(), refusals);
    }

    /** A quarter of the keepalive interval, at most 250 ms: three refusals span at least half an interval. */
    private java.time.Duration probeInterval() {
        java.time.Duration quarter = w.timing.keepaliveInterval().dividedBy(4);
        return quarter.compareTo(MAX_PROBE_INTERVAL) < 0 ? quarter : MAX_PROBE_INTERVAL;
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
                // The director asks for the handshake again (it lost us, restarted, or its pair's other node now
                // speaks). Its pushes start over from here: a director that restarted counts its terms and versions
                // again from the start, and pushes ordered below what this member saw before would be ignored for good.
                w.directorNode = h.from();
                w.term = h.term();
                w.version = 0;
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
        w.keepalive = new KeepaliveState(k.seq(), 0, k.lastSent(), 0, next.isAfter(w.now) ? next : w.now, 0);
    }

    /** [LB-ELECT]: the local topology database, "updated by the master". */
    private void pushed(LbMessage.TopologyPush p) {
        Topology t = p.topology();
        if (!t.newerThan(w.term, w.version) || !w.director.equals(t.director())) return;
        java.util.TreeMap<MemberName, MemberRecord> members = w.membersAnew();
        for (TopologyEntry e : t.members()) members.put(e.name(), MemberRecord.of(e));
        w.putSelf();
        w.term = t.term();
        w.version = t.version();
        w.directorNode = p.from();
        KeepaliveState k = w.keepalive;
        if (k.refusals() > 0) { // the director spoke: whatever refused was not its group port going away
            w.keepalive = new KeepaliveState(k.seq(), k.unansweredFrom(), k.lastSent(), k.resends(), k.due(), 0);
        }
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
        if (w.members().containsKey(w.director)) w.membersToChange().remove(w.director);
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
