package dev.tandem.node.crypto;

/**
 * Which (epoch, counter) pairs of one sender were already accepted: the newest epoch, the highest counter
 * in it, and a 64-counter sliding window below that (the IPsec anti-replay scheme).
 */
final class ReplayWindow {
    private static final int WIDTH = 64;
    private long epoch = Long.MIN_VALUE;
    private long highest = -1;
    private long seen; // bit i: highest - i was accepted

    /** Accepts and records the pair, or returns false for a replay or a message too old to tell. */
    boolean accept(long msgEpoch, long counter) {
        if (msgEpoch < epoch || counter < 0) return false;
        if (msgEpoch > epoch) { // the sender restarted: a new epoch starts a new window
            epoch = msgEpoch;
            highest = counter;
            seen = 1;
            return true;
        }
        if (counter > highest) {
            long shift = counter - highest;
            seen = shift >= WIDTH ? 1 : (seen << shift) | 1;
            highest = counter;
            return true;
        }
        long age = highest - counter;
        if (age >= WIDTH) return false;
        long bit = 1L << age;
        if ((seen & bit) != 0) return false;
        seen |= bit;
        return true;
    }
}
