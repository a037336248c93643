package dev.tandem.core.lb;

import static dev.tandem.core.lb.LbCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** [LB-ELECT]: Director Election Process. */
class ElectionTest {

    /** "Compares the priority of each load balancing unit": nodes starting together elect the highest priority. */
    @Test
    void nodesStartingTogetherElectTheHighestPriority() {
        LbCluster c = new LbCluster();
        c.add("a", "10.0.0.1", 5);
        c.add("b", "10.0.0.2", 9);
        c.add("c", "10.0.0.3", 5);
        c.start("a");
        c.start("b");
        c.start("c");
        c.runUntil(6);
        assertThat(c.directors()).containsExactly(id("b"));
        assertThat(c.settledUnder("b")).isTrue();
        assertThat(c.addressHolders).containsExactly(id("b"));
        // Nobody else ever claimed the address: the discovery window let them agree first.
        assertThat(c.effects.get(id("a"))).doesNotContain(new Effect.ClaimAddress());
        assertThat(c.effects.get(id("c"))).doesNotContain(new Effect.ClaimAddress());
    }

    /** "If two units with the same priority are found, one with the lower IP address is elected" (numerically; IPv4 first). */
    @Test
    void equalPriorityElectsTheLowestIp() {
        LbCluster c = new LbCluster();
        c.add("v6", "2001:db8::1", 5);
        c.add("ten", "10.0.0.10", 5);
        c.add("nine", "10.0.0.9", 5);
        c.start("v6");
        c.start("ten");
        c.start("nine");
        c.runUntil(6);
        assertThat(c.directors()).containsExactly(id("nine"));
        assertThat(c.settledUnder("nine")).isTrue();
    }

    /**
     * "Each non-master ... maintains a local topology database ... updated by the master"; when the director is
     * lost every member elects from it: priority first, then the lower IP; the elected one claims the virtual IP
     * and the others send it a Hello request.
     */
    @Test
    void lostDirectorIsReplacedFromTheTopologyDatabase() {
        LbCluster c = new LbCluster();
        c.add("d", "10.0.0.1", 9);
        c.add("x", "10.0.0.5", 7);
        c.add("y", "10.0.0.3", 7);
        c.add("z", "10.0.0.2", 5);
        for (String n : List.of("d", "x", "y", "z")) c.start(n);
        c.runUntil(10);
        assertThat(c.settledUnder("d")).isTrue();
        assertThat(c.state("z").members()).containsKeys(MemberName.of("d"), MemberName.of("x"), MemberName.of("y"));

        c.crash("d");
        c.runUntil(10 + 24); // not yet: the members are still resending
        assertThat(c.directors()).isEmpty();
        c.runUntil(10 + 26);
        assertThat(c.directors()).containsExactly(id("y"));
        assertThat(c.addressHolders).containsExactly(id("y"));
        assertThat(c.settledUnder("y")).isTrue();
        assertThat(c.state("y").members()).doesNotContainKey(MemberName.of("d"));
        assertThat(c.state("x").members()).doesNotContainKey(MemberName.of("d"));
        assertThat(c.state("y").term()).isEqualTo(2);
    }

    /** Non-preemptive: priority is "the likelihood of this device becoming the group director" at startup or failure. */
    @Test
    void aBetterMemberJoiningLaterDoesNotTakeTheRole() {
        LbCluster c = new LbCluster();
        c.add("old", "10.0.0.5", 3);
        c.add("m", "10.0.0.6", 3);
        c.start("old");
        c.start("m");
        c.runUntil(10);
        c.add("better", "10.0.0.1", 10);
        c.start("better");
        c.runUntil(60);
        assertThat(c.directors()).containsExactly(id("old"));
        assertThat(c.settledUnder("old")).isTrue();
        assertThat(c.effects.get(id("better"))).doesNotContain(new Effect.ClaimAddress());
        assertThat(c.phase("better")).isEqualTo(LbPhase.MEMBER);
    }

    /**
     * "When two member units try to claim the virtual IP address ... [one is asked] to give up the director role."
     * Tandem: after a partition heals, the lower-ranked director yields, decided the same way on both sides.
     */
    @Test
    void twoDirectorsAfterAPartitionHealsLeaveExactlyOne() {
        LbCluster c = new LbCluster();
        Set<String> east = Set.of("e1", "e2", "e3");
        c.add("e1", "10.0.0.11", 6);
        c.add("e2", "10.0.0.12", 5);
        c.add("e3", "10.0.0.13", 5);
        c.add("w1", "10.0.0.21", 8);
        c.add("w2", "10.0.0.22", 5);
        c.link = (a, b) -> east.contains(a.value()) == east.contains(b.value());
        for (String n : List.of("e1", "e2", "e3", "w1", "w2")) c.start(n);
        c.runUntil(30);
        assertThat(c.directors()).containsExactlyInAnyOrder(id("e1"), id("w1"));
        assertThat(c.addressHolders).containsExactlyInAnyOrder(id("e1"), id("w1"));

        c.link = (a, b) -> true;
        c.runUntil(30 + 4.1); // within one announcement interval
        assertThat(c.directors()).containsExactly(id("w1"));
        assertThat(c.addressHolders).containsExactly(id("w1"));
        assertThat(c.effects.get(id("e1"))).contains(new Effect.ReleaseAddress());
        assertThat(c.records).anyMatch(r -> r.contains("e1: Director -> Joining (yields the director role to w1,"
                + " which ranks higher)"));
        c.runUntil(40);
        assertThat(c.settledUnder("w1")).isTrue();
        assertThat(c.state("w1").members()).hasSize(5);
    }

    /**
     * A member cut off from its director elects itself in a newer term; when the network heals it yields to the director,
     * which ranks higher but is still in the older term. The member follows that director's term from the handshake
     * on, or it would ignore every topology push of the director for good (their term looks older than its own).
     */
    @Test
    void aMemberThatYieldsTakesItsDirectorsTermAndFollowsItsPushes() {
        LbCluster c = new LbCluster();
        c.add("d", "10.0.0.1", 9);
        c.add("m", "10.0.0.2", 5);
        c.start("d");
        c.start("m");
        c.runUntil(5);
        assertThat(c.settledUnder("d")).isTrue();
        long directorsTerm = c.state("d").term();

        c.link = (a, b) -> false;
        c.runUntil(40);
        assertThat(c.state("m").isDirector()).as("m elected itself while cut off").isTrue();
        assertThat(c.state("m").term()).isGreaterThan(directorsTerm);

        c.link = (a, b) -> true;
        c.runUntil(50);
        assertThat(c.settledUnder("d")).isTrue();
        assertThat(c.state("m").term()).isEqualTo(c.state("d").term());
        c.load("d", Load.of(SessionClass.SSL, 7, 100));
        c.runUntil(55);
        assertThat(c.state("m").members().get(MemberName.of("d")).load()).as("d's push reached m")
                .isEqualTo(Load.of(SessionClass.SSL, 7, 100));
    }

    /**
     * Two restarts the director's database did not notice: a member back at once (its handshake changes nothing
     * there) still gets the topology, and members of a director that restarted at once (its terms and versions
     * counted again from the start) follow its pushes from the handshake it asks for (simulator seeds 4485, 1251).
     */
    @Test
    void restartsAtOnceOfAMemberOrOfTheDirectorLeaveEveryViewWhole() {
        LbCluster c = new LbCluster();
        c.add("d", "10.0.0.1", 9);
        c.add("m", "10.0.0.2", 5);
        c.add("k", "10.0.0.3", 4);
        for (String n : List.of("d", "m", "k")) c.start(n);
        c.runUntil(10);
        assertThat(c.settledUnder("d")).isTrue();
        c.load("d", Load.of(SessionClass.SSL, 3, 100)); // versions move on
        c.runUntil(15);

        c.crash("m");
        c.add("m", "10.0.0.2", 5); // back with nothing: a new process
        c.start("m");
        c.runUntil(25);
        assertThat(c.state("m").members().keySet()).as("m back at once knows the group")
                .isEqualTo(c.state("d").members().keySet());

        c.crash("d");
        c.add("d", "10.0.0.1", 9);
        c.start("d");
        c.runUntil(40);
        assertThat(c.settledUnder("d")).isTrue();
        c.load("d", Load.of(SessionClass.SSL, 9, 100));
        c.runUntil(45);
        for (String n : List.of("m", "k")) {
            assertThat(c.state(n).members().get(MemberName.of("d")).load()).as("%s follows the restarted director", n)
                    .isEqualTo(Load.of(SessionClass.SSL, 9, 100));
        }
    }

    /**
     * Pushes go over UDP: a member that lost one in a group where nothing changes gets the topology again within two
     * announcement intervals (simulator seed 447554).
     */
    @Test
    void aLostPushIsMadeGoodByTheNextRefresh() {
        LbCluster c = new LbCluster();
        c.add("d", "10.0.0.1", 9);
        c.add("m", "10.0.0.2", 5);
        c.start("d");
        c.start("m");
        c.runUntil(10);
        assertThat(c.settledUnder("d")).isTrue();
        c.drop = s -> s.message() instanceof LbMessage.TopologyPush && s.to().equals(id("m"));
        c.load("d", Load.of(SessionClass.SSL, 4, 100));
        c.runUntil(12);
        assertThat(c.state("m").members().get(MemberName.of("d")).load()).as("the push was lost")
                .isNotEqualTo(Load.of(SessionClass.SSL, 4, 100));
        c.drop = s -> false;
        c.runUntil(12 + 2 * c.state("d").timing().announceInterval().toSeconds());
        assertThat(c.state("m").members().get(MemberName.of("d")).load()).as("the refresh brought it")
                .isEqualTo(Load.of(SessionClass.SSL, 4, 100));
    }

    /** The same rule when the lower-ranked director hears first, and for the specification's duplicate-address alarm. */
    @Test
    void addressConflictMakesTheDirectorsMeetAtOnce() {
        LbCluster c = new LbCluster();
        c.add("p", "10.0.0.1", 5);
        c.add("q", "10.0.0.2", 5);
        c.link = (a, b) -> false;
        c.start("p");
        c.start("q");
        c.runUntil(5);
        assertThat(c.directors()).containsExactly(id("p"), id("q"));
        c.link = (a, b) -> true;
        c.apply(id("q"), new LbEvent.AddressConflict()); // q's address driver sees the duplicate
        c.runFor(Duration.ofMillis(10));
        assertThat(c.directors()).containsExactly(id("p")); // 10.0.0.1 ranks above 10.0.0.2 at equal priority
        c.runUntil(8);
        assertThat(c.settledUnder("p")).isTrue();
    }

    /** decisions/112: a member that missed its director's Resign is told where the director went. */
    @Test
    void aMemberThatMissedTheResignIsRedirectedByItsFormerDirector() {
        LbCluster c = new LbCluster();
        Set<String> left = Set.of("p", "pm");
        c.add("p", "10.0.0.1", 9);
        c.add("pm", "10.0.0.2", 5);
        c.add("q", "10.0.0.3", 5);
        c.add("qm", "10.0.0.4", 5);
        c.link = (a, b) -> left.contains(a.value()) == left.contains(b.value());
        for (String n : List.of("p", "pm", "q", "qm")) c.start(n);
        c.runUntil(20);
        assertThat(c.directors()).containsExactly(id("p"), id("q"));
        c.link = (a, b) -> true;
        int[] resigns = {0};
        // Lose the Resign q sends its members when it yields; later ones get through.
        c.drop = s -> s.message() instanceof LbMessage.Resign && s.to().equals(id("qm")) && resigns[0]++ == 0;
        c.runUntil(26);
        assertThat(resigns[0]).isGreaterThan(1);
        assertThat(c.directors()).containsExactly(id("p"));
        assertThat(c.records).anyMatch(r -> r.contains("qm: Member -> Joining (director q yielded to p)"));
        assertThat(c.settledUnder("p")).isTrue();
        assertThat(c.records).noneMatch(r -> r.contains("qm: Member -> Director") || r.contains("gone"));
    }

    /** decisions/112: a member whose director went silent joins a working director it hears, before electing. */
    @Test
    void aMemberWhoseDirectorIsSilentJoinsAWorkingDirector() {
        LbCluster c = new LbCluster();
        Set<String> left = Set.of("d1", "m");
        c.add("d1", "10.0.0.1", 9);
        c.add("m", "10.0.0.2", 5);
        c.add("d2", "10.0.0.3", 5);
        c.link = (a, b) -> left.contains(a.value()) == left.contains(b.value());
        for (String n : List.of("d1", "m", "d2")) c.start(n);
        c.runUntil(20);
        assertThat(c.settledUnder("d1")).isFalse(); // d2 is out of reach and directs alone
        assertThat(c.state("m").director()).isEqualTo(MemberName.of("d1"));
        // m loses d1 but now reaches d2; d1 and d2 still cannot reach each other.
        c.link = (a, b) -> !(Set.of(a.value(), b.value()).equals(Set.of("d1", "m")))
                && !(Set.of(a.value(), b.value()).equals(Set.of("d1", "d2")));
        c.runUntil(20 + 12);
        assertThat(c.phase("m")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.state("m").director()).isEqualTo(MemberName.of("d2"));
        assertThat(c.records).anyMatch(r -> r.contains("m: Member -> Joining (director d1 is not answering;"
                + " d2 directs the group)"));
    }

    /** A director that stops on purpose tells its members, which elect at once instead of waiting 24 s. */
    @Test
    void aDirectorStoppingOnPurposeIsReplacedAtOnce() {
        LbCluster c = new LbCluster();
        c.add("d", "10.0.0.1", 9);
        c.add("x", "10.0.0.2", 5);
        c.add("y", "10.0.0.3", 5);
        for (String n : List.of("d", "x", "y")) c.start(n);
        c.runUntil(10);
        c.stop("d", false);
        c.runFor(Duration.ofMillis(50));
        assertThat(c.directors()).containsExactly(id("x"));
        assertThat(c.settledUnder("x")).isTrue();
        assertThat(c.effects.get(id("d"))).contains(new Effect.ReleaseAddress());
    }

    private static LbCluster hundred(long seed) {
        LbCluster c = new LbCluster();
        Random r = new Random(seed);
        for (int i = 0; i < 100; i++) {
            c.add("n" + i, "10.1." + (i / 100) + "." + (i % 100 + 1), 1 + r.nextInt(10));
        }
        return c;
    }

    private static NodeId bestOf(LbCluster c) {
        List<MemberInfo> all = new ArrayList<>();
        for (LbState s : c.states.values()) all.add(s.selfInfo());
        return id(Election.best(all).name().value());
    }

    /** 100 members (ten times the specification's tested size) starting within one second converge on the best-ranked one. */
    @Test
    void hundredMembersStartingTogetherConvergeOnTheBestRanked() {
        LbCluster c = hundred(7);
        Random r = new Random(11);
        List<String> order = new ArrayList<>(c.states.keySet().stream().map(NodeId::value).toList());
        java.util.Collections.shuffle(order, r);
        for (String n : order) {
            c.runFor(Duration.ofMillis(r.nextInt(10)));
            c.start(n);
        }
        c.runUntil(20);
        NodeId best = bestOf(c);
        assertThat(c.directors()).containsExactly(best);
        assertThat(c.addressHolders).containsExactly(best);
        assertThat(c.settledUnder(best.value())).isTrue();
        assertThat(c.states.get(best).members()).hasSize(100);
        assertThat(c.states.get(best).members().values()).allMatch(MemberRecord::joined);
    }

    /**
     * Started over half a minute in three partitions with a lossy network, so each part elects its own
     * director; once the network heals: exactly one director, and everyone follows it.
     */
    @Test
    void hundredMembersStartedApartInThreePartitionsEndWithExactlyOneDirector() {
        LbCluster c = hundred(3);
        Random loss = new Random(5);
        c.drop = s -> loss.nextInt(100) < 10;
        c.link = (a, b) -> part(a) == part(b);
        Random r = new Random(13);
        for (String n : c.states.keySet().stream().map(NodeId::value).toList()) {
            c.runFor(Duration.ofMillis(r.nextInt(600)));
            c.start(n);
        }
        c.runUntil(60);
        assertThat(c.directors()).hasSize(3);
        c.link = (a, b) -> true;
        c.runUntil(120);
        c.drop = s -> false;
        c.runUntil(180);
        assertThat(c.directors()).hasSize(1);
        String director = c.directors().getFirst().value();
        assertThat(c.settledUnder(director)).isTrue();
        assertThat(c.addressHolders).containsExactly(id(director));
        // The survivor is the best-ranked of the three directors the partitions had.
        assertThat(c.records).filteredOn(x -> x.contains("yields the director role")).hasSize(2);
    }

    private static int part(NodeId n) {
        return Integer.parseInt(n.value().substring(1)) % 3;
    }
}
