package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;
import static dev.tandem.core.rm.RecoveryManager.TIMER_FALLBACK;
import static dev.tandem.core.rm.RecoveryManager.TIMER_HEARTBEAT;
import static dev.tandem.core.rm.RecoveryManager.TIMER_PEER;
import static dev.tandem.core.rm.RecoveryManager.TIMER_SERVICE;
import static dev.tandem.core.rm.RmPair.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The recovery manager driven step by step: two machines, a message pump and a clock the test moves. The rows
 * named are [RG-T2]'s; the timings are [RG-HB].
 */
class RecoveryManagerTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final String FINGERPRINT = "g1|[n1, n2]|ha=true";

    private static Effect.Record record(NodeId n, String from, String to, String reason) {
        return new Effect.Record(n, RecoveryManager.PROTOCOL, from, to, reason);
    }

    private static void assertState(RmPair p, NodeId n, NodeState state, Reason reason) {
        assertThat(p.state(n).state()).as(n + " state").isEqualTo(state);
        assertThat(p.state(n).reason()).as(n + " reason").isEqualTo(reason);
    }

    /** A stopped recovery manager: nothing it acts on changed (its health bookkeeping may). */
    private static void assertUntouched(RmState after, RmState before) {
        assertThat(after.running()).isFalse();
        assertThat(after.state()).isEqualTo(before.state());
        assertThat(after.reason()).isEqualTo(before.reason());
        assertThat(after.incarnation()).isEqualTo(before.incarnation());
        assertThat(after.peer()).isEqualTo(before.peer());
        assertThat(after.timers()).isEqualTo(before.timers());
        assertThat(after.hooks().pending()).isEqualTo(before.hooks().pending());
    }

    private static RmMessage.Heartbeat lastHeartbeatFrom(RmPair p, NodeId n) {
        List<Map.Entry<NodeId, Effect.Send>> sends = p.effects(Effect.Send.class);
        for (int i = sends.size() - 1; i >= 0; i--) {
            if (sends.get(i).getKey().equals(n) && sends.get(i).getValue().message() instanceof RmMessage.Heartbeat h) {
                return h;
            }
        }
        throw new AssertionError("no heartbeat from " + n);
    }

    private static RmMessage.Heartbeat heartbeat(NodeId from, String group, long incarnation, long seq, NodeState s,
                                                 Reason r) {
        return new RmMessage.Heartbeat(from, group, FINGERPRINT, incarnation, seq, s, r, null, true, false, 0, Versions.current(""));
    }

    private static ServiceParameters params(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return ServiceParameters.fromText(m);
    }

    // ---------------------------------------------------------------- creation and start

    @Test
    void aNewRecoveryManagerIsNotRunningYet() {
        RedundancyGroup g = RedundancyGroup.pair("g1", N1, N2, true);
        RmState s = RecoveryManager.initial(N1, g, ServiceParameters.defaults());
        assertThat(s.running()).isFalse();
        assertThat(s.state()).isEqualTo(INITIALIZING);
        assertThat(s.reason()).isEqualTo(Reason.INITIALIZATION);
        assertThat(s.incarnation()).isZero();
        assertThat(s.serving()).isEmpty();
        assertThat(s.peerId()).contains(N2);
        assertThatThrownBy(() -> RecoveryManager.initial(N3, g, ServiceParameters.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n3 is not a node of group g1");
    }

    @Test
    void startPersistsRecordsHeartbeatsAndSetsBothTimers() {
        // [RG-T1]: Initializing is "the initial (transition) state when the ... Recovery Manager service
        // starts"; the peer gets the Initialization Keep Alive Timeout (120 s) and heartbeats go every 15 s.
        RmPair p = RmPair.of(true);
        Transition<RmState> t = p.start(N1);
        assertThat(t.effects()).containsExactly(
                new Effect.Persist(new PersistedRm(INITIALIZING, Reason.INITIALIZATION, 1, 0, false)),
                record(N1, "Stopped", "Initializing", "Initialization"),
                new Effect.Send(N2, new RmMessage.Heartbeat(N1, "g1", FINGERPRINT, 1, 1, INITIALIZING,
                        Reason.INITIALIZATION, null, true, false, 0, Versions.current(""), Set.of())),
                new Effect.SetTimer(TIMER_HEARTBEAT, T0.plusSeconds(15)),
                new Effect.SetTimer(TIMER_PEER, T0.plusSeconds(120)));
        assertThat(t.state().running()).isTrue();
        assertThat(t.state().timers()).containsEntry(TIMER_HEARTBEAT, T0.plusSeconds(15))
                .containsEntry(TIMER_PEER, T0.plusSeconds(120));
    }

    @Test
    void bothStartedTogetherAreNormal() {
        // [RG-T2], row "Normal / Normal | Normal / Normal".
        RmPair p = RmPair.of(true);
        p.startBoth();
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
        assertThat(p.effects(Effect.Record.class)).extracting(Map.Entry::getValue).contains(
                record(N1, "Initializing", "Normal", "Normal"), record(N2, "Initializing", "Normal", "Normal"));
        assertThat(p.state(N1).peer().alive()).isTrue();
        assertThat(p.state(N1).peer().state()).isEqualTo(NORMAL);
        assertThat(p.state(N1).serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.hooks()).isEmpty();
    }

    @Test
    void startingTwiceFailsLoudly() {
        RmPair p = RmPair.of(true);
        p.start(N1);
        assertThatThrownBy(() -> p.start(N1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("n1: recovery manager started twice");
    }

    @Test
    void aStartResumesAfterThePersistedIncarnation() {
        RmPair p = RmPair.of(true);
        Transition<RmState> t = p.start(N1, Optional.of(new PersistedRm(NORMAL, Reason.NORMAL, 41, 3, false)));
        assertThat(t.state().incarnation()).isEqualTo(42);
        assertThat(t.state().recoveryEpoch()).isEqualTo(3);
        RmMessage.Heartbeat h = (RmMessage.Heartbeat) RmPair.of(t, Effect.Send.class).get(0).message();
        assertThat(h.incarnation()).isEqualTo(42);
        assertThat(h.resuming()).as("the heartbeat says what it resumes").isEqualTo(NORMAL);
        assertThat(h.recoveryEpoch()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- heartbeat timing

    @Test
    void heartbeatEveryKeepAliveIntervalAndPeerDeadlineAtKeepAliveTimeout() {
        // [RG-HB]: Keep Alive (HeartBeat) Interval 15 s, Keep Alive (Heartbeat) Timeout 60 s.
        RmPair p = RmPair.of(true);
        p.startBoth();
        assertThat(p.timers(N1)).containsEntry(TIMER_HEARTBEAT, T0.plusSeconds(15))
                .containsEntry(TIMER_PEER, T0.plusSeconds(60));
        long seq = p.state(N1).times().heartbeatSeq();

        p.now = T0.plusSeconds(15);
        Transition<RmState> t = p.step(N1, new RmEvent.TimerFired(TIMER_HEARTBEAT));
        assertThat(RmPair.of(t, Effect.Send.class)).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo(N2);
            RmMessage.Heartbeat h = (RmMessage.Heartbeat) s.message();
            assertThat(h.seq()).isEqualTo(seq + 1);
            assertThat(h.state()).isEqualTo(NORMAL);
            assertThat(h.healthy()).isTrue();
        });
        assertThat(RmPair.of(t, Effect.SetTimer.class)).containsExactly(
                new Effect.SetTimer(TIMER_HEARTBEAT, T0.plusSeconds(30)));
        assertThat(t.state().state()).isEqualTo(NORMAL);

        p.pump();
        assertThat(p.timers(N2)).as("n2 heard n1 at 15 s: its deadline moves to 75 s")
                .containsEntry(TIMER_PEER, T0.plusSeconds(75));
    }

    @Test
    void timersFollowTheParameters() {
        RmPair p = new RmPair(RedundancyGroup.pair("g1", N1, N2, true),
                params("keepAliveInterval", "2s", "keepAliveTimeout", "5s", "initKeepAliveTimeout", "11s"));
        Transition<RmState> t = p.start(N1);
        assertThat(RmPair.of(t, Effect.SetTimer.class)).containsExactly(
                new Effect.SetTimer(TIMER_HEARTBEAT, T0.plusSeconds(2)),
                new Effect.SetTimer(TIMER_PEER, T0.plusSeconds(11)));
        p.now = T0.plusMillis(700);
        p.start(N2);
        p.settle();
        assertThat(p.timers(N1)).containsEntry(TIMER_PEER, T0.plusMillis(5700));
        assertThat(p.timers(N2)).containsEntry(TIMER_PEER, T0.plusMillis(5700))
                .containsEntry(TIMER_HEARTBEAT, T0.plusMillis(2700));
    }

    @Test
    void aHeartbeatTimerFiringEarlySendsNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        p.now = T0.plusMillis(14_999);
        Transition<RmState> t = p.step(N1, new RmEvent.TimerFired(TIMER_HEARTBEAT));
        // Nothing is sent; the shell no longer holds the timer, so the core sets it again for the same deadline.
        assertThat(t.effects()).containsExactly(new Effect.SetTimer(TIMER_HEARTBEAT, before.times().nextHeartbeat()));
        assertThat(t.state().times().heartbeatSeq()).isEqualTo(before.times().heartbeatSeq());
        assertThat(t.state().state()).isEqualTo(before.state());
    }

    @Test
    void aPeerSilentForTheKeepAliveTimeoutIsPeerDown() {
        // [RG-T2], row "Node 1 is down due to loss of network connectivity ... | Running in Backup Mode /
        // Peer Down": the heartbeat was lost for the Keep Alive Timeout.
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.crash(N2);
        p.advance(Duration.ofMillis(59_999));
        assertState(p, N1, NORMAL, Reason.NORMAL);

        p.advance(Duration.ofMillis(1));
        RmPair.Step takeOver = p.log.stream()
                .filter(s -> s.node().equals(N1) && s.event() instanceof RmEvent.TimerFired f && f.name().equals(TIMER_PEER))
                .findFirst().orElseThrow();
        assertThat(takeOver.at()).isEqualTo(T0.plusSeconds(60));
        assertThat(takeOver.result().effects()).contains(record(N1, "Normal", "Taking Over", "Peer Down"),
                new Effect.RunHook(HookKind.TAKE_OVER_USERS, List.of(N1, N2), 1));
        assertState(p, N1, RUNNING_IN_BACKUP_MODE, Reason.PEER_DOWN);
        assertThat(p.state(N1).serving()).containsExactlyInAnyOrder(Serving.Side.OWN, Serving.Side.PEER);
    }

    @Test
    void aPeerNeverHeardWithinTheInitializationTimeoutIsPeerDownDuringInitialization() {
        // [RG-T2], row "Failed Over ... / Initialization | Backup Mode / Peer Down During Initialization":
        // node 2 does not see node 1 during startup (Initialization Keep Alive Timeout, 120 s).
        RmPair p = RmPair.of(true);
        p.start(N2);
        p.settle();
        p.advance(Duration.ofMillis(119_999));
        assertState(p, N2, INITIALIZING, Reason.INITIALIZATION);
        p.advance(Duration.ofMillis(1));
        assertThat(p.effects(Effect.Record.class)).extracting(Map.Entry::getValue).contains(
                record(N2, "Initializing", "Taking Over", "Peer Down During Initialization"),
                record(N2, "Taking Over", "Running in Backup Mode", "Peer Down During Initialization"));
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.PEER_DOWN_DURING_INITIALIZATION);
    }

    @Test
    void anEarlyPeerTimerChangesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        p.now = T0.plusMillis(59_999);
        Transition<RmState> t = p.step(N1, new RmEvent.TimerFired(TIMER_PEER));
        assertThat(t.state().state()).isEqualTo(NORMAL);
        assertThat(t.state().peer()).isEqualTo(before.peer());
        assertThat(RmPair.of(t, Effect.Record.class)).isEmpty();
    }

    // ---------------------------------------------------------------- what is ignored

    @Test
    void aDuplicatedHeartbeatChangesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmMessage.Heartbeat last = lastHeartbeatFrom(p, N2);
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Received(last));
        assertThat(t.effects()).isEmpty();
        assertThat(t.state()).isEqualTo(before);
    }

    @Test
    void aHeartbeatWithALowerSequenceChangesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmMessage.Heartbeat last = lastHeartbeatFrom(p, N2);
        RmState before = p.state(N1);
        // An old heartbeat that says the peer was failing over: it is older than what n1 knows, so it is dropped.
        RmMessage.Heartbeat stale = new RmMessage.Heartbeat(N2, "g1", FINGERPRINT, last.incarnation(), last.seq() - 1,
                FAILING_OVER, Reason.ON_ADMIN_REQUEST, null, true, true, 0, Versions.current(""));
        Transition<RmState> t = p.step(N1, new RmEvent.Received(stale));
        assertThat(t.effects()).isEmpty();
        assertThat(t.state()).isEqualTo(before);
        assertThat(t.state().peer().state()).isEqualTo(NORMAL);
    }

    @Test
    void aHeartbeatOfAnOlderIncarnationChangesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmMessage.Heartbeat last = lastHeartbeatFrom(p, N2);
        RmState before = p.state(N1);
        RmMessage.Heartbeat old = new RmMessage.Heartbeat(N2, "g1", FINGERPRINT, last.incarnation() - 1, 1_000,
                RUNNING_IN_BACKUP_MODE, Reason.PEER_DOWN, null, true, false, 0, Versions.current(""));
        Transition<RmState> t = p.step(N1, new RmEvent.Received(old));
        assertThat(t.effects()).isEmpty();
        assertThat(t.state()).isEqualTo(before);
    }

    @Test
    void aHeartbeatOfANewerIncarnationIsTakenEvenWithALowSequence() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmMessage.Heartbeat last = lastHeartbeatFrom(p, N2);
        RmMessage.Heartbeat restarted = new RmMessage.Heartbeat(N2, "g1", FINGERPRINT, last.incarnation() + 1, 1,
                INITIALIZING, Reason.INITIALIZATION, NORMAL, true, false, 0, Versions.current(""));
        p.now = T0.plusSeconds(5);
        Transition<RmState> t = p.step(N1, new RmEvent.Received(restarted));
        assertThat(t.state().peer().incarnation()).isEqualTo(last.incarnation() + 1);
        assertThat(t.state().peer().state()).isEqualTo(INITIALIZING);
        assertThat(RmPair.of(t, Effect.Send.class)).as("answers at once").hasSize(1);
        assertThat(t.state().timers()).containsEntry(TIMER_PEER, T0.plusSeconds(65));
    }

    @Test
    void aResetLinkToThePeerSendsAHeartbeatAtOnceAndDecidesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.now = T0.plusSeconds(5); // between two scheduled heartbeats
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.PeerLinkLost(N2));
        assertThat(RmPair.of(t, Effect.Send.class)).as("a probe, now").singleElement()
                .satisfies(s -> assertThat(s.message()).isInstanceOf(RmMessage.Heartbeat.class));
        assertThat(t.state().state()).isEqualTo(before.state());
        assertThat(t.state().peer().alive()).as("a hint, not a verdict").isTrue();

        // A node that is not its peer: nothing is sent.
        assertThat(RmPair.of(p.step(N1, new RmEvent.PeerLinkLost(N3)), Effect.Send.class)).isEmpty();
    }

    @Test
    void aHeartbeatFromAnotherGroupIsIgnored() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Received(
                heartbeat(N2, "g2", 99, 1_000, RUNNING_IN_BACKUP_MODE, Reason.PEER_DOWN)));
        assertThat(t.effects()).isEmpty();
        assertThat(t.state()).isEqualTo(before);
    }

    @Test
    void aHeartbeatFromANodeOutsideTheGroupIsIgnored() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        for (NodeId stranger : List.of(N3, N1)) {
            Transition<RmState> t = p.step(N1, new RmEvent.Received(
                    heartbeat(stranger, "g1", 99, 1_000, FAILING_OVER, Reason.ON_ADMIN_REQUEST)));
            assertThat(t.effects()).as("from " + stranger).isEmpty();
            assertThat(t.state()).isEqualTo(before);
        }
        Transition<RmState> bye = p.step(N1, new RmEvent.Received(new RmMessage.Goodbye(N3, "g1", 1)));
        assertThat(bye.state()).isEqualTo(before);
        assertThat(bye.effects()).isEmpty();
    }

    @Test
    void aMessageToAStoppedRecoveryManagerIsIgnored() {
        RmPair p = RmPair.of(true);
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Received(heartbeat(N2, "g1", 1, 1, NORMAL, Reason.NORMAL)));
        assertThat(t.effects()).isEmpty();
        assertUntouched(t.state(), before);
    }

    @Test
    void aStaleHookCompletionIsIgnored() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.HookCompleted(77, HookKind.TAKE_OVER_USERS, true));
        assertThat(t.effects()).isEmpty();
        assertThat(t.state()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- goodbye

    @Test
    void aGoodbyeIsPeerRebootAndTheNormalPeerTakesOverAtOnce() {
        // [RG-T2], row "Node 1 is down (power down, hardware failure, shutdown, reboot) | Running in Backup
        // Mode / Peer Reboot".
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.now = T0.plusSeconds(20);
        Transition<RmState> stop = p.step(N2, new RmEvent.Stop());
        // Written first, then the goodbye; the timers are given back in any order.
        assertThat(stop.effects()).hasSize(4);
        assertThat(stop.effects().subList(0, 2)).containsExactly(
                new Effect.Persist(new PersistedRm(NORMAL, Reason.NORMAL, 1, 0, false)),
                new Effect.Send(N1, new RmMessage.Goodbye(N2, "g1", 1)));
        assertThat(stop.effects().subList(2, 4)).containsExactlyInAnyOrder(
                new Effect.CancelTimer(TIMER_HEARTBEAT), new Effect.CancelTimer(TIMER_PEER));
        assertThat(stop.state().running()).isFalse();
        assertThat(stop.state().serving()).isEmpty();

        p.pump();
        assertState(p, N1, TAKING_OVER, Reason.PEER_REBOOT);
        assertThat(p.hooks()).singleElement().satisfies(h -> {
            assertThat(h.node()).isEqualTo(N1);
            assertThat(h.hook().kind()).isEqualTo(HookKind.TAKE_OVER_USERS);
            assertThat(h.hook().usersOf()).containsExactly(N1, N2);
        });
        p.completeHook(N1, true);
        assertState(p, N1, RUNNING_IN_BACKUP_MODE, Reason.PEER_REBOOT);
    }

    @Test
    void aGoodbyeOfAnotherIncarnationIsIgnored() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Received(new RmMessage.Goodbye(N2, "g1", 7)));
        assertThat(t.effects()).isEmpty();
        assertThat(t.state()).isEqualTo(before);
    }

    @Test
    void aStopOfAStoppedRecoveryManagerDoesNothing() {
        RmPair p = RmPair.of(true);
        Transition<RmState> t = p.step(N1, new RmEvent.Stop());
        assertThat(t.effects()).isEmpty();
        assertThat(t.state().running()).isFalse();
    }

    // ---------------------------------------------------------------- critical services

    @Test
    void aCriticalServiceDownForTheDelayFailsOverToThePeer() {
        // [RG-T2]: Critical Service Delay 90 s; Table 2, row "Failed Over with Critical Services not Running /
        // Critical Service Down | Running in Backup Mode / Critical Service Down".
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.now = T0.plusSeconds(10);
        Transition<RmState> down = p.step(N1, new RmEvent.ServiceChanged("xcp-router", false));
        assertThat(RmPair.of(down, Effect.SetTimer.class))
                .contains(new Effect.SetTimer(TIMER_SERVICE, T0.plusSeconds(100)));
        // The change of health is told to the peer at once (decision 0001).
        assertThat(RmPair.of(down, Effect.Send.class)).hasSize(1);
        assertThat(down.state().healthy()).isFalse();
        assertThat(down.state().state()).isEqualTo(NORMAL);

        p.advance(Duration.ofMillis(89_999));
        assertState(p, N1, NORMAL, Reason.NORMAL);
        p.advance(Duration.ofMillis(1));
        assertThat(p.effects(Effect.Record.class)).extracting(Map.Entry::getValue).containsSubsequence(
                record(N1, "Normal", "Failing Over", "Critical Service Down"),
                record(N2, "Normal", "Taking Over", "Critical Service Down"),
                record(N2, "Taking Over", "Running in Backup Mode", "Critical Service Down"),
                record(N1, "Failing Over", "Failed Over with Critical Services Not Running", "Critical Service Down"));
        assertState(p, N1, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.CRITICAL_SERVICE_DOWN);
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.CRITICAL_SERVICE_DOWN);

        // [RG-T2], row "Failed Over / Initialization or Critical Services Down": the services come back.
        p.now = p.now.plusSeconds(1);
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", true));
        p.settle();
        assertState(p, N1, FAILED_OVER, Reason.CRITICAL_SERVICE_DOWN);
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.CRITICAL_SERVICE_DOWN);
    }

    @Test
    void aServiceBackBeforeTheDelayCancelsTheTimer() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.advance(Duration.ofSeconds(10));
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", false));
        p.advance(Duration.ofSeconds(89));
        Transition<RmState> up = p.step(N1, new RmEvent.ServiceChanged("xcp-router", true));
        assertThat(RmPair.of(up, Effect.CancelTimer.class)).containsExactly(new Effect.CancelTimer(TIMER_SERVICE));
        p.advance(Duration.ofMinutes(10));
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
    }

    @Test
    void theCriticalServiceDelayIsAParameter() {
        RmPair p = new RmPair(RedundancyGroup.pair("g1", N1, N2, true), params("criticalServiceDelay", "2s"));
        p.startBoth();
        Transition<RmState> down = p.step(N2, new RmEvent.ServiceChanged("presence-engine", false));
        assertThat(RmPair.of(down, Effect.SetTimer.class))
                .containsExactly(new Effect.SetTimer(TIMER_SERVICE, T0.plusSeconds(2)));
        p.advance(Duration.ofMillis(1999));
        assertState(p, N2, NORMAL, Reason.NORMAL);
        p.advance(Duration.ofMillis(1));
        assertState(p, N2, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.CRITICAL_SERVICE_DOWN);
        assertState(p, N1, RUNNING_IN_BACKUP_MODE, Reason.CRITICAL_SERVICE_DOWN);
    }

    @Test
    void aDatabaseDownForTheDelayIsDatabaseFailure() {
        // [RG-T2], row "Failed Over with Critical Services not Running / Database Failure | Running in Backup
        // Mode / Database Failure".
        RmPair p = RmPair.of(true);
        p.startBoth();
        Transition<RmState> down = p.step(N1, new RmEvent.DatabaseChanged(false));
        assertThat(RmPair.of(down, Effect.SetTimer.class))
                .containsExactly(new Effect.SetTimer(TIMER_SERVICE, T0.plusSeconds(90)));
        p.advance(Duration.ofSeconds(90));
        assertState(p, N1, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.DATABASE_FAILURE);
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.DATABASE_FAILURE);
    }

    @Test
    void aChangeOfHealthIsAnnouncedAtOnce() {
        // RmMessage.Heartbeat carries the sender's whole view, health included, "sent every keep-alive interval and
        // at once on every change" (docs/decisions/0001: "a heartbeat goes out ... at once on every change").
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.now = T0.plusSeconds(1);
        Transition<RmState> down = p.step(N2, new RmEvent.ServiceChanged("xcp-router", false));
        assertThat(RmPair.of(down, Effect.Send.class)).singleElement()
                .satisfies(s -> assertThat(((RmMessage.Heartbeat) s.message()).healthy()).isFalse());
        p.now = T0.plusSeconds(2);
        Transition<RmState> db = p.step(N1, new RmEvent.DatabaseChanged(false));
        assertThat(RmPair.of(db, Effect.Send.class)).singleElement()
                .satisfies(s -> assertThat(((RmMessage.Heartbeat) s.message()).healthy()).isFalse());
    }

    @Test
    void noFailoverToAPeerWhoseCriticalServiceJustWentDown() {
        // Actions: failover needs the peer "up, Normal and healthy to take over". Accepting it makes the sick peer the
        // backup; Critical Service Delay later both nodes end in Running in Failed Mode ([RG-T2]).
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.now = T0.plusSeconds(1);
        p.step(N2, new RmEvent.ServiceChanged("xcp-router", false));
        p.pump();
        p.now = T0.plusSeconds(2);
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Admin(9, AdminAction.FAILOVER));
        assertThat(RmPair.of(t, Effect.AdminResult.class)).singleElement().satisfies(r -> {
            assertThat(r.accepted()).isFalse();
            assertThat(r.message()).contains("its peer n2 must be up, Normal and healthy to take over");
        });
        assertThat(t.state().state()).isEqualTo(before.state());
    }

    @Test
    void noFallbackToAFailoverAffectedServicesNodeWhileItsDatabaseIsDown() {
        // [RG-MANUAL], Fallback: "The failed ... node comes back into service and all critical services are running";
        // Table 2, row "Backup Activated | Failover Affected Services / Auto Recovery Database Failure.". Accepting it
        // moves node 2's users back to a node without a database, which fails them over again at once.
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", false));
        p.advance(Duration.ofSeconds(90));
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", true));
        p.settle();
        p.step(N2, new RmEvent.DatabaseChanged(false));
        p.advance(Duration.ofSeconds(90));
        assertState(p, N1, BACKUP_ACTIVATED, Reason.AUTO_RECOVER_DATABASE_FAILURE);
        assertState(p, N2, FAILOVER_AFFECTED_SERVICES, Reason.AUTO_RECOVER_DATABASE_FAILURE);
        Transition<RmState> t = p.step(N2, new RmEvent.Admin(4, AdminAction.FALLBACK));
        assertThat(RmPair.of(t, Effect.AdminResult.class)).singleElement()
                .satisfies(r -> assertThat(r.accepted()).as(r.message()).isFalse());
        assertThat(t.state().state()).isEqualTo(FAILOVER_AFFECTED_SERVICES);
    }

    @Test
    void aPairRestartedFailedOverAndFallingBackDoesNotStayThere() {
        // [RG-T1]: Falling Back is "a transition state"; Table 2, "Taking Back / Initialization | Falling
        // Back": "After the taking back process is complete, both nodes are in Normal state." Here both recovery
        // managers start together, n1 resuming Failed Over and n2 resuming Falling Back (RedundancyPropertiesTest
        // finds this with seed 124513): n1 waits for a backup, n2 for n1 to take back, and nobody serves n1's users.
        RmPair p = RmPair.of(true);
        p.start(N1, Optional.of(new PersistedRm(FAILED_OVER, Reason.INITIALIZATION, 3, 0, false)));
        p.start(N2, Optional.of(new PersistedRm(FALLING_BACK, Reason.ON_ADMIN_REQUEST, 2, 0, false)));
        p.settle();
        p.advance(Duration.ofMinutes(10));
        NodeState s1 = p.state(N1).state();
        NodeState s2 = p.state(N2).state();
        assertThat(s2.isTransition()).as("n2 still %s, n1 %s, after 10 minutes", s2, s1).isFalse();
        boolean n1UsersServed = p.state(N1).serving().contains(Serving.Side.OWN)
                || p.state(N2).serving().contains(Serving.Side.PEER);
        assertThat(n1UsersServed).as("n1's users are served (n1 %s, n2 %s)", s1, s2).isTrue();
    }

    @Test
    void aRestartOfTheFallingBackNodeDuringAFallbackEndsNormal() {
        // [RG-T2], row "Taking Back / Initialization | Falling Back / On Admin Request": a restart during a
        // manual fallback, after which "both nodes are in Normal state". Here the node falling back (n2) restarts:
        // it resumes Falling Back but never lets its users go, and n1 waits in Taking Back for it (the shape
        // RedundancyPropertiesTest reports as "Falling Back / Taking Back").
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.manualFailover(N1);
        p.now = p.now.plusSeconds(30);
        p.step(N1, new RmEvent.Admin(2, AdminAction.FALLBACK));
        p.completeHook(N1, true); // n1's services start; it is ready to take its users back
        p.step(N2, new RmEvent.Stop());
        p.start(N2, Optional.of(RecoveryManager.persisted(p.state(N2))));
        p.settle();
        p.advance(Duration.ofMinutes(10));
        assertThat(p.state(N1).state() + " (" + p.state(N1).reason() + ") / " + p.state(N2).state() + " ("
                + p.state(N2).reason() + ")").isEqualTo("Normal (Normal) / Normal (Normal)");
    }

    // ---------------------------------------------------------------- admin actions

    @Test
    void manualFailoverThenFallback() {
        // [RG-T2], rows "Failing Over | Taking Over / On Admin Request", "Idle | Running in Backup Mode / On
        // Admin Request" and "Taking Back | Falling Back / On Admin Request"; Initiate Manual Failover: "the Cisco
        // Server Recovery Manager stops the critical services on the failed node".
        RmPair p = RmPair.of(true);
        p.startBoth();
        Transition<RmState> t = p.step(N1, new RmEvent.Admin(5, AdminAction.FAILOVER));
        assertThat(t.effects()).contains(new Effect.AdminResult(5, true, "failover started on n1"),
                record(N1, "Normal", "Failing Over", "On Admin Request"));
        assertThat(RmPair.of(t, Effect.RunHook.class)).singleElement()
                .satisfies(h -> assertThat(h.kind()).isEqualTo(HookKind.STOP_SERVICES));
        p.pump();
        assertState(p, N1, FAILING_OVER, Reason.ON_ADMIN_REQUEST);
        assertState(p, N2, TAKING_OVER, Reason.ON_ADMIN_REQUEST);
        assertThat(p.state(N1).serving()).as("n1 serves its users until its services stop").containsExactly(Serving.Side.OWN);
        p.settle();
        assertState(p, N1, IDLE, Reason.ON_ADMIN_REQUEST);
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST);
        assertThat(p.state(N1).health().servicesStopped()).isTrue();
        assertThat(p.state(N1).serving()).isEmpty();
        assertThat(p.state(N2).serving()).containsExactlyInAnyOrder(Serving.Side.OWN, Serving.Side.PEER);

        Transition<RmState> back = p.step(N1, new RmEvent.Admin(6, AdminAction.FALLBACK));
        assertThat(back.effects()).contains(new Effect.AdminResult(6, true, "fallback started on n1"),
                record(N1, "Idle", "Taking Back", "On Admin Request"));
        // [RG-MANUAL], manual fallback "restarts critical services on the primary node".
        assertThat(RmPair.of(back, Effect.RunHook.class)).singleElement()
                .satisfies(h -> assertThat(h.kind()).isEqualTo(HookKind.START_SERVICES));
        p.completeHook(N1, true);
        p.pump();
        assertState(p, N1, TAKING_BACK, Reason.ON_ADMIN_REQUEST);
        assertState(p, N2, FALLING_BACK, Reason.ON_ADMIN_REQUEST);
        p.settle();
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
        assertThat(p.state(N1).health().servicesStopped()).isFalse();
    }

    @Test
    void aRefusedAdminRequestSaysWhyAndChangesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        Transition<RmState> fallback = p.step(N1, new RmEvent.Admin(7, AdminAction.FALLBACK));
        assertThat(fallback.effects()).containsExactly(new Effect.AdminResult(7, false,
                "fallback to n1 is not available: it is Normal; fallback needs it Idle, Failed Over or Failover"
                        + " Affected Services"));
        assertThat(fallback.state()).isEqualTo(before);

        Transition<RmState> recover = p.step(N1, new RmEvent.Admin(8, AdminAction.RECOVER));
        assertThat(recover.effects()).containsExactly(new Effect.AdminResult(8, false,
                "recover is not available: no node of the group is in Running in Failed Mode or Unknown"));
        assertThat(recover.state()).isEqualTo(before);
    }

    @Test
    void noAdminActionDuringATransition() {
        // [RG-T1]: Failing Over and Taking Over are transition states.
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.Admin(1, AdminAction.FAILOVER));
        p.pump();
        RmState n2 = p.state(N2);
        Transition<RmState> t = p.step(N2, new RmEvent.Admin(2, AdminAction.FAILOVER));
        assertThat(t.effects()).containsExactly(new Effect.AdminResult(2, false,
                "failover of n2 is not available: it is Taking Over; failover needs it in Normal"));
        assertThat(t.state()).isEqualTo(n2);
        RmState n1 = p.state(N1);
        Transition<RmState> again = p.step(N1, new RmEvent.Admin(3, AdminAction.FALLBACK));
        assertThat(again.effects()).singleElement().satisfies(e ->
                assertThat(((Effect.AdminResult) e).accepted()).isFalse());
        assertThat(again.state()).isEqualTo(n1);
    }

    @Test
    void anAdminRequestToAStoppedRecoveryManagerIsRefused() {
        RmPair p = RmPair.of(true);
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Admin(3, AdminAction.FAILOVER));
        assertThat(t.effects()).containsExactly(new Effect.AdminResult(3, false,
                "failover is not available: the recovery manager of n1 is not running"));
        assertUntouched(t.state(), before);
    }

    @Test
    void noFailoverWithoutHighAvailability() {
        RmPair p = RmPair.of(false);
        p.startBoth();
        RmState before = p.state(N1);
        Transition<RmState> t = p.step(N1, new RmEvent.Admin(4, AdminAction.FAILOVER));
        assertThat(t.effects()).containsExactly(new Effect.AdminResult(4, false,
                "failover is not available: high availability is disabled for the group"));
        assertThat(t.state()).isEqualTo(before);
    }

    @Test
    void aFailedUserMoveLeavesBothInFailedModeUntilRecover() {
        // [RG-T2], row "Running in Failed Mode / Cisco Server Recovery Manager Take Over Users Failed" (both
        // nodes); recommended action: click Recovery.
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.Admin(1, AdminAction.FAILOVER));
        p.pump();
        p.completeHook(N1, true); // services stopped
        p.pump();
        p.completeHook(N2, false); // the take over fails
        p.pump();
        assertState(p, N2, RUNNING_IN_FAILED_MODE, Reason.TAKE_OVER_USERS_FAILED);
        assertState(p, N1, RUNNING_IN_FAILED_MODE, Reason.TAKE_OVER_USERS_FAILED);

        Transition<RmState> recover = p.step(N2, new RmEvent.Admin(2, AdminAction.RECOVER));
        assertThat(recover.effects()).contains(new Effect.AdminResult(2, true, "recover started on n2"),
                record(N2, "Running in Failed Mode", "Initializing", "Initialization"));
        assertThat(recover.state().recoveryEpoch()).isEqualTo(1);
        p.settle();
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
        assertThat(p.state(N1).recoveryEpoch()).as("the peer follows the recovery").isEqualTo(1);
        assertThat(p.state(N1).health().servicesStopped()).as("Recovery starts the services it had stopped").isFalse();
    }

    // ---------------------------------------------------------------- persistence and records

    /** A long story over most of Table 2: failover and fallback by hand, by a service, a reboot of the peer. */
    private static RmPair story() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.advance(Duration.ofSeconds(20));
        p.manualFailover(N1);
        p.advance(Duration.ofSeconds(20));
        p.step(N1, new RmEvent.Admin(2, AdminAction.FALLBACK));
        p.settle();
        p.advance(Duration.ofSeconds(20));
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", false));
        p.advance(Duration.ofSeconds(91));
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", true));
        p.settle();
        p.advance(Duration.ofSeconds(20));
        p.step(N1, new RmEvent.Admin(3, AdminAction.FALLBACK));
        p.settle();
        p.advance(Duration.ofSeconds(20));
        p.step(N2, new RmEvent.Stop());
        p.settle();
        p.advance(Duration.ofSeconds(30));
        p.start(N2, Optional.of(RecoveryManager.persisted(p.state(N2))));
        p.settle();
        p.advance(Duration.ofSeconds(20));
        return p;
    }

    @Test
    void theStoryEndsWhereTable2Says() {
        RmPair p = story();
        // [RG-T2], row "Failed Over / Initialization | Running in Backup Mode / Peer Reboot".
        assertState(p, N1, RUNNING_IN_BACKUP_MODE, Reason.PEER_REBOOT);
        assertState(p, N2, FAILED_OVER, Reason.INITIALIZATION);
        assertThat(p.state(N2).incarnation()).isEqualTo(2);
    }

    @Test
    void everyChangeOfStateIsPersistedBeforeAnythingIsSent() {
        RmPair p = story();
        int persisted = 0;
        for (RmPair.Step s : p.log) {
            RmState after = s.result().state();
            List<Effect> effects = s.result().effects();
            List<Effect.Persist> writes = RmPair.of(s.result(), Effect.Persist.class);
            boolean changed = !s.before().running()
                    || !RecoveryManager.persisted(after).equals(RecoveryManager.persisted(s.before()));
            if (after.running() && changed) {
                assertThat(writes).as("step %s at %s", s.event(), s.at())
                        .containsExactly(new Effect.Persist(RecoveryManager.persisted(after)));
                assertThat(effects.get(0)).as("written first").isInstanceOf(Effect.Persist.class);
                persisted++;
            } else if (after.running()) {
                assertThat(writes).as("nothing changed, nothing written: %s", s.event()).isEmpty();
            }
            if (after.state() != s.before().state() && after.running()) {
                assertThat(writes).as("a new state is written: %s", s.event()).isNotEmpty();
                assertThat(writes.get(0).snapshot().state()).isEqualTo(after.state());
                assertThat(writes.get(0).snapshot().reason()).isEqualTo(after.reason());
            }
        }
        assertThat(persisted).isGreaterThan(20);
    }

    @Test
    void everyTransitionIsRecordedAndAllowed() {
        RmPair p = story();
        int transitions = 0;
        for (RmPair.Step s : p.log) {
            RmState before = s.before();
            RmState after = s.result().state();
            List<Effect.Record> records = RmPair.of(s.result(), Effect.Record.class);
            if (!after.running()) {
                assertThat(records).isEmpty();
                continue;
            }
            if (before.running() && before.state() == after.state() && before.reason() == after.reason()) {
                assertThat(records).as("no change, no record: %s", s.event()).isEmpty();
                continue;
            }
            assertThat(records).as("a change is recorded: %s", s.event()).isNotEmpty();
            String from = before.running() ? before.state().display() : "Stopped";
            for (Effect.Record r : records) {
                assertThat(r.node()).isEqualTo(s.node());
                assertThat(r.protocol()).isEqualTo("redundancy");
                assertThat(r.from()).isEqualTo(from);
                if (!r.from().equals("Stopped")) {
                    NodeState f = NodeState.parse(r.from()).orElseThrow();
                    NodeState t = NodeState.parse(r.to()).orElseThrow();
                    assertThat(Transitions.allowed(f, t)).as(r.from() + " -> " + r.to()).isTrue();
                }
                from = r.to();
                transitions++;
            }
            Effect.Record last = records.get(records.size() - 1);
            assertThat(last.to()).isEqualTo(after.state().display());
            assertThat(last.reason()).isEqualTo(after.reason().display());
        }
        assertThat(transitions).isGreaterThan(20);
    }

    @Test
    void aRestartInIdleResumesIdle() {
        // [RG-T2], row "Idle / Initialization | Running in Backup Mode / On Admin Request": the administrator
        // restarts the SRM service on node 1 while node 1 is in Idle state.
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.manualFailover(N1);
        p.now = p.now.plusSeconds(30);
        p.step(N1, new RmEvent.Stop());
        p.settle();
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST);
        PersistedRm saved = RecoveryManager.persisted(p.state(N1));
        assertThat(saved).isEqualTo(new PersistedRm(IDLE, Reason.ON_ADMIN_REQUEST, 1, 0, true));
        p.now = p.now.plusSeconds(5);
        p.start(N1, Optional.of(saved));
        p.settle();
        assertState(p, N1, IDLE, Reason.INITIALIZATION);
        assertState(p, N2, RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST);
        assertThat(p.hooks()).as("Idle keeps its services stopped").isEmpty();
    }

    // ---------------------------------------------------------------- automatic fallback

    @Test
    void automaticFallbackThirtyMinutesAfterTheNodeIsHealthyAgain() {
        // [RG-HB], Enable Automatic Fallback: users move back "thirty minutes after the primary node returns to a
        // healthy state"; Table 2, row "Taking Back | Falling Back / Automatic Fallback".
        RmPair p = new RmPair(RedundancyGroup.pair("g1", N1, N2, true), params("automaticFallback", "true"));
        p.startBoth();
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", false));
        p.advance(Duration.ofSeconds(90));
        assertState(p, N1, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, Reason.CRITICAL_SERVICE_DOWN);
        assertThat(p.timers(N1)).doesNotContainKey(TIMER_FALLBACK);
        Instant healthy = p.now.plusSeconds(10);
        p.now = healthy;
        Transition<RmState> up = p.step(N1, new RmEvent.ServiceChanged("xcp-router", true));
        assertThat(RmPair.of(up, Effect.SetTimer.class))
                .contains(new Effect.SetTimer(TIMER_FALLBACK, healthy.plus(Duration.ofMinutes(30))));
        p.settle();
        p.advance(Duration.ofMinutes(30).minusMillis(1));
        assertState(p, N1, FAILED_OVER, Reason.CRITICAL_SERVICE_DOWN);
        p.advance(Duration.ofMillis(1));
        assertThat(p.effects(Effect.Record.class)).extracting(Map.Entry::getValue).contains(
                record(N1, "Failed Over", "Taking Back", "Automatic Fallback"),
                record(N2, "Running in Backup Mode", "Falling Back", "Automatic Fallback"));
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
    }

    @Test
    void noAutomaticFallbackByDefault() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", false));
        p.advance(Duration.ofSeconds(90));
        p.step(N1, new RmEvent.ServiceChanged("xcp-router", true));
        p.settle();
        p.advance(Duration.ofHours(2));
        assertState(p, N1, FAILED_OVER, Reason.CRITICAL_SERVICE_DOWN);
        assertThat(p.timers(N1)).doesNotContainKey(TIMER_FALLBACK);
    }

    // ---------------------------------------------------------------- groups without high availability

    @Test
    void aGroupOfOneNodeIsNormalAndSilent() {
        RedundancyGroup solo = new RedundancyGroup("solo", "", List.of(N1), false);
        RmState s = RecoveryManager.initial(N1, solo, ServiceParameters.defaults());
        Transition<RmState> t = RecoveryManager.step(s, new RmEvent.Start(Optional.empty()), T0);
        assertThat(t.effects()).containsExactly(
                new Effect.Persist(new PersistedRm(NORMAL, Reason.NORMAL, 1, 0, false)),
                record(N1, "Stopped", "Normal", "Normal"));
        assertThat(t.state().serving()).containsExactly(Serving.Side.OWN);
        Transition<RmState> sick = RecoveryManager.step(t.state(), new RmEvent.ServiceChanged("svc", false), T0);
        assertThat(sick.effects()).isEmpty();
        assertThat(RecoveryManager.step(sick.state(), new RmEvent.TimerFired(TIMER_SERVICE), T0.plusSeconds(3600))
                .state().state()).isEqualTo(NORMAL);
    }

    @Test
    void aPairWithoutHighAvailabilityHeartbeatsButNeverFailsOver() {
        RmPair p = RmPair.of(false);
        Transition<RmState> t = p.start(N1);
        assertThat(t.state().state()).isEqualTo(NORMAL);
        assertThat(RmPair.of(t, Effect.SetTimer.class))
                .containsExactly(new Effect.SetTimer(TIMER_HEARTBEAT, T0.plusSeconds(15)));
        assertThat(RmPair.of(t, Effect.Send.class)).hasSize(1);
        p.step(N1, new RmEvent.ServiceChanged("svc", false));
        p.advance(Duration.ofMinutes(10));
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertThat(p.hooks()).isEmpty();
        assertThat(p.timers(N1)).containsOnlyKeys(TIMER_HEARTBEAT);
    }

    @Test
    void nodesThatDisagreeOnHighAvailabilityAreUnknown() {
        // [RG-T1] and Table 2, "Unknown / Unknown": "high availability was not enabled properly".
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.now = T0.plusSeconds(3);
        p.step(N2, new RmEvent.GroupChanged(p.group.withHighAvailability(false)));
        p.settle();
        assertState(p, N1, UNKNOWN, Reason.UNKNOWN);
        assertState(p, N2, UNKNOWN, Reason.UNKNOWN);
        assertThat(p.state(N1).serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.state(N2).serving()).containsExactly(Serving.Side.OWN);
        // Once the change reaches n1 as well, they agree and start over.
        p.step(N1, new RmEvent.GroupChanged(p.group.withHighAvailability(false)));
        p.settle();
        p.advance(Duration.ofSeconds(30));
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
    }

    @Test
    void aGroupChangeMayNotMoveARunningNode() {
        RmPair p = RmPair.of(true);
        p.start(N1);
        assertThatThrownBy(() -> p.step(N1, new RmEvent.GroupChanged(RedundancyGroup.pair("g9", N1, N2, true))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n1 cannot move to group g9 while running; restart it with the new group");
    }

    @Test
    void refusalMatchesTheActionsTable() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        assertThat(RecoveryManager.refusal(p.state(N1), AdminAction.FAILOVER)).isEmpty();
        assertThat(RecoveryManager.refusal(p.state(N1), AdminAction.FALLBACK)).isPresent();
        p.manualFailover(N1);
        assertThat(RecoveryManager.refusal(p.state(N1), AdminAction.FALLBACK)).isEmpty();
        assertThat(RecoveryManager.refusal(p.state(N2), AdminAction.FAILOVER)).isPresent();
    }
}
