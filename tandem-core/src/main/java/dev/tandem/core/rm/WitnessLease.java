package dev.tandem.core.rm;

import dev.tandem.core.NodeId;
import java.time.Duration;
import java.time.Instant;

/**
 * A redundancy group's lease as its witness keeps it: who holds it, its fencing number and when it runs out, on the
 * witness's own clock. The witness grants it to one node at a time; the store and {@code tandem witness} keep it by
 * this rule, and the simulator's witness too (docs/decisions/115-a-witness-decides-who-serves.md).
 *
 * @param holder    the node that holds it
 * @param fence     raised each time the lease changes hands, so a late action of an earlier holder can be told apart
 * @param expiresAt when it runs out unless its holder asks again
 */
public record WitnessLease(NodeId holder, long fence, Instant expiresAt) {

    /**
     * The lease after {@code node} asks for it at {@code now} for {@code time}: the holder's ask renews it, an ask after
     * it ran out moves it to the asker with the next fencing number, any other ask leaves it as it is (the asker is
     * refused). The asker holds it when the answer's holder is the asker.
     *
     * @param current the lease as the witness keeps it, or null when the group never had one
     */
    public static WitnessLease ask(WitnessLease current, NodeId node, Duration time, Instant now) {
        if (time.isNegative() || time.isZero()) throw new IllegalArgumentException("lease time " + time + " is not positive");
        if (current == null) return new WitnessLease(node, 1, now.plus(time));
        if (current.holder.equals(node)) return new WitnessLease(node, current.fence, now.plus(time));
        if (!now.isBefore(current.expiresAt)) return new WitnessLease(node, current.fence + 1, now.plus(time));
        return current;
    }
}
