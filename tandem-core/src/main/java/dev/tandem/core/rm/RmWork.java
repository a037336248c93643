package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.rm.PeerView.Status;
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
 * The recovery manager's state during one step, as fields the rules change in place ({@link RmRules},
 * {@link StartRules}, {@link ServingRules}), the changes every rule makes the same way (a state change and its
 * record, a hook, failed mode), and the end of the step: the new {@link RmState} with its heartbeat, timers and
 * what to write.
 */
final class RmWork {
    final Instant now;
    final RmState before;
    /** The protocol and software of this node: fixed for the life of the process. */
    final Versions versions;
    final List<Effect> effects = new ArrayList<>();

    NodeState state;
    Reason reason;
    boolean running;
    long incarnation;
    long recoveryEpoch;
    RedundancyGroup group;
    ServiceParameters params;
    final Map<String, Instant> servicesDown;
    Instant databaseDownSince;
    boolean servicesStopped;
    PeerView peer;
    long pendingHookId;
    HookKind pendingHook;
    RmState.ServicesHook servicesHook;
    long lastHookId;
    boolean handoffReady;
    Set<Serving.Side> held;
    PersistedRm resuming;
    Instant startedAt;
    Instant stateSince;
    Instant healthySince;
    long heartbeatSeq;
    Instant nextHeartbeat;
    RmState.Lease lease;
    boolean announce;
    boolean goodbye;
    String fired;

    RmWork(RmState s, Instant now) {
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
        servicesDown = new HashMap<>(s.health().servicesDown());
        databaseDownSince = s.health().databaseDownSince();
        servicesStopped = s.health().servicesStopped();
        healthySince = s.health().healthySince();
        peer = s.peer();
        pendingHookId = s.hooks().pendingId();
        pendingHook = s.hooks().pending();
        servicesHook = s.hooks().services();
        lastHookId = s.hooks().lastId();
        handoffReady = s.handoffReady();
        held = s.held();
        resuming = s.resuming();
        startedAt = s.times().startedAt();
        stateSince = s.times().stateSince();
        heartbeatSeq = s.times().heartbeatSeq();
        nextHeartbeat = s.times().nextHeartbeat();
        lease = s.lease();
    }

    // ---------------------------------------------------------------- facts

    void updatePeerLiveness() {
        Instant deadline = peerDeadline();
        if (deadline != null && !now.isBefore(deadline)) {
            peer = peer.withStatus(Status.GONE);
        }
    }

    /**
     * [RG-HB]: Keep Alive Timeout (60 s) once the peer was heard; Initialization Keep Alive Timeout
     * (120 s) from the start until it is heard.
     */
    Instant peerDeadline() {
        if (!running || group.nodes().size() < 2) return null;
        return switch (peer.status()) {
            case NOT_HEARD -> startedAt.plus(params.initKeepAliveTimeout());
            case ALIVE, LEFT -> peer.lastHeard().plus(params.keepAliveTimeout());
            case GONE -> null;
        };
    }

    // ---------------------------------------------------------------- the witness (decision 115)

    /** A pair with high availability whose partitions a witness decides. */
    boolean witness() {
        return params.partitionRecovery() == ServiceParameters.PartitionRecovery.WITNESS && group.highAvailability()
                && group.nodes().size() == 2;
    }

    boolean leaseHeld() {
        return lease.heldAt(now);
    }

    /**
     * With a witness, the node asks for the lease once an interval while its peer is silent (not a goodbye), and
     * keeps it while it serves, or is taking, the users of a peer it lost: until the pair falls back, the peer, which
     * may not hear it yet, cannot get the lease and take them back.
     */
    boolean needLease() {
        if (!witness() || !running || state == INITIALIZING) return false;
        return peer.status() == Status.GONE || leaseHeld() && tookOverALostPeer(state, reason);
    }

    /**
     * Taking Over or backup mode because the peer was lost (silent, or gone after its goodbye): with a witness the
     * node keeps the lease while it serves them, and a peer that sees it so lets its users go.
     */
    static boolean tookOverALostPeer(NodeState state, Reason reason) {
        return (state == TAKING_OVER || state.isBackup()) && (reason == Reason.PEER_DOWN
                || reason == Reason.PEER_DOWN_DURING_INITIALIZATION || reason == Reason.PEER_REBOOT);
    }

    /**
     * With the peer silent and no lease, until when the node may go on serving its own users: the peer's timeout and
     * the time to ask. A peer never heard in this run may serve them already: no time at all.
     */
    Instant fenceAt() {
        if (peer.lastHeard() == null) return now;
        return peer.lastHeard().plus(params.keepAliveTimeout()).plus(RecoveryManager.askGrace(params));
    }

    /** Whose users this node serves in its current state. */
    Set<Serving.Side> serving() {
        return Serving.of(state, handoffReady, held);
    }

    /**
     * The node may move to serve its silent peer's users: without a witness always, with one only holding the lease.
     * A peer that said goodbye serves nobody and needs no lease until its timeout runs out.
     */
    boolean mayTakeOverSilentPeer() {
        return !witness() || peer.status() != Status.GONE || leaseHeld();
    }

    /**
     * Taking Over may serve the peer's users now: a peer that is heard or said goodbye hands them over itself; a
     * silent one only to the lease holder, at once when the peer's host refuses (its process is gone), else once the
     * peer, cut off but alive, has given them up ({@link RecoveryManager#fenceWait}).
     */
    boolean mayServeSilentPeersUsers() {
        if (!witness() || peer.status() != Status.GONE) return true;
        if (!leaseHeld()) return false;
        return peer.refusals() >= RecoveryManager.CRASH_PROBES || !now.isBefore(takeAt());
    }

    /**
     * Taking Over because the peer is gone. With a witness, a node that served none of its own users (failed over,
     * taking back, starting) goes on serving nobody until the peer has let them go: it enters Taking Over with its
     * handoff ready, as a node failing over lets its users go, and serves everyone at the end of the take over.
     */
    void takeOverSilentPeer(Reason why) {
        boolean servedOwn = serving().contains(Serving.Side.OWN);
        setState(TAKING_OVER, why);
        if (witness() && peer.status() == Status.GONE && !servedOwn) setHandoffReady();
    }

    Instant takeAt() {
        return stateSince.plus(RecoveryManager.fenceWait(params));
    }

    /**
     * The node gives up every user: its peer holds the lease and takes them, or nobody may serve them. A frozen node
     * (Running in Failed Mode, Unknown) lets go of what it holds; any other shows Failed Over, its users with the
     * peer, whence the pair goes back to Normal by fallback.
     */
    void fence() {
        if (state == RUNNING_IN_FAILED_MODE || state == UNKNOWN) {
            held = Set.of();
            announce = true;
            return;
        }
        setState(healthy() ? FAILED_OVER : FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.PEER_DOWN);
    }

    boolean healthy() {
        return servicesDown.isEmpty() && databaseDownSince == null && !servicesStopped;
    }

    Reason currentFailure() {
        return databaseDownSince != null ? Reason.DATABASE_FAILURE : Reason.CRITICAL_SERVICE_DOWN;
    }

    /** [RG-HB], Critical Service Delay: a critical service (or the database) down this long triggers failover. */
    Optional<Reason> dueFailure() {
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

    Instant nextFailureDeadline() {
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

    Instant automaticFallbackAt() {
        if (!params.automaticFallback() || healthySince == null || !healthy()) return null;
        if (state != FAILED_OVER && state != FAILOVER_AFFECTED_SERVICES) return null; // never after a manual failover (Idle)
        if (!peer.alive() || !peer.state().isBackup()) return null;
        Instant from = healthySince.isAfter(stateSince) ? healthySince : stateSince;
        return from.plus(params.automaticFallbackDelay());
    }

    // ---------------------------------------------------------------- changes

    /** [RG-T1]: Initializing is the state every start of the recovery manager passes through. */
    void beginInitializing() {
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
    void reset(NodeState to, Reason why) {
        effects.add(new Effect.Record(before.self(), RecoveryManager.PROTOCOL,
                running && before.running() ? state.display() : "Stopped", to.display(), why.display()));
        state = to;
        reason = why;
        stateSince = now;
        announce = true;
    }

    void enterConflict() {
        held = EnumSet.of(Serving.Side.OWN);
        setStateKeepHeld(RUNNING_IN_FAILED_MODE, Reason.PEER_DOWN);
    }

    /** Failed mode freezes users where they are: the node keeps serving whatever it served when it failed. */
    void enterFailedMode(Reason why) {
        enterFailedMode(why, false);
    }

    /**
     * @param leavePeerUsers the peer serves its own users itself: freeze without them, so they are not served twice
     */
    void enterFailedMode(Reason why, boolean leavePeerUsers) {
        EnumSet<Serving.Side> serving = EnumSet.noneOf(Serving.Side.class);
        serving.addAll(Serving.of(state, handoffReady, held));
        if (leavePeerUsers) serving.remove(Serving.Side.PEER);
        held = serving;
        setStateKeepHeld(RUNNING_IN_FAILED_MODE, why);
    }

    /** Frozen (Running in Failed Mode or Unknown), the node stops serving its peer's users: the peer serves them. */
    void releasePeerUsers() {
        EnumSet<Serving.Side> kept = EnumSet.noneOf(Serving.Side.class);
        kept.addAll(held);
        kept.remove(Serving.Side.PEER);
        held = kept;
        announce = true;
    }

    /**
     * [RG-MANUAL], manual recovery restarts the recovery manager; "to manually start these services, click
     * Recovery": the restarted recovery manager starts them while it initializes.
     */
    void recover() {
        boolean start = servicesStopped || !servicesDown.isEmpty();
        incarnation++;
        resuming = null;
        beginInitializing();
        if (start) runHook(HookKind.START_SERVICES);
    }

    void setHandoffReady() {
        if (!handoffReady) {
            handoffReady = true;
            announce = true;
        }
    }

    void clearTransition() {
        pendingHook = null;
        pendingHookId = 0;
        handoffReady = false;
    }

    void setState(NodeState to, Reason why) {
        if (to != RUNNING_IN_FAILED_MODE && to != UNKNOWN) held = Set.of();
        setStateKeepHeld(to, why);
    }

    void setStateKeepHeld(NodeState to, Reason why) {
        if (to == state && why == reason) return;
        if (!Transitions.allowed(state, to, witness())) {
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

    void runHook(HookKind kind, NodeId... usersOf) {
        lastHookId++;
        pendingHookId = lastHookId;
        pendingHook = kind;
        if (kind.controlsServices()) servicesHook = new RmState.ServicesHook(pendingHookId, kind);
        effects.add(new Effect.RunHook(kind, List.of(usersOf), pendingHookId));
    }

    RmState snapshot() {
        return build(before.timers());
    }

    // ---------------------------------------------------------------- result

    Transition<RmState> finish() {
        LeaseBook.askIfDue(this);
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
                    nowHealthy, handoffReady, recoveryEpoch, versions, Serving.of(state, handoffReady, held),
                    peer.status() == Status.NOT_HEARD ? -1 : peer.incarnation())));
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
            Instant witnessAt = LeaseBook.deadline(this);
            if (witnessAt != null) t.put(RecoveryManager.TIMER_WITNESS, witnessAt);
        }
        return t;
    }

    private boolean fired(String name) {
        return name.equals(fired);
    }

    private RmState build(Map<String, Instant> timers) {
        return new RmState(before.self(), group, params, versions, running, state, reason, incarnation,
                recoveryEpoch, peer, handoffReady, held, resuming, health(), hooks(),
                new RmState.Times(startedAt, stateSince, heartbeatSeq, nextHeartbeat, timers), lease);
    }

    /** The state's own record while this step left the health as it was (a heartbeat, most steps). */
    private RmState.Health health() {
        RmState.Health h = before.health();
        boolean same = h.servicesDown().equals(servicesDown) && h.databaseDownSince() == databaseDownSince
                && h.servicesStopped() == servicesStopped && h.healthySince() == healthySince;
        return same ? h : new RmState.Health(servicesDown, databaseDownSince, servicesStopped, healthySince);
    }

    private RmState.Hooks hooks() {
        RmState.Hooks h = before.hooks();
        boolean same = h.pendingId() == pendingHookId && h.pending() == pendingHook && h.services() == servicesHook
                && h.lastId() == lastHookId;
        return same ? h : new RmState.Hooks(pendingHookId, pendingHook, servicesHook, lastHookId);
    }
}
