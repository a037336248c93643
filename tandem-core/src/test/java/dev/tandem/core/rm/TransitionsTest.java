package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The transitions the recovery manager's rules may make; anything else fails loudly. */
class TransitionsTest {

    @ParameterizedTest
    @EnumSource(NodeState.class)
    void everyStateMayFailOrFindItsPeerConfiguredDifferently(NodeState from) {
        // [RG-T1]: Running in Failed Mode "an error occurs during the transition states or Running in Backup
        // Mode state"; Unknown: high availability not enabled properly.
        assertThat(Transitions.allowed(from, RUNNING_IN_FAILED_MODE)).isTrue();
        assertThat(Transitions.allowed(from, UNKNOWN)).isTrue();
        assertThat(Transitions.allowed(from, from)).as("a change of reason only").isTrue();
    }

    @ParameterizedTest
    @EnumSource(NodeState.class)
    void initializingMayResumeAnyState(NodeState to) {
        assertThat(Transitions.allowed(INITIALIZING, to)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            // [RG-T2], manual failover: Normal -> Failing Over -> Idle; Normal -> Taking Over -> backup.
            "NORMAL, FAILING_OVER", "NORMAL, TAKING_OVER", "FAILING_OVER, IDLE", "TAKING_OVER, RUNNING_IN_BACKUP_MODE",
            // automatic failover: Failed Over with Critical Services not Running, Failed Over.
            "FAILING_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING", "FAILING_OVER, FAILED_OVER",
            "FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, FAILED_OVER",
            "FAILED_OVER, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING",
            // fallback: Taking Back | Falling Back, then Normal | Normal.
            "IDLE, TAKING_BACK", "FAILED_OVER, TAKING_BACK", "FAILOVER_AFFECTED_SERVICES, TAKING_BACK",
            "RUNNING_IN_BACKUP_MODE, FALLING_BACK", "BACKUP_ACTIVATED, FALLING_BACK",
            "TAKING_BACK, NORMAL", "FALLING_BACK, NORMAL",
            // auto-recovery: Backup Activated | Failover Affected Services.
            "RUNNING_IN_BACKUP_MODE, FAILING_OVER", "FAILING_OVER, FAILOVER_AFFECTED_SERVICES",
            "FAILED_OVER, TAKING_OVER", "TAKING_OVER, BACKUP_ACTIVATED"})
    void everyPathOfTable2IsAllowed(NodeState from, NodeState to) {
        assertThat(Transitions.allowed(from, to)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            // No shortcut past a transition state ([RG-T1]: they are the way between stable states).
            "NORMAL, IDLE", "NORMAL, RUNNING_IN_BACKUP_MODE", "NORMAL, FAILED_OVER", "NORMAL, BACKUP_ACTIVATED",
            "NORMAL, FALLING_BACK", "NORMAL, TAKING_BACK", "NORMAL, INITIALIZING",
            "IDLE, FALLING_BACK", "IDLE, RUNNING_IN_BACKUP_MODE", "IDLE, FAILING_OVER",
            "RUNNING_IN_BACKUP_MODE, NORMAL", "RUNNING_IN_BACKUP_MODE, IDLE", "RUNNING_IN_BACKUP_MODE, TAKING_BACK",
            "TAKING_OVER, IDLE", "TAKING_OVER, FAILED_OVER", "FAILING_OVER, NORMAL", "FAILING_OVER, RUNNING_IN_BACKUP_MODE",
            "FALLING_BACK, IDLE", "TAKING_BACK, RUNNING_IN_BACKUP_MODE", "TAKING_BACK, FALLING_BACK",
            // Only Recover (a restart) leaves the broken states.
            "RUNNING_IN_FAILED_MODE, NORMAL", "RUNNING_IN_FAILED_MODE, INITIALIZING", "RUNNING_IN_FAILED_MODE, TAKING_OVER",
            "UNKNOWN, NORMAL", "UNKNOWN, INITIALIZING", "UNKNOWN, RUNNING_IN_BACKUP_MODE"})
    void shortcutsAreNotAllowed(NodeState from, NodeState to) {
        assertThat(Transitions.allowed(from, to)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"NORMAL", "TAKING_OVER", "RUNNING_IN_BACKUP_MODE", "BACKUP_ACTIVATED", "FALLING_BACK", "FAILING_OVER"})
    void withAWitnessAServingNodeMayGiveItsUsersUpButOnlyThen(NodeState from) {
        // docs/decisions/115: Failed Over / Peer Down, the node's users with the peer that holds the lease.
        assertThat(Transitions.allowed(from, FAILED_OVER, true)).isTrue();
        assertThat(Transitions.allowed(from, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING, true)).isTrue();
        assertThat(Transitions.allowed(from, IDLE, true)).isEqualTo(Transitions.allowed(from, IDLE));
        if (from == NORMAL || from == TAKING_OVER) assertThat(Transitions.allowed(from, FAILED_OVER, false)).isFalse();
    }

    @Test
    void theBrokenStatesLeadOnlyToEachOther() {
        for (NodeState to : NodeState.values()) {
            boolean broken = to == RUNNING_IN_FAILED_MODE || to == UNKNOWN;
            assertThat(Transitions.allowed(RUNNING_IN_FAILED_MODE, to)).as("Running in Failed Mode -> " + to).isEqualTo(broken);
            assertThat(Transitions.allowed(UNKNOWN, to)).as("Unknown -> " + to).isEqualTo(broken);
        }
    }

    @Test
    void nothingReturnsToInitializingByTheRules() {
        for (NodeState from : NodeState.values()) {
            if (from == INITIALIZING) continue;
            assertThat(Transitions.allowed(from, INITIALIZING)).as(from + " -> Initializing").isFalse();
        }
    }
}
