package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadTest {

    /** [LB-RULES]: "an integer percentage", "all percentages are rounded half-up". */
    @ParameterizedTest
    @CsvSource({
            "0, 100, 0", "1, 100, 1", "1, 200, 1", "1, 201, 0", "3, 200, 2", "5, 200, 3", "199, 200, 100",
            "995, 1000, 100", "994, 1000, 99", "1, 3, 33", "2, 3, 67", "100, 5000, 2", "0, 0, 0",
            "100000000, 100000000, 100", "1, 100000000, 0"})
    void percentIsRoundedHalfUp(int active, int max, int percent) {
        assertThat(new ClassLoad(active, max).percent()).isEqualTo(percent);
    }

    /** [LB-SHOW]: "100 SSL sessions (active only) and a 2 percent SSL load". */
    @Test
    void specificationShowExampleHundredSslSessionsAreTwoPercent() {
        Load l = new Load(new ClassLoad(216, 5400), new ClassLoad(100, 5000));
        assertThat(l.ipsec().percent()).isEqualTo(4);
        assertThat(l.ssl().percent()).isEqualTo(2);
    }

    /** [LB-MIX]: "The ASA regards all sessions, SSL VPN or IPsec, as equal". */
    @Test
    void overallLoadIsTotalActiveOverTotalMax() {
        Load l = new Load(new ClassLoad(30, 100), new ClassLoad(0, 300));
        assertThat(l.sessions()).isEqualTo(30);
        assertThat(l.max()).isEqualTo(400);
        assertThat(l.percent()).isEqualTo(8); // 7.5 rounds up; not the average of 30% and 0%
    }

    /** [LB-SHOW]: a member showing 100 percent gets no more connections. */
    @Test
    void aMemberShowingHundredPercentIsFull() {
        assertThat(Load.of(SessionClass.SSL, 99, 100).full()).isFalse();
        assertThat(Load.of(SessionClass.SSL, 100, 100).full()).isTrue();
        assertThat(Load.of(SessionClass.SSL, 995, 1000).full()).isTrue(); // shows 100%
        assertThat(Load.of(SessionClass.SSL, 120, 100).full()).isTrue(); // limit lowered under the sessions up
        assertThat(Load.NONE.full()).isTrue(); // allows no session at all
    }

    @Test
    void aServiceWithOneClassCannotTakeTheOther() {
        Load sslOnly = Load.of(SessionClass.SSL, 10, 100);
        assertThat(sslOnly.canTake(SessionClass.SSL)).isTrue();
        assertThat(sslOnly.canTake(SessionClass.IPSEC)).isFalse();
        assertThat(sslOnly.canTake(null)).isTrue();
        Load ipsecFull = new Load(new ClassLoad(10, 10), new ClassLoad(0, 1000));
        assertThat(ipsecFull.percent()).isEqualTo(1);
        assertThat(ipsecFull.canTake(SessionClass.IPSEC)).isFalse();
        assertThat(ipsecFull.canTake(SessionClass.SSL)).isTrue();
    }

    @Test
    void impossibleCountsAreRejected() {
        assertThatThrownBy(() -> new ClassLoad(-1, 10)).isInstanceOf(Invalid.class).hasMessageStartingWith("active: '-1'");
        assertThatThrownBy(() -> new ClassLoad(0, -1)).isInstanceOf(Invalid.class).hasMessageStartingWith("max: '-1'");
        assertThatThrownBy(() -> new ClassLoad(0, 100_000_001)).isInstanceOf(Invalid.class);
    }
}
