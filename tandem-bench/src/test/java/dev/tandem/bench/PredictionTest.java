package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.bench.failover.SimPrediction;
import dev.tandem.core.rm.ServiceParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulator's predicted failover, in virtual time, where exact timing may be asserted. */
class PredictionTest {
    private static final ServiceParameters FAST = ServiceParameters.fromText(Map.of("keepAliveInterval", "100ms",
            "keepAliveTimeout", "500ms", "initKeepAliveTimeout", "15s", "criticalServiceDelay", "1s"));

    @Test
    void aSilentPeerTakesTheKeepAliveTimeoutAKilledOneIsRefusedSooner() {
        Samples silent = SimPrediction.pairFailover(FAST, false, 20, 1);
        Samples killed = SimPrediction.pairFailover(FAST, true, 20, 1);
        // [RG-HB], Keep Alive Timeout: the peer is down once nothing was heard for the timeout (500 ms), counted
        // from its last heartbeat, which left at most one interval (100 ms) before it went silent.
        assertThat(silent.min()).isGreaterThanOrEqualTo(400);
        assertThat(silent.max()).isLessThanOrEqualTo(600);
        // decision 0012: three refusals a quarter interval apart decide well inside the timeout.
        assertThat(killed.max()).isLessThan(silent.min());
        assertThat(killed.count()).isEqualTo(20);
    }
}
