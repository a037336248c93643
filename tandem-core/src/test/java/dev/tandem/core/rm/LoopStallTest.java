package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopStallTest {

    @Test
    void theSeedsTimersFenceAfterOneIntervalAndFailOneLookBeforeThePeersTimeout() {
        LoopStall s = LoopStall.of(ServiceParameters.defaults());
        // 15 s interval, 60 s timeout: the watchdog looks every 3.75 s and fails 3.75 s before the peer's timeout.
        assertThat(s.fenceAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.checkEvery()).isEqualTo(Duration.ofMillis(3750));
        assertThat(s.failAfterSilence()).isEqualTo(Duration.ofMillis(56_250));
    }

    @Test
    void theFastProfileFailsBeforeThePeersTimeoutWhateverTheWatchdogsPhase() {
        LoopStall s = LoopStall.of(ServiceParameters.fromText(Map.of("keepAliveInterval", "100ms",
                "keepAliveTimeout", "500ms", "initKeepAliveTimeout", "1s")));
        assertThat(s.fenceAfter()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.failAfterSilence()).isEqualTo(Duration.ofMillis(475));
        // The watchdog sees the bound at most one look late: still within the peer's timeout.
        assertThat(s.failAfterSilence().plus(s.checkEvery())).isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(s.fenceAfter()).isLessThan(s.failAfterSilence());
    }

    @Test
    void onlyANodeWhosePeerIsAliveMayBeEndedByAStall() {
        RmPair pair = RmPair.of(true);
        NodeId n1 = NodeId.of("n1");
        NodeId n2 = NodeId.of("n2");
        pair.startBoth();
        pair.settle();
        assertThat(LoopStall.peerMayTakeOver(pair.state(n2))).as("both Normal: the peer would take over").isTrue();
        pair.crash(n1);
        pair.advance(Duration.ofMinutes(3));
        // The survivor serves every user now: ending it on a stall would leave them with nobody.
        assertThat(pair.state(n2).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(LoopStall.peerMayTakeOver(pair.state(n2))).isFalse();
    }
}
