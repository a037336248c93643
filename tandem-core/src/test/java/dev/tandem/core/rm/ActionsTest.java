package dev.tandem.core.rm;

import static dev.tandem.core.rm.AdminAction.*;
import static dev.tandem.core.rm.NodeState.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.Actions.NodeView;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * [RG-MANUAL]: "the available button depends on the current state
 * of the node" -- Failover of an active node, Fallback of a failed over node, Recover when both are failed.
 */
class ActionsTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static NodeView up(NodeId id, NodeState s) {
        return new NodeView(id, s, true, true);
    }

    private static NodeView sick(NodeId id, NodeState s) {
        return new NodeView(id, s, true, false);
    }

    private static NodeView down(NodeId id, NodeState s) {
        return new NodeView(id, s, false, false);
    }

    private static Optional<String> refusal(AdminAction a, NodeView target, NodeView peer) {
        return Actions.refusal(a, true, target, Optional.of(peer));
    }

    // ---------------------------------------------------------------- failover

    @Test
    void failoverOfANormalNodeWithANormalHealthyPeer() {
        assertThat(refusal(FAILOVER, up(N1, NORMAL), up(N2, NORMAL))).isEmpty();
        // The node failed over need not be healthy: failing it over is what an operator does about it.
        assertThat(refusal(FAILOVER, sick(N1, NORMAL), up(N2, NORMAL))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = "NORMAL", mode = EnumSource.Mode.EXCLUDE)
    void noFailoverOfANodeThatIsNotNormal(NodeState state) {
        assertThat(refusal(FAILOVER, up(N1, state), up(N2, NORMAL)))
                .contains("failover of n1 is not available: it is " + state.display() + "; failover needs it in Normal");
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = "NORMAL", mode = EnumSource.Mode.EXCLUDE)
    void noFailoverToAPeerThatIsNotNormal(NodeState state) {
        assertThat(refusal(FAILOVER, up(N1, NORMAL), up(N2, state)))
                .contains("failover of n1 is not available: its peer n2 must be up, Normal and healthy to take over"
                        + " (it is " + state.display() + ")");
    }

    @Test
    void noFailoverToAnUnhealthyOrSilentPeer() {
        assertThat(refusal(FAILOVER, up(N1, NORMAL), sick(N2, NORMAL)))
                .contains("failover of n1 is not available: its peer n2 must be up, Normal and healthy to take over"
                        + " (it is Normal, critical services down)");
        assertThat(refusal(FAILOVER, up(N1, NORMAL), down(N2, NORMAL)))
                .contains("failover of n1 is not available: its peer n2 must be up, Normal and healthy to take over"
                        + " (it is down)");
    }

    @Test
    void noFailoverOfANodeWhoseRecoveryManagerIsDown() {
        assertThat(refusal(FAILOVER, down(N1, NORMAL), up(N2, NORMAL)))
                .contains("failover of n1 is not available: its recovery manager is not running");
    }

    // ---------------------------------------------------------------- fallback

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"IDLE", "FAILED_OVER", "FAILOVER_AFFECTED_SERVICES"})
    void fallbackToAFailedOverNodeWhosePeerIsItsBackup(NodeState state) {
        // [RG-T1]: "In Idle state, you can manually initiate a fallback"; Failed Over: "you can manually
        // initiate a fallback"; Table 2 auto-recovery rows: Failover Affected Services falls back once healthy.
        NodeView target = state == IDLE ? sick(N1, state) : up(N1, state); // Idle: services stopped on purpose
        assertThat(refusal(FALLBACK, target, up(N2, RUNNING_IN_BACKUP_MODE))).isEmpty();
        assertThat(refusal(FALLBACK, target, up(N2, BACKUP_ACTIVATED))).isEmpty();
        // The backup serving everybody may itself be unhealthy: fallback is how its peer's users get away from it.
        assertThat(refusal(FALLBACK, target, sick(N2, RUNNING_IN_BACKUP_MODE))).isEmpty();
    }

    @Test
    void noFallbackWhileCriticalServicesAreNotRunning() {
        // [RG-T2], "Failed Over with Critical Services not Running": start them (or reboot) first, then fall back.
        assertThat(refusal(FALLBACK, sick(N1, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING),
                up(N2, RUNNING_IN_BACKUP_MODE)))
                .contains("fallback to n1 is not available: its critical services are not running; start them"
                        + " (or reboot the node) first");
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"IDLE", "FAILED_OVER", "FAILOVER_AFFECTED_SERVICES",
            "FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING"}, mode = EnumSource.Mode.EXCLUDE)
    void noFallbackToANodeThatIsNotFailedOver(NodeState state) {
        assertThat(refusal(FALLBACK, up(N1, state), up(N2, RUNNING_IN_BACKUP_MODE)))
                .contains("fallback to n1 is not available: it is " + state.display()
                        + "; fallback needs it Idle, Failed Over or Failover Affected Services");
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"RUNNING_IN_BACKUP_MODE", "BACKUP_ACTIVATED"},
            mode = EnumSource.Mode.EXCLUDE)
    void noFallbackWhenThePeerIsNotTheBackup(NodeState state) {
        assertThat(refusal(FALLBACK, up(N1, FAILED_OVER), up(N2, state)))
                .contains("fallback to n1 is not available: its peer n2 must be up and serving its users (it is "
                        + state.display() + ")");
    }

    @Test
    void noFallbackToAFailoverAffectedServicesNodeWhoseServicesAreStillDown() {
        // [RG-OVER], Fallback: "The failed IM and Presence Service node comes back
        // into service and all critical services are running." Table 2 auto-recovery rows: Failover Affected Services
        // is the backup whose database or critical service failed; until it works again, falling back to it only
        // moves its users onto a node that cannot serve them (as for Failed Over with Critical Services Not Running).
        assertThat(refusal(FALLBACK, sick(N2, FAILOVER_AFFECTED_SERVICES), up(N1, BACKUP_ACTIVATED))).isPresent();
        assertThat(Actions.available(true, List.of(up(N1, BACKUP_ACTIVATED), sick(N2, FAILOVER_AFFECTED_SERVICES))))
                .isEmpty();
    }

    @Test
    void noFallbackWhenEitherRecoveryManagerIsDown() {
        assertThat(refusal(FALLBACK, up(N1, FAILED_OVER), down(N2, RUNNING_IN_BACKUP_MODE)))
                .contains("fallback to n1 is not available: its peer n2 must be up and serving its users (it is down)");
        assertThat(refusal(FALLBACK, down(N1, FAILED_OVER), up(N2, RUNNING_IN_BACKUP_MODE)))
                .contains("fallback of n1 is not available: its recovery manager is not running");
    }

    // ---------------------------------------------------------------- recover

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"RUNNING_IN_FAILED_MODE", "UNKNOWN"})
    void recoverWhenANodeIsFailedOrUnknown(NodeState broken) {
        // [RG-T2]: Running in Failed Mode rows and Unknown -- click Recovery.
        assertThat(refusal(RECOVER, up(N1, broken), up(N2, broken))).isEmpty();
        assertThat(refusal(RECOVER, up(N1, broken), up(N2, NORMAL))).isEmpty();
        assertThat(refusal(RECOVER, up(N1, RUNNING_IN_BACKUP_MODE), up(N2, broken))).as("the peer is broken").isEmpty();
        assertThat(refusal(RECOVER, up(N1, broken), down(N2, NORMAL))).as("the peer is down").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"RUNNING_IN_FAILED_MODE", "UNKNOWN"}, mode = EnumSource.Mode.EXCLUDE)
    void noRecoverWhenNoRunningNodeIsBroken(NodeState state) {
        assertThat(refusal(RECOVER, up(N1, state), up(N2, state)))
                .contains("recover is not available: no node of the group is in Running in Failed Mode or Unknown");
    }

    @Test
    void aBrokenNodeThatIsDownDoesNotOfferRecover() {
        assertThat(refusal(RECOVER, down(N1, RUNNING_IN_FAILED_MODE), up(N2, RUNNING_IN_BACKUP_MODE))).isPresent();
    }

    // ---------------------------------------------------------------- no high availability, one node

    @ParameterizedTest
    @EnumSource(AdminAction.class)
    void nothingWithoutHighAvailability(AdminAction action) {
        for (NodeState s : NodeState.values()) {
            assertThat(Actions.refusal(action, false, up(N1, s), Optional.of(up(N2, RUNNING_IN_FAILED_MODE))))
                    .contains(action.display() + " is not available: high availability is disabled for the group");
        }
        assertThat(Actions.available(false, List.of(up(N1, NORMAL), up(N2, NORMAL)))).isEmpty();
        assertThat(Actions.available(false, List.of(up(N1, IDLE), up(N2, RUNNING_IN_BACKUP_MODE)))).isEmpty();
        assertThat(Actions.available(false, List.of(up(N1, UNKNOWN), up(N2, UNKNOWN)))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(AdminAction.class)
    void nothingForAGroupOfOneNode(AdminAction action) {
        assertThat(Actions.refusal(action, true, up(N1, NORMAL), Optional.empty()))
                .contains(action.display() + " is not available: the group has one node");
        assertThat(Actions.available(true, List.of(up(N1, NORMAL)))).isEmpty();
    }

    // ---------------------------------------------------------------- what the group offers

    @Test
    void availableInEachSettledPairOfStates() {
        // Table 2, Normal | Normal: failover (of either node).
        assertThat(Actions.available(true, List.of(up(N1, NORMAL), up(N2, NORMAL)))).containsExactly(FAILOVER);
        // Table 2, Idle | Running in Backup Mode: fallback only.
        assertThat(Actions.available(true, List.of(sick(N1, IDLE), up(N2, RUNNING_IN_BACKUP_MODE))))
                .containsExactly(FALLBACK);
        // The order of the two nodes does not matter.
        assertThat(Actions.available(true, List.of(up(N2, RUNNING_IN_BACKUP_MODE), sick(N1, IDLE))))
                .containsExactly(FALLBACK);
        // Table 2, Failed Over with Critical Services not Running | Running in Backup Mode: nothing until services run.
        assertThat(Actions.available(true, List.of(sick(N1, FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING),
                up(N2, RUNNING_IN_BACKUP_MODE)))).isEmpty();
        // Table 2, Backup Activated | Failover Affected Services.
        assertThat(Actions.available(true, List.of(up(N1, BACKUP_ACTIVATED), up(N2, FAILOVER_AFFECTED_SERVICES))))
                .containsExactly(FALLBACK);
        // Table 2, Running in Failed Mode | Running in Failed Mode, and Unknown | Unknown.
        assertThat(Actions.available(true, List.of(up(N1, RUNNING_IN_FAILED_MODE), up(N2, RUNNING_IN_FAILED_MODE))))
                .containsExactly(RECOVER);
        assertThat(Actions.available(true, List.of(up(N1, UNKNOWN), up(N2, UNKNOWN)))).containsExactly(RECOVER);
        // Peer Down: node 1 is down, node 2 in backup mode.
        assertThat(Actions.available(true, List.of(down(N1, NORMAL), up(N2, RUNNING_IN_BACKUP_MODE)))).isEmpty();
        // A node in Normal while its peer is failed: both failover (blocked by the peer) and recover.
        assertThat(Actions.available(true, List.of(up(N1, NORMAL), up(N2, RUNNING_IN_FAILED_MODE))))
                .containsExactly(RECOVER);
    }

    @Test
    void nothingDuringATransition() {
        // [RG-T1]: transition states (Failing Over | Taking Over, Taking Back | Falling Back, Initializing).
        assertThat(Actions.available(true, List.of(up(N1, FAILING_OVER), up(N2, TAKING_OVER)))).isEmpty();
        assertThat(Actions.available(true, List.of(up(N1, TAKING_BACK), up(N2, FALLING_BACK)))).isEmpty();
        assertThat(Actions.available(true, List.of(up(N1, INITIALIZING), up(N2, INITIALIZING)))).isEmpty();
        assertThat(Actions.available(true, List.of(up(N1, INITIALIZING), up(N2, NORMAL)))).isEmpty();
    }

    @Test
    void availableIsExactlyTheActionsSomeNodeIsNotRefused() {
        for (NodeState a : NodeState.values()) {
            for (NodeState b : NodeState.values()) {
                for (boolean healthy : new boolean[] {true, false}) {
                    NodeView x = new NodeView(N1, a, true, healthy);
                    NodeView y = new NodeView(N2, b, true, true);
                    EnumSet<AdminAction> expected = EnumSet.noneOf(AdminAction.class);
                    for (AdminAction act : AdminAction.values()) {
                        if (Actions.refusal(act, true, x, Optional.of(y)).isEmpty()
                                || Actions.refusal(act, true, y, Optional.of(x)).isEmpty()) {
                            expected.add(act);
                        }
                    }
                    assertThat(Actions.available(true, List.of(x, y))).as(a + " / " + b).isEqualTo(expected);
                }
            }
        }
    }
}
