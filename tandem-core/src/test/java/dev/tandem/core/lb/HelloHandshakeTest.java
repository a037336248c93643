package dev.tandem.core.lb;

import static dev.tandem.core.lb.LbCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.Effect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** [LB-HELLO]. */
class HelloHandshakeTest {

    /**
     * "Each member sends a Hello request to the virtual cluster IP address ... upon startup. If a Hello request
     * is received, the master sends its own Hello request to the member. The non-director member returns a Hello
     * response upon receiving of a Hello request from the director. This concludes the Hello handshake."
     */
    @Test
    void memberJoiningARunningDirector() {
        LbCluster c = new LbCluster();
        c.add("a", "10.0.0.1", 5);
        c.add("b", "10.0.0.2", 5);
        c.start("a");
        c.runUntil(10);
        assertThat(c.directors()).containsExactly(id("a"));
        assertThat(c.addressHolders).containsExactly(id("a"));

        c.start("b");
        LbCluster.Sent first = c.sent.get(c.sent.size() - 2);
        assertThat(first.message()).isInstanceOfSatisfying(LbMessage.HelloRequest.class,
                h -> assertThat(h.director()).isFalse());
        assertThat(first.to()).isEqualTo(id("a")); // delivered through the cluster address
        c.runFor(java.time.Duration.ofMillis(10));

        assertThat(c.sentBy("a", LbMessage.HelloRequest.class)).last()
                .satisfies(s -> assertThat(((LbMessage.HelloRequest) s.message()).director()).isTrue())
                .satisfies(s -> assertThat(s.to()).isEqualTo(id("b")));
        // The director answers both the Hello (through the cluster address) and the candidacy (to the group).
        assertThat(c.sentBy("b", LbMessage.HelloResponse.class)).isNotEmpty().allSatisfy(s -> {
            assertThat(s.to()).isEqualTo(id("a"));
            assertThat(((LbMessage.HelloResponse) s.message()).term()).isEqualTo(1);
        });
        assertThat(c.phase("b")).isEqualTo(LbPhase.MEMBER);
        assertThat(c.state("b").director()).isEqualTo(MemberName.of("a"));
        assertThat(c.state("a").members().get(MemberName.of("b")).joined()).isTrue();
        assertThat(c.records).anyMatch(r -> r.contains("b: Discovering -> Member (Hello handshake with director a done)"));
    }

    /**
     * "If no Hello response is received by the member after maximum retries, the member goes into master election
     * state": alone, a node sends its Hello each second through the discovery window, then elects itself.
     */
    @Test
    void noDirectorAnswersSoTheNodeElectsItselfAfterTheRetries() {
        LbCluster c = new LbCluster();
        c.add("a", "10.0.0.1", 5);
        c.start("a");
        c.runUntil(3.999);
        assertThat(c.phase("a")).isEqualTo(LbPhase.DISCOVERING);
        assertThat(c.effects.get(id("a"))).noneMatch(e -> e instanceof Effect.ClaimAddress);
        c.runUntil(4);
        assertThat(c.phase("a")).isEqualTo(LbPhase.DIRECTOR);
        assertThat(c.effects.get(id("a"))).contains(new Effect.ClaimAddress());
        List<LbCluster.Sent> hellos = c.sent.stream()
                .filter(s -> s.message() instanceof LbMessage.HelloRequest && s.to() == null).toList();
        assertThat(LbCluster.seconds(hellos)).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(c.records).contains("4000ms a: Discovering -> Director (no director answered 4 Hello requests;"
                + " elected itself (priority 5, 10.0.0.1))");
    }

    /**
     * Director Election Process: "If one of the other members is elected, the member sends a Hello request to
     * the elected master." If the elected one never answers the Hello and its retries, it is gone too: the
     * member elects again without it.
     */
    @Test
    void electedMemberThatNeverAnswersIsDroppedAfterTheHelloRetries() {
        LbCluster c = new LbCluster();
        c.add("best", "10.0.0.1", 9);
        c.add("b", "10.0.0.2", 5);
        // best hears nothing at all: it never answers b's Hellos; b hears best's candidacies.
        c.link = (from, to) -> !to.equals(id("best"));
        c.start("best");
        c.start("b");
        c.runUntil(4);
        assertThat(c.phase("b")).isEqualTo(LbPhase.JOINING);
        assertThat(c.state("b").seeking().target()).isEqualTo(MemberName.of("best"));
        c.runUntil(7.999);
        assertThat(c.phase("b")).isEqualTo(LbPhase.JOINING);
        c.runUntil(8);
        List<LbCluster.Sent> toBest = c.sent.stream().filter(s -> s.from().equals(id("b")) && id("best").equals(s.to())
                && s.message() instanceof LbMessage.HelloRequest).toList();
        assertThat(LbCluster.seconds(toBest)).containsExactly(4.0, 5.0, 6.0, 7.0); // Hello and 3 retries
        assertThat(c.records).anyMatch(r -> r.startsWith("8000ms b: Joining -> Director (elected best did not answer"));
    }
}
