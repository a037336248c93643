package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LbTimingTest {

    /** [LB-KA]: one second; wait 3 s and resend at the 4th second; five times. */
    @Test
    void defaultsAreTheSpecifications() {
        LbTiming t = LbTiming.defaults();
        assertThat(t.keepaliveInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.keepaliveWait()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.keepaliveRetries()).isEqualTo(5);
        assertThat(t.resendCycle()).isEqualTo(Duration.ofSeconds(4));
        assertThat(t.directorLostAfter()).isEqualTo(Duration.ofSeconds(24));
        assertThat(t.memberStaleAfter()).isEqualTo(Duration.ofSeconds(4));
        assertThat(t.memberLostAfter()).isEqualTo(Duration.ofSeconds(24));
        assertThat(t.helloInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.helloRetries()).isEqualTo(3);
        assertThat(t.discoveryWindow()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void badValuesNameTheParameter() {
        LbTiming d = LbTiming.defaults();
        assertThatThrownBy(() -> new LbTiming(Duration.ZERO, d.keepaliveWait(), 5, d.helloInterval(), 3,
                d.discoveryWindow())).isInstanceOf(Invalid.class)
                .hasMessage("keepaliveInterval: '0s' is not allowed; allowed: a duration from 10ms to 10m");
        assertThatThrownBy(() -> new LbTiming(d.keepaliveInterval(), d.keepaliveWait(), 0, d.helloInterval(), 3,
                d.discoveryWindow())).isInstanceOf(Invalid.class).hasMessageStartingWith("keepaliveRetries: '0'");
        assertThatThrownBy(() -> new LbTiming(d.keepaliveInterval(), d.keepaliveWait(), 5, d.helloInterval(), -1,
                d.discoveryWindow())).isInstanceOf(Invalid.class).hasMessageStartingWith("helloRetries: '-1'");
        assertThatThrownBy(() -> new LbTiming(d.keepaliveInterval(), d.keepaliveWait(), 5, Duration.ofSeconds(2), 3,
                Duration.ofSeconds(1))).isInstanceOf(Invalid.class)
                .hasMessage("discoveryWindow: '1s' is not allowed; allowed: at least helloInterval (2s)");
    }

    /** Fast parameters scale every derived time the same way. */
    @Test
    void derivedTimesFollowTheParameters() {
        LbTiming fast = new LbTiming(Duration.ofMillis(100), Duration.ofMillis(300), 2, Duration.ofMillis(100), 1,
                Duration.ofMillis(200));
        assertThat(fast.resendCycle()).isEqualTo(Duration.ofMillis(400));
        assertThat(fast.directorLostAfter()).isEqualTo(Duration.ofMillis(1200));
    }

    /** [LB-ELECT]: priority first, then the lower IP. */
    @Test
    void electionRank() {
        MemberInfo a = info("a", "10.0.0.2", 5);
        MemberInfo b = info("b", "10.0.0.1", 5);
        MemberInfo c = info("c", "10.0.0.9", 6);
        assertThat(Election.best(List.of(a, b, c))).isEqualTo(c);
        assertThat(Election.best(List.of(a, b))).isEqualTo(b);
        assertThat(Election.outranks(b, a)).isTrue();
        assertThat(Election.outranks(a, b)).isFalse();
        MemberInfo sameIp = info("z", "10.0.0.1", 5);
        assertThat(Election.best(List.of(sameIp, b))).isEqualTo(b); // name settles what the specification cannot have
    }

    private static MemberInfo info(String name, String ip, int priority) {
        IpAddress a = IpAddress.parse("ip", ip);
        return new MemberInfo(MemberName.of(name), a, priority, "Tandem", a);
    }
}
