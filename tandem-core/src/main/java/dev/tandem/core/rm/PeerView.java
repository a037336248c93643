package dev.tandem.core.rm;

import java.time.Instant;
import java.util.Set;

/**
 * What this recovery manager knows of its peer, from the peer's heartbeats of one incarnation.
 * {@code refusals}: how many of our messages in a row the peer's host refused (its port is closed) since
 * the peer was last heard. {@code versions}: the peer's protocol and software as it last sent them, null until it is
 * heard; they stay after it goes silent, to show what it ran. A peer of a protocol this node does not interoperate with
 * is known only by its versions and incarnation (docs/decisions/0075-versions-in-the-heartbeat.md). {@code serving}:
 * whose users the peer said it serves (its own side first), null when its protocol does not say
 * (docs/decisions/0081-heartbeats-say-whom-the-sender-serves.md). {@code heard}: this node's incarnation the peer last
 * heard, null when its protocol does not say ({@link Versions#HEARD_SENT}); -1 when it heard none. {@code since}: when
 * this incarnation of the peer was first heard, null before.
 */
public record PeerView(Status status, long incarnation, long seq, NodeState state, Reason reason,
                       NodeState resuming, boolean healthy, boolean handoffReady, long recoveryEpoch,
                       String fingerprint, Instant lastHeard, int refusals, Versions versions,
                       Set<Serving.Side> serving, Long heard, Instant since) {

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
        return new PeerView(Status.NOT_HEARD, -1, -1, NodeState.UNKNOWN, Reason.UNKNOWN, null, false, false, 0, "", null,
                0, null, null, null, null);
    }

    public boolean alive() {
        return status == Status.ALIVE;
    }

    public PeerView withStatus(Status s) {
        return new PeerView(s, incarnation, seq, state, reason, resuming, healthy, handoffReady, recoveryEpoch,
                fingerprint, lastHeard, refusals, versions, serving, heard, since);
    }

    /**
     * After its goodbye: that incarnation has ended, so any heartbeat of it that comes later was delayed past the
     * goodbye and is dropped as older, whatever the peer's status becomes meanwhile. A peer heard until now has left;
     * one already silent for its timeout stays gone.
     */
    public PeerView ended() {
        return new PeerView(status == Status.GONE ? Status.GONE : Status.LEFT, incarnation, Long.MAX_VALUE, state,
                reason, resuming, healthy, handoffReady, recoveryEpoch, fingerprint, lastHeard, refusals, versions,
                serving, heard, since);
    }

    public PeerView withRefusals(int n) {
        return new PeerView(status, incarnation, seq, state, reason, resuming, healthy, handoffReady, recoveryEpoch,
                fingerprint, lastHeard, n, versions, serving, heard, since);
    }

    public static PeerView from(RmMessage.Heartbeat h, Instant now) {
        return new PeerView(Status.ALIVE, h.incarnation(), h.seq(), h.state(), h.reason(), h.resuming(), h.healthy(),
                h.handoffReady(), h.recoveryEpoch(), h.fingerprint(), now, 0, h.versions(),
                h.versions().protocol() >= Versions.SERVING_SENT ? h.serving() : null,
                h.versions().protocol() >= Versions.HEARD_SENT ? Long.valueOf(h.heard()) : null, now);
    }

    /**
     * A peer heard only through heartbeats it cannot read: alive, of that incarnation and versions; the rest says
     * nothing (Unknown, unhealthy, no fingerprint), so no rule can act on it.
     */
    public static PeerView unreadable(long incarnation, Versions versions, Instant now) {
        return new PeerView(Status.ALIVE, incarnation, -1, NodeState.UNKNOWN, Reason.UNKNOWN, null, false, false, 0,
                "", now, 0, versions, null, null, now);
    }

    /**
     * Whether the peer said it serves that side of the users, from its own point of view ({@code OWN}: its users);
     * false when its protocol does not say.
     */
    public boolean says(Serving.Side side) {
        return serving != null && serving.contains(side);
    }

    /** The same view, this incarnation first heard at {@code at}. */
    public PeerView heardSince(Instant at) {
        return new PeerView(status, incarnation, seq, state, reason, resuming, healthy, handoffReady, recoveryEpoch,
                fingerprint, lastHeard, refusals, versions, serving, heard, at);
    }

    /** Whether the peer said it heard {@code incarnation} of this node, or does not say (an older protocol). */
    public boolean heardIncarnation(long incarnation) {
        return heard == null || heard == incarnation;
    }

    /** Heard, and speaking a protocol that {@code mine} does not interoperate with. */
    public boolean incompatibleWith(Versions mine) {
        return versions != null && !mine.interoperatesWith(versions);
    }
}
