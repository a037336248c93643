package dev.tandem.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.bench.Samples;
import org.junit.jupiter.api.Test;

class TrialsTest {
    @Test
    void failurePhasesSpreadOverTheWholePeriod() {
        Samples s = new Samples();
        for (int i = 0; i < 20; i++) s.add(Trials.phase(i));
        // Twenty trials must probe the timer's whole period, not one point of it.
        assertThat(s.min()).isGreaterThanOrEqualTo(0).isLessThan(0.25);
        assertThat(s.max()).isLessThan(1).isGreaterThan(0.75);
    }
}
