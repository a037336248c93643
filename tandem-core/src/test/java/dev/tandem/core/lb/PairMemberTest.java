package dev.tandem.core.lb;

import static dev.tandem.core.lb.LbCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.Effect;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * [LB-FAQ], Using VPN Load Balancing and Failover on the Same Device: "the client connects to the IP address
 * of the group and is redirected to the least-loaded ASA in the group. If that device fails, the standby unit
 * takes over immediately". A member is a failover pair; whichever node serves the pair speaks for it.
 */
class PairMemberTest {
    private static final MemberName WEST = MemberName.of("west");
    private static final MemberName EAST = MemberName.of("east");

    /** east (w/ nodes e1, e2) directs; west (w1, w2) and solo are members. Only e1 and w1 serve at first. */
    private static LbCluster pairs() {
        LbCluster c = new LbCluster();
        DeviceSettings east = LbCluster.device("10.0.0.1", 9);
        DeviceSettings west = LbCluster.device("10.0.0.2", 5);
        c.add("e1", "east", east, c.group);
        c.add("e2", "east", east, c.group);
        c.add("w1", "west", west, c.group);
        c.add("w2", "west", west, c.group);
        c.add("solo", "solo", LbCluster.device("10.0.0.3", 5), c.group);
        for (String n : List.of("e1", "w1", "solo")) {
            c.start(n);
            c.load(n, Load.of(SessionClass.SSL, 10, 100));
        }
        c.runUntil(10);
        assertThat(c.directors()).containsExactly(id("e1"));
        return c;
    }

    @Test
    void memberPairFailoverKeepsTheMembersPlaceAndLoad() {
        LbCluster c = pairs();
        c.load("w1", Load.of(SessionClass.SSL, 42, 100));
        c.runUntil(12);
        LbHandover published = LoadBalancer.handover(c.state("w1"));
        int recordsBefore = c.records.size();
        c.crash("w1");
        c.start("w2", Optional.of(published));
        c.load("w2", Load.of(SessionClass.SSL, 42, 100));
        c.runFor(Duration.ofMillis(20));

        MemberRecord west = c.state("e1").members().get(WEST);
        assertThat(west.speaker()).isEqualTo(id("w2"));
        assertThat(west.joined()).isTrue();
        assertThat(west.load().ssl().active()).isEqualTo(42); // kept from w1 until w2 reports
        assertThat(c.phase("w2")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.state("solo").members().get(WEST).speaker()).isEqualTo(id("w2"));
        c.runUntil(60);
        assertThat(c.directors()).containsExactly(id("e1"));
        assertThat(c.state("e1").members()).hasSize(3);
        // Only w2 changed phase (Stopped -> Joining -> Member): nobody else noticed.
        assertThat(c.records.subList(recordsBefore, c.records.size())).allMatch(r -> r.contains(" w2: "));
    }

    /** Without a handover the pair's other node finds the director through the cluster address; still one entry. */
    @Test
    void memberPairFailoverWithoutHandoverStillKeepsOneEntry() {
        LbCluster c = pairs();
        c.crash("w1");
        c.start("w2");
        c.runFor(Duration.ofMillis(20));
        assertThat(c.state("e1").members().get(WEST).speaker()).isEqualTo(id("w2"));
        assertThat(c.state("e1").members()).hasSize(3);
        assertThat(c.phase("w2")).isEqualTo(LbPhase.MEMBER);
    }

    /** The director's own pair fails over: the other node directs at once; the members never elect. */
    @Test
    void directorPairFailoverNeedsNoElection() {
        LbCluster c = pairs();
        c.runUntil(12.5);
        LbHandover published = LoadBalancer.handover(c.state("e1"));
        int recordsBefore = c.records.size();
        c.crash("e1");
        c.start("e2", Optional.of(published));
        assertThat(c.phase("e2")).isEqualTo(LbPhase.DIRECTOR);
        assertThat(c.effects.get(id("e2"))).contains(new Effect.ClaimAddress());
        assertThat(c.addressHolders).containsExactly(id("e2"));
        c.runUntil(60);
        assertThat(c.directors()).containsExactly(id("e2"));
        assertThat(c.settledUnder("e2")).isTrue();
        assertThat(c.state("w1").director()).isEqualTo(EAST);
        assertThat(c.state("w1").directorNode()).isEqualTo(id("e2"));
        assertThat(c.phase("w1")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.state("e2").term()).isEqualTo(1); // the same director, not a new term
        assertThat(c.records.subList(recordsBefore, c.records.size()))
                .containsExactly("12500ms e2: Stopped -> Director (took over the director role from the other node of east)");
    }

    /** A graceful failover inside the pair (admin action) is silent: no goodbye, no resign. */
    @Test
    void handingOverSendsNoGoodbye() {
        LbCluster c = pairs();
        LbHandover published = LoadBalancer.handover(c.state("w1"));
        c.stop("w1", true);
        c.start("w2", Optional.of(published));
        c.runFor(Duration.ofMillis(20));
        assertThat(c.sentBy("w1", LbMessage.Goodbye.class)).isEmpty();
        assertThat(c.state("e1").members()).containsKey(WEST);
        assertThat(c.state("e1").members().get(WEST).speaker()).isEqualTo(id("w2"));
    }
}
