package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The machine's contract with its shell: one step per event, effects in order, loud illegal transitions. */
class LoadBalancerTest {
    private static final Instant T = LbCluster.T0;

    private static LbState fresh(boolean participate) {
        return LoadBalancer.initial(NodeId.of("a"), MemberName.of("a"), GroupSettings.of(NetAddress.parse("c",
                "10.0.0.100")), LbCluster.device("10.0.0.1", 5).withParticipate(participate), LbTiming.defaults());
    }

    @Test
    void startSendsHelloToTheClusterAndCandidacyToTheGroupAndSetsTimers() {
        Transition<LbState> t = LoadBalancer.step(fresh(true), new LbEvent.Start(Optional.empty()), T);
        assertThat(t.state().phase()).isEqualTo(LbPhase.DISCOVERING);
        assertThat(t.effects()).hasSize(5);
        assertThat(t.effects().get(0)).isInstanceOf(Effect.Record.class);
        assertThat(t.effects().get(1)).isInstanceOfSatisfying(Effect.SendToCluster.class,
                s -> assertThat(s.message()).isInstanceOf(LbMessage.HelloRequest.class));
        assertThat(t.effects().get(2)).isInstanceOfSatisfying(Effect.SendToGroup.class,
                s -> assertThat(s.message()).isInstanceOf(LbMessage.Candidacy.class));
        assertThat(t.effects().subList(3, 5)).containsExactly(
                new Effect.SetTimer(LoadBalancer.TIMER_DISCOVERY, T.plusSeconds(4)),
                new Effect.SetTimer(LoadBalancer.TIMER_HELLO, T.plusSeconds(1)));
    }

    @Test
    void startingTwiceOrWithoutParticipateFailsLoudly() {
        LbState started = LoadBalancer.step(fresh(true), new LbEvent.Start(Optional.empty()), T).state();
        assertThatThrownBy(() -> LoadBalancer.step(started, new LbEvent.Start(Optional.empty()), T))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("started twice");
        assertThatThrownBy(() -> LoadBalancer.step(fresh(false), new LbEvent.Start(Optional.empty()), T))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("participate disabled");
    }

    @Test
    void aTimerFiringEarlyOrTwiceChangesNothing() {
        LbState started = LoadBalancer.step(fresh(true), new LbEvent.Start(Optional.empty()), T).state();
        Transition<LbState> early = LoadBalancer.step(started, new LbEvent.TimerFired(LoadBalancer.TIMER_DISCOVERY),
                T.plusMillis(500));
        assertThat(early.effects()).isEmpty();
        assertThat(early.state()).isEqualTo(started);
    }

    @Test
    void stopCancelsEveryTimer() {
        LbState started = LoadBalancer.step(fresh(true), new LbEvent.Start(Optional.empty()), T).state();
        Transition<LbState> stopped = LoadBalancer.step(started, new LbEvent.Stop(false), T.plusMillis(10));
        assertThat(stopped.state().phase()).isEqualTo(LbPhase.STOPPED);
        assertThat(stopped.state().timers()).isEmpty();
        assertThat(stopped.effects()).contains(new Effect.CancelTimer(LoadBalancer.TIMER_HELLO),
                new Effect.CancelTimer(LoadBalancer.TIMER_DISCOVERY));
    }

    @Test
    void ownBroadcastsAreIgnored() {
        Transition<LbState> t = LoadBalancer.step(fresh(true), new LbEvent.Start(Optional.empty()), T);
        LbMessage own = (LbMessage) ((Effect.SendToGroup) t.effects().get(2)).message();
        Transition<LbState> echo = LoadBalancer.step(t.state(), new LbEvent.Received(own), T.plusMillis(1));
        assertThat(echo.effects()).isEmpty();
        assertThat(echo.state().members()).hasSize(1);
    }
}
