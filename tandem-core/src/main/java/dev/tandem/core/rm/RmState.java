package dev.tandem.core.rm;

import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole state of one node's recovery manager. Immutable; {@link RecoveryManager#step} makes the next.
 *
 * @param running         the recovery manager runs (false before Start and after Stop)
 * @param servicesDown    critical services reported down, with when they went down
 * @param databaseDownSince when the database went down, or null while it is up
 * @param servicesStopped the recovery manager itself stopped the critical services (manual failover)
 * @param pendingHookId   the hook running now (0: none); its completion with another id is stale
 * @param servicesHook    the start or stop of the critical services running on the host, or null: it runs to its
 *                        end even when the state moves on and the node no longer waits for it (decision 0051)
 * @param handoffReady    this node's half of the current transition is done
 * @param held            in Running in Failed Mode or Unknown: whose users it keeps serving
 * @param resuming        the persisted state being resumed while Initializing, or null
 * @param healthySince    since when every critical service and the database are up, or null
 * @param nextHeartbeat   when the next periodic heartbeat is due
 * @param timers          the deadlines the shell holds for us, by name
 * @param versions        the protocol this node speaks and the software it runs, sent in every heartbeat
 */
public record RmState(
        NodeId self,
        RedundancyGroup group,
        ServiceParameters params,
        boolean running,
        NodeState state,
        Reason reason,
        long incarnation,
        long recoveryEpoch,
        Map<String, Instant> servicesDown,
        Instant databaseDownSince,
        boolean servicesStopped,
        PeerView peer,
        long pendingHookId,
        HookKind pendingHook,
        ServicesHook servicesHook,
        long lastHookId,
        boolean handoffReady,
        Set<Serving.Side> held,
        PersistedRm resuming,
        Instant startedAt,
        Instant stateSince,
        Instant healthySince,
        long heartbeatSeq,
        Instant nextHeartbeat,
        Map<String, Instant> timers,
        Versions versions) {

    public RmState {
        servicesDown = Map.copyOf(servicesDown);
        held = Set.copyOf(held);
        timers = Map.copyOf(timers);
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
        return servicesDown.isEmpty() && databaseDownSince == null && !servicesStopped;
    }

    /** Whose users this node serves now. */
    public Set<Serving.Side> serving() {
        if (!running) return Set.of();
        if (!group.highAvailability()) return Set.of(Serving.Side.OWN);
        return Serving.of(state, handoffReady, held);
    }
}
