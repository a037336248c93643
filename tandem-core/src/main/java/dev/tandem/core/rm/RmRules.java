package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.rm.PeerView.Status;
import dev.tandem.core.rm.RmEvent.*;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final Instant now;
    private final RmState before;
    /** The protocol and software of this node: fixed for the life of the process. */
    private final Versions versions;
    private final List<Effect> effects = new ArrayList<>();

    private NodeState state;
    private Reason reason;
    private boolean running;
    private long incarnation;
    private long recoveryEpoch;
    private RedundancyGroup group;
    private ServiceParameters params;
    private final Map<String, Instant> servicesDown;
    private Instant databaseDownSince;
    private boolean servicesStopped;
    private PeerView peer;
    private long pendingHookId;
    private HookKind pendingHook;
    private RmState.ServicesHook servicesHook;
    private long lastHookId;
    private boolean handoffReady;
    private Set<Serving.Side> held;
    private PersistedRm resuming;
    private Instant startedAt;
    private Instant stateSince;
    private Instant healthySince;
    private long heartbeatSeq;
    private Instant nextHeartbeat;
    private boolean announce;
    private boolean goodbye;
    private String fired;

    RmRules(RmState s, Instant now) {
        this.now = now;
        this.before = s;
        this.versions = s.versions();
        state = s.state();
        reason = s.reason();
        running = s.running();
        incarnation = s.incarnation();
        recoveryEpoch = s.recoveryEpoch();
        group = s.group();
        params = s.params();
        servicesDown = new HashMap<>(s.servicesDown());
        databaseDownSince = s.databaseDownSince();
        servicesStopped = s.servicesStopped();
        peer = s.peer();
        pendingHookId = s.pendingHookId();
        pendingHook = s.pendingHook();
        servicesHook = s.servicesHook();
        lastHookId = s.lastHookId();
        handoffReady = s.handoffReady();
        held = s.held();
        resuming = s.resuming();
        startedAt = s.startedAt();
        stateSince = s.stateSince();
        healthySince = s.healthySince();
        heartbeatSeq = s.heartbeatSeq();
        nextHeartbeat = s.nextHeartbeat();
    }

    // ---------------------------------------------------------------- events

    void apply(RmEvent event) {
        switch (event) {
            case Start start -> start(start.persisted(), start.incarnationFloor());
            case Stop stop -> stop();
            case TimerFired t -> {
                fired = t.name(); // the shell no longer holds it: set it again if it is still wanted
                if (t.name().equals(RecoveryManager.TIMER_HEARTBEAT) && running && !now.isBefore(nextHeartbeat)) {
                    announce = true;
                }
                if (t.name().equals(RecoveryManager.TIMER_PROBE) && running && peer.refusals() > 0) {
                    announce = true; // probe: a dead peer's host refuses it again, a live peer answers
                }
            }
            case PeerRefused pr -> refused();
            case PeerLinkLost l -> {
                if (running && group.peerOf(before.self()).filter(l.from()::equals).isPresent()) announce = true; // probe now
            }
            case Received r -> received(r.message());
            case ServiceChanged sc -> serviceChanged(sc.service(), sc.running());
            case DatabaseChanged dc -> databaseDownSince = dc.up() ? null
                    : databaseDownSince != null ? databaseDownSince : now;
            case HookCompleted hc -> hookCompleted(hc);
            case Admin a -> admin(a.requestId(), a.action());
            case GroupChanged gc -> groupChanged(gc.group());
            case ParametersChanged pc -> params = pc.parameters();
        }
        if (running) {
            updatePeerLiveness();
            reconcile();
        }
    }

    private void start(Optional<PersistedRm> persisted, long incarnationFloor) {
        if (running) throw new IllegalStateException(before.self() + ": recovery manager started twice");
        running = true;
        // The peer drops heartbeats of an incarnation lower than the last it heard: the new one must be above every
        // earlier one, including those a lost state file no longer remembers (decision 0050).
        incarnation = Math.max(Math.max(incarnation, persisted.map(PersistedRm::incarnation).orElse(0L)),
                incarnationFloor) + 1;
        recoveryEpoch = persisted.map(PersistedRm::recoveryEpoch).orElse(0L);
        resuming = persisted.orElse(null);
        servicesStopped = persisted.map(PersistedRm::servicesStopped).orElse(false);
        servicesHook = null; // the last run's hooks ended with its process
        beginInitializing();
        // A start or stop of the critical services that the last run did not see end (the process was killed or
        // stopped while it ran) left them in a state nobody knows: run it again and decide only once it has ended,
        // as Recover does (decision 0051). Initializing waits for it before it looks at the peer.
        // Without high availability the node serves its own users: its services must run whichever was cut.
        HookKind cut = persisted.map(PersistedRm::hook).orElse(null);
        if (cut != null) runHook(group.highAvailability() && group.nodes().size() > 1 ? cut : HookKind.START_SERVICES);
    }

    /** [RG-T1]: Initializing is the state every start of the recovery manager passes through. */
    private void beginInitializing() {
        startedAt = now;
        peer = PeerView.notHeard();
        heartbeatSeq = 0;
        clearTransition();
        held = Set.of();
        if (!group.highAvailability() || group.nodes().size() < 2) {
            reset(NORMAL, Reason.NORMAL); // no high availability: the node just serves its own users
        } else {
            reset(INITIALIZING, Reason.INITIALIZATION);
        }
    }

    /** A (re)start of the protocol: allowed from any state, always recorded. */
    private void reset(NodeState to, Reason why) {
        effects.add(new Effect.Record(before.self(), RecoveryManager.PROTOCOL,
                running && before.running() ? state.display() : "Stopped", to.display(), why.display()));
        state = to;
        reason = why;
        stateSince = now;
        announce = true;
    }

    /**
     * The hook running now, if any, is left as it is: the stop cuts it short, and the state written with the goodbye
     * says so, so the next start runs it again (decision 0051). A stopped recovery manager ignores its completion.
     */
    private void stop() {
        if (!running) return;
        goodbye = true;
        running = false;
    }

    /**
     * The peer's host refused our message. Only a peer we hear normally is suspected: after its goodbye it is
     * expected to restart, so the timeout decides (decision 0002). Enough refusals in a row, with no heartbeat
     * from it meanwhile, mean its process is gone: the specification ([RG-T2]) Peer Down, without waiting for the timeout.
     */
    private void refused() {
        if (!running || peer.status() != Status.ALIVE) return;
        int n = peer.refusals() + 1;
        peer = n >= RecoveryManager.CRASH_PROBES ? peer.withStatus(Status.GONE).withRefusals(n) : peer.withRefusals(n);
    }

    private void serviceChanged(String service, boolean up) {
        if (up) {
            servicesDown.remove(service);
        } else {
            servicesDown.putIfAbsent(service, now);
        }
    }

    private void received(RmMessage message) {
        if (!running || !message.group().equals(group.name())) return;
        Optional<NodeId> peerId = group.peerOf(before.self());
        if (peerId.isEmpty() || !peerId.get().equals(message.from())) return;
        switch (message) {
            // A heartbeat of a protocol we do not interoperate with says nothing we may act on but who sent it and
            // that it is alive (decision 0075), however it reached us.
            case RmMessage.Heartbeat h when !versions.interoperatesWith(h.versions()) ->
                    unreadable(new RmMessage.Unreadable(h.from(), h.group(), h.incarnation(), h.versions()));
            case RmMessage.Heartbeat h -> heartbeat(h);
            case RmMessage.Unreadable u -> unreadable(u);
            case RmMessage.Goodbye g -> {
                if (peer.status() != Status.NOT_HEARD && g.incarnation() == peer.incarnation()
                        && peer.status() != Status.GONE) {
                    peer = peer.withStatus(Status.LEFT);
                }
            }
        }
    }

    private void heartbeat(RmMessage.Heartbeat h) {
        boolean known = peer.status() != Status.NOT_HEARD;
        if (known && (h.incarnation() < peer.incarnation()
                || (h.incarnation() == peer.incarnation() && h.seq() <= peer.seq()))) {
            return; // older or duplicated: the newest heartbeat already told us more
        }
        boolean restarted = known && h.incarnation() > peer.incarnation();
        boolean changed = !known || restarted || peer.status() != Status.ALIVE || peer.state() != h.state()
                || peer.reason() != h.reason() || peer.healthy() != h.healthy()
                || peer.handoffReady() != h.handoffReady() || peer.recoveryEpoch() != h.recoveryEpoch()
                || !peer.fingerprint().equals(h.fingerprint()) || !h.versions().equals(peer.versions());
        peer = PeerView.from(h, now);
        // [RG-T2], Running in Failed Mode / Unknown: "the SRM on a node restarts while the
        // SRM on the other node is in a failed state".
        if (restarted && state == RUNNING_IN_FAILED_MODE && h.recoveryEpoch() <= recoveryEpoch
                && reason != Reason.UNKNOWN) {
            setState(RUNNING_IN_FAILED_MODE, Reason.UNKNOWN);
        }
        if (changed) announce = true; // answer at once, so the pair converges in one round trip
    }

    /**
     * The peer speaks a protocol we do not interoperate with (decision 0075). It is alive -- never a Peer Down, which
     * would make both nodes serve the same users -- and nothing else it says is understood.
     */
    private void unreadable(RmMessage.Unreadable u) {
        boolean known = peer.status() != Status.NOT_HEARD;
        if (known && u.incarnation() < peer.incarnation()) return; // from before its last restart
        boolean changed = !known || peer.status() != Status.ALIVE || u.incarnation() != peer.incarnation()
                || !u.versions().equals(peer.versions());
        peer = PeerView.unreadable(u.incarnation(), u.versions(), now);
        if (changed) announce = true; // tell it at once: it reaches the same verdict from our versions
    }

    private void hookCompleted(HookCompleted hc) {
        if (!running) return; // cut short by the stop: the next start runs it again
        // Hooks run to their end, one at a time and in order: a start or stop of the services changed the host even
        // when the node no longer waits for it (its state moved on meanwhile). Record that, or a node would believe
        // services run that it stopped itself, and wait for them for ever (decision 0051).
        if (servicesHook != null && hc.hookId() == servicesHook.id()) servicesHook = null;
        if (hc.kind() == HookKind.STOP_SERVICES) servicesStopped = true;
        if (hc.kind() == HookKind.START_SERVICES && hc.success()) {
            servicesStopped = false;
            servicesDown.replaceAll((k, v) -> now); // freshly started: their delay counts from now
        }
        if (hc.hookId() != pendingHookId || hc.kind() != pendingHook) return; // from before a restart or a state change
        pendingHook = null;
        pendingHookId = 0;
        switch (hc.kind()) {
            case STOP_SERVICES -> {
                // [RG-MANUAL], manual failover: the recovery manager stops the critical services on the failed node.
                if (state == FAILING_OVER) setHandoffReady();
            }
            case START_SERVICES -> {
                if (!hc.success()) {
                    // [RG-T2]: Running in Failed Mode / Start of Critical Services Failed.
                    enterFailedMode(Reason.START_OF_CRITICAL_SERVICES_FAILED);
                    return;
                }
                if (state == TAKING_BACK) {
                    setHandoffReady();
                }
            }
            case TAKE_OVER_USERS -> {
                if (state != TAKING_OVER) return;
                if (hc.success() && peer.alive() && peer.state() == FAILING_OVER && !peer.handoffReady()) {
                    // The peer went away while the users moved and came back resuming its failover, serving them
                    // until its services are stopped: taking them now would serve them twice. Wait for it to let
                    // them go, then move them again (takingOver). docs/redundancy.md, Service addresses.
                    return;
                }
                if (hc.success()) {
                    // [RG-T2]: auto-recovery ends in Backup Activated, every other take over in backup mode.
                    setState(reason.isAutoRecover() ? BACKUP_ACTIVATED : RUNNING_IN_BACKUP_MODE, reason);
                } else {
                    // [RG-T2]: Running in Failed Mode / Take Over Users Failed ("user move fails during the taking over process").
                    enterFailedMode(Reason.TAKE_OVER_USERS_FAILED);
                }
            }
            case TAKE_BACK_USERS -> {
                if (state != TAKING_BACK) return;
                if (hc.success()) {
                    setState(NORMAL, Reason.NORMAL);
                } else {
                    // [RG-T2]: Running in Failed Mode / Take Back Users Failed ("user move fails during falling back").
                    enterFailedMode(Reason.TAKE_BACK_USERS_FAILED);
                }
            }
        }
    }

    private void admin(long requestId, AdminAction action) {
        if (!running) {
            effects.add(new Effect.AdminResult(requestId, false,
                    action.display() + " is not available: the recovery manager of " + before.self() + " is not running"));
            return;
        }
        updatePeerLiveness();
        Optional<String> refusal = RecoveryManager.refusal(snapshotForAdmin(), action);
        if (refusal.isPresent()) {
            effects.add(new Effect.AdminResult(requestId, false, refusal.get()));
            return;
        }
        switch (action) {
            // [RG-RELOGIN]: manual failover stops the critical services on the failed node; its users re-login to the backup.
            case FAILOVER -> setState(FAILING_OVER, Reason.ON_ADMIN_REQUEST);
            // [RG-MANUAL]: manual fallback restarts critical services on the primary node and disconnects the failed-over users.
            case FALLBACK -> setState(TAKING_BACK, Reason.ON_ADMIN_REQUEST);
            // [RG-MANUAL]: manual recovery restarts the recovery manager on both nodes; the peer follows the higher epoch.
            case RECOVER -> {
                recoveryEpoch++;
                recover();
            }
        }
        effects.add(new Effect.AdminResult(requestId, true, action.display() + " started on " + before.self()));
    }

    private RmState snapshotForAdmin() {
        return new RmState(before.self(), group, params, running, state, reason, incarnation, recoveryEpoch,
                servicesDown, databaseDownSince, servicesStopped, peer, pendingHookId, pendingHook, servicesHook,
                lastHookId, handoffReady, held, resuming, startedAt, stateSince, healthySince, heartbeatSeq,
                nextHeartbeat, before.timers(), versions);
    }

    private void groupChanged(RedundancyGroup next) {
        if (!next.name().equals(group.name()) || !next.contains(before.self())) {
            throw new IllegalArgumentException(before.self() + " cannot move to group " + next.name()
                    + " while running; restart it with the new group");
        }
        boolean wasHa = group.highAvailability();
        group = next;
        if (!running || wasHa == next.highAvailability()) return;
        if (next.highAvailability()) {
            // [RG-SVC], [RG-ENABLE]: critical services that are not running
            // when high availability is turned on cause an immediate failover (or the Failed state on both).
            servicesDown.replaceAll((k, v) -> now.minus(params.criticalServiceDelay()));
            if (databaseDownSince != null) databaseDownSince = now.minus(params.criticalServiceDelay());
            incarnation++;
            resuming = null;
            beginInitializing();
        } else {
            // High availability off: every node serves its own users again, nothing fails over.
            clearTransition();
            held = Set.of();
            reset(NORMAL, Reason.NORMAL);
            if (servicesStopped) runHook(HookKind.START_SERVICES);
        }
    }

    // ---------------------------------------------------------------- rules

    private void updatePeerLiveness() {
        Instant deadline = peerDeadline();
        if (deadline != null && !now.isBefore(deadline)) {
            peer = peer.withStatus(Status.GONE);
        }
    }

    /**
     * [RG-HB]: Keep Alive Timeout (60 s) once the peer was heard; Initialization Keep Alive Timeout
     * (120 s) from the start until it is heard.
     */
    private Instant peerDeadline() {
        if (!running || group.nodes().size() < 2) return null;
        return switch (peer.status()) {
            case NOT_HEARD -> startedAt.plus(params.initKeepAliveTimeout());
            case ALIVE, LEFT -> peer.lastHeard().plus(params.keepAliveTimeout());
            case GONE -> null;
        };
    }

    private void reconcile() {
        for (int i = 0; i < 12; i++) {
            if (!rule()) return;
        }
        throw new IllegalStateException(before.self() + ": recovery manager rules did not settle in " + state);
    }

    /** Applies the first rule that fires; true when something changed. */
    private boolean rule() {
        if (group.nodes().size() < 2) return false;
        if (peer.alive() && peer.incompatibleWith(versions)) {
            // docs/decisions/0075-versions-in-the-heartbeat.md: the peer speaks a protocol we cannot read. It is
            // there, so it is no Peer Down; neither can act for the other, so each serves its own users, as in a
            // configuration disagreement: Unknown / Unknown until the versions interoperate (RecoveryManager.detail
            // names both).
            if (state == UNKNOWN) return false;
            held = EnumSet.of(Serving.Side.OWN);
            setStateKeepHeld(UNKNOWN, Reason.UNKNOWN);
            return true;
        }
        if (peer.alive() && !peer.fingerprint().equals(group.fingerprint())) {
            // [RG-T1], Unknown: "high availability was not enabled properly" -- the two nodes disagree
            // on their group (one has high availability on, the other off); both show Unknown until they agree.
            if (state == UNKNOWN) return false;
            held = EnumSet.of(Serving.Side.OWN); // each node serves its own users: neither can act for the other
            setStateKeepHeld(UNKNOWN, Reason.UNKNOWN);
            return true;
        }
        if (state == UNKNOWN && peer.alive()) {
            incarnation++; // they agree again: start over, as the specification's "restart the recovery manager on both nodes"
            resuming = null;
            beginInitializing();
            return true;
        }
        if (!group.highAvailability()) return false;
        if (peer.alive() && peer.recoveryEpoch() > recoveryEpoch) {
            // [RG-MANUAL]: Recover restarts the recovery manager on *both* nodes; the peer's higher epoch says it recovered.
            recoveryEpoch = peer.recoveryEpoch();
            if (state.isBroken()) recover();
            return true;
        }
        if (peer.alive() && peer.state() == RUNNING_IN_FAILED_MODE && peer.recoveryEpoch() == recoveryEpoch
                && !state.isBroken()) {
            // [RG-T2]: failure rows show both nodes in Running in Failed Mode with the same reason; a node
            // that starts while its peer is failed shows Unknown.
            enterFailedMode(state == INITIALIZING ? Reason.UNKNOWN : peer.reason());
            return true;
        }
        return switch (state) {
            case INITIALIZING -> initializing();
            case NORMAL -> normal();
            case TAKING_OVER -> takingOver();
            case FAILING_OVER -> failingOver();
            case RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED -> backup();
            case FALLING_BACK -> fallingBack();
            case TAKING_BACK -> takingBack();
            case IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILOVER_AFFECTED_SERVICES ->
                    failedOver();
            case RUNNING_IN_FAILED_MODE, UNKNOWN -> false;
        };
    }

    private boolean initializing() {
        if (pendingHook != null) return false; // Recover is starting the critical services first
        if (peer.status() == Status.GONE) {
            noPeerAtStart();
            return true;
        }
        if (!peer.alive()) return false;
        NodeState mine = resuming == null ? NORMAL : resuming.state();
        NodeState theirs = peer.state();
        Reason init = Reason.INITIALIZATION;
        switch (theirs) {
            case INITIALIZING -> bothStarting(mine);
            case NORMAL -> setState(NORMAL, Reason.NORMAL);
            // [RG-T2], "Failed Over / Initialization": the node comes back while its peer runs in backup mode.
            case RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED -> resumeFailedOver(mine);
            // The peer is failed over to us: we are its backup ([RG-T2], "Running in Backup Mode / Initialization").
            case IDLE, FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILOVER_AFFECTED_SERVICES ->
                    setState(mine.isBackup() ? mine : TAKING_OVER, init);
            // [RG-T2], "Failing Over / On Admin Request | Taking Over / Initialization".
            case FAILING_OVER -> setState(TAKING_OVER, init);
            case TAKING_OVER -> {
                if (mine != FAILING_OVER) return false; // it is taking our users: wait until it runs in backup mode
                resumeFailingOver();
            }
            // [RG-T2], "Taking Back / Initialization | Falling Back / On Admin Request" and its mirror.
            case TAKING_BACK -> setState(FALLING_BACK, init);
            case FALLING_BACK -> setState(TAKING_BACK, init);
            case RUNNING_IN_FAILED_MODE, UNKNOWN -> {
                return false; // a failed peer of an older epoch: it follows our epoch and restarts
            }
        }
        return true;
    }

    /** Both recovery managers start together: each resumes what it persisted ([RG-T2] restart rows). */
    private void bothStarting(NodeState mine) {
        NodeState theirs = peer.resuming() == null ? NORMAL : peer.resuming();
        Reason init = Reason.INITIALIZATION;
        if (mine.isBackup()) {
            if (theirs.isBackup()) {
                enterFailedMode(Reason.PEER_DOWN); // both claim every user: the specification's failed state after a partition
            } else {
                setState(mine, init);
            }
        } else if (mine.isFailedOver() && theirs.isFailedOver()) {
            setState(NORMAL, Reason.NORMAL); // both resume failed over: nobody holds the users, so both serve their own
        } else if (mine.isFailedOver()) {
            resumeFailedOver(mine);
        } else if (mine == FAILING_OVER && (theirs == TAKING_OVER || theirs.isBackup())) {
            resumeFailingOver();
        } else if (mine == TAKING_OVER && (theirs == FAILING_OVER || theirs.isFailedOver())
                || mine == TAKING_BACK && (theirs == FALLING_BACK || theirs.isBackup())
                || mine == FALLING_BACK && theirs == TAKING_BACK) {
            setState(mine, init); // a transition resumes only when the peer resumes its other half
        } else if (mine == FALLING_BACK && theirs.isFailedOver()) {
            setState(TAKING_OVER, init); // the peer resumes failed over: we are its backup again
        } else if (theirs.isBackup()) {
            resumeFailedOver(mine);
        } else if (theirs.isFailedOver()) {
            setState(TAKING_OVER, init); // the peer resumes failed over: we are its backup
        } else {
            setState(NORMAL, Reason.NORMAL);
        }
    }

    private void resumeFailedOver(NodeState mine) {
        Reason init = Reason.INITIALIZATION;
        if (servicesStopped && mine != FAILOVER_AFFECTED_SERVICES) {
            // Its services stay stopped by the recovery manager: that is Idle, from which Fallback starts them
            // (decision 0051). Failed Over with Critical Services Not Running would offer nothing.
            setState(IDLE, init);
        } else if (mine == IDLE || mine == FAILOVER_AFFECTED_SERVICES) {
            setState(mine, init);
        } else {
            setState(healthy() ? FAILED_OVER : FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, init);
        }
    }

    private void resumeFailingOver() {
        boolean byAdmin = resuming != null && resuming.reason() == Reason.ON_ADMIN_REQUEST;
        setState(FAILING_OVER, Reason.INITIALIZATION);
        // Services stopped already (the stop ran before the restart, or again while initializing, decision 0051):
        // the node lets its users go at once instead of serving them again while it stops nothing.
        if (byAdmin && !servicesStopped) runHook(HookKind.STOP_SERVICES);
        else setHandoffReady();
    }

    /** [RG-T2], "Backup Mode / Peer Down During Initialization": the peer was not seen during startup. */
    private void noPeerAtStart() {
        NodeState mine = resuming == null ? NORMAL : resuming.state();
        Reason pddi = Reason.PEER_DOWN_DURING_INITIALIZATION;
        if (mine.isBackup()) {
            setState(mine, pddi);
        } else if (healthy() || servicesStopped || mine == IDLE) {
            setState(TAKING_OVER, pddi);
        } else {
            setState(FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.INITIALIZATION);
        }
    }

    private boolean normal() {
        if (servicesStopped && pendingHook == null) {
            runHook(HookKind.START_SERVICES); // Normal serves its users: services stopped by an earlier failover restart
            return true;
        }
        if (peer.status() == Status.LEFT && peer.state() == NORMAL) {
            // [RG-T2], "Running in Backup Mode / Peer Reboot": the peer shut down, restarted or rebooted.
            setState(TAKING_OVER, Reason.PEER_REBOOT);
            return true;
        }
        if (peer.status() == Status.GONE) {
            // [RG-T2], "Running in Backup Mode / Peer Down": the heartbeat was lost for Keep Alive Timeout.
            setState(TAKING_OVER, Reason.PEER_DOWN);
            return true;
        }
        if (peer.alive() && peer.state().isBackup()) {
            // [RG-T2], Peer Down row: "when you reestablish the network connection, the node may go into
            // a failed state" -- both served the same users; each keeps only its own until Recover.
            enterConflict();
            return true;
        }
        if (peer.alive() && peer.state() == FAILING_OVER) {
            // The peer fails over to us ([RG-T2], "Failing Over | Taking Over").
            setState(TAKING_OVER, peer.reason());
            return true;
        }
        if (peer.alive() && peer.state().isFailedOver()) {
            // The peer serves nobody and expects a backup (it resumed a failed-over state we did not persist):
            // become its backup rather than leave its users unserved. Fallback stays the administrator's call.
            setState(TAKING_OVER, Reason.INITIALIZATION);
            return true;
        }
        Optional<Reason> due = dueFailure();
        if (due.isEmpty() || !peer.alive()) return false;
        if (peer.state() == NORMAL && peer.healthy()) {
            // [RG-T2], "Failed Over with Critical Services not Running / Critical Service Down" (and
            // Database Failure): a critical service was down for Critical Service Delay; fail over to the peer.
            setState(FAILING_OVER, due.get());
            setHandoffReady();
            return true;
        }
        if (peer.state() == NORMAL || peer.state().isFailedOver()) {
            // [RG-SVC]: critical services not running on either node -- the group goes to Failed.
            enterFailedMode(due.get());
            return true;
        }
        return false; // the peer is in a transition: decide once it settles
    }

    private boolean takingOver() {
        if (pendingHook != null) return false;
        if (peer.alive() && peer.state().isBackup()) {
            enterConflict();
            return true;
        }
        if (peer.alive() && peer.state() == NORMAL) {
            setState(NORMAL, Reason.NORMAL); // resumed after a restart, but the peer kept its users: nothing to take
            return true;
        }
        if (servicesStopped) {
            runHook(HookKind.START_SERVICES); // Idle until now: its critical services must run before it serves anyone
            return true;
        }
        if (peerReleased()) {
            // Take over names both homes: after it this node serves every user of the pair.
            runHook(HookKind.TAKE_OVER_USERS, group.nodes().toArray(NodeId[]::new));
            return true;
        }
        return false;
    }

    /** The peer serves none of its own users any more (stopped, failed over, starting, or silent). */
    private boolean peerReleased() {
        if (!peer.alive()) return true;
        return !Serving.of(peer.state(), peer.handoffReady(), Set.of()).contains(Serving.Side.OWN)
                && !peer.state().isBroken();
    }

    private boolean failingOver() {
        if (pendingHook != null) return false;
        if (!handoffReady) {
            if (reason == Reason.ON_ADMIN_REQUEST && !servicesStopped) {
                runHook(HookKind.STOP_SERVICES);
            } else {
                setHandoffReady();
            }
            return true;
        }
        if (peer.alive() && peer.state().isBackup()) {
            if (reason == Reason.ON_ADMIN_REQUEST) {
                setState(IDLE, reason); // [RG-T2], "Idle / On Admin Request | Running in Backup Mode / On Admin Request"
            } else if (reason.isAutoRecover()) {
                setState(FAILOVER_AFFECTED_SERVICES, reason); // [RG-T2], auto-recovery rows
            } else if (reason == Reason.INITIALIZATION && servicesStopped) {
                setState(IDLE, reason);
            } else {
                setState(healthy() ? FAILED_OVER : FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, reason);
            }
            return true;
        }
        if (peer.status() == Status.GONE) {
            return peerLostWhileHandingOver();
        }
        return false;
    }

    /** The peer disappeared while we were handing our users to it: serve everyone ourselves if we can. */
    private boolean peerLostWhileHandingOver() {
        if (healthy() || servicesStopped) { // stopped on purpose: Taking Over starts them again
            setState(TAKING_OVER, Reason.PEER_DOWN);
        } else {
            enterFailedMode(reason.isAutoRecover() || reason == Reason.INITIALIZATION
                    ? Reason.CRITICAL_SERVICE_DOWN : reason);
        }
        return true;
    }

    private boolean backup() {
        if (peer.alive() && (peer.state().isBackup() || peer.state() == NORMAL)) {
            enterConflict();
            return true;
        }
        if (peer.alive() && peer.state() == TAKING_BACK && peer.handoffReady()) {
            // [RG-T2], "Taking Back | Falling Back": the backup disconnects the failed-over users.
            setState(FALLING_BACK, peer.reason());
            return true;
        }
        Optional<Reason> due = dueFailure();
        if (due.isEmpty()) return false;
        if (peer.alive() && peer.healthy()
                && (peer.state() == FAILED_OVER || peer.state() == FAILOVER_AFFECTED_SERVICES)) {
            // [RG-T2], auto-recovery rows: the backup's database or critical service fails while its
            // peer is failed over and healthy: every user moves to the peer.
            setState(FAILING_OVER, due.get().autoRecover());
            setHandoffReady();
        } else {
            // [RG-T2], "Running in Failed Mode / Critical Service Down": critical services go down on the
            // backup node and no one can take over; both nodes enter the failed state.
            enterFailedMode(due.get());
        }
        return true;
    }

    private boolean fallingBack() {
        if (!handoffReady) {
            setHandoffReady(); // the backup lets the failed-over users go at once ([RG-OVER]: they are disconnected)
            return true;
        }
        if (peer.alive() && peer.state() == NORMAL) {
            setState(NORMAL, Reason.NORMAL); // [RG-T2]: after taking back completes, both nodes are Normal
            return true;
        }
        if (peer.alive() && peer.state().isBackup()) {
            enterConflict(); // it took every user while we still serve ours (it thought us gone)
            return true;
        }
        if (peer.alive() && peer.state().isFailedOver()) {
            setState(TAKING_OVER, reason); // it is not taking back after all (it restarted): serve its users again
            return true;
        }
        if (peer.status() == Status.GONE) {
            setState(TAKING_OVER, Reason.PEER_DOWN); // the node taking back vanished: serve its users again
            return true;
        }
        return false;
    }

    private boolean takingBack() {
        if (pendingHook != null) return false;
        if (!handoffReady) {
            if (servicesStopped) {
                runHook(HookKind.START_SERVICES); // the specification ([RG-MANUAL]): fallback restarts critical services on the primary node
            } else {
                setHandoffReady();
            }
            return true;
        }
        if (peer.alive() && peer.state() == FALLING_BACK && peer.handoffReady()) {
            runHook(HookKind.TAKE_BACK_USERS, before.self());
            return true;
        }
        if (peer.alive() && peer.state() == NORMAL) {
            setState(NORMAL, Reason.NORMAL); // resumed after a restart, but the peer holds none of our users
            return true;
        }
        if (peer.status() == Status.GONE) {
            setState(TAKING_OVER, Reason.PEER_DOWN);
            return true;
        }
        return false;
    }

    private boolean failedOver() {
        if (state == FAILED_OVER && !healthy()) {
            // [RG-T1]: Failed Over with Critical Services Not Running -- some have stopped or failed.
            setState(FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, currentFailure());
            return true;
        }
        if (state == FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING && healthy()) {
            // [RG-T2], "Failed Over / Initialization or Critical Services Down": services are back.
            setState(FAILED_OVER, reason);
            return true;
        }
        if (peer.alive() && peer.state() == FAILING_OVER && peer.reason().isAutoRecover()
                && healthy() && state != IDLE) {
            // [RG-T2], auto-recovery: "all users are moved over to the primary node".
            setState(TAKING_OVER, peer.reason());
            return true;
        }
        if (peer.alive() && peer.state().isFailedOver()) {
            // Both failed over (each started while the other was unreachable): nobody holds the users, so both
            // serve their own again; a node whose services are down then fails over by the usual delay.
            setState(NORMAL, Reason.NORMAL);
            return true;
        }
        if (peer.status() == Status.GONE && (healthy() || state == IDLE)) {
            // The backup itself is gone: a failed-over node that can serve takes every user rather than lose them.
            setState(TAKING_OVER, Reason.PEER_DOWN);
            return true;
        }
        if (automaticFallbackDue()) {
            // [RG-HB], Enable Automatic Fallback: users move back thirty minutes after the node is healthy again.
            setState(TAKING_BACK, Reason.AUTOMATIC_FALLBACK);
            return true;
        }
        return false;
    }

    private boolean automaticFallbackDue() {
        Instant at = automaticFallbackAt();
        return at != null && !now.isBefore(at);
    }

    private Instant automaticFallbackAt() {
        if (!params.automaticFallback() || healthySince == null || !healthy()) return null;
        if (state != FAILED_OVER && state != FAILOVER_AFFECTED_SERVICES) return null; // never after a manual failover (Idle)
        if (!peer.alive() || !peer.state().isBackup()) return null;
        Instant from = healthySince.isAfter(stateSince) ? healthySince : stateSince;
        return from.plus(params.automaticFallbackDelay());
    }

    // ---------------------------------------------------------------- helpers

    private boolean healthy() {
        return servicesDown.isEmpty() && databaseDownSince == null && !servicesStopped;
    }

    private Reason currentFailure() {
        return databaseDownSince != null ? Reason.DATABASE_FAILURE : Reason.CRITICAL_SERVICE_DOWN;
    }

    /** [RG-HB], Critical Service Delay: a critical service (or the database) down this long triggers failover. */
    private Optional<Reason> dueFailure() {
        if (servicesStopped) return Optional.empty();
        Duration delay = params.criticalServiceDelay();
        if (databaseDownSince != null && !now.isBefore(databaseDownSince.plus(delay))) {
            return Optional.of(Reason.DATABASE_FAILURE);
        }
        for (Instant since : servicesDown.values()) {
            if (!now.isBefore(since.plus(delay))) return Optional.of(Reason.CRITICAL_SERVICE_DOWN);
        }
        return Optional.empty();
    }

    private Instant nextFailureDeadline() {
        if (servicesStopped || !(state == NORMAL || state.isBackup())) return null;
        Instant earliest = null;
        Duration delay = params.criticalServiceDelay();
        List<Instant> downs = new ArrayList<>(servicesDown.values());
        if (databaseDownSince != null) downs.add(databaseDownSince);
        for (Instant since : downs) {
            Instant at = since.plus(delay);
            if (at.isAfter(now) && (earliest == null || at.isBefore(earliest))) earliest = at;
        }
        return earliest;
    }

    private void enterConflict() {
        held = EnumSet.of(Serving.Side.OWN);
        setStateKeepHeld(RUNNING_IN_FAILED_MODE, Reason.PEER_DOWN);
    }

    /** Failed mode freezes users where they are: the node keeps serving whatever it served when it failed. */
    private void enterFailedMode(Reason why) {
        Set<Serving.Side> serving = Serving.of(state, handoffReady, held);
        held = serving.isEmpty() ? Set.of() : EnumSet.copyOf(serving);
        setStateKeepHeld(RUNNING_IN_FAILED_MODE, why);
    }

    /**
     * [RG-MANUAL], manual recovery restarts the recovery manager; "to manually start these services, click
     * Recovery": the restarted recovery manager starts them while it initializes.
     */
    private void recover() {
        boolean start = servicesStopped || !servicesDown.isEmpty();
        incarnation++;
        resuming = null;
        beginInitializing();
        if (start) runHook(HookKind.START_SERVICES);
    }

    private void setHandoffReady() {
        if (!handoffReady) {
            handoffReady = true;
            announce = true;
        }
    }

    private void clearTransition() {
        pendingHook = null;
        pendingHookId = 0;
        handoffReady = false;
    }

    private void setState(NodeState to, Reason why) {
        if (to != RUNNING_IN_FAILED_MODE && to != UNKNOWN) held = Set.of();
        setStateKeepHeld(to, why);
    }

    private void setStateKeepHeld(NodeState to, Reason why) {
        if (to == state && why == reason) return;
        if (!Transitions.allowed(state, to)) {
            throw new IllegalStateException(before.self() + ": illegal transition " + state + " -> " + to + " (" + why + ")");
        }
        effects.add(RecoveryManager.record(before.self(), state, to, why));
        if (to != state) {
            stateSince = now;
            handoffReady = false;
            pendingHook = null;
            pendingHookId = 0;
        }
        state = to;
        reason = why;
        announce = true;
        if (to == IDLE && !servicesStopped) runHook(HookKind.STOP_SERVICES); // Idle: services are stopped
    }

    private void runHook(HookKind kind, NodeId... usersOf) {
        lastHookId++;
        pendingHookId = lastHookId;
        pendingHook = kind;
        if (kind.controlsServices()) servicesHook = new RmState.ServicesHook(pendingHookId, kind);
        effects.add(new Effect.RunHook(kind, List.of(usersOf), pendingHookId));
    }

    // ---------------------------------------------------------------- result

    Transition<RmState> finish() {
        boolean nowHealthy = healthy();
        if (running && nowHealthy != before.healthy()) announce = true; // the peer decides on our health: tell it now
        if (!nowHealthy) {
            healthySince = null;
        } else if (healthySince == null) {
            healthySince = now;
        }
        List<Effect> out = new ArrayList<>();
        RmState next = build(before.timers());
        PersistedRm persistedBefore = before.running() ? RecoveryManager.persisted(before) : null;
        if (running && !RecoveryManager.persisted(next).equals(persistedBefore)) {
            out.add(new Effect.Persist(RecoveryManager.persisted(next)));
        }
        Optional<NodeId> peerId = group.peerOf(before.self());
        if (goodbye && peerId.isPresent()) {
            out.add(new Effect.Persist(RecoveryManager.persisted(next)));
            out.add(new Effect.Send(peerId.get(), new RmMessage.Goodbye(before.self(), group.name(), incarnation)));
        }
        out.addAll(effects);
        if (running && peerId.isPresent() && (announce || nextHeartbeat == null)) {
            heartbeatSeq++;
            nextHeartbeat = now.plus(params.keepAliveInterval());
            out.add(new Effect.Send(peerId.get(), new RmMessage.Heartbeat(before.self(), group.name(),
                    group.fingerprint(), incarnation, heartbeatSeq, state, reason,
                    state == INITIALIZING && resuming != null ? resuming.state() : null,
                    nowHealthy, handoffReady, recoveryEpoch, versions)));
        }
        Map<String, Instant> timers = desiredTimers();
        Map<String, Instant> held = new HashMap<>(before.timers());
        if (fired != null) held.remove(fired);
        for (Map.Entry<String, Instant> t : timers.entrySet()) {
            if (!t.getValue().equals(held.get(t.getKey()))) {
                out.add(new Effect.SetTimer(t.getKey(), t.getValue()));
            }
        }
        for (String name : held.keySet()) {
            if (!timers.containsKey(name)) out.add(new Effect.CancelTimer(name));
        }
        return new Transition<>(build(timers), out);
    }

    private Map<String, Instant> desiredTimers() {
        Map<String, Instant> t = new LinkedHashMap<>();
        if (!running || group.nodes().size() < 2) return t;
        t.put(RecoveryManager.TIMER_HEARTBEAT, nextHeartbeat);
        if (peer.status() == Status.ALIVE && peer.refusals() > 0) {
            Instant probe = now.plus(RecoveryManager.probeInterval(params));
            Instant held = before.timers().get(RecoveryManager.TIMER_PROBE);
            t.put(RecoveryManager.TIMER_PROBE, held != null && held.isAfter(now) && !fired(RecoveryManager.TIMER_PROBE) ? held : probe);
        }
        if (group.highAvailability()) {
            Instant peerAt = peerDeadline();
            if (peerAt != null) t.put(RecoveryManager.TIMER_PEER, peerAt);
            Instant serviceAt = nextFailureDeadline();
            if (serviceAt != null) t.put(RecoveryManager.TIMER_SERVICE, serviceAt);
            Instant fallbackAt = automaticFallbackAt();
            if (fallbackAt != null && fallbackAt.isAfter(now)) t.put(RecoveryManager.TIMER_FALLBACK, fallbackAt);
        }
        return t;
    }

    private boolean fired(String name) {
        return name.equals(fired);
    }

    private RmState build(Map<String, Instant> timers) {
        return new RmState(before.self(), group, params, running, state, reason, incarnation, recoveryEpoch,
                servicesDown, databaseDownSince, servicesStopped, peer, pendingHookId, pendingHook, servicesHook,
                lastHookId, handoffReady, held, resuming, startedAt, stateSince, healthySince, heartbeatSeq,
                nextHeartbeat, timers, versions);
    }
}
