package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** [RG-T1] (Node State Definitions) and the states Table 2 adds. */
class NodeStateTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INITIALIZING                                   | Initializing",
            "IDLE                                           | Idle",
            "NORMAL                                         | Normal",
            "RUNNING_IN_BACKUP_MODE                         | Running in Backup Mode",
            "TAKING_OVER                                    | Taking Over",
            "FAILING_OVER                                   | Failing Over",
            "FAILED_OVER                                    | Failed Over",
            "FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING | Failed Over with Critical Services Not Running",
            "FALLING_BACK                                   | Falling Back",
            "TAKING_BACK                                    | Taking Back",
            "RUNNING_IN_FAILED_MODE                         | Running in Failed Mode",
            "UNKNOWN                                        | Unknown",
            "BACKUP_ACTIVATED                               | Backup Activated",
            "FAILOVER_AFFECTED_SERVICES                     | Failover Affected Services"})
    void displayIsTheSpecificationSpelling(NodeState state, String seed) {
        assertThat(state.display()).isEqualTo(seed);
        assertThat(state).hasToString(seed);
    }

    @Test
    void everyStateOfTable1AndTable2Exists() {
        assertThat(NodeState.values()).hasSize(14);
    }

    @ParameterizedTest
    @EnumSource(NodeState.class)
    void parsesItsOwnDisplayInAnyCaseAndItsConstantName(NodeState state) {
        assertThat(NodeState.parse(state.display())).contains(state);
        assertThat(NodeState.parse(state.display().toUpperCase())).contains(state);
        assertThat(NodeState.parse(state.display().toLowerCase())).contains(state);
        assertThat(NodeState.parse("  " + state.display() + "\t")).contains(state);
        assertThat(NodeState.parse(state.name())).contains(state);
        assertThat(NodeState.parse(state.name().toLowerCase().replace('_', '-'))).contains(state);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // Table 2 spells it with a small "not".
            "Failed Over with Critical Services not Running | FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING",
            // Table 2, Peer Down During Initialization row: node 2 is in "Backup Mode".
            "Backup Mode                                    | RUNNING_IN_BACKUP_MODE",
            "backup mode                                    | RUNNING_IN_BACKUP_MODE",
            "Running in Backup Mode                         | RUNNING_IN_BACKUP_MODE",
            "Backup Activated                               | BACKUP_ACTIVATED",
            "Failover Affected Services                     | FAILOVER_AFFECTED_SERVICES",
            "Running in Failed Mode                         | RUNNING_IN_FAILED_MODE",
            "Taking Back                                    | TAKING_BACK",
            "Falling Back                                   | FALLING_BACK"})
    void parsesEverySpellingOfTheSpecification(String text, NodeState expected) {
        assertThat(NodeState.parse(text)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Normally", "Failed", "Backup", "Running", "Peer Down", "Failed Over with Critical Services"})
    void parsesNothingElse(String text) {
        assertThat(NodeState.parse(text)).isEmpty();
    }

    @Test
    void allowedNamesListsEveryDisplayQuoted() {
        String names = NodeState.allowedNames();
        assertThat(names).startsWith("\"Initializing\", \"Idle\", \"Normal\", \"Running in Backup Mode\"");
        for (NodeState s : NodeState.values()) assertThat(names).contains("\"" + s.display() + "\"");
        assertThat(names.split(", ")).hasSize(14);
    }

    @Test
    void transitionStatesAreTheOnesTable1Names() {
        // [RG-T1]: Initializing "(transition) state", Taking Over, Failing Over, Falling Back, Taking Back
        // "a transition state".
        assertThat(matching(NodeState::isTransition))
                .containsExactlyInAnyOrder(INITIALIZING, TAKING_OVER, FAILING_OVER, FALLING_BACK, TAKING_BACK);
    }

    @Test
    void backupStatesServeThePeersUsers() {
        // [RG-T1]: Running in Backup Mode "acting as the backup for its peer node"; Table 2: Backup Activated.
        assertThat(matching(NodeState::isBackup)).containsExactlyInAnyOrder(RUNNING_IN_BACKUP_MODE, BACKUP_ACTIVATED);
    }

    @Test
    void failedOverStatesServeNobody() {
        // [RG-T1]: Idle "does not provide any availability or Instant Messaging services"; Failed Over and
        // Failed Over with Critical Services Not Running; Table 2: Failover Affected Services.
        assertThat(matching(NodeState::isFailedOver)).containsExactlyInAnyOrder(IDLE, FAILED_OVER,
                FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILOVER_AFFECTED_SERVICES);
    }

    @Test
    void brokenStatesNeedRecover() {
        // [RG-T2]: Running in Failed Mode and Unknown rows recommend Recovery (or restarting the SRM).
        assertThat(matching(NodeState::isBroken)).containsExactlyInAnyOrder(RUNNING_IN_FAILED_MODE, UNKNOWN);
    }

    @Test
    void everyStateButNormalAndInitializingIsAFailoverState() {
        // [RG-LIMITS] (users cannot be added in a failover state).
        assertThat(matching(NodeState::isFailoverState))
                .isEqualTo(EnumSet.complementOf(EnumSet.of(NORMAL, INITIALIZING)));
    }

    @Test
    void noStateIsBothBackupAndFailedOver() {
        for (NodeState s : NodeState.values()) {
            assertThat(s.isBackup() && s.isFailedOver()).as(s.display()).isFalse();
            assertThat(s.isBroken() && s.isTransition()).as(s.display()).isFalse();
        }
    }

    private static Set<NodeState> matching(java.util.function.Predicate<NodeState> p) {
        return Arrays.stream(NodeState.values()).filter(p).collect(Collectors.toCollection(() -> EnumSet.noneOf(NodeState.class)));
    }
}
