package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;

import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.PeerView.Status;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The states of a running pair and the moves between them: Normal, failing over and taking over, backup mode,
 * falling back and taking back, failed over ([RG-T1], [RG-T2], [RG-OVER]). Each method is one state's rules; the
 * first that fires changes the state, and {@link RmRules} runs them again until nothing changes.
 */
final class ServingRules {
    private final RmWork w;

    ServingRules(RmWork w) {
        this.w = w;
    }

    boolean normal() {
        if (w.servicesStopped && w.pendingHook == null) {
            w.runHook(HookKind.START_SERVICES); // Normal serves its users: services stopped by an earlier failover restart
            return true;
        }
        if (w.peer.status() == Status.LEFT && w.peer.state() == NORMAL) {
            // [RG-T2], "Running in Backup Mode / Peer Reboot": the peer shut down, restarted or rebooted.
            w.setState(TAKING_OVER, Reason.PEER_REBOOT);
            return true;
        }
        if (w.peer.status() == Status.GONE) {
            // [RG-T2], "Running in Backup Mode / Peer Down": the heartbeat was lost for Keep Alive Timeout. With a
            // witness, only once it granted the lease (decision 115).
            if (!w.mayTakeOverSilentPeer()) return false;
            w.takeOverSilentPeer(Reason.PEER_DOWN);
            return true;
        }
        if (w.peer.alive() && w.peer.state().isBackup()) {
            // [RG-T2], Peer Down row: "when you reestablish the network connection, the node may go into
            // a failed state" -- both served the same users; each keeps only its own until Recover.
            w.enterConflict();
            return true;
        }
        if (w.peer.alive() && w.peer.state() == FAILING_OVER) {
            // The peer fails over to us ([RG-T2], "Failing Over | Taking Over").
            w.setState(TAKING_OVER, w.peer.reason());
            return true;
        }
        if (w.peer.alive() && w.peer.state().isFailedOver() && !servesItsOwnWhenItHearsUs(w.peer.state())) {
            // The peer serves nobody and expects a backup (it resumed a failed-over state we did not persist):
            // become its backup rather than leave its users unserved. Fallback stays the administrator's call.
            // With a witness only an Idle peer (failed over by an administrator) expects it: any other serves its
            // users again when it hears this node Normal (failedOver), and both taking them would serve them twice.
            w.setState(TAKING_OVER, Reason.INITIALIZATION);
            return true;
        }
        Optional<Reason> due = w.dueFailure();
        if (due.isEmpty() || !w.peer.alive()) return false;
        if (w.peer.state() == NORMAL && w.peer.healthy()) {
            // [RG-T2], "Failed Over with Critical Services not Running / Critical Service Down" (and
            // Database Failure): a critical service was down for Critical Service Delay; fail over to the peer.
            w.setState(FAILING_OVER, due.get());
            w.setHandoffReady();
            return true;
        }
        if (w.peer.state() == NORMAL || w.peer.state().isFailedOver()) {
            // [RG-SVC]: critical services not running on either node -- the group goes to Failed.
            w.enterFailedMode(due.get());
            return true;
        }
        return false; // the peer is in a transition: decide once it settles
    }

    boolean takingOver() {
        if (w.pendingHook != null) return false;
        if (w.witness() && w.handoffReady && w.peer.alive()) {
            // With a witness, taking over a silent peer's users while serving none (decision 115): the peer is heard
            // again before the take, and may be deciding on what this node said before. Back to failed over, where
            // the rules of a pair that hears itself decide.
            w.fence();
            return true;
        }
        if (w.peer.alive() && w.peer.state().isBackup()) {
            w.enterConflict();
            return true;
        }
        if (w.peer.alive() && (w.peer.state() == NORMAL || w.peer.state() == TAKING_OVER
                || w.peer.state() == FALLING_BACK)) {
            // Resumed after a restart, but the peer kept its users; or both take over at once (each timed out on
            // the other while it restarted) and each serves its own; or this node timed out on its peer while
            // taking back, and the peer, still falling back, is handing this node's users back: nothing to take,
            // both end Normal ([RG-T2]: after taking back completes, both nodes are Normal).
            w.setState(NORMAL, Reason.NORMAL);
            return true;
        }
        if (w.servicesStopped) {
            w.runHook(HookKind.START_SERVICES); // Idle until now: its critical services must run before it serves anyone
            return true;
        }
        if (!w.mayServeSilentPeersUsers()) return false; // with a witness: the lease, and the peer given time to let go
        if (w.peer.alive() && servesItsOwnWhenItHearsUs(w.peer.state())) {
            // With a witness a failed-over peer serves its own users again when it hears this node Normal (or both
            // are failed over): taking them on a heartbeat it sent before it heard us would serve them twice.
            w.setState(NORMAL, Reason.NORMAL);
            return true;
        }
        if (peerReleased()) {
            // Take over names both homes: after it this node serves every user of the pair.
            w.runHook(HookKind.TAKE_OVER_USERS, w.group.nodes().toArray(NodeId[]::new));
            return true;
        }
        return false;
    }

    /** The peer is alive and serves its own users: a take over would serve them twice. */
    boolean peerServesItsOwn() {
        return w.peer.alive() && Serving.of(w.peer.state(), w.peer.handoffReady(), Set.of()).contains(Serving.Side.OWN);
    }

    /** The peer serves none of its own users any more (stopped, failed over, starting, or silent). */
    private boolean peerReleased() {
        if (!w.peer.alive()) return true;
        return !Serving.of(w.peer.state(), w.peer.handoffReady(), Set.of()).contains(Serving.Side.OWN)
                && !w.peer.state().isBroken();
    }

    boolean failingOver() {
        if (w.pendingHook != null) return false;
        if (!w.handoffReady) {
            if (w.reason == Reason.ON_ADMIN_REQUEST && !w.servicesStopped) {
                w.runHook(HookKind.STOP_SERVICES);
            } else {
                w.setHandoffReady();
            }
            return true;
        }
        if (w.peer.alive() && w.peer.state().isBackup()) {
            if (w.reason == Reason.ON_ADMIN_REQUEST) {
                w.setState(IDLE, w.reason); // [RG-T2], "Idle / On Admin Request | Running in Backup Mode / On Admin Request"
            } else if (w.reason.isAutoRecover()) {
                w.setState(FAILOVER_AFFECTED_SERVICES, w.reason); // [RG-T2], auto-recovery rows
            } else if (w.reason == Reason.INITIALIZATION && w.servicesStopped) {
                w.setState(IDLE, w.reason);
            } else {
                w.setState(w.healthy() ? FAILED_OVER : FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, w.reason);
            }
            return true;
        }
        if (w.peer.status() == Status.GONE && w.mayTakeOverSilentPeer()) {
            return peerLostWhileHandingOver();
        }
        return false;
    }

    /** The peer disappeared while we were handing our users to it: serve everyone ourselves if we can. */
    private boolean peerLostWhileHandingOver() {
        if (w.healthy() || w.servicesStopped) { // stopped on purpose: Taking Over starts them again
            w.takeOverSilentPeer(Reason.PEER_DOWN);
        } else {
            w.enterFailedMode(w.reason.isAutoRecover() || w.reason == Reason.INITIALIZATION
                    ? Reason.CRITICAL_SERVICE_DOWN : w.reason);
        }
        return true;
    }

    boolean backup() {
        if (w.peer.alive() && (w.peer.state().isBackup() || w.peer.state() == NORMAL)) {
            w.enterConflict();
            return true;
        }
        if (w.peer.alive() && w.peer.state() == TAKING_BACK && w.peer.handoffReady()) {
            // [RG-T2], "Taking Back | Falling Back": the backup disconnects the failed-over users.
            w.setState(FALLING_BACK, w.peer.reason());
            return true;
        }
        Optional<Reason> due = w.dueFailure();
        if (due.isEmpty()) return false;
        if (w.peer.alive() && w.peer.healthy()
                && (w.peer.state() == FAILED_OVER || w.peer.state() == FAILOVER_AFFECTED_SERVICES)) {
            // [RG-T2], auto-recovery rows: the backup's database or critical service fails while its
            // peer is failed over and healthy: every user moves to the peer.
            w.setState(FAILING_OVER, due.get().autoRecover());
            w.setHandoffReady();
        } else {
            // [RG-T2], "Running in Failed Mode / Critical Service Down": critical services go down on the
            // backup node and no one can take over; both nodes enter the failed state.
            w.enterFailedMode(due.get());
        }
        return true;
    }

    boolean fallingBack() {
        if (!w.handoffReady) {
            w.setHandoffReady(); // the backup lets the failed-over users go at once ([RG-OVER]: they are disconnected)
            return true;
        }
        if (w.peer.alive() && w.peer.state() == NORMAL) {
            w.setState(NORMAL, Reason.NORMAL); // [RG-T2]: after taking back completes, both nodes are Normal
            return true;
        }
        if (w.peer.alive() && w.peer.state().isBackup()) {
            w.enterConflict(); // it took every user while we still serve ours (it thought us gone)
            return true;
        }
        if (w.peer.alive() && w.peer.state().isFailedOver()) {
            w.setState(TAKING_OVER, w.reason); // it is not taking back after all (it restarted): serve its users again
            return true;
        }
        if (w.peer.status() == Status.GONE && w.mayTakeOverSilentPeer()) {
            w.takeOverSilentPeer(Reason.PEER_DOWN); // the node taking back vanished: serve its users again
            return true;
        }
        return false;
    }

    boolean takingBack() {
        if (w.pendingHook != null) return false;
        if (!w.handoffReady) {
            if (w.servicesStopped) {
                w.runHook(HookKind.START_SERVICES); // the specification ([RG-MANUAL]): fallback restarts critical services on the primary node
            } else {
                w.setHandoffReady();
            }
            return true;
        }
        if (w.peer.alive() && w.peer.state() == FALLING_BACK && w.peer.handoffReady()) {
            w.runHook(HookKind.TAKE_BACK_USERS, w.before.self());
            return true;
        }
        if (w.peer.alive() && (w.peer.state() == NORMAL || w.witness() && w.peer.state().isFailedOver())) {
            // Resumed after a restart, but the peer holds none of our users; or, with a witness, the backup gave
            // every user up while cut off from us (decision 115): nothing to take back.
            w.setState(NORMAL, Reason.NORMAL);
            return true;
        }
        if (w.peer.alive() && w.peer.state() == FAILING_OVER && w.peer.handoffReady()) {
            // The backup lost a critical service as this node began to take back, and hands every user to it: the
            // two moves crossed. [RG-T2]'s auto-recovery rows finish it ("all users are moved over to the primary
            // node"); waiting for the backup to fall back would leave both waiting and every user unserved.
            w.setState(TAKING_OVER, w.peer.reason());
            return true;
        }
        if (w.peer.status() == Status.GONE && w.mayTakeOverSilentPeer()) {
            w.takeOverSilentPeer(Reason.PEER_DOWN);
            return true;
        }
        return false;
    }

    boolean failedOver() {
        if (w.state == FAILED_OVER && !w.healthy()) {
            // [RG-T1]: Failed Over with Critical Services Not Running -- some have stopped or failed.
            w.setState(FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, w.currentFailure());
            return true;
        }
        if (w.state == FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING && w.healthy()) {
            // [RG-T2], "Failed Over / Initialization or Critical Services Down": services are back.
            w.setState(FAILED_OVER, w.reason);
            return true;
        }
        if (w.peer.alive() && w.peer.state() == FAILING_OVER && w.peer.reason().isAutoRecover()
                && w.healthy() && w.state != IDLE) {
            // [RG-T2], auto-recovery: "all users are moved over to the primary node".
            w.setState(TAKING_OVER, w.peer.reason());
            return true;
        }
        if (servesItsOwnWhenItHearsUs(w.state) && w.peer.alive()
                && (w.peer.state() == NORMAL || w.peer.state() == FAILING_OVER)) {
            // With a witness: the peer it hears is Normal, so nobody serves this node's users (it gave them up while
            // cut off, or both were failed over): serve them again (decision 115). A peer failing over to this node
            // meanwhile is taken over from Normal, as the specification's rows do.
            w.setState(NORMAL, Reason.NORMAL);
            return true;
        }
        if (w.peer.alive() && w.peer.state().isFailedOver()) {
            // Both failed over (each started while the other was unreachable): nobody holds the users, so both
            // serve their own again; a node whose services are down then fails over by the usual delay.
            w.setState(NORMAL, Reason.NORMAL);
            return true;
        }
        if (w.peer.status() == Status.GONE && (w.healthy() || w.state == IDLE) && w.mayTakeOverSilentPeer()) {
            // The backup itself is gone: a failed-over node that can serve takes every user rather than lose them.
            w.takeOverSilentPeer(Reason.PEER_DOWN);
            return true;
        }
        if (automaticFallbackDue()) {
            // [RG-HB], Enable Automatic Fallback: users move back thirty minutes after the node is healthy again.
            w.setState(TAKING_BACK, Reason.AUTOMATIC_FALLBACK);
            return true;
        }
        return false;
    }

    /**
     * With a witness, a node failed over because it was cut off (or resumed so) serves its own users again once it
     * hears its peer Normal, or failed over too: nobody else serves them (decision 115). Idle (an administrator's
     * failover) and Failover Affected Services (the backup's auto-recovery) wait for their fallback as without.
     */
    private boolean servesItsOwnWhenItHearsUs(NodeState s) {
        return w.witness() && (s == FAILED_OVER || s == FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING);
    }

    private boolean automaticFallbackDue() {
        Instant at = w.automaticFallbackAt();
        return at != null && !w.now.isBefore(at);
    }
}
