package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * [RG-T2], Peer Down row: after a partition both nodes of a pair serve every user; once they hear each other again
 * each keeps only its own users (Running in Failed Mode / Peer Down) until Recover. Whichever node hears the other
 * first, and whatever it hears first, no user is left served by both.
 */
class HealedPartitionTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static RmPair bothInBackupMode() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.partition(true);
        p.advance(ServiceParameters.defaults().keepAliveTimeout().plusSeconds(5));
        assertThat(p.state(N1).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        assertThat(p.state(N2).state()).isEqualTo(NodeState.RUNNING_IN_BACKUP_MODE);
        p.partition(false);
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
