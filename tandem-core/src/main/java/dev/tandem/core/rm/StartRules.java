package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;

import dev.tandem.core.HookKind;
import dev.tandem.core.rm.PeerView.Status;

/**
 * Initializing: how a starting recovery manager finds its state from what it persisted and what its peer says
 * ([RG-T1], [RG-T2] restart and initialization rows; decision 0010).
 */
final class StartRules {
    private final RmWork w;

    StartRules(RmWork w) {
        this.w = w;
    }

    boolean initializing() {
        if (w.pendingHook != null) return false; // Recover is starting the critical services first
        if (w.peer.status() == Status.GONE) {
            if (!w.mayTakeOverSilentPeer()) return false; // with a witness: only the lease holder serves (decision 115)
            noPeerAtStart();
            return true;
        }
        if (!w.peer.alive()) return false;
        // With a witness, what the peer says counts once it has heard this run: a heartbeat it sent before may show it
        // Normal while the goodbye or the crash of the last run makes it take this node's users (decision 115).
        if (w.witness() && !w.peer.heardIncarnation(w.incarnation)) return false;
        NodeState mine = w.resuming == null ? NORMAL : w.resuming.state();
        NodeState theirs = w.peer.state();
        Reason init = Reason.INITIALIZATION;
        switch (theirs) {
            case INITIALIZING -> bothStarting(mine);
            case NORMAL -> w.setState(NORMAL, Reason.NORMAL);
            // [RG-T2], "Failed Over / Initialization": the node comes back while its peer runs in backup mode.
            case RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED -> resumeFailedOver(mine);
            // The peer is failed over to us: we are its backup ([RG-T2], "Running in Backup Mode / Initialization").
            // A node that persisted backup mode takes the users over again rather than resume at once: the peer's
            // heartbeat may be older than its keep-alive timeout on us, after which it serves its own users again.
            case IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILOVER_AFFECTED_SERVICES ->
                    w.setState(TAKING_OVER, mine == BACKUP_ACTIVATED ? w.resuming.reason() : init);
            // [RG-T2], "Failing Over / On Admin Request | Taking Over / Initialization".
            case FAILING_OVER -> w.setState(TAKING_OVER, init);
            case TAKING_OVER -> {
                if (mine != FAILING_OVER) return false; // it is taking our users: wait until it runs in backup mode
                resumeFailingOver();
            }
            // [RG-T2], "Taking Back / Initialization | Falling Back / On Admin Request" and its mirror.
            case TAKING_BACK -> w.setState(FALLING_BACK, init);
            case FALLING_BACK -> w.setState(TAKING_BACK, init);
            case RUNNING_IN_FAILED_MODE, UNKNOWN -> {
                return false; // a failed peer of an older epoch: it follows our epoch and restarts
            }
        }
        return true;
    }

    /** Both recovery managers start together: each resumes what it persisted ([RG-T2] restart rows). */
    private void bothStarting(NodeState mine) {
        NodeState theirs = w.peer.resuming() == null ? NORMAL : w.peer.resuming();
        Reason init = Reason.INITIALIZATION;
        if (mine.isBackup()) {
            if (theirs.isBackup() && w.witness()) {
                // Both claim every user, and neither serves any while both start: with a witness the pair does not
                // freeze, each serves its own again (decision 115).
                w.setState(NORMAL, Reason.NORMAL);
            } else if (theirs.isBackup()) {
                w.enterFailedMode(Reason.PEER_DOWN); // both claim every user: the specification's failed state after a partition
            } else {
                w.setState(mine, init);
            }
        } else if (mine.isFailedOver() && theirs.isFailedOver()) {
            w.setState(NORMAL, Reason.NORMAL); // both resume failed over: nobody holds the users, so both serve their own
        } else if (mine.isFailedOver()) {
            resumeFailedOver(mine);
        } else if (mine == FAILING_OVER && (theirs == TAKING_OVER || theirs.isBackup())) {
            resumeFailingOver();
        } else if (mine == TAKING_OVER && (theirs == FAILING_OVER || theirs.isFailedOver())
                || mine == TAKING_BACK && (theirs == FALLING_BACK || theirs.isBackup())
                || mine == FALLING_BACK && theirs == TAKING_BACK) {
            w.setState(mine, init); // a transition resumes only when the peer resumes its other half
        } else if (mine == FALLING_BACK && theirs.isFailedOver()) {
            w.setState(TAKING_OVER, init); // the peer resumes failed over: we are its backup again
        } else if (theirs.isBackup()) {
            resumeFailedOver(mine);
        } else if (theirs.isFailedOver()) {
            w.setState(TAKING_OVER, init); // the peer resumes failed over: we are its backup
        } else {
            w.setState(NORMAL, Reason.NORMAL);
        }
    }

    private void resumeFailedOver(NodeState mine) {
        Reason init = Reason.INITIALIZATION;
        if (w.servicesStopped && mine != FAILOVER_AFFECTED_SERVICES) {
            // Its services stay stopped by the recovery manager: that is Idle, from which Fallback starts them
            // (decision 0051). Failed Over with Critical Services Not Running would offer nothing.
            w.setState(IDLE, init);
        } else if (mine == IDLE || mine == FAILOVER_AFFECTED_SERVICES) {
            w.setState(mine, init);
        } else {
            w.setState(w.healthy() ? FAILED_OVER : FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, init);
        }
    }

    private void resumeFailingOver() {
        boolean byAdmin = w.resuming != null && w.resuming.reason() == Reason.ON_ADMIN_REQUEST;
        w.setState(FAILING_OVER, Reason.INITIALIZATION);
        // Services stopped already (the stop ran before the restart, or again while initializing, decision 0051):
        // the node lets its users go at once instead of serving them again while it stops nothing.
        if (byAdmin && !w.servicesStopped) w.runHook(HookKind.STOP_SERVICES);
        else w.setHandoffReady();
    }

    /** [RG-T2], "Backup Mode / Peer Down During Initialization": the peer was not seen during startup. */
    private void noPeerAtStart() {
        NodeState mine = w.resuming == null ? NORMAL : w.resuming.state();
        Reason pddi = Reason.PEER_DOWN_DURING_INITIALIZATION;
        if (mine.isBackup() && !w.witness()) {
            w.setState(mine, pddi);
        } else if (w.healthy() || w.servicesStopped || mine == IDLE) {
            w.takeOverSilentPeer(pddi);
        } else {
            w.setState(FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.INITIALIZATION);
        }
    }
}
