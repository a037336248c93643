package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.MemberSpeaking;
import dev.tandem.core.lb.MemberSpeaking.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who speaks for a load-balancing member, replayed as a node's shell applies it: after every step of each node's
 * recovery manager, that node alone asks {@link MemberSpeaking#next} with its own state.
 */
class MemberSpeakingTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    /** The speaking flag of each node configured for one member, and how many spoke after each step. */
    private static final class Speakers {
        final String member;
        final Map<NodeId, Boolean> speaking = new LinkedHashMap<>();
        final List<Integer> counts = new ArrayList<>();
        private int seen;

        Speakers(String member, NodeId... nodes) {
            this.member = member;
            for (NodeId n : nodes) speaking.put(n, false);
        }

        /** Applies the rule after each step of the pair's log not yet followed. */
        Speakers follow(RmPair p) {
            for (; seen < p.log.size(); seen++) {
                RmPair.Step s = p.log.get(seen);
                if (!speaking.containsKey(s.node())) continue;
                Change c = MemberSpeaking.next(member, s.node(), s.result().state(), speaking.get(s.node()));
                if (c == Change.START) speaking.put(s.node(), true);
                if (c == Change.STOP) speaking.put(s.node(), false);
                counts.add((int) speaking.values().stream().filter(b -> b).count());
            }
            return this;
        }

        List<NodeId> now() {
            return speaking.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        }

        /** From {@code from} (an index into {@link #counts}) on, some node spoke after every step. */
        boolean neverSilentFrom(int from) {
            return counts.subList(from, counts.size()).stream().allMatch(n -> n > 0);
        }
    }

    private static void fallback(RmPair p, NodeId node) {
        p.step(node, new RmEvent.Admin(2, AdminAction.FALLBACK));
        p.settle();
    }

    @Test
    void thePairsFirstNodeSpeaksWhileTheyAreNormal() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        Speakers g1 = new Speakers("g1", N1, N2).follow(p);
        assertThat(p.state(N1).state()).isEqualTo(NodeState.NORMAL);
        assertThat(g1.now()).containsExactly(N1);
    }

    @Test
    void aManualFailoverAndAFallbackMoveTheMemberWithoutASilentMoment() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        Speakers g1 = new Speakers("g1", N1, N2).follow(p);
        int moved = g1.counts.size();

        p.manualFailover(N1);
        g1.follow(p);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(g1.now()).as("the backup serves the first node's users").containsExactly(N2);
        assertThat(g1.neverSilentFrom(moved)).as("speakers after each step: %s", g1.counts).isTrue();

        int back = g1.counts.size();
        fallback(p, N1);
        g1.follow(p);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.NORMAL);
        // The backup fallen back to Normal no longer serves the first node's users: it stops, as the first starts.
        assertThat(g1.now()).containsExactly(N1);
        assertThat(g1.neverSilentFrom(back)).as("speakers after each step: %s", g1.counts).isTrue();
    }

    @Test
    void aNodeSpeakingForItselfLeavesTheGroupWhileItIsFailedOver() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        Speakers alone = new Speakers("n1", N1).follow(p);
        assertThat(alone.now()).containsExactly(N1);
        p.manualFailover(N1);
        alone.follow(p);
        assertThat(p.state(N1).state()).isEqualTo(NodeState.IDLE);
        assertThat(alone.now()).as("Idle serves nobody: the director must not send it clients").isEmpty();
    }

    @Test
    void aStoppedRecoveryManagerStopsItsMember() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.Stop());
        assertThat(MemberSpeaking.next("g1", N1, p.state(N1), true)).isEqualTo(Change.STOP);
        assertThat(MemberSpeaking.next("g1", N1, p.state(N1), false)).isEqualTo(Change.NONE);
    }
}
