package dev.tandem.core.rm;

import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole state of one node's recovery manager. Immutable; {@link RecoveryManager#step} makes the next. What
 * changes together is grouped: the node's {@link Health}, its {@link Hooks} and its {@link Times}; the rest is the
 * protocol's own state.
 *
 * @param self            this node
 * @param group           its redundancy group as configured now
 * @param params          the service parameters in force
 * @param versions        the protocol this node speaks and the software it runs, sent in every heartbeat
 * @param running         the recovery manager runs (false before Start and after Stop)
 * @param incarnation     raised at every start and recovery, so the peer tells a new run from an old one
 * @param recoveryEpoch   the count of manual recoveries of the pair, carried in heartbeats and persisted: a peer with a
 *                        higher one recovered, and this node follows it
 * @param peer            what this node knows of its peer
 * @param handoffReady    this node's half of the current transition is done
 * @param held            in Running in Failed Mode or Unknown: whose users it keeps serving
 * @param resuming        the persisted state being resumed while Initializing, or null
 * @param health          the critical services and the database as reported
 * @param hooks           the hook waited for now, the services' start or stop still running, the last id given
 * @param times           when this run started and the state was entered, the heartbeat schedule, the timers
 * @param lease           what this node knows of its group's lease at the witness (decision 115)
 */
public record RmState(
        NodeId self,
        RedundancyGroup group,
        ServiceParameters params,
        Versions versions,
        boolean running,
        NodeState state,
        Reason reason,
        long incarnation,
        long recoveryEpoch,
        PeerView peer,
        boolean handoffReady,
        Set<Serving.Side> held,
        PersistedRm resuming,
        Health health,
        Hooks hooks,
        Times times,
        Lease lease) {

    public RmState {
        held = Set.copyOf(held);
    }

    /**
     * The critical services and the database as reported to this node.
     *
     * @param servicesDown      critical services reported down, with when they went down
     * @param databaseDownSince when the database went down, or null while it is up
     * @param servicesStopped   the recovery manager itself stopped the critical services (manual failover)
     * @param healthySince      since when every critical service and the database are up, or null
     */
    public record Health(Map<String, Instant> servicesDown, Instant databaseDownSince, boolean servicesStopped,
            Instant healthySince) {
        static final Health UNKNOWN = new Health(Map.of(), null, false, null);

        public Health {
            servicesDown = Map.copyOf(servicesDown);
        }

        /** Every critical service and the database are up, and none was stopped on purpose. */
        public boolean healthy() {
            return servicesDown.isEmpty() && databaseDownSince == null && !servicesStopped;
        }
    }

    /**
     * The hooks this node runs.
     *
     * @param pendingId the id of the hook this node waits for (0: none); a completion with another id is stale
     * @param pending   the kind of that hook, or null
     * @param services  the start or stop of the critical services running on the host, or null: it runs to its end
     *                  even when the state moves on and the node no longer waits for it (decision 0051)
     * @param lastId    the last id given to a hook
     */
    public record Hooks(long pendingId, HookKind pending, ServicesHook services, long lastId) {
        static final Hooks NONE = new Hooks(0, null, null, 0);
    }

    /**
     * When things happened and are due.
     *
     * @param startedAt     when this run of the recovery manager started, or null before Start
     * @param stateSince    when the current state was entered, or null before Start
     * @param heartbeatSeq  the sequence number of the last heartbeat sent
     * @param nextHeartbeat when the next periodic heartbeat is due
     * @param timers        the deadlines the shell holds for us, by name
     */
    public record Times(Instant startedAt, Instant stateSince, long heartbeatSeq, Instant nextHeartbeat,
            Map<String, Instant> timers) {
        static final Times NONE = new Times(null, null, 0, null, Map.of());

        public Times {
            timers = Map.copyOf(timers);
        }
    }

    /**
     * What this node knows of its group's lease at the witness (docs/decisions/115-a-witness-decides-who-serves.md).
     * Only a node whose peer is silent asks for it, once a keep-alive interval; the witness grants it to one node at a
     * time.
     *
     * @param asks      how many asks this run sent; an answer names the ask it answers, and only the last one counts
     * @param askedAt   when the last ask was sent, or null before the first
     * @param heldUntil until when this node holds the lease, counted from when it asked, so never later than the
     *                  witness's own count; null while it does not hold it
     * @param fence     the fencing number of the lease this node holds or last held (0: never), raised by the witness
     *                  each time the lease changes hands
     * @param holder    who the witness said holds the lease, since the peer was last heard; null when it has not said
     * @param reachable the witness answered the last ask (true before the first)
     */
    public record Lease(long asks, Instant askedAt, Instant heldUntil, long fence, NodeId holder, boolean reachable) {
        static final Lease NONE = new Lease(0, null, null, 0, null, true);

        /** Whether this node holds the lease at {@code now}. */
        public boolean heldAt(Instant now) {
            return heldUntil != null && now.isBefore(heldUntil);
        }
    }

    /** A start or stop of the critical services, with the id of its run. */
    public record ServicesHook(long id, HookKind kind) {
        public ServicesHook {
            if (!kind.controlsServices()) throw new IllegalArgumentException(kind + " does not control the services");
        }
    }

    public Optional<NodeId> peerId() {
        return group.peerOf(self);
    }

    /** Every critical service and the database are up, and none was stopped on purpose. */
    public boolean healthy() {
        return health.healthy();
    }

    /** The deadlines the shell holds for this machine, by name. */
    public Map<String, Instant> timers() {
        return times.timers();
    }

    /** Whose users this node serves now. */
    public Set<Serving.Side> serving() {
        if (!running) return Set.of();
        if (!group.highAvailability()) return Set.of(Serving.Side.OWN);
        return Serving.of(state, handoffReady, held);
    }
}
