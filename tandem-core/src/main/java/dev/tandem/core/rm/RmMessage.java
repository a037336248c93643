package dev.tandem.core.rm;

import dev.tandem.core.Message;
import dev.tandem.core.NodeId;
import java.util.Set;

/** What two recovery managers of a pair say to each other on the service port ([RG-HB]: heartbeat). */
public sealed interface RmMessage extends Message {

    String group();

    long incarnation();

    /**
     * The sender's whole view, sent every keep-alive interval and at once on every change, so a
     * lost message is repaired by the next one and the pair never depends on one delivery.
     *
     * @param fingerprint   the group configuration the sender runs with (both must agree)
     * @param incarnation   grows at every start of the sender's recovery manager
     * @param seq           grows with every heartbeat of one incarnation; older ones are dropped
     * @param resuming      while Initializing: the state persisted before the restart, else null
     * @param healthy       all critical services and the database are up
     * @param handoffReady  the sender's half of the current transition is done
     * @param recoveryEpoch grows with every Recover; a higher one makes the peer recover too
     * @param versions      the sender's protocol and software; {@link Versions#previous()} when it sent none
     * @param serving       whose users the sender serves now ({@link Serving}, its own side first); null when its
     *                      protocol does not say ({@link Versions#SERVING_SENT}): a peer frozen in Running in Failed
     *                      Mode with every user and one frozen with none differ only in this
     * @param heard         the receiver's incarnation the sender heard last: -1 when it heard none, or when its
     *                      protocol does not say ({@link Versions#HEARD_SENT}); a node starting with a witness waits
     *                      for its own before it serves (docs/decisions/115-a-witness-decides-who-serves.md)
     */
    record Heartbeat(NodeId from, String group, String fingerprint, long incarnation, long seq,
                     NodeState state, Reason reason, NodeState resuming, boolean healthy,
                     boolean handoffReady, long recoveryEpoch, Versions versions, Set<Serving.Side> serving,
                     long heard)
            implements RmMessage {
        public Heartbeat {
            serving = serving == null ? null : Set.copyOf(serving);
            if (heard < -1) throw new IllegalArgumentException("heard incarnation " + heard + ": allowed -1 or more");
        }

        /** A heartbeat that does not say which incarnation of the receiver it heard, as builds before protocol 4. */
        public Heartbeat(NodeId from, String group, String fingerprint, long incarnation, long seq, NodeState state,
                         Reason reason, NodeState resuming, boolean healthy, boolean handoffReady, long recoveryEpoch,
                         Versions versions, Set<Serving.Side> serving) {
            this(from, group, fingerprint, incarnation, seq, state, reason, resuming, healthy, handoffReady,
                    recoveryEpoch, versions, serving, -1);
        }

        /** A heartbeat that does not say whom its sender serves, as builds before protocol 3 send it. */
        public Heartbeat(NodeId from, String group, String fingerprint, long incarnation, long seq, NodeState state,
                         Reason reason, NodeState resuming, boolean healthy, boolean handoffReady, long recoveryEpoch,
                         Versions versions) {
            this(from, group, fingerprint, incarnation, seq, state, reason, resuming, healthy, handoffReady,
                    recoveryEpoch, versions, null);
        }
    }

    /**
     * A heartbeat of a protocol the receiver does not interoperate with: only its fixed beginning can be read (who
     * sends it, its group and incarnation, its versions); what it says of its state is not understood. It proves the
     * peer is alive, so it is never a Peer Down (docs/decisions/0075-versions-in-the-heartbeat.md).
     */
    record Unreadable(NodeId from, String group, long incarnation, Versions versions) implements RmMessage {}

    /** A graceful stop: the peer sees Peer Reboot rather than waiting for the timeout ([RG-T2]). */
    record Goodbye(NodeId from, String group, long incarnation) implements RmMessage {}
}
