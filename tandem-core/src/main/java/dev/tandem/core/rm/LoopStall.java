package dev.tandem.core.rm;

import java.time.Duration;

/**
 * When a node whose protocol loop has stopped turning must stop serving, and when it must stop altogether
 * (docs/decisions/0046-a-deaf-node-stops-serving.md).
 *
 * <p>A node whose loop is stuck in one task is deaf: it neither sends heartbeats nor hears its peer's, while its
 * session and redirect services, on threads of their own, would go on serving. Its peer declares it down one Keep
 * Alive Timeout after the last heartbeat it heard, and takes its users over. Hence two bounds:
 * <ul>
 *   <li>{@link #fenceAfter()}: after one heartbeat interval in one task the node stops answering clients (sessions
 *       and redirects are refused as unavailable), and answers again as soon as the task ends;</li>
 *   <li>{@link #failAfterSilence()}: still stuck when this long has passed since the last heartbeat it sent, the
 *       peer is about to take over: the node releases its addresses and ends its process (fail clean), so the two
 *       never serve the same users, and comes back from its persisted state.</li>
 * </ul>
 * A loop that is stuck for a moment (a slow disk, the process descheduled) but sent a heartbeat recently is only
 * fenced: the peer has not lost it, so ending the process would cause the very failover it avoids. Nor does a node
 * whose peer is down (or that has none) fail: nobody is about to take its users over, and ending the survivor of a
 * pair would leave every user unserved ({@link #peerMayTakeOver}).
 *
 * @param fenceAfter        stop answering clients after the loop has been in one task this long
 * @param failAfterSilence  end the process when, stuck, this long has passed since the last heartbeat sent
 * @param checkEvery        how often the watchdog looks; {@code failAfterSilence} leaves one look of margin
 */
public record LoopStall(Duration fenceAfter, Duration failAfterSilence, Duration checkEvery) {

    /**
     * Whether a stuck node's peer may take its users over, so that failing clean is needed: only while the peer is
     * alive as the node last knew it. A node alone, or whose peer is down, is fenced while stuck but never ended.
     */
    public static boolean peerMayTakeOver(RmState s) {
        return s.peerId().isPresent() && s.peer().alive();
    }

    /** The bounds for a pair's heartbeat parameters. */
    public static LoopStall of(ServiceParameters p) {
        Duration checkEvery = p.keepAliveInterval().dividedBy(4);
        return new LoopStall(p.keepAliveInterval(), p.keepAliveTimeout().minus(checkEvery), checkEvery);
    }
}
