package dev.tandem.api;

import java.util.List;

/** A redundancy group as one of its nodes sees it, and the answer to an administrator's action. */
public final class RedundancyAnswers {
    private RedundancyAnswers() {}

    /**
     * {@code GET /api/v1/redundancy-groups/{name}}.
     *
     * @param actions the actions available now (Failover, Fallback, Recover), by their display names
     * @param witness the group's witness as the answering node knows it (docs/redundancy.md, Witness); null with
     *                {@code partitionRecovery: manual}
     */
    public record Group(String name, String description, boolean ha, List<GroupNode> nodes, List<String> actions,
                        @Nullable FailoverAnswers.Witness witness) {
        /** An answer from a build that lacked a list reads as an empty one. */
        public Group {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }

    /**
     * One node of the group, as the node answering sees it ({@code seenBy}): itself from its own state, its peer from
     * the peer's last heartbeat.
     *
     * @param serviceAddress       the node's service address, null when it has none
     * @param serviceAddressHolder the node holding that address now, null when none does (or there is none)
     * @param state                Table 2's state; "Unknown" for a peer not heard
     * @param reason               Table 2's reason; "" for a peer not heard
     * @param detail               the node answering: what Unknown disagrees on, naming both versions; else null. Always
     *                             null for the peer
     * @param protocol             its redundancy protocol; null for a peer not heard yet
     * @param software             its software version ("" when a peer sent none); null for a peer not heard yet
     * @param compatible           the peer: whether its protocol interoperates with this node's; null for the node
     *                             answering and for a peer not heard yet
     * @param standbyReady         the node answering: whether its peer holds a copy of every session it serves; null
     *                             without session replication, and for the peer
     * @param heartbeatPaths       the peer: each heartbeat path to it and whether it works now; null for the node
     *                             answering
     * @param actions              the actions the specification allows on this node now (Failover, Fallback,
     *                             Recover), by their display names: what the console enables
     */
    public record GroupNode(String id, String address, @Nullable String serviceAddress,
                            @Nullable String serviceAddressHolder, String state, String reason, @Nullable String detail,
                            @Nullable Integer protocol, @Nullable String software, @Nullable Boolean compatible,
                            boolean alive, boolean healthy, String seenBy, @Nullable Boolean standbyReady,
                            @Nullable List<HeartbeatPath> heartbeatPaths, List<String> actions) {
        public GroupNode {
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }

    /**
     * One heartbeat path to the peer (docs/redundancy.md, Heartbeat paths).
     *
     * @param local      this node's address on the path
     * @param peer       the peer's address on it, the path's name in metrics and events
     * @param reason     up, not heard yet, silent (nothing for keepAliveTimeout) or refused (the peer's host refused a
     *                   message sent on it within keepAliveTimeout)
     * @param lastHeard  when the last message from the peer came on it (ISO-8601), or null
     * @param received   messages from the peer that came on it, first copies and copies alike
     * @param duplicates copies of messages that came first on another path
     */
    public record HeartbeatPath(String local, String peer, boolean up, String reason, @Nullable String lastHeard,
                                long received, long duplicates, long refusals) {}

    /**
     * {@code POST .../failover}, {@code .../fallback}, {@code .../recover}: 202 when the node started the action, 409
     * with the reason when the specification does not allow it now.
     */
    public record ActionAnswer(boolean accepted, String message) {}
}
