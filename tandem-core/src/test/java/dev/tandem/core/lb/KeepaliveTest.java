package dev.tandem.core.lb;

import static dev.tandem.core.lb.LbCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** [LB-KA]. */
class KeepaliveTest {

    /** A running group: director d (priority 9) and member m, settled by 5 s. */
    private static LbCluster group() {
        LbCluster c = new LbCluster();
        c.add("d", "10.0.0.1", 9);
        c.add("m", "10.0.0.2", 5);
        c.start("d");
        c.start("m");
        c.runUntil(5);
        assertThat(c.settledUnder("d")).isTrue();
        return c;
    }

    private static List<Instant> requestsFrom(LbCluster c, String node, Instant from) {
        List<Instant> out = new ArrayList<>();
        for (LbCluster.Sent s : c.sentBy(node, LbMessage.KeepaliveRequest.class)) {
            if (!s.at().isBefore(from)) out.add(s.at());
        }
        return out;
    }

    private static List<Long> offsets(List<Instant> times, Instant t0) {
        List<Long> out = new ArrayList<>();
        for (Instant t : times) out.add(Duration.between(t0, t).toMillis());
        return out;
    }

    /** "Keepalive requests are sent by a member unit at one second intervals ... if there is no outstanding keepalive responses." */
    @Test
    void oneRequestEachSecondWhileAnswered() {
        LbCluster c = group();
        c.runUntil(15);
        List<Instant> times = requestsFrom(c, "m", c.at(5));
        assertThat(times).hasSize(10);
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i))).isEqualTo(Duration.ofSeconds(1));
        }
    }

    /**
     * "1. ... the member does not send the regular one second interval keepalive request. 2. The member waits for
     * 3 seconds and sends a keepalive request at the 4th second. 3. The member repeats step #2 above five(5) times
     * ... 4. Then, the member declares the director as gone and starts a new director election cycle."
     */
    @Test
    void directorDeclaredGoneOnlyAfterTheFifthResendAndItsWait() {
        LbCluster c = group();
        c.runUntil(10.5);
        c.crash("d");
        c.runUntil(60);
        List<Instant> after = requestsFrom(c, "m", c.at(10.5));
        Instant t0 = after.get(0); // the first request that gets no answer
        assertThat(offsets(after, t0).subList(0, 6)).containsExactly(0L, 4000L, 8000L, 12000L, 16000L, 20000L);

        LbCluster again = group();
        again.runUntil(10.5);
        again.crash("d");
        again.runUntil(t0.plus(Duration.ofSeconds(24)).minusMillis(1));
        assertThat(again.phase("m")).isEqualTo(LbPhase.MEMBER);
        again.runUntil(t0.plus(Duration.ofSeconds(24)));
        assertThat(again.phase("m")).isEqualTo(LbPhase.DIRECTOR); // alone in its topology: elects itself
        assertThat(again.records).last().asString()
                .contains("m: Member -> Director (director d gone: no keepalive response after 5 resends;"
                        + " elected itself (priority 5, 10.0.0.2))");
        assertThat(again.addressHolders).containsExactly(id("m"));
    }

    /**
     * A member whose redundancy peer spoke for the director and is known down (the pair's own detection, the specification ([RG-HA]):
     * Peer Down) elects at once: the director went with that node, so the five resends would only delay the group.
     */
    @Test
    void aMemberWhosePeerDirectedAndIsDownElectsWithoutWaitingForTheResends() {
        LbCluster c = group();
        c.runUntil(10.5);
        c.crash("d");
        c.runUntil(10.7);
        c.apply(id("m"), new LbEvent.PeerDown(id("d")));
        c.runUntil(11);
        assertThat(c.phase("m")).isEqualTo(LbPhase.DIRECTOR);
        assertThat(c.records).anyMatch(r -> r.toString().contains("director d gone: its node d is down (the redundancy"
                + " pair's detection)"));
        assertThat(c.addressHolders).containsExactly(id("m"));
    }

    /** Another node being down says nothing about the director: the member keeps it. */
    @Test
    void aPeerThatDidNotDirectChangesNothing() {
        LbCluster c = group();
        c.runUntil(10.5);
        c.apply(id("m"), new LbEvent.PeerDown(id("x")));
        c.runUntil(12);
        assertThat(c.phase("m")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.directors()).containsExactly(id("d"));
    }

    /** Step 3 "as long as there is no keepalive response": an answer to any resend ends the timeout logic. */
    @ParameterizedTest(name = "answer to resend {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void anAnswerToAnyResendKeepsTheDirector(int resend) {
        LbCluster c = group();
        c.runUntil(10.5);
        Instant cut = c.now;
        // Lose every response until the member's k-th resend has been answered.
        c.drop = s -> s.message() instanceof LbMessage.KeepaliveResponse && s.from().equals(id("d"))
                && !s.at().isBefore(cut) && s.at().isBefore(cut.plusSeconds(1L + 4L * resend - 1));
        c.runUntil(60);
        List<Instant> after = requestsFrom(c, "m", cut);
        Instant first = after.get(0);
        List<Long> offs = offsets(after, first);
        List<Long> expected = new ArrayList<>();
        for (int k = 0; k <= resend; k++) expected.add(4000L * k); // the unanswered one, then resends 1..k
        expected.add(4000L * resend + 1000); // answered: back to one each second
        expected.add(4000L * resend + 2000);
        assertThat(offs.subList(0, resend + 3)).containsExactlyElementsOf(expected);
        assertThat(c.phase("m")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.directors()).containsExactly(id("d"));
    }

    /** "each member unit sends periodic Keepalive requests to the master with its load information". */
    @Test
    void keepalivesCarryLoadPerClassToTheDirector() {
        LbCluster c = group();
        Load load = new Load(new ClassLoad(216, 5400), new ClassLoad(100, 5000));
        c.load("m", load);
        c.runFor(Duration.ofMillis(1100));
        assertThat(c.state("d").members().get(MemberName.of("m")).load()).isEqualTo(load);
        LbMessage.KeepaliveRequest last = (LbMessage.KeepaliveRequest) c.sentBy("m", LbMessage.KeepaliveRequest.class)
                .getLast().message();
        assertThat(last.load().ssl()).isEqualTo(new ClassLoad(100, 5000));
        // The director pushes the new load to its members within one keepalive interval.
        c.runFor(Duration.ofMillis(1100));
        assertThat(c.state("m").members().get(MemberName.of("m")).load()).isEqualTo(load);
    }

    /** The director pushes changed loads at most once per keepalive interval, however many change. */
    @Test
    void loadPushesAreCoalesced() {
        LbCluster c = group();
        c.add("m2", "10.0.0.3", 5);
        c.start("m2");
        c.runUntil(10);
        int before = c.sentBy("d", LbMessage.TopologyPush.class).size();
        for (int i = 1; i <= 10; i++) {
            c.load("m", Load.of(SessionClass.SSL, i, 100));
            c.load("m2", Load.of(SessionClass.SSL, i, 100));
            c.runFor(Duration.ofMillis(100));
        }
        c.runFor(Duration.ofMillis(1000));
        int pushes = (c.sentBy("d", LbMessage.TopologyPush.class).size() - before) / 2; // one per member
        assertThat(pushes).isBetween(1, 3);
    }

    /**
     * Decision 0083: the director's host refusing a keepalive makes the member probe a quarter interval later; refusals
     * alone never elect while the director still answers, refusals for another node mean nothing, and three in a row
     * with nothing heard in between elect at once.
     */
    @Test
    void refusalsProbeTheDirectorAndOnlyThreeInARowElect() {
        LbCluster c = group();
        c.apply(id("m"), new LbEvent.Refused(id("d")));
        c.runFor(Duration.ofSeconds(5)); // the director answers: the count starts again
        c.apply(id("m"), new LbEvent.Refused(id("d")));
        c.apply(id("m"), new LbEvent.Refused(id("d")));
        c.runFor(Duration.ofSeconds(5));
        c.apply(id("m"), new LbEvent.Refused(id("x"))); // not the director's node
        c.apply(id("m"), new LbEvent.Refused(id("x")));
        c.apply(id("m"), new LbEvent.Refused(id("x")));
        assertThat(c.phase("m")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.state("m").director()).isEqualTo(MemberName.of("d"));

        c.crash("d"); // from now on nothing answers
        c.runFor(Duration.ofMillis(1500)); // a keepalive is outstanding
        Instant at = c.now;
        c.apply(id("m"), new LbEvent.Refused(id("d")));
        c.runFor(Duration.ofMillis(300));
        assertThat(requestsFrom(c, "m", at)).as("one probe, a quarter of the 1 s interval after the refusal")
                .singleElement().satisfies(t -> assertThat(Duration.between(at, t).toMillis()).isEqualTo(250L));
        c.apply(id("m"), new LbEvent.Refused(id("d")));
        assertThat(c.state("m").director()).isEqualTo(MemberName.of("d"));
        c.apply(id("m"), new LbEvent.Refused(id("d")));
        assertThat(c.state("m").director()).isNotEqualTo(MemberName.of("d"));
    }

    /**
     * Decision 0083, second part: a director that is a redundancy pair speaking as one member (named after its group)
     * is not replaced on refusals from the node that spoke for it, whose pair's other node takes the role over; the
     * member elects only when the specification's resends run out, as when the whole pair is gone.
     */
    @Test
    void refusalsFromTheNodeSpeakingForAPairsMemberDoNotElect() {
        LbCluster c = new LbCluster();
        c.add("n1", "g1", LbCluster.device("10.0.0.1", 9), c.group);
        c.add("m", "10.0.0.2", 5);
        c.start("n1");
        c.start("m");
        c.runUntil(5);
        assertThat(c.state("m").director()).isEqualTo(MemberName.of("g1"));

        c.crash("n1");
        c.runFor(Duration.ofMillis(1500)); // a keepalive is outstanding
        for (int i = 0; i < 5; i++) c.apply(id("m"), new LbEvent.Refused(id("n1")));
        assertThat(c.phase("m")).as("refusals from a pair's speaker end nothing").isEqualTo(LbPhase.MEMBER);
        assertThat(c.state("m").director()).isEqualTo(MemberName.of("g1"));
        c.runFor(Duration.ofSeconds(30)); // nobody took the role over: the resends run out
        assertThat(c.state("m").director()).isNotEqualTo(MemberName.of("g1"));
    }
}
