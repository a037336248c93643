package dev.tandem.core.rm;

import java.time.Instant;

/**
 * What this recovery manager knows of its peer, from the peer's heartbeats of one incarnation.
 * {@code refusals}: how many of our messages in a row the peer's host refused (its port is closed) since
 * the peer was last heard.
 */
public record PeerView(Status status, long incarnation, long seq, NodeState state, Reason reason,
                       NodeState resuming, boolean healthy, boolean handoffReady, long recoveryEpoch,
                       String fingerprint, Instant lastHeard, int refusals) {

    public enum Status {
        /** Nothing heard since this recovery manager started. */
        NOT_HEARD,
        /** Heard within the keep-alive timeout. */
        ALIVE,
        /** Said goodbye (graceful stop); its timeout still runs. */
        LEFT,
        /** Silent for longer than the timeout ([RG-T2]: Peer Down). */
        GONE
    }

    public static PeerView notHeard() {
        return new PeerView(Status.NOT_HEARD, -1, -1, NodeState.UNKNOWN, Reason.UNKNOWN, null, false, false, 0, "", null, 0);
    }

    public boolean alive() {
        return status == Status.ALIVE;
    }

    public PeerView withStatus(Status s) {
        return new PeerView(s, incarnation, seq, state, reason, resuming, healthy, handoffReady, recoveryEpoch,
                fingerprint, lastHeard, refusals);
    }

    public PeerView withRefusals(int n) {
        return new PeerView(status, incarnation, seq, state, reason, resuming, healthy, handoffReady, recoveryEpoch,
                fingerprint, lastHeard, n);
    }

    public static PeerView from(RmMessage.Heartbeat h, Instant now) {
        return new PeerView(Status.ALIVE, h.incarnation(), h.seq(), h.state(), h.reason(), h.resuming(), h.healthy(),
                h.handoffReady(), h.recoveryEpoch(), h.fingerprint(), now, 0);
    }
}
