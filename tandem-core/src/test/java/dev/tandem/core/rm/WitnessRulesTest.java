package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/decisions/115-a-witness-decides-who-serves.md, rule by rule on one pair with the simulator's fast parameters and
 * a witness answered by this test with the core's own {@link WitnessLease} rule.
 */
class WitnessRulesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final Duration STEP = Duration.ofMillis(100);

    private final List<String> servedTwice = new ArrayList<>();
    private WitnessLease lease;
    private int answered;

    private static RmPair pair(String recovery) {
        return new RmPair(RedundancyGroup.pair("g1", N1, N2, true), ServiceParameters.fromText(Map.of(
                "keepAliveInterval", "1s", "keepAliveTimeout", "3s", "initKeepAliveTimeout", "6s",
                "partitionRecovery", recovery)));
    }

    /** Runs {@code d} in small steps, the witness answering every ask at once when {@code reachable}. */
    private void run(RmPair p, Duration d, boolean reachable) {
        for (Duration done = Duration.ZERO; done.compareTo(d) < 0; done = done.plus(STEP)) {
            p.advance(STEP);
            answer(p, reachable);
            Set<Serving.Side> s1 = p.state(N1).serving();
            Set<Serving.Side> s2 = p.state(N2).serving();
            if (s1.contains(Serving.Side.OWN) && s2.contains(Serving.Side.PEER)
                    || s2.contains(Serving.Side.OWN) && s1.contains(Serving.Side.PEER)) {
                servedTwice.add(p.now + ": n1 " + s1 + ", n2 " + s2);
            }
        }
    }

    private void answer(RmPair p, boolean reachable) {
        for (int i = answered; i < p.log.size(); i++) {
            RmPair.Step step = p.log.get(i);
            for (Effect e : step.result().effects()) {
                if (!(e instanceof Effect.AskWitness a)) continue;
                if (!reachable) {
                    p.step(a.node(), new RmEvent.WitnessUnreachable(a.askId(), "down"));
                    continue;
                }
                lease = WitnessLease.ask(lease, a.node(), a.leaseTime(), p.now);
                p.step(a.node(), new RmEvent.WitnessAnswered(a.askId(), lease.holder(), lease.fence()));
            }
        }
        answered = p.log.size();
        p.settle();
    }

    private static long asks(RmPair p) {
        return p.log.stream().flatMap(s -> s.result().effects().stream()).filter(Effect.AskWitness.class::isInstance)
                .count();
    }

    @Test
    void aPartitionGivesEveryUserToTheLeaseHolderAndTheHealNeedsNoRecover() {
        RmPair p = pair("witness");
        p.startBoth();
        run(p, Duration.ofSeconds(2), true);
        assertThat(asks(p)).as("nobody asks while the peers hear each other").isZero();
        p.partition(true);
        run(p, Duration.ofSeconds(12), true);
        NodeId holder = lease.holder();
        NodeId other = holder.equals(N1) ? N2 : N1;
        assertThat(p.state(holder).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(p.state(holder).reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(p.state(other).state()).isEqualTo(NodeState.FAILED_OVER);
        assertThat(p.state(other).reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(p.state(other).serving()).isEmpty();
        assertThat(lease.fence()).isEqualTo(1);

        p.partition(false);
        run(p, Duration.ofSeconds(10), true);
        assertThat(p.state(holder).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(p.state(other).state()).isEqualTo(NodeState.FAILED_OVER);
        assertThat(p.log).noneMatch(s -> s.result().state().state() == NodeState.RUNNING_IN_FAILED_MODE);
        assertThat(servedTwice).isEmpty();
    }

    @Test
    void theHolderServesTheSilentPeersUsersOnlyAfterTheWaitAndTheOtherGivesThemUpBefore() {
        RmPair p = pair("witness");
        p.startBoth();
        p.partition(true);
        ServiceParameters params = p.state(N1).params();
        List<java.time.Instant> lostAt = new ArrayList<>();
        for (int i = 0; i < 200 && lostAt.size() < 2; i++) {
            run(p, STEP, true);
            for (NodeId n : List.of(N1, N2)) {
                if (p.state(n).state() == NodeState.FAILED_OVER && lostAt.isEmpty()) lostAt.add(p.now);
                if (p.state(n).state() == NodeState.RUNNING_IN_BACKUP_MODE && lostAt.size() == 1) lostAt.add(p.now);
            }
        }
        assertThat(lostAt).hasSize(2);
        // The other lets go an interval after its timeout; the holder takes a timeout and two intervals after its
        // Taking Over began: the first always comes first.
        assertThat(Duration.between(lostAt.get(0), lostAt.get(1))).isGreaterThanOrEqualTo(params.keepAliveInterval());
        assertThat(servedTwice).isEmpty();
    }

    @Test
    void withTheWitnessDownBothGiveTheirUsersUpAndServeThemAgainOnceTheyHearEachOther() {
        RmPair p = pair("witness");
        p.startBoth();
        p.partition(true);
        run(p, Duration.ofSeconds(8), false);
        for (NodeId n : List.of(N1, N2)) {
            assertThat(p.state(n).state()).as(n.value()).isEqualTo(NodeState.FAILED_OVER);
            assertThat(p.state(n).serving()).isEmpty();
            assertThat(p.state(n).lease().reachable()).isFalse();
        }
        p.partition(false);
        run(p, Duration.ofSeconds(3), false);
        assertThat(p.state(N1).state()).isEqualTo(NodeState.NORMAL);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.NORMAL);
        assertThat(servedTwice).isEmpty();
    }

    @Test
    void withoutAWitnessNothingIsAskedAndThePairDoesWhatTheSpecificationSays() {
        RmPair p = pair("manual");
        p.startBoth();
        p.partition(true);
        run(p, Duration.ofSeconds(8), true);
        assertThat(asks(p)).isZero();
        assertThat(p.state(N1).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(servedTwice).isNotEmpty(); // the specification's Peer Down row: both serve every user
    }

    @Test
    void aHeartbeatDelayedPastItsSendersGoodbyeIsDropped() {
        RmPair p = pair("manual");
        p.startBoth();
        RmState n2 = p.state(N2);
        RmMessage.Heartbeat late = new RmMessage.Heartbeat(N2, "g1", n2.group().fingerprint(), n2.incarnation(),
                n2.peer().seq() + 1_000, NodeState.NORMAL, Reason.NORMAL, null, true, false, 0, n2.versions(),
                Set.of(Serving.Side.OWN), p.state(N1).incarnation());
        p.step(N1, new RmEvent.Received(new RmMessage.Goodbye(N2, "g1", n2.incarnation())));
        assertThat(p.state(N1).peer().status()).isEqualTo(PeerView.Status.LEFT);
        p.step(N1, new RmEvent.Received(late));
        assertThat(p.state(N1).peer().status()).as("that incarnation ended").isEqualTo(PeerView.Status.LEFT);
    }
}
