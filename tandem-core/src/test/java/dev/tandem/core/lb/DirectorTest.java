package dev.tandem.core.lb;

import static dev.tandem.core.lb.LbCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.Effect;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The director's side: its topology database, the decision from it, and refusing members that do not match. */
class DirectorTest {
    private static final MemberName M1 = MemberName.of("m1");

    /** Director d and members m1, m2, each allowing 100 SSL sessions, settled by 10 s. */
    private static LbCluster group(LbCluster c) {
        c.add("d", "10.0.0.1", 9);
        c.add("m1", "10.0.0.2", 5);
        c.add("m2", "10.0.0.3", 5);
        for (String n : List.of("d", "m1", "m2")) {
            c.start(n);
            c.load(n, Load.of(SessionClass.SSL, 0, 100));
        }
        c.runUntil(10);
        assertThat(c.settledUnder("d")).isTrue();
        return c;
    }

    /** [LB-RULES]: the director decides from the loads its members report. */
    @Test
    void decisionFromTheDirectorsState() {
        LbCluster c = group(new LbCluster());
        c.load("d", Load.of(SessionClass.SSL, 3, 100));
        c.load("m1", Load.of(SessionClass.SSL, 2, 100));
        c.load("m2", Load.of(SessionClass.SSL, 5, 100));
        c.runFor(Duration.ofMillis(1100));
        LbDecision d = LoadBalancer.decide(c.state("d"), c.now);
        assertThat(d.chosen()).contains(LbCluster.ip("10.0.0.2"));
        assertThat(d.rule()).hasValue(2);
        assertThat(d.loads().values()).containsExactly(3, 2, 5);
        assertThat(LoadBalancer.redirectAddress(c.state("d"), d.chosen().orElseThrow()))
                .contains(LbCluster.ip("10.0.0.2"));
        // Only the director decides.
        LbDecision fromMember = LoadBalancer.decide(c.state("m1"), c.now);
        assertThat(fromMember.chosen()).isEmpty();
        assertThat(fromMember.reason()).isEqualTo("this node is not the director (Member)");
    }

    /**
     * A redirect counts in the member's load until its next report; a batch of redirects counts as the same redirects
     * one by one, none above a member's maximum, none on the director itself.
     */
    @Test
    void aBatchOfRedirectsCountsAsTheSameRedirectsOneByOne() {
        LbCluster c = group(new LbCluster());
        c.load("m1", Load.of(SessionClass.SSL, 97, 100));
        c.load("m2", Load.of(SessionClass.SSL, 10, 100));
        c.runFor(Duration.ofMillis(1100));
        IpAddress d = LbCluster.ip("10.0.0.1");
        IpAddress m1 = LbCluster.ip("10.0.0.2");
        IpAddress m2 = LbCluster.ip("10.0.0.3");
        List<IpAddress> sent = List.of(m1, m2, m1, d, m1, m1, m1, m2);
        LbState oneByOne = c.state("d");
        for (IpAddress m : sent) oneByOne = LoadBalancer.step(oneByOne, new LbEvent.Redirected(m, SessionClass.SSL), c.now).state();
        LbState batch = LoadBalancer.step(c.state("d"), new LbEvent.Redirected(sent, SessionClass.SSL), c.now).state();
        assertThat(batch.members()).isEqualTo(oneByOne.members());
        assertThat(batch.members().get(M1).load().ssl().active()).isEqualTo(100);
        assertThat(batch.members().get(MemberName.of("m2")).load().ssl().active()).isEqualTo(12);
        assertThat(batch.load()).isEqualTo(c.state("d").load());
    }

    /** [LB-MODES]: the control unit takes every connection. */
    @Test
    void centralizedModeKeepsEverySessionOnTheDirector() {
        LbCluster c = group(new LbCluster(GroupSettings.of(NetAddress.parse("c", "192.168.1.100"))
                .withMode(VpnMode.CENTRALIZED), LbTiming.defaults()));
        c.load("d", Load.of(SessionClass.SSL, 90, 100));
        LbDecision d = LoadBalancer.decide(c.state("d"), c.now);
        assertThat(d.chosen()).contains(LbCluster.ip("10.0.0.1"));
        assertThat(d.reason()).startsWith("centralized mode");
    }

    /**
     * A member that dies: no clients are sent to it after one resend cycle (4 s) of silence, and it leaves the
     * topology after 24 s, the time a member needs to give up on the director.
     */
    @Test
    void silentMemberIsSkippedAfterFourSecondsAndDroppedAfterTwentyFour() {
        LbCluster c = group(new LbCluster());
        c.load("d", Load.of(SessionClass.SSL, 50, 100));
        c.runUntil(10.5);
        c.crash("m1");
        java.time.Instant lastHeard = c.state("d").members().get(M1).lastHeard();
        c.runUntil(lastHeard.plusSeconds(4));
        assertThat(LoadBalancer.decide(c.state("d"), c.now).chosen()).contains(LbCluster.ip("10.0.0.2"));
        c.runUntil(lastHeard.plusSeconds(4).plusMillis(1));
        assertThat(LoadBalancer.decide(c.state("d"), c.now).chosen()).contains(LbCluster.ip("10.0.0.3"));
        c.runUntil(lastHeard.plusSeconds(24).minusMillis(1));
        assertThat(c.state("d").members()).containsKey(M1);
        c.runUntil(lastHeard.plusSeconds(24));
        assertThat(c.state("d").members()).doesNotContainKey(M1);
        c.runFor(Duration.ofMillis(5));
        assertThat(c.state("m2").members()).doesNotContainKey(M1); // pushed at once
    }

    /** A member that stops on purpose says goodbye and leaves the topology at once. */
    @Test
    void goodbyeRemovesTheMemberAtOnce() {
        LbCluster c = group(new LbCluster());
        c.stop("m1", false);
        c.runFor(Duration.ofMillis(5));
        assertThat(c.state("d").members()).doesNotContainKey(M1);
        assertThat(c.state("m2").members()).doesNotContainKey(M1);
    }

    /** [LB-ELECT]: the database "is updated by the master whenever the topology ... is changed". */
    @Test
    void topologyPushCarriesMembersRolesAndLoads() {
        LbCluster c = group(new LbCluster());
        Topology t = c.state("m2").topology();
        assertThat(t.members()).extracting(e -> e.info().publicAddress().text())
                .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(t.members()).extracting(TopologyEntry::director).containsExactly(true, false, false);
        assertThat(t.director()).isEqualTo(MemberName.of("d"));
        assertThat(t.term()).isEqualTo(1);
    }

    /** A member's new priority reaches the director and, from it, every member's database. */
    @Test
    void deviceSettingsChangeReachesEveryDatabase() {
        LbCluster c = group(new LbCluster());
        LbState m1 = c.state("m1");
        c.apply(id("m1"), new LbEvent.SettingsChanged(m1.group(), m1.device().withPriority(8)));
        c.runFor(Duration.ofMillis(10));
        assertThat(c.state("d").members().get(M1).info().priority()).isEqualTo(8);
        assertThat(c.state("m2").members().get(M1).info().priority()).isEqualTo(8);
        assertThat(c.phase("m1")).isEqualTo(LbPhase.MEMBER);
    }

    /**
     * [LB-PREREQ]: "All devices that participate in a group must share the same cluster-specific
     * values: IP address, encryption settings, encryption key, and port." A member that differs is refused with
     * the setting named; it never claims the address.
     */
    @Test
    void memberWithADifferentPortIsRefusedNamingTheSetting() {
        LbCluster c = group(new LbCluster());
        c.add("odd", "odd", LbCluster.device("10.0.0.9", 10), c.group.withPort(4444));
        c.start("odd");
        c.runUntil(60);
        assertThat(c.phase("odd")).isEqualTo(LbPhase.REFUSED);
        assertThat(c.effects.get(id("odd"))).doesNotContain(new Effect.ClaimAddress());
        assertThat(c.mismatches).anySatisfy(m -> {
            assertThat(m.node()).isEqualTo(id("d"));
            assertThat(m.peer()).isEqualTo(id("odd"));
            assertThat(m.setting()).isEqualTo("cluster port");
            assertThat(m.message()).isEqualTo("cluster port differs: 9023 on d, 4444 on odd");
        });
        assertThat(c.mismatches).anySatisfy(m -> {
            assertThat(m.node()).isEqualTo(id("odd"));
            assertThat(m.setting()).isEqualTo("cluster port");
        });
        assertThat(c.records).anyMatch(r -> r.contains("odd: Discovering -> Refused (refused by d: cluster port differs"));
        assertThat(c.state("d").members()).doesNotContainKey(MemberName.of("odd"));
        assertThat(c.directors()).containsExactly(id("d"));
    }

    @Test
    void keyMismatchIsReportedByFingerprintOnly() {
        ClusterKey ours = ClusterKey.of("k", "our-secret-key");
        ClusterKey theirs = ClusterKey.of("k", "their-secret-key");
        LbCluster c = group(new LbCluster(GroupSettings.of(NetAddress.parse("c", "192.168.1.100")).withEncryption(ours),
                LbTiming.defaults()));
        c.add("odd", "odd", LbCluster.device("10.0.0.9", 5), c.group.withKey(theirs));
        c.start("odd");
        c.runUntil(20);
        assertThat(c.phase("odd")).isEqualTo(LbPhase.REFUSED);
        assertThat(c.mismatches).isNotEmpty().allSatisfy(m -> {
            assertThat(m.setting()).isEqualTo("cluster key");
            assertThat(m.message()).doesNotContain("our-secret-key", "their-secret-key");
        });
        assertThat(c.mismatches.getFirst().message()).contains(ours.fingerprint(), theirs.fingerprint());
    }

    /** Fixing the settings of a refused node lets it join. */
    @Test
    void refusedNodeJoinsOnceItsSettingsMatch() {
        LbCluster c = group(new LbCluster());
        c.add("odd", "odd", LbCluster.device("10.0.0.9", 5), c.group.withPort(4444));
        c.start("odd");
        c.runUntil(15);
        LbState odd = c.state("odd");
        c.apply(id("odd"), new LbEvent.SettingsChanged(c.group, odd.device()));
        c.runUntil(20);
        assertThat(c.settledUnder("d")).isTrue();
        assertThat(c.state("d").members()).hasSize(4);
    }

    /** Members are told apart by public IP (rule 4, show output): a second member with the same IP is refused. */
    @Test
    void duplicatePublicAddressIsRefused() {
        LbCluster c = group(new LbCluster());
        c.add("twin", "twin", LbCluster.device("10.0.0.2", 5), c.group);
        c.start("twin");
        c.runUntil(20);
        assertThat(c.phase("twin")).isEqualTo(LbPhase.REFUSED);
        assertThat(c.mismatches).anySatisfy(m -> assertThat(m.message())
                .isEqualTo("public address 10.0.0.2 belongs to member m1 already"));
    }

    /** New group settings restart the node's protocol under them. */
    @Test
    void groupSettingsChangeRestartsTheNode() {
        LbCluster c = group(new LbCluster());
        LbState d = c.state("d");
        c.apply(id("d"), new LbEvent.SettingsChanged(d.group().withMode(VpnMode.CENTRALIZED), d.device()));
        assertThat(c.phase("d")).isEqualTo(LbPhase.DISCOVERING);
        assertThat(c.effects.get(id("d"))).contains(new Effect.ReleaseAddress());
        assertThat(c.records).anyMatch(r -> r.contains("d: Director -> Stopped (settings changed)"));
    }

    /**
     * A new mode reaches the members one by one, as each node's store watcher takes it: while they differ they
     * refuse each other, and once all run it the group settles again under it, with one director.
     */
    @Test
    void aModeThatReachesTheMembersOneByOneEndsInOneGroupUnderIt() {
        LbCluster c = group(new LbCluster());
        GroupSettings centralized = c.group.withMode(VpnMode.CENTRALIZED);
        for (String n : List.of("m1", "d", "m2")) {
            c.apply(id(n), new LbEvent.SettingsChanged(centralized, c.state(n).device()));
            c.runFor(Duration.ofMillis(700));
        }
        c.runFor(Duration.ofSeconds(20));
        for (String n : List.of("d", "m1", "m2")) assertThat(c.state(n).group()).as(n).isEqualTo(centralized);
        assertThat(List.of("d", "m1", "m2").stream().filter(n -> c.phase(n) == LbPhase.DIRECTOR)).hasSize(1);
        String director = List.of("d", "m1", "m2").stream().filter(n -> c.phase(n) == LbPhase.DIRECTOR).findFirst()
                .orElseThrow();
        assertThat(c.settledUnder(director)).isTrue();
        assertThat(c.state(director).members()).hasSize(3);
    }

    /**
     * The topology database is copied at most once a step: a step that changes no member keeps the very table it
     * started from, and one that does leaves the table of the state before it as it was.
     */
    @Test
    void aStepCopiesTheMembersOnlyWhenItChangesThem() {
        LbCluster c = group(new LbCluster());
        LbState before = c.state("d");
        LbState announced = LoadBalancer.step(before, new LbEvent.TimerFired(LoadBalancer.TIMER_ANNOUNCE), c.now).state();
        assertThat(announced.members()).isSameAs(before.members());

        IpAddress m1 = LbCluster.ip("10.0.0.2");
        LbState redirected = LoadBalancer.step(before, new LbEvent.Redirected(List.of(m1), SessionClass.SSL), c.now).state();
        assertThat(redirected.members()).isNotSameAs(before.members());
        assertThat(redirected.members().get(M1).load().of(SessionClass.SSL).active())
                .isEqualTo(before.members().get(M1).load().of(SessionClass.SSL).active() + 1);
        assertThat(before.members().get(M1).load().of(SessionClass.SSL).active()).isZero();
    }
}
