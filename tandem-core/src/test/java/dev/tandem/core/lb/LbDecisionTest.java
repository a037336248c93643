package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** [LB-RULES], rules 1 to 4. */
class LbDecisionTest {
    private static final IpAddress D = ip("10.0.0.5");

    private static IpAddress ip(String s) {
        return IpAddress.parse("ip", s);
    }

    private static Candidate c(String ip, int active, int max) {
        return Candidate.of(ip(ip), Load.of(SessionClass.SSL, active, max));
    }

    private static LbDecision decide(Candidate director, Candidate... members) {
        return LbDecision.decide(director, List.of(members), VpnMode.DISTRIBUTED);
    }

    /**
     * [LB-RULES]: "if you have one director and two members, the following cycle
     * applies ... All nodes start with 0%". Sessions arrive one by one; each goes where the rules say.
     */
    @Test
    void specificationWorkedExampleOneDirectorTwoMembers() {
        String[] names = {"10.0.0.1", "10.0.0.2", "10.0.0.3"}; // director, member 1, member 2
        int[] active = new int[3];
        List<String> sequence = new ArrayList<>();
        for (int session = 1; session <= 9; session++) {
            Candidate director = c(names[0], active[0], 100);
            LbDecision d = decide(director, c(names[1], active[1], 100), c(names[2], active[2], 100));
            String who = d.chosen().orElseThrow().text();
            int index = List.of(names).indexOf(who);
            String line = "session " + session + " -> " + (index == 0 ? "director" : "member " + index)
                    + " by rule " + d.rule().orElseThrow() + " (loads " + d.loads().values() + "): " + d.reason();
            System.out.println(line);
            sequence.add((index == 0 ? "D" : "M" + index) + "/" + d.rule().getAsInt());
            active[index]++;
        }
        // All at 0%: equal load, equal sessions, member 1 has the lower IP (rule 4); then member 2 is lowest
        // (rule 2); then both members are 1 point above the director, which takes the session (rule 1).
        assertThat(sequence).containsExactly("M1/4", "M2/2", "D/1", "M1/4", "M2/2", "D/1", "M1/4", "M2/2", "D/1");
        assertThat(active).containsExactly(3, 3, 3);
    }

    @Test
    void rule1DirectorTakesWhenEveryMemberIsAtLeastOnePointAbove() {
        LbDecision d = decide(c("10.0.0.5", 3, 100), c("10.0.0.1", 4, 100), c("10.0.0.2", 9, 100));
        assertThat(d.chosen()).contains(D);
        assertThat(d.rule()).hasValue(1);
        assertThat(d.reason()).isEqualTo("rule 1: every member's load is at least 1 point above the director's"
                + " (director 3%, lowest member 4%)");
    }

    @Test
    void rule1DoesNotApplyWhenAMemberIsEqualToTheDirector() {
        LbDecision d = decide(c("10.0.0.5", 3, 100), c("10.0.0.1", 3, 100), c("10.0.0.2", 9, 100));
        assertThat(d.chosen()).contains(ip("10.0.0.1"));
        assertThat(d.rule()).hasValue(2);
    }

    @Test
    void rule2LowestLoadPercentageNotFewestSessions() {
        // 10.0.0.2 has more sessions but a lower percentage: percentage decides.
        LbDecision d = decide(c("10.0.0.5", 50, 100), c("10.0.0.1", 20, 100), c("10.0.0.2", 100, 1000));
        assertThat(d.chosen()).contains(ip("10.0.0.2"));
        assertThat(d.rule()).hasValue(2);
        assertThat(d.reason()).isEqualTo("rule 2: 10.0.0.2 has the lowest load (10%)");
    }

    @Test
    void rule3SamePercentageFewestSessions() {
        // 14 of 1000 and 1 of 100 both show 1%.
        LbDecision d = decide(c("10.0.0.5", 50, 100), c("10.0.0.1", 14, 1000), c("10.0.0.2", 1, 100));
        assertThat(d.chosen()).contains(ip("10.0.0.2"));
        assertThat(d.rule()).hasValue(3);
        assertThat(d.reason()).isEqualTo("rule 3: 2 members share the lowest load (1%); 10.0.0.2 has the fewest sessions (1)");
    }

    @Test
    void rule4SamePercentageSameSessionsLowestIp() {
        LbDecision d = decide(c("10.0.0.5", 50, 100), c("10.0.0.30", 2, 100), c("10.0.0.4", 2, 100),
                c("2001:db8::1", 2, 100), c("10.0.0.20", 9, 100));
        assertThat(d.chosen()).contains(ip("10.0.0.4")); // numeric, not textual: 4 < 30
        assertThat(d.rule()).hasValue(4);
        assertThat(d.reason()).endsWith("10.0.0.4 has the lowest IP");
    }

    @Test
    void ipv4IsLowerThanIpv6ForRule4() {
        LbDecision d = decide(c("10.0.0.5", 50, 100), c("::1", 0, 100), c("192.168.1.1", 0, 100));
        assertThat(d.chosen()).contains(ip("192.168.1.1"));
    }

    /** [LB-SHOW]: a member at 100 percent gets no more connections. */
    @Test
    void fullMembersAreNeverChosen() {
        LbDecision d = decide(c("10.0.0.5", 100, 100), c("10.0.0.1", 100, 100), c("10.0.0.2", 99, 100));
        assertThat(d.chosen()).contains(ip("10.0.0.2"));
        assertThat(d.rule()).hasValue(2);
        // A full member counts as "higher" for rule 1: it cannot take the session anyway.
        LbDecision d1 = decide(c("10.0.0.5", 50, 100), c("10.0.0.1", 100, 100));
        assertThat(d1.chosen()).contains(D);
        assertThat(d1.rule()).hasValue(1);
    }

    @Test
    void everyoneFullIsANoChoiceWithAReason() {
        LbDecision d = decide(c("10.0.0.5", 100, 100), c("10.0.0.1", 100, 100), c("10.0.0.2", 995, 1000));
        assertThat(d.chosen()).isEmpty();
        assertThat(d.rule()).isEmpty();
        assertThat(d.reason()).isEqualTo("no member can take a session: 3 are full");
        assertThat(d.loads()).containsExactly(Map.entry(ip("10.0.0.1"), 100), Map.entry(ip("10.0.0.2"), 100),
                Map.entry(D, 100));
    }

    @Test
    void membersNotHeardRecentlyAreSkipped() {
        Candidate silent = new Candidate(ip("10.0.0.1"), Load.of(SessionClass.SSL, 0, 100), false);
        LbDecision d = LbDecision.decide(c("10.0.0.5", 70, 100), List.of(silent, c("10.0.0.2", 60, 100)),
                VpnMode.DISTRIBUTED);
        assertThat(d.chosen()).contains(ip("10.0.0.2")); // 10.0.0.1 shows 0% but is silent
        assertThat(d.rule()).hasValue(2);
        // Silent members do not stop rule 1 either.
        LbDecision d1 = LbDecision.decide(c("10.0.0.5", 50, 100), List.of(silent, c("10.0.0.2", 60, 100)),
                VpnMode.DISTRIBUTED);
        assertThat(d1.chosen()).contains(D);
        LbDecision none = LbDecision.decide(c("10.0.0.5", 100, 100), List.of(silent), VpnMode.DISTRIBUTED);
        assertThat(none.reason()).isEqualTo("no member can take a session: 1 is full, 1 not heard from recently");
    }

    @Test
    void aDirectorAloneTakesEverySessionUntilFull() {
        assertThat(decide(c("10.0.0.5", 99, 100)).chosen()).contains(D);
        assertThat(decide(c("10.0.0.5", 99, 100)).rule()).hasValue(1);
        assertThat(decide(c("10.0.0.5", 100, 100)).chosen()).isEmpty();
    }

    @Test
    void sessionClassExcludesMembersThatCannotTakeIt() {
        Candidate ipsecOnly = Candidate.of(ip("10.0.0.1"), Load.of(SessionClass.IPSEC, 0, 100));
        Candidate ssl = c("10.0.0.2", 40, 100);
        LbDecision d = LbDecision.decide(c("10.0.0.5", 50, 100), List.of(ipsecOnly, ssl), VpnMode.DISTRIBUTED,
                SessionClass.SSL);
        assertThat(d.chosen()).contains(ip("10.0.0.2"));
        LbDecision ipsec = LbDecision.decide(c("10.0.0.5", 50, 100), List.of(ssl), VpnMode.DISTRIBUTED,
                SessionClass.IPSEC);
        assertThat(ipsec.chosen()).isEmpty();
        assertThat(ipsec.reason()).isEqualTo("no member can take an IPsec session: 2 are full");
    }

    /** [LB-MODES]: "connections are established with the control unit of the cluster only". */
    @Test
    void centralizedModeDirectorServesEverySessionAndNeverRedirects() {
        LbDecision d = LbDecision.decide(c("10.0.0.5", 90, 100), List.of(c("10.0.0.1", 0, 100)), VpnMode.CENTRALIZED);
        assertThat(d.chosen()).contains(D);
        assertThat(d.rule()).isEmpty();
        assertThat(d.reason()).startsWith("centralized mode: the director serves every session");
        LbDecision full = LbDecision.decide(c("10.0.0.5", 100, 100), List.of(c("10.0.0.1", 0, 100)),
                VpnMode.CENTRALIZED);
        assertThat(full.chosen()).isEmpty();
        assertThat(full.reason()).isEqualTo("centralized mode: the director is full (100%) and does not redirect");
    }

    @Test
    void loadsAreListedInAscendingIpOrder() {
        LbDecision d = decide(c("10.0.0.5", 1, 100), c("10.0.0.30", 2, 100), c("::1", 3, 100), c("10.0.0.4", 4, 100));
        assertThat(d.loads().keySet()).extracting(IpAddress::text)
                .containsExactly("10.0.0.4", "10.0.0.5", "10.0.0.30", "::1");
        assertThat(d.loads().values()).containsExactly(4, 1, 2, 3);
    }

    /** A thousand members: every rule still picks correctly (speed is measured by benchmarks, not here). */
    @Test
    void aThousandMembers() {
        List<Candidate> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int active = 500 - (i % 7); // many ties at each percentage
            String address = "10." + (i / 250) + "." + (i % 250) + ".1";
            members.add(i == 500 ? c(address, 49, 100) : c(address, active, 1000));
        }
        LbDecision d = decide(c("10.9.9.9", 700, 1000), members.toArray(Candidate[]::new));
        // 494/1000 rounds to 49%, 495/1000 to 50%: the lowest load, 49%, is shared by the members with
        // i % 7 == 6 (142 of them, 494 sessions each) and member 500 (49 of 100), which has the fewest sessions.
        assertThat(d.rule()).hasValue(3);
        assertThat(d.reason()).isEqualTo("rule 3: 143 members share the lowest load (49%); 10.2.0.1 has the fewest"
                + " sessions (49)");
        assertThat(d.chosen()).contains(ip("10.2.0.1"));
        assertThat(d.loads()).hasSize(1001);
        members.set(500, c("10.2.0.1", 494, 1000));
        LbDecision tie = decide(c("10.9.9.9", 700, 1000), members.toArray(Candidate[]::new));
        assertThat(tie.rule()).hasValue(4);
        assertThat(tie.chosen()).contains(ip("10.0.6.1"));
    }
}
