package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.rm.PeerView.Status;
import dev.tandem.core.rm.RmEvent.*;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One step of the recovery manager: a working copy of the state, the event applied to it, then
 * the rules of the specification ([RG-OVER]) run until nothing changes. Every rule reads the node's facts (its health,
 * its view of the peer, its own state) and names the specification row or sentence it implements.
 *
 * <p>The pair coordinates through state: each heartbeat carries the sender's whole view, is sent at
 * once on every change, and each side reacts to the other's state. A lost heartbeat is repaired
 * by the next one, so no transition depends on one message arriving.
 */
final class RmRules {
    private final RmWork w;
    private final StartRules starting;
    private final ServingRules serving;

    RmRules(RmState s, Instant now) {
        w = new RmWork(s, now);
        starting = new StartRules(w);
        serving = new ServingRules(w);
    }

    Transition<RmState> finish() {
        return w.finish();
    }

    // ---------------------------------------------------------------- events

    void apply(RmEvent event) {
        switch (event) {
            case Start start -> start(start.persisted(), start.incarnationFloor());
            case Stop stop -> stop();
            case TimerFired t -> {
                w.fired = t.name(); // the shell no longer holds it: set it again if it is still wanted
                if (t.name().equals(RecoveryManager.TIMER_HEARTBEAT) && w.running && !w.now.isBefore(w.nextHeartbeat)) {
                    w.announce = true;
                }
                if (t.name().equals(RecoveryManager.TIMER_PROBE) && w.running && w.peer.refusals() > 0) {
                    w.announce = true; // probe: a dead peer's host refuses it again, a live peer answers
                }
            }
            case PeerRefused pr -> refused();
            case PeerLinkLost l -> {
                if (w.running && w.group.peerOf(w.before.self()).filter(l.from()::equals).isPresent()) w.announce = true; // probe now
            }
            case Received r -> received(r.message());
            case ServiceChanged sc -> serviceChanged(sc.service(), sc.running());
            case DatabaseChanged dc -> w.databaseDownSince = dc.up() ? null
                    : w.databaseDownSince != null ? w.databaseDownSince : w.now;
            case HookCompleted hc -> hookCompleted(hc);
            case Admin a -> admin(a.requestId(), a.action());
            case GroupChanged gc -> groupChanged(gc.group());
            case ParametersChanged pc -> w.params = pc.parameters();
            case WitnessAnswered a -> LeaseBook.answered(w, a.askId(), a.holder(), a.fence());
            case WitnessUnreachable u -> LeaseBook.unreachable(w, u.askId());
        }
        if (w.running) {
            w.updatePeerLiveness();
            LeaseBook.peerHeard(w);
            reconcile();
        }
    }

    private void start(Optional<PersistedRm> persisted, long incarnationFloor) {
        if (w.running) throw new IllegalStateException(w.before.self() + ": recovery manager started twice");
        w.running = true;
        // The peer drops heartbeats of an incarnation lower than the last it heard: the new one must be above every
        // earlier one, including those a lost state file no longer remembers (decision 0050).
        w.incarnation = Math.max(Math.max(w.incarnation, persisted.map(PersistedRm::incarnation).orElse(0L)),
                incarnationFloor) + 1;
        w.recoveryEpoch = persisted.map(PersistedRm::recoveryEpoch).orElse(0L);
        w.resuming = persisted.orElse(null);
        w.servicesStopped = persisted.map(PersistedRm::servicesStopped).orElse(false);
        w.servicesHook = null; // the last run's hooks ended with its process
        w.beginInitializing();
        // A start or stop of the critical services that the last run did not see end (the process was killed or
        // stopped while it ran) left them in a state nobody knows: run it again and decide only once it has ended,
        // as Recover does (decision 0051). Initializing waits for it before it looks at the peer.
        // Without high availability the node serves its own users: its services must run whichever was cut.
        HookKind cut = persisted.map(PersistedRm::hook).orElse(null);
        if (cut != null) w.runHook(w.group.highAvailability() && w.group.nodes().size() > 1 ? cut : HookKind.START_SERVICES);
    }

    /**
     * The hook running now, if any, is left as it is: the stop cuts it short, and the state written with the goodbye
     * says so, so the next start runs it again (decision 0051). A stopped recovery manager ignores its completion.
     */
    private void stop() {
        if (!w.running) return;
        w.goodbye = true;
        w.running = false;
    }

    /**
     * The peer's host refused our message. Only a peer we hear normally is suspected: after its goodbye it is
     * expected to restart, so the timeout decides (decision 0002). Enough refusals in a row, with no heartbeat
     * from it meanwhile, mean its process is gone: the specification ([RG-T2]) Peer Down, without waiting for the timeout.
     */
    private void refused() {
        if (!w.running || w.peer.status() != Status.ALIVE) return;
        // With a witness a crash proven by refusals is taken over without the wait (decision 115): refusals of what
        // was sent to the peer's last process, coming after its new one is heard, must not count. A keep-alive
        // interval bounds the network's delay.
        if (w.witness() && w.peer.since() != null
                && w.now.isBefore(w.peer.since().plus(w.params.keepAliveInterval()))) return;
        int n = w.peer.refusals() + 1;
        w.peer = n >= RecoveryManager.CRASH_PROBES ? w.peer.withStatus(Status.GONE).withRefusals(n) : w.peer.withRefusals(n);
    }

    private void serviceChanged(String service, boolean up) {
        if (up) {
            w.servicesDown.remove(service);
        } else {
            w.servicesDown.putIfAbsent(service, w.now);
        }
    }

    private void received(RmMessage message) {
        if (!w.running || !message.group().equals(w.group.name())) return;
        Optional<NodeId> peerId = w.group.peerOf(w.before.self());
        if (peerId.isEmpty() || !peerId.get().equals(message.from())) return;
        switch (message) {
            // A heartbeat of a protocol we do not interoperate with says nothing we may act on but who sent it and
            // that it is alive (decision 0075), however it reached us.
            case RmMessage.Heartbeat h when !w.versions.interoperatesWith(h.versions()) ->
                    unreadable(new RmMessage.Unreadable(h.from(), h.group(), h.incarnation(), h.versions()));
            case RmMessage.Heartbeat h -> heartbeat(h);
            case RmMessage.Unreadable u -> unreadable(u);
            case RmMessage.Goodbye g -> {
                if (w.peer.status() != Status.NOT_HEARD && g.incarnation() == w.peer.incarnation()) {
                    w.peer = w.peer.ended(); // a heartbeat of it delayed past its goodbye is dropped as older
                }
            }
        }
    }

    private void heartbeat(RmMessage.Heartbeat h) {
        boolean known = w.peer.status() != Status.NOT_HEARD;
        if (known && (h.incarnation() < w.peer.incarnation()
                || (h.incarnation() == w.peer.incarnation() && h.seq() <= w.peer.seq()))) {
            return; // older or duplicated: the newest heartbeat already told us more
        }
        boolean restarted = known && h.incarnation() > w.peer.incarnation();
        boolean changed = !known || restarted || w.peer.status() != Status.ALIVE || w.peer.state() != h.state()
                || w.peer.reason() != h.reason() || w.peer.healthy() != h.healthy()
                || w.peer.handoffReady() != h.handoffReady() || w.peer.recoveryEpoch() != h.recoveryEpoch()
                || !w.peer.fingerprint().equals(h.fingerprint()) || !h.versions().equals(w.peer.versions());
        PeerView next = PeerView.from(h, w.now);
        if (known && !restarted && w.peer.since() != null) next = next.heardSince(w.peer.since());
        changed |= !Objects.equals(next.serving(), w.peer.serving()) || !Objects.equals(next.heard(), w.peer.heard());
        w.peer = next;
        // [RG-T2], Running in Failed Mode / Unknown: "the SRM on a node restarts while the
        // SRM on the other node is in a failed state".
        if (restarted && w.state == RUNNING_IN_FAILED_MODE && h.recoveryEpoch() <= w.recoveryEpoch
                && w.reason != Reason.UNKNOWN) {
            w.setState(RUNNING_IN_FAILED_MODE, Reason.UNKNOWN);
        }
        if (changed) w.announce = true; // answer at once, so the pair converges in one round trip
    }

    /**
     * The peer speaks a protocol we do not interoperate with (decision 0075). It is alive -- never a Peer Down, which
     * would make both nodes serve the same users -- and nothing else it says is understood.
     */
    private void unreadable(RmMessage.Unreadable u) {
        boolean known = w.peer.status() != Status.NOT_HEARD;
        if (known && u.incarnation() < w.peer.incarnation()) return; // from before its last restart
        boolean changed = !known || w.peer.status() != Status.ALIVE || u.incarnation() != w.peer.incarnation()
                || !u.versions().equals(w.peer.versions());
        w.peer = PeerView.unreadable(u.incarnation(), u.versions(), w.now);
        if (changed) w.announce = true; // tell it at once: it reaches the same verdict from our versions
    }

    private void hookCompleted(HookCompleted hc) {
        if (!w.running) return; // cut short by the stop: the next start runs it again
        // Hooks run to their end, one at a time and in order: a start or stop of the services changed the host even
        // when the node no longer waits for it (its state moved on meanwhile). Record that, or a node would believe
        // services run that it stopped itself, and wait for them for ever (decision 0051).
        if (w.servicesHook != null && hc.hookId() == w.servicesHook.id()) w.servicesHook = null;
        if (hc.kind() == HookKind.STOP_SERVICES) w.servicesStopped = true;
        if (hc.kind() == HookKind.START_SERVICES && hc.success()) {
            w.servicesStopped = false;
            w.servicesDown.replaceAll((k, v) -> w.now); // freshly started: their delay counts from now
        }
        if (hc.hookId() != w.pendingHookId || hc.kind() != w.pendingHook) return; // from before a restart or a state change
        w.pendingHook = null;
        w.pendingHookId = 0;
        switch (hc.kind()) {
            case STOP_SERVICES -> {
                // [RG-MANUAL], manual failover: the recovery manager stops the critical services on the failed node.
                if (w.state == FAILING_OVER) w.setHandoffReady();
            }
            case START_SERVICES -> {
                if (!hc.success()) {
                    // [RG-T2]: Running in Failed Mode / Start of Critical Services Failed.
                    w.enterFailedMode(Reason.START_OF_CRITICAL_SERVICES_FAILED);
                    return;
                }
                if (w.state == TAKING_BACK) {
                    w.setHandoffReady();
                }
            }
            case TAKE_OVER_USERS -> {
                if (w.state != TAKING_OVER) return;
                if (hc.success() && serving.peerServesItsOwn()) {
                    // The peer serves its own users again: it went away while the users moved and came back resuming
                    // its failover, or it timed out on this node while it restarted and took them back. Taking them
                    // now would serve them twice: wait, and let takingOver decide (docs/redundancy.md, Service
                    // addresses).
                    return;
                }
                if (hc.success()) {
                    // [RG-T2]: auto-recovery ends in Backup Activated, every other take over in backup mode.
                    w.setState(w.reason.isAutoRecover() ? BACKUP_ACTIVATED : RUNNING_IN_BACKUP_MODE, w.reason);
                } else {
                    // [RG-T2]: Running in Failed Mode / Take Over Users Failed ("user move fails during the taking over process").
                    w.enterFailedMode(Reason.TAKE_OVER_USERS_FAILED);
                }
            }
            case TAKE_BACK_USERS -> {
                if (w.state != TAKING_BACK) return;
                if (hc.success()) {
                    w.setState(NORMAL, Reason.NORMAL);
                } else {
                    // [RG-T2]: Running in Failed Mode / Take Back Users Failed ("user move fails during falling back").
                    w.enterFailedMode(Reason.TAKE_BACK_USERS_FAILED);
                }
            }
        }
    }

    private void admin(long requestId, AdminAction action) {
        if (!w.running) {
            w.effects.add(new Effect.AdminResult(requestId, false,
                    action.display() + " is not available: the recovery manager of " + w.before.self() + " is not running"));
            return;
        }
        w.updatePeerLiveness();
        Optional<String> refusal = RecoveryManager.refusal(w.snapshot(), action);
        if (refusal.isPresent()) {
            w.effects.add(new Effect.AdminResult(requestId, false, refusal.get()));
            return;
        }
        switch (action) {
            // [RG-RELOGIN]: manual failover stops the critical services on the failed node; its users re-login to the backup.
            case FAILOVER -> w.setState(FAILING_OVER, Reason.ON_ADMIN_REQUEST);
            // [RG-MANUAL]: manual fallback restarts critical services on the primary node and disconnects the failed-over users.
            case FALLBACK -> w.setState(TAKING_BACK, Reason.ON_ADMIN_REQUEST);
            // [RG-MANUAL]: manual recovery restarts the recovery manager on both nodes; the peer follows the higher epoch.
            case RECOVER -> {
                w.recoveryEpoch++;
                w.recover();
            }
        }
        w.effects.add(new Effect.AdminResult(requestId, true, action.display() + " started on " + w.before.self()));
    }

    private void groupChanged(RedundancyGroup next) {
        if (!next.name().equals(w.group.name()) || !next.contains(w.before.self())) {
            throw new IllegalArgumentException(w.before.self() + " cannot move to group " + next.name()
                    + " while running; restart it with the new group");
        }
        boolean wasHa = w.group.highAvailability();
        w.group = next;
        if (!w.running || wasHa == next.highAvailability()) return;
        if (next.highAvailability()) {
            // [RG-SVC], [RG-ENABLE]: critical services that are not running
            // when high availability is turned on cause an immediate failover (or the Failed state on both).
            w.servicesDown.replaceAll((k, v) -> w.now.minus(w.params.criticalServiceDelay()));
            if (w.databaseDownSince != null) w.databaseDownSince = w.now.minus(w.params.criticalServiceDelay());
            w.incarnation++;
            w.resuming = null;
            w.beginInitializing();
        } else {
            // High availability off: every node serves its own users again, nothing fails over.
            w.clearTransition();
            w.held = Set.of();
            w.reset(NORMAL, Reason.NORMAL);
            if (w.servicesStopped) w.runHook(HookKind.START_SERVICES);
        }
    }

    // ---------------------------------------------------------------- rules

    /**
     * With a witness (docs/decisions/115-a-witness-decides-who-serves.md), a node that serves users without the lease,
     * or is taking them over, gives them all up: when its peer is silent and the time to ask ran out without a grant
     * (refused or not, it may serve until then: the lease holder waits longer before it takes them); and when it hears
     * its peer serving its users, or taking them because it lost this node, which with a witness only the lease holder
     * does. The peer keeps them, this node goes back to its standby role, and no partition ends in Running in Failed
     * Mode.
     */
    private boolean witnessSaysLetGo() {
        if (w.leaseHeld() || (w.serving().isEmpty() && w.state != TAKING_OVER) || w.state == INITIALIZING) return false;
        if (w.peer.status() == Status.GONE) return !w.now.isBefore(w.fenceAt());
        return w.peer.alive()
                && (w.peer.says(Serving.Side.PEER) || RmWork.tookOverALostPeer(w.peer.state(), w.peer.reason()));
    }

    /**
     * With a witness, the lease holder heard again by a peer that serves users the holder serves or takes: the peer,
     * without the lease, lets them go when it hears the holder ({@link #witnessSaysLetGo} on its side). The holder
     * waits for it rather than freeze.
     */
    private boolean witnessSaysWait() {
        if (!w.leaseHeld() || !w.peer.alive()) return false;
        if (w.peer.says(Serving.Side.PEER) || RmWork.tookOverALostPeer(w.peer.state(), w.peer.reason())) return true;
        return RmWork.tookOverALostPeer(w.state, w.reason) && w.peer.serving() != null && !w.peer.serving().isEmpty();
    }

    private void reconcile() {
        for (int i = 0; i < 12; i++) {
            if (!rule()) return;
        }
        throw new IllegalStateException(w.before.self() + ": recovery manager rules did not settle in " + w.state);
    }

    /** Applies the first rule that fires; true when something changed. */
    private boolean rule() {
        if (w.group.nodes().size() < 2) return false;
        if (w.peer.alive() && w.peer.incompatibleWith(w.versions)) {
            // docs/decisions/0075-versions-in-the-heartbeat.md: the peer speaks a protocol we cannot read. It is
            // there, so it is no Peer Down; neither can act for the other, so each serves its own users, as in a
            // configuration disagreement: Unknown / Unknown until the versions interoperate (RecoveryManager.detail
            // names both).
            if (w.state == UNKNOWN) return false;
            w.held = EnumSet.of(Serving.Side.OWN);
            w.setStateKeepHeld(UNKNOWN, Reason.UNKNOWN);
            return true;
        }
        if (w.peer.alive() && !w.peer.fingerprint().equals(w.group.fingerprint())) {
            // [RG-T1], Unknown: "high availability was not enabled properly" -- the two nodes disagree
            // on their group (one has high availability on, the other off); both show Unknown until they agree.
            if (w.state == UNKNOWN) return false;
            w.held = EnumSet.of(Serving.Side.OWN); // each node serves its own users: neither can act for the other
            w.setStateKeepHeld(UNKNOWN, Reason.UNKNOWN);
            return true;
        }
        if (w.state == UNKNOWN && w.peer.alive()) {
            w.incarnation++; // they agree again: start over, as the specification's "restart the recovery manager on both nodes"
            w.resuming = null;
            w.beginInitializing();
            return true;
        }
        if (!w.group.highAvailability()) return false;
        if (w.witness() && witnessSaysLetGo()) {
            w.fence();
            return true;
        }
        if (w.witness() && witnessSaysWait()) return false;
        if (w.peer.alive() && w.peer.recoveryEpoch() > w.recoveryEpoch) {
            // [RG-MANUAL]: Recover restarts the recovery manager on *both* nodes; the peer's higher epoch says it recovered.
            w.recoveryEpoch = w.peer.recoveryEpoch();
            if (w.state.isBroken()) w.recover();
            return true;
        }
        if (w.peer.alive() && w.peer.state() == RUNNING_IN_FAILED_MODE && w.peer.recoveryEpoch() == w.recoveryEpoch
                && !w.state.isBroken()) {
            // [RG-T2]: failure rows show both nodes in Running in Failed Mode with the same reason; a node
            // that starts while its peer is failed shows Unknown.
            Reason why = w.state == INITIALIZING ? Reason.UNKNOWN : w.peer.reason();
            // Failed mode freezes users where they are, but never where the peer serves them too: its users stay
            // with it when it says it serves them (a healed partition; docs/decisions/0081). Every protocol this
            // build interoperates with says it.
            w.enterFailedMode(why, w.peer.says(Serving.Side.OWN));
            return true;
        }
        if (w.state.isBroken() && w.held.contains(Serving.Side.PEER) && w.peer.alive() && w.peer.says(Serving.Side.OWN)) {
            // [RG-T2], Peer Down row, after the heal. Frozen with the peer's users while the peer serves them itself:
            // both sides froze with them during a partition (or this one froze while the other took them). The
            // users' own node keeps them; this one lets them go, so no user is served twice once the pair hears
            // itself again (docs/decisions/0081).
            w.releasePeerUsers();
            return true;
        }
        return switch (w.state) {
            case INITIALIZING -> starting.initializing();
            case NORMAL -> serving.normal();
            case TAKING_OVER -> serving.takingOver();
            case FAILING_OVER -> serving.failingOver();
            case RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED -> serving.backup();
            case FALLING_BACK -> serving.fallingBack();
            case TAKING_BACK -> serving.takingBack();
            case IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILOVER_AFFECTED_SERVICES ->
                    serving.failedOver();
            case RUNNING_IN_FAILED_MODE, UNKNOWN -> false;
        };
    }
}
