package dev.tandem.core.rm;

import static dev.tandem.core.rm.NodeState.*;
import static dev.tandem.core.rm.RmPair.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/decisions/0075-versions-in-the-heartbeat.md: a peer of a protocol this node does not interoperate with is
 * Unknown / Unknown with a detail naming both versions, never a Peer Down, and neither node serves the other's users;
 * a peer of the previous protocol is a peer like any other.
 */
class VersionsRuleTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final Versions NEW = Versions.current("2.0.0");
    private static final Versions OLD = new Versions(Versions.PROTOCOL - 1, "1.9.0");
    private static final Versions FOREIGN = new Versions(Versions.PROTOCOL + 2, "4.0.0");

    private static void assertState(RmPair p, NodeId n, NodeState s, Reason r) {
        assertThat(p.state(n).state()).as(n + " state").isEqualTo(s);
        assertThat(p.state(n).reason()).as(n + " reason").isEqualTo(r);
    }

    @Test
    void protocolsInteroperateWhenTheyDifferByAtMostOne() {
        assertThat(Versions.interoperate(Versions.PROTOCOL, Versions.PROTOCOL)).isTrue();
        assertThat(Versions.interoperate(Versions.PROTOCOL, Versions.PROTOCOL - 1)).isTrue();
        assertThat(Versions.interoperate(Versions.PROTOCOL, Versions.PREVIOUS)).as("protocol 3 and 1").isFalse();
        assertThat(Versions.interoperate(Versions.PROTOCOL, Versions.PROTOCOL + 1)).isTrue();
        assertThat(Versions.interoperate(Versions.PROTOCOL, Versions.PROTOCOL + 2)).isFalse();
        assertThat(Versions.interoperate(1, 3)).isFalse();
        assertThat(Versions.interoperate(3, 1)).as("symmetric").isFalse();
        assertThat(Versions.interoperate(Versions.MAX_PROTOCOL, 1)).isFalse();
    }

    @Test
    void versionsOutsideTheirRangesAreRefusedNamingWhatIsAllowed() {
        for (int bad : new int[] {0, -1, Versions.MAX_PROTOCOL + 1}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Versions(bad, "1.0"))
                    .hasMessageContaining("protocol " + bad).hasMessageContaining("allowed 1 to 65535");
        }
        for (String bad : new String[] {"1.0 beta", "x".repeat(65), "1.0\n", "ü"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Versions(2, bad))
                    .hasMessageContaining("software version").hasMessageContaining("letters, digits");
        }
        assertThat(new Versions(2, "0.1.0-SNAPSHOT+b7_x").describe()).isEqualTo("protocol 2, software 0.1.0-SNAPSHOT+b7_x");
        assertThat(Versions.previous().describe()).isEqualTo("protocol 1, software not sent");
    }

    @Test
    void aPeerOfThePreviousProtocolPairsAndFailsOverAsUsual() {
        // The rolling upgrade: n2 still runs the build before this one (protocol 3).
        RmPair p = RmPair.of(true);
        p.speak(N1, NEW);
        p.speak(N2, OLD);
        p.startBoth();
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
        assertThat(p.state(N1).peer().versions()).isEqualTo(OLD);
        assertThat(p.state(N1).peer().serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.state(N1).peer().heard()).as("protocol 3 does not say which incarnation it heard").isNull();
        assertThat(p.state(N2).peer().heard()).isEqualTo(p.state(N1).incarnation());
        assertThat(p.state(N2).peer().serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.state(N2).peer().versions()).isEqualTo(NEW);
        assertThat(RecoveryManager.detail(p.state(N1))).isEmpty();
        p.manualFailover(N2);
        assertState(p, N2, IDLE, Reason.ON_ADMIN_REQUEST);
        assertState(p, N1, RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST);
        assertThat(p.state(N1).serving()).containsExactlyInAnyOrder(Serving.Side.OWN, Serving.Side.PEER);
        assertThat(p.state(N2).serving()).isEmpty();
    }

    @Test
    void anIncompatiblePeerIsUnknownOnBothNodesWithBothVersionsNamed() {
        RmPair p = RmPair.of(true);
        p.speak(N1, NEW);
        p.speak(N2, FOREIGN);
        p.startBoth();
        assertState(p, N1, UNKNOWN, Reason.UNKNOWN);
        assertState(p, N2, UNKNOWN, Reason.UNKNOWN);
        assertThat(RecoveryManager.detail(p.state(N1))).contains("incompatible redundancy protocol: n2 runs protocol "
                + FOREIGN.protocol() + ", software 4.0.0, n1 runs protocol " + Versions.PROTOCOL + ", software 2.0.0;"
                + " protocols interoperate when they differ by at most 1 (docs/redundancy.md, Versions)");
        assertThat(RecoveryManager.detail(p.state(N2))).hasValueSatisfying(d -> assertThat(d)
                .contains("n1 runs protocol " + Versions.PROTOCOL + ", software 2.0.0")
                .contains("n2 runs protocol " + FOREIGN.protocol() + ", software 4.0.0"));
        // Each serves its own users: never both the same ones.
        assertThat(p.state(N1).serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.state(N2).serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.effects(Effect.RunHook.class)).as("nobody takes anybody's users").isEmpty();
    }

    @Test
    void anIncompatiblePeerThatKeepsTalkingIsNeverAPeerDown() {
        RmPair p = RmPair.of(true);
        p.speak(N1, NEW);
        p.speak(N2, FOREIGN);
        p.startBoth();
        // Far past the Initialization Keep Alive Timeout (120 s) and the Keep Alive Timeout (60 s) ([RG-HB]).
        p.advance(Duration.ofMinutes(10));
        assertState(p, N1, UNKNOWN, Reason.UNKNOWN);
        assertState(p, N2, UNKNOWN, Reason.UNKNOWN);
        assertThat(p.state(N1).peer().alive()).isTrue();
        assertThat(p.effects(Effect.Record.class)).extracting(e -> e.getValue().reason())
                .doesNotContain(Reason.PEER_DOWN.display(), Reason.PEER_DOWN_DURING_INITIALIZATION.display());
        assertThat(p.effects(Effect.RunHook.class)).isEmpty();
    }

    @Test
    void aBackupWhosePeerComesBackIncompatibleKeepsOnlyItsOwnUsers() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.manualFailover(N2);
        assertState(p, N1, RUNNING_IN_BACKUP_MODE, Reason.ON_ADMIN_REQUEST);
        RmState s = p.state(N1);
        // n2 restarts on a build of a foreign protocol: n1 hears it alive but cannot read what it says.
        RmMessage.Unreadable u = new RmMessage.Unreadable(N2, "g1", s.peer().incarnation() + 1, FOREIGN);
        p.now = T0.plusSeconds(30);
        p.step(N1, new RmEvent.Received(u));
        assertState(p, N1, UNKNOWN, Reason.UNKNOWN);
        assertThat(p.state(N1).serving()).containsExactly(Serving.Side.OWN);
        assertThat(p.state(N1).peer().versions()).isEqualTo(FOREIGN);
    }

    @Test
    void anUnreadableHeartbeatOfAnOlderIncarnationChangesNothing() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        RmState before = p.state(N1);
        RmMessage.Unreadable stale = new RmMessage.Unreadable(N2, "g1", before.peer().incarnation() - 1, FOREIGN);
        assertThat(p.step(N1, new RmEvent.Received(stale)).state()).isEqualTo(before);
    }

    @Test
    void theGroupCanRecoverOnceThePeerRunsAnInteroperatingBuild() {
        RmPair p = RmPair.of(true);
        p.speak(N2, FOREIGN);
        p.startBoth();
        assertState(p, N1, UNKNOWN, Reason.UNKNOWN);
        // n2 is replaced by a build of this protocol (a downgrade of the upgrade gone wrong): they start over.
        p.step(N2, new RmEvent.Stop());
        p.speak(N2, Versions.current("2.0.1"));
        p.now = T0.plusSeconds(20);
        p.step(N2, new RmEvent.Start(Optional.empty(), 1)); // a new incarnation, as the node's clock gives (decision 0050)
        p.settle();
        assertState(p, N1, NORMAL, Reason.NORMAL);
        assertState(p, N2, NORMAL, Reason.NORMAL);
        assertThat(RecoveryManager.detail(p.state(N1))).isEmpty();
        assertThat(p.state(N1).serving()).isEqualTo(Set.of(Serving.Side.OWN));
    }

    @Test
    void aConfigurationDisagreementIsNamedToo() {
        RmPair p = RmPair.of(true);
        p.startBoth();
        p.step(N2, new RmEvent.GroupChanged(p.group.withHighAvailability(false)));
        p.settle();
        assertState(p, N1, UNKNOWN, Reason.UNKNOWN);
        assertThat(RecoveryManager.detail(p.state(N1))).contains("group configuration differs: n2 runs group g1 as"
                + " \"g1|[n1, n2]|ha=false\", n1 as \"g1|[n1, n2]|ha=true\"");
    }
}
