package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;
import static dev.tandem.core.rm.Serving.Side.OWN;
import static dev.tandem.core.rm.Serving.Side.PEER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Whose users each state serves ([RG-T1] descriptions). */
class ServingTest {

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"NORMAL", "TAKING_OVER", "FALLING_BACK"})
    void ownUsersOnly(NodeState s) {
        assertThat(Serving.of(s, false, Set.of())).containsExactly(OWN);
        if (s != NodeState.TAKING_OVER) assertThat(Serving.of(s, true, Set.of(OWN, PEER))).containsExactly(OWN);
    }

    @Test
    void takingOverWithItsHandoffReadyServesNobodyYet() {
        // docs/decisions/115: with a witness, a node that served nobody when its peer went silent waits so.
        assertThat(Serving.of(NodeState.TAKING_OVER, true, Set.of())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"RUNNING_IN_BACKUP_MODE", "BACKUP_ACTIVATED"})
    void backupServesBoth(NodeState s) {
        // [RG-T1]: Running in Backup Mode -- "Users have moved to this (backup) node."
        assertThat(Serving.of(s, false, Set.of())).containsExactlyInAnyOrder(OWN, PEER);
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"INITIALIZING", "IDLE", "FAILED_OVER",
            "FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING", "FAILOVER_AFFECTED_SERVICES", "TAKING_BACK"})
    void nobody(NodeState s) {
        // [RG-T1]: Idle "does not provide any availability or Instant Messaging services".
        assertThat(Serving.of(s, false, Set.of(OWN))).isEmpty();
        assertThat(Serving.of(s, true, Set.of(OWN, PEER))).isEmpty();
    }

    @Test
    void failingOverServesItsUsersUntilItLetsThemGo() {
        assertThat(Serving.of(FAILING_OVER, false, Set.of())).containsExactly(OWN);
        assertThat(Serving.of(FAILING_OVER, true, Set.of())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"RUNNING_IN_FAILED_MODE", "UNKNOWN"})
    void brokenStatesKeepWhatTheyHeld(NodeState s) {
        assertThat(Serving.of(s, false, Set.of())).isEmpty();
        assertThat(Serving.of(s, false, Set.of(OWN))).containsExactly(OWN);
        assertThat(Serving.of(s, false, Set.of(OWN, PEER))).containsExactlyInAnyOrder(OWN, PEER);
    }
}
