package dev.tandem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** [RG-RELOGIN], Step 5: the Client Re-Login Lower and Upper Limits, 120 and 537 seconds by default. */
class ReloginDelayTest {

    /** A random source that always draws the same fraction of its bound. */
    private static RandomGenerator drawing(boolean highest) {
        return new RandomGenerator() {
            @Override public long nextLong() { throw new UnsupportedOperationException(); }
            @Override public long nextLong(long bound) { return highest ? bound - 1 : 0; }
        };
    }

    @Test
    void theDefaultsAreTheSpecifications() {
        assertThat(ReloginDelay.DEFAULT.lower()).isEqualTo(Duration.ofSeconds(120));
        assertThat(ReloginDelay.DEFAULT.upper()).isEqualTo(Duration.ofSeconds(537));
    }

    @Test
    void bothLimitsCanBeDrawn() {
        assertThat(ReloginDelay.DEFAULT.pick(drawing(false))).isEqualTo(Duration.ofSeconds(120));
        assertThat(ReloginDelay.DEFAULT.pick(drawing(true))).isEqualTo(Duration.ofSeconds(537));
    }

    @Test
    void delaysStayWithinTheLimitsAndSpreadOverThem() {
        SplittableRandom random = new SplittableRandom(42);
        int low = 0;
        for (int i = 0; i < 10_000; i++) {
            Duration d = ReloginDelay.DEFAULT.pick(random);
            assertThat(d).isBetween(Duration.ofSeconds(120), Duration.ofSeconds(537));
            if (d.compareTo(Duration.ofMillis(328_500)) < 0) low++;
        }
        // Uniform: about half below the middle (a binomial of 10000 draws is within 4800..5200 far beyond 3 sigma).
        assertThat(low).isBetween(4800, 5200);
    }

    @Test
    void equalLimitsGiveThatDelay() {
        ReloginDelay d = new ReloginDelay(Duration.ofSeconds(3), Duration.ofSeconds(3));
        assertThat(d.pick(new SplittableRandom(1))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void limitsThatDisagreeAreRefused() {
        assertThatThrownBy(() -> new ReloginDelay(Duration.ofSeconds(-1), Duration.ofSeconds(5)))
                .hasMessageContaining("lower limit PT-1S").hasMessageContaining("zero or more");
        assertThatThrownBy(() -> new ReloginDelay(Duration.ofSeconds(9), Duration.ofSeconds(5)))
                .hasMessageContaining("upper limit PT5S").hasMessageContaining("at least the lower limit (PT9S)");
    }
}
