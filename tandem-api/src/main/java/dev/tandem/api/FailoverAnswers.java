package dev.tandem.api;

import java.util.List;

/** {@code GET /api/v1/failover}: this node and its peer as a failover pair (docs/cli.md, show failover). */
public final class FailoverAnswers {
    private FailoverAnswers() {}

    /**
     * @param peer          null for a node alone in its group
     * @param detail        why the pair cannot fail over (Unknown), naming both versions; else null
     * @param loadBalancing the Failover column of show vpn load-balancing (Active, Standby, n/a); null when the node
     *                      takes no part in a load-balancing group
     * @param handover      keep or relogin; null without the session service
     * @param standbyReady  whether the peer holds a copy of every session; null without session replication
     * @param lastFailover  the last time the users this node serves changed; null before any change
     * @param replication   the session replication link; null without it
     * @param capacity      whether this node could carry its peer's sessions too; null until known
     * @param witness       the group's witness as this node knows it; null with {@code partitionRecovery: manual}
     */
    public record Failover(String node, @Nullable String peer, boolean peerAlive,
                           List<RedundancyAnswers.HeartbeatPath> heartbeatPaths, String state, String reason,
                           @Nullable String detail, PairVersions versions, @Nullable String loadBalancing,
                           List<UsersSide> users, @Nullable String handover, @Nullable Boolean standbyReady,
                           @Nullable LastFailover lastFailover, @Nullable Replication replication,
                           @Nullable Capacity capacity, @Nullable Witness witness) {
        /** An answer from a build that lacked a list reads as an empty one. */
        public Failover {
            heartbeatPaths = heartbeatPaths == null ? List.of() : List.copyOf(heartbeatPaths);
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    /**
     * The group's witness (docs/redundancy.md, Witness): asked only while the peer is silent.
     *
     * @param reachable  the witness answered this node's last ask (true before any)
     * @param holder     who the witness said holds the lease since the peer was last heard; null when it has not said
     * @param held       this node holds the lease now
     * @param heldUntil  until when this node holds it (ISO-8601); null when it does not
     * @param fence      the fencing number of the lease this node holds or last held; 0 for none
     * @param risk       what the pair cannot do now because of the witness, or null
     */
    public record Witness(boolean reachable, @Nullable String holder, boolean held, @Nullable String heldUntil,
                          long fence, @Nullable String risk) {}

    /** @param peer as the peer last sent them; null before it is heard */
    public record PairVersions(Versions node, @Nullable PeerVersions peer) {}

    public record Versions(int protocol, String software) {}

    public record PeerVersions(int protocol, String software, boolean compatible) {}

    /**
     * For one node's users: which node is active for them now and what this node is for them.
     *
     * @param activeOn null while nobody serves them
     * @param thisNode active, standby, or none (no peer)
     */
    public record UsersSide(String usersOf, @Nullable String activeOn, String thisNode) {}

    /** @param from whose users the node served before ("own", "peer"), {@code to} after; {@code at} ISO-8601 */
    public record LastFailover(String at, List<String> from, List<String> to, String state, String reason) {}

    /** The session replication link (docs/session-service.md, Stateful failover). */
    public record Replication(String handover, boolean peerConnected, boolean standbyReady, long sessionsReplicated,
                              long batchesSent, long errors, long snapshots, long lastSnapshotMillis, long lagMillis,
                              int queued, boolean copiesComplete, int copies, int peerSessions, long batchesReceived,
                              long framesRejected, @Nullable Handover lastHandover) {}

    /**
     * The last time this node took users over with their sessions: how many it kept and about how many were lost.
     *
     * @param side whose users: OWN or PEER
     */
    public record Handover(String at, String side, int kept, int lost, boolean standbyComplete) {}

    /**
     * Whether this node could carry its peer's sessions on top of its own (docs/session-service.md, Capacity): known
     * only with replication, from the peer's own count.
     */
    public record Capacity(int own, int peer, int max, boolean enough) {}
}
