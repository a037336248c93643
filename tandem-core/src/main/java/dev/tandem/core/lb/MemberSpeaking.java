package dev.tandem.core.lb;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.Serving;

/**
 * Which node runs a load-balancing member's machine ("speaks for" it), decided by each node alone from its own
 * recovery-manager state after every step of it; the node and the simulator both ask here.
 *
 * <p>A member is a node on its own or a redundancy group ([LB-FAQ], "Using VPN Load Balancing and Failover on the
 * Same Device"). A node speaks for a member named after itself while it serves its own users: a node failed over,
 * idle, initializing or stopped leaves the group, so the director never sends it a client. A node of a pair speaks
 * for the member named after the pair while it serves the users of the pair's first node: the first node normally,
 * its peer while the first is failed over. No node asks the other: under a partition both nodes of a pair serve
 * the first node's users and both speak, until the pair's rule that ends dual service ends this too.
 */
public final class MemberSpeaking {
    private MemberSpeaking() {}

    /** What a node does about a member after a step of its recovery manager. */
    public enum Change {
        /** Start the member's machine (it did not speak). */
        START,
        /** Stop it: the other node of the pair, or nobody, speaks now. */
        STOP,
        /** Go on as it is, speaking or not. */
        NONE
    }

    /** Whether {@code self}, in recovery-manager state {@code rm}, should speak for {@code member}. */
    public static boolean wants(String member, NodeId self, RmState rm) {
        if (!rm.running()) return false;
        if (!forPair(member, rm)) return rm.serving().contains(Serving.Side.OWN);
        boolean first = rm.group().nodes().get(0).equals(self);
        return rm.serving().contains(first ? Serving.Side.OWN : Serving.Side.PEER);
    }

    /**
     * The change for a node that speaks ({@code speaking}) or not. A pair's speaker that no longer serves the first
     * node's users goes on while its own state is a transition (failing over, falling back, taking over or back:
     * the users are on their way to the other node), so that the member is never silent while they move, and stops
     * once its state is settled (Normal, failed over, failed mode), starting or stopped. The moves end with the
     * receiving node settled first, so the two speak together for a moment rather than neither.
     */
    public static Change next(String member, NodeId self, RmState rm, boolean speaking) {
        boolean want = wants(member, self, rm);
        if (want == speaking) return Change.NONE;
        if (want) return Change.START;
        if (forPair(member, rm) && rm.running() && rm.state().isTransition() && rm.state() != NodeState.INITIALIZING) {
            return Change.NONE; // between two states: the current speaker goes on until the other node serves
        }
        return Change.STOP;
    }

    /** The member is the node's redundancy pair (named after its group), not the node alone. */
    public static boolean forPair(String member, RmState rm) {
        return member.equals(rm.group().name()) && rm.group().nodes().size() >= 2;
    }
}
