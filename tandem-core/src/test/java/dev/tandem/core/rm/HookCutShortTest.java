package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A start or stop of the critical services cut short by a kill or a stop (docs/decisions/0051): the state file
 * says which one ran, the next start runs it again before deciding anything, and a node whose services stay stopped
 * resumes Idle, from which Fallback is offered.
 */
class HookCutShortTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    @Test
    void theServiceHookRunningIsWrittenBeforeItRunsAndClearedWhenItEnds() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.manualFailover(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Admin(2, AdminAction.FALLBACK));
        Effect.Persist persist = RmPair.of(t, Effect.Persist.class).getLast();
        assertThat(persist.snapshot().hook()).isEqualTo(HookKind.START_SERVICES);
        assertThat(t.effects().indexOf(persist))
                .as("written before the hook runs")
                .isLessThan(t.effects().indexOf(RmPair.of(t, Effect.RunHook.class).getFirst()));

        Transition<RmState> done = p.completeHook(N1, true);
        assertThat(RmPair.of(done, Effect.Persist.class).getLast().snapshot().hook()).isNull();
    }

    @Test
    void aStartThatFindsACutHookRunsItAgainBeforeItDecides() {
        RmPair p = RmPair.of(true);
        p.start(N2, Optional.of(new PersistedRm(RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST, 3, 0, false)));
        Transition<RmState> t = p.start(N1, Optional.of(new PersistedRm(TAKING_BACK, Reason.ON_ADMIN_REQUEST, 3, 0,
                true, HookKind.START_SERVICES)));
        assertThat(RmPair.of(t, Effect.RunHook.class)).extracting(Effect.RunHook::kind)
                .containsExactly(HookKind.START_SERVICES);
        p.pump();
        assertThat(p.state(N1).state()).as("waits for the hook").isEqualTo(INITIALIZING);

        p.settle(); // the services start
        assertThat(p.state(N1).state()).isEqualTo(FAILED_OVER);
        assertThat(p.state(N1).healthy()).isTrue();
        assertThat(RecoveryManager.refusal(p.state(N1), AdminAction.FALLBACK)).isEmpty();
    }

    @Test
    void aNodeWhoseServicesStayStoppedResumesIdleNotStuckWithoutServices() {
        RmPair p = RmPair.of(true);
        p.start(N2, Optional.of(new PersistedRm(RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST, 3, 0, false)));
        p.advance(java.time.Duration.ofSeconds(121)); // n2 serves every user alone: Peer Down During Initialization
        assertThat(p.state(N2).state()).isEqualTo(RUNNING_IN_BACKUP_MODE);
        // Written by a version that did not record the hook: the start of the services never finished.
        p.start(N1, Optional.of(new PersistedRm(TAKING_BACK, Reason.ON_ADMIN_REQUEST, 3, 0, true)));
        p.settle();
        assertThat(p.state(N1).state()).isEqualTo(IDLE);
        assertThat(RecoveryManager.refusal(p.state(N1), AdminAction.FALLBACK)).isEmpty();
    }

    @Test
    void aStopCutShortIsWrittenWithTheGoodbyeAndItsEndIsIgnoredOnceStopped() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.Admin(1, AdminAction.FAILOVER));
        Transition<RmState> stop = p.step(N1, new RmEvent.Stop());
        assertThat(RmPair.of(stop, Effect.Persist.class)).extracting(e -> e.snapshot().hook())
                .containsOnly(HookKind.STOP_SERVICES);
        RmState stopped = stop.state();
        Transition<RmState> late = RecoveryManager.step(stopped,
                new RmEvent.HookCompleted(stopped.hooks().pendingId(), HookKind.STOP_SERVICES, true), RmPair.T0);
        assertThat(late.state()).isEqualTo(stopped);
        assertThat(late.effects()).isEmpty();
    }

    @Test
    void aStopOrStartThatEndsAfterTheStateMovedOnStillCounts() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.Admin(1, AdminAction.FAILOVER));
        long stopId = p.state(N1).hooks().pendingId();
        // The failover is overtaken (the peer vanished) while the stop runs; the stop still stopped the services.
        p.step(N1, new RmEvent.GroupChanged(RedundancyGroup.pair("g1", N1, N2, false)));
        p.step(N1, new RmEvent.HookCompleted(stopId, HookKind.STOP_SERVICES, true));
        assertThat(p.state(N1).health().servicesStopped()).isTrue();
    }

    @Test
    void aServiceHookStillRunningWhenTheStateMovesOnStaysWrittenUntilItEnds() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.Admin(1, AdminAction.FAILOVER));
        long stopId = p.state(N1).hooks().pendingId();
        // The state moves on while the stop runs on the host: a kill now must still find it written, or the next
        // start would not know its services were being stopped (and they would stay stopped with nobody to start them).
        Transition<RmState> moved = p.step(N1, new RmEvent.GroupChanged(RedundancyGroup.pair("g1", N1, N2, false)));
        assertThat(moved.state().state()).isNotEqualTo(FAILING_OVER);
        assertThat(moved.state().hooks().pending()).as("no longer waited for").isNull();
        assertThat(RmPair.of(moved, Effect.Persist.class).getLast().snapshot().hook())
                .isEqualTo(HookKind.STOP_SERVICES);

        Transition<RmState> ended = p.step(N1, new RmEvent.HookCompleted(stopId, HookKind.STOP_SERVICES, true));
        PersistedRm written = RmPair.of(ended, Effect.Persist.class).getLast().snapshot();
        assertThat(written.servicesStopped()).isTrue();
        assertThat(written.hook()).isNull();
    }

    @Test
    void onlyAServiceHookIsPersisted() {
        assertThatThrownBy(() -> new PersistedRm(NORMAL, Reason.NORMAL, 1, 0, false, HookKind.TAKE_OVER_USERS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TAKE_OVER_USERS");
    }
}
