package dev.tandem.core.rm;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node keeps of its group's lease at the witness during one step
 * (docs/decisions/115-a-witness-decides-who-serves.md): when to ask, what an answer means, and when the witness's
 * rules next need a look. The rules that act on it are in
 * {@link RmRules} and {@link ServingRules}; {@link RmWork} says what holding the lease allows.
 */
final class LeaseBook {
    private LeaseBook() {}

    /** The answer to an ask: only the last ask's counts, and only a grant to this node is a lease it holds. */
    static void answered(RmWork w, long askId, NodeId holder, long fence) {
        RmState.Lease l = w.lease;
        if (askId != l.asks() || l.askedAt() == null) return;
        boolean mine = holder.equals(w.before.self());
        // Counted from the ask, never from the answer: the witness counted from a later instant.
        Instant until = mine ? l.askedAt().plus(RecoveryManager.leaseTime(w.params)) : null;
        w.lease = new RmState.Lease(l.asks(), l.askedAt(), until, mine ? fence : l.fence(), holder, true);
    }

    static void unreachable(RmWork w, long askId) {
        RmState.Lease l = w.lease;
        if (askId != l.asks() || !l.reachable()) return;
        w.lease = new RmState.Lease(l.asks(), l.askedAt(), l.heldUntil(), l.fence(), l.holder(), false);
    }

    /** The peer is heard again: what the witness said during the partition no longer counts against this node. */
    static void peerHeard(RmWork w) {
        RmState.Lease l = w.lease;
        if (l.holder() != null && w.peer.alive()) {
            w.lease = new RmState.Lease(l.asks(), l.askedAt(), l.heldUntil(), l.fence(), null, l.reachable());
        }
    }

    /** Once a keep-alive interval while the node needs the lease ({@link RmWork#needLease}). */
    static void askIfDue(RmWork w) {
        if (!w.needLease() || w.now.isBefore(nextAsk(w))) return;
        RmState.Lease l = w.lease;
        w.lease = new RmState.Lease(l.asks() + 1, w.now, l.heldUntil(), l.fence(), l.holder(), l.reachable());
        w.effects.add(new Effect.AskWitness(w.group.name(), w.before.self(), w.lease.asks(),
                RecoveryManager.leaseTime(w.params)));
    }

    /** When the witness's rules next need a look: the next ask, the end of the grace, the lease or the wait. */
    static Instant deadline(RmWork w) {
        if (!w.needLease()) return null;
        List<Instant> at = new ArrayList<>(List.of(nextAsk(w)));
        if (w.leaseHeld()) {
            at.add(w.lease.heldUntil());
            if (w.state == NodeState.TAKING_OVER) at.add(w.takeAt());
        } else {
            at.add(w.fenceAt());
        }
        return at.stream().filter(t -> t.isAfter(w.now)).min(Instant::compareTo).orElse(null);
    }

    private static Instant nextAsk(RmWork w) {
        return w.lease.askedAt() == null ? w.now : w.lease.askedAt().plus(w.params.keepAliveInterval());
    }
}
