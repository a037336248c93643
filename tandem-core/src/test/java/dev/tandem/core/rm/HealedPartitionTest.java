package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * [RG-T2], Peer Down row: after a partition both nodes of a pair serve every user; once they hear each other again
 * each keeps only its own users (Running in Failed Mode / Peer Down) until Recover. Whichever node hears the other
 * first, and whatever it hears first, no user is left served by both, also when one of them failed while they were
 * apart (docs/decisions/0081-heartbeats-say-whom-the-sender-serves.md).
 */
class HealedPartitionTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static RmPair bothInBackupMode() {
        RmPair p = bothInBackupModeStillApart(RmPair.of(true));
        p.partition(false);
        return p;
    }

    private static RmPair bothInBackupModeStillApart(RmPair p) {
        p.startBoth();
        p.partition(true);
        p.advance(ServiceParameters.defaults().keepAliveTimeout().plusSeconds(5));
        assertThat(p.state(N1).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        return p;
    }

    /** The users that both nodes serve: empty once the pair has settled. */
    private static List<NodeId> servedTwice(RmPair p) {
        List<NodeId> both = new ArrayList<>(ServiceAddresses.heldBy(p.state(N1)));
        both.retainAll(ServiceAddresses.heldBy(p.state(N2)));
        return both;
    }

    @Test
    void theNodeThatHearsOnlyThePeersFailedStateKeepsOnlyItsOwnUsers() {
        // One node's heartbeat timer fires first after the heal: the other hears it in backup mode, finds the
        // conflict and answers in Running in Failed Mode at once. The first node never hears its peer in backup
        // mode: it must still give the peer's users up, not freeze while serving both sides.
        RmPair p = bothInBackupMode();
        p.advance(ServiceParameters.defaults().keepAliveInterval());
        assertThat(p.state(N1).state()).isEqualTo(NodeState.RUNNING_IN_FAILED_MODE);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.RUNNING_IN_FAILED_MODE);
        assertThat(p.state(N1).reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(p.state(N2).reason()).isEqualTo(Reason.PEER_DOWN);
        assertThat(servedTwice(p)).as("n1 serves %s, n2 serves %s", ServiceAddresses.heldBy(p.state(N1)),
                ServiceAddresses.heldBy(p.state(N2))).isEmpty();
        assertThat(ServiceAddresses.heldBy(p.state(N1))).containsExactly(N1);
        assertThat(ServiceAddresses.heldBy(p.state(N2))).containsExactly(N2);
    }

    @Test
    void aNodeThatAlsoFailedDuringThePartitionGivesThePeersUsersBack() {
        // n1, serving everyone in backup mode, loses a critical service while still apart: no peer to take over, so it
        // freezes in Running in Failed Mode with every user. At the heal n2 (in backup mode, serving everyone too)
        // hears a failed peer. Its reason (Critical Service Down) cannot say whether n1 froze with every user or with
        // none (Table 2's row where the failed node serves nobody); the heartbeat says whom n1 serves.
        RmPair p = bothInBackupModeStillApart(RmPair.of(true));
        p.step(N1, new RmEvent.ServiceChanged("svc", false));
        p.advance(ServiceParameters.defaults().criticalServiceDelay().plusSeconds(5));
        assertThat(p.state(N1).state()).isEqualTo(NodeState.RUNNING_IN_FAILED_MODE);
        assertThat(ServiceAddresses.heldBy(p.state(N1))).containsExactlyInAnyOrder(N1, N2);
        p.partition(false);
        p.advance(ServiceParameters.defaults().keepAliveInterval().multipliedBy(2));
        assertThat(p.state(N1).state()).isEqualTo(NodeState.RUNNING_IN_FAILED_MODE);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.RUNNING_IN_FAILED_MODE);
        assertThat(p.state(N2).reason()).isEqualTo(Reason.CRITICAL_SERVICE_DOWN);
        assertThat(ServiceAddresses.heldBy(p.state(N1))).containsExactly(N1);
        assertThat(ServiceAddresses.heldBy(p.state(N2))).containsExactly(N2);
    }

    @Test
    void aPeerOfTheProtocolBeforeStillEndsTheCommonCase() {
        // A peer of the protocol before this one (3) says whom it serves but not which incarnation it heard.
        RmPair p = RmPair.of(true);
        p.speak(N2, new Versions(Versions.PROTOCOL - 1, "3.0.0"));
        bothInBackupModeStillApart(p).partition(false);
        p.advance(ServiceParameters.defaults().keepAliveInterval());
        assertThat(servedTwice(p)).isEmpty();
        assertThat(ServiceAddresses.heldBy(p.state(N1))).containsExactly(N1);
        assertThat(ServiceAddresses.heldBy(p.state(N2))).containsExactly(N2);
    }

    @Test
    void recoverBringsBothBackToNormal() {
        RmPair p = bothInBackupMode();
        p.advance(ServiceParameters.defaults().keepAliveInterval());
        p.step(N1, new RmEvent.Admin(3, AdminAction.RECOVER));
        p.settle();
        p.advance(ServiceParameters.defaults().keepAliveInterval());
        assertThat(p.state(N1).state()).isEqualTo(NodeState.NORMAL);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.NORMAL);
        assertThat(servedTwice(p)).isEmpty();
    }
}
