package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.bench.decision.DirectorFixture;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.LoadBalancer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 4 at a tiny size: it runs and writes a plausible result. No speed is asserted. */
class DecisionSmokeTest {
    @TempDir
    Path dir;

    @Test
    void theFixtureIsADirectorWhoseDecisionsFollowRulesOneToFour() {
        DirectorFixture f = DirectorFixture.build(50);
        assertThat(f.state().isDirector()).isTrue();
        assertThat(f.state().members()).hasSize(50);
        LbDecision d = LoadBalancer.decide(f.state(), f.now());
        // [LB-RULES]: with members at 0-99% some member is chosen by one of the rules.
        assertThat(d.chosen()).isPresent();
        assertThat(d.rule().getAsInt()).isBetween(1, 4);
    }

    @Test
    void decisionScenarioWritesDecisionsPerSecondAndAllocation() throws Exception {
        int code = BenchMain.run("decision", "--members", "10", "--forks", "0", "--warmup-iterations", "0",
                "--iterations", "1", "--time", "100", "--results", dir.toString());
        assertThat(code).isZero();
        JsonNode r = ResultFiles.read(dir, "decision");
        JsonNode rows = ResultFiles.rows(r, "Decisions per second");
        assertThat(rows).extracting(row -> row.get(1).asText()).containsExactly(
                "rules on the state, any class", "rules on the state, SSL",
                "protocol step: one member's keepalive at the director", "index, any class",
                "index: decision, redirect counted, one keepalive");
        for (JsonNode row : rows) {
            assertThat(row.get(0).asInt()).isEqualTo(10);
            assertThat(row.get(2).asDouble()).as("decisions/s").isPositive();
            assertThat(row.get(5).asDouble()).as("bytes per decision").isNotNegative();
        }
    }

    @Test
    void badSizesAreUsageErrors() {
        assertThat(BenchMain.run("decision", "--members", "0", "--results", dir.toString())).isEqualTo(2);
    }
}
