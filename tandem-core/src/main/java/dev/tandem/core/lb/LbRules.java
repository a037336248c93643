package dev.tandem.core.lb;

import dev.tandem.core.Transition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One step of the load-balancing machine: the event applied to a working copy of the state, then
 * whatever falls due at {@code now} (Hello retries, the end of discovery, keepalives, silent members).
 * Acting on deadlines rather than on which timer fired keeps a late or repeated timer harmless.
 */
final class LbRules {
    private final LbWork w;
    private final SeekingRules seeking;
    private final MemberRules asMember;
    private final DirectorRules asDirector;

    LbRules(LbState s, Instant now) {
        w = new LbWork(s, now);
        seeking = new SeekingRules(w);
        asMember = new MemberRules(w, seeking);
        asDirector = new DirectorRules(w, seeking);
    }

    void apply(LbEvent event) {
        switch (event) {
            case LbEvent.Start s -> start(s.handover());
            case LbEvent.Stop s -> stop(s.handingOver(), s.handingOver() ? "handed over to the other node of "
                    + w.member : "stopped");
            case LbEvent.TimerFired t -> { } // deadlines are checked below
            case LbEvent.Received r -> received(r.message());
            case LbEvent.LoadChanged l -> loadChanged(l.load());
            case LbEvent.SettingsChanged c -> settingsChanged(c.group(), c.device());
            case LbEvent.Redirected r -> redirected(r.members(), r.sessionClass());
            case LbEvent.Refused f -> {
                if (w.phase == LbPhase.MEMBER) asMember.refused(f.node());
            }
            case LbEvent.PeerDown p -> {
                if (w.phase == LbPhase.MEMBER) asMember.directorNodeDown(p.node());
            }
            case LbEvent.AddressConflict a -> {
                // [LB-ELECT]: the ARP subsystem saw the address twice; tell the group at once who holds it here.
                if (w.phase == LbPhase.DIRECTOR) w.announceNow = true;
            }
        }
        due();
    }

    Transition<LbState> finish() {
        return w.finish();
    }

    /** Counts redirects in the members' loads until their own reports replace them (see {@link LbEvent.Redirected}). */
    private void redirected(List<IpAddress> sent, SessionClass cls) {
        if (w.phase != LbPhase.DIRECTOR) return;
        java.util.Map<IpAddress, Integer> count = new java.util.HashMap<>();
        for (IpAddress m : sent) count.merge(m, 1, Integer::sum);
        for (MemberRecord r : w.members().values()) {
            Integer n = count.get(r.info().publicAddress());
            if (n == null || r.name().equals(w.member)) continue;
            ClassLoad c = r.load().of(cls);
            int active = Math.max(c.active(), Math.min(c.max(), c.active() + n)); // never above the maximum
            // Replacing a present member's record: the table being walked (the state's, or this step's copy) keeps its shape.
            if (active != c.active()) w.membersToChange().put(r.name(), r.withLoad(r.load().with(cls, new ClassLoad(active, c.max()))));
            count.remove(r.info().publicAddress()); // one member per address, as the decision knows them
        }
    }

    private void start(Optional<LbHandover> handover) {
        if (w.phase != LbPhase.STOPPED) {
            throw new IllegalStateException(w.self + ": load balancing started twice (phase " + w.phase.display() + ")");
        }
        if (!w.device.participate()) {
            throw new IllegalStateException(w.self + ": started with participate disabled");
        }
        w.resetSelf();
        w.director = null;
        w.directorNode = null;
        w.warned.clear();
        w.keepalive = KeepaliveState.startingAt(w.keepalive == null ? 0 : w.keepalive.seq(), w.now);
        LbHandover h = handover.orElse(null);
        if (h != null && h.phase() == LbPhase.DIRECTOR && w.member.equals(h.director())) {
            asDirector.takeOver(h);
        } else if (h != null && h.phase() == LbPhase.MEMBER && h.director() != null && h.directorNode() != null) {
            for (TopologyEntry e : h.topology()) w.membersToChange().put(e.name(), MemberRecord.of(e));
            w.putSelf();
            w.term = h.term();
            seeking.startJoining(h.director(), h.directorNode(), "took over member " + w.member
                    + " from the other node of its pair");
        } else {
            seeking.startDiscovering("started");
        }
    }

    private void stop(boolean handingOver, String reason) {
        switch (w.phase) {
            case STOPPED -> {
                return;
            }
            case DIRECTOR -> asDirector.stop(handingOver);
            case MEMBER -> {
                if (!handingOver) asMember.goodbye();
            }
            case DISCOVERING, JOINING, REFUSED -> { }
        }
        w.setPhase(LbPhase.STOPPED, reason);
        w.director = null;
        w.directorNode = null;
        w.target = null;
        w.targetNode = null;
        w.helloDue = null;
        w.discoveryEnds = null;
        w.pushDue = null;
        w.announceDue = null;
        w.pushNow = false;
        w.announceNow = false;
        w.resetSelf();
    }

    private void received(LbMessage m) {
        if (m.from().equals(w.self)) return; // our own broadcast
        switch (w.phase) {
            case STOPPED -> { }
            case REFUSED -> seeking.whileRefused(m);
            case DISCOVERING -> seeking.discovering(m);
            case JOINING -> seeking.joining(m);
            case MEMBER -> asMember.received(m);
            case DIRECTOR -> asDirector.received(m);
        }
    }

    private void due() {
        switch (w.phase) {
            case DISCOVERING -> seeking.discoveringDue();
            case JOINING -> seeking.joiningDue();
            case MEMBER -> asMember.due();
            case DIRECTOR -> asDirector.due();
            case STOPPED, REFUSED -> { }
        }
    }

    private void loadChanged(Load load) {
        boolean changed = !load.equals(w.load);
        w.load = load;
        if (w.phase == LbPhase.STOPPED) return;
        w.putSelf();
        if (changed && w.phase == LbPhase.DIRECTOR) asDirector.loadChanged();
    }

    /**
     * New group settings (or participation) restart the protocol: the node must meet the group again
     * under them. New device settings reach the group without a restart.
     */
    private void settingsChanged(GroupSettings group, DeviceSettings device) {
        boolean restart = !group.equals(w.group) || device.participate() != w.device.participate()
                || w.phase == LbPhase.REFUSED;
        w.group = group;
        w.device = device;
        if (w.phase == LbPhase.STOPPED) return;
        if (restart) {
            stop(false, "settings changed");
            if (device.participate()) start(Optional.empty());
            return;
        }
        w.putSelf();
        switch (w.phase) {
            case DIRECTOR -> asDirector.deviceChanged();
            case MEMBER -> asMember.deviceChanged();
            default -> { }
        }
    }
}
