package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code tandem sim fuzz} (docs/scenarios.md, Fuzzing): its schedules hold every invariant, replay exactly, and a
 * failing one shrinks to the faults that matter and replays with {@code tandem sim run}. The recorded run of 10^5
 * schedules is in docs/reliability.md; the build runs {@link #SCHEDULES}.
 */
class FuzzerTest {
    /** What fits the build's time: about 5 s on two cores. 10^5 are run by hand and recorded. */
    static final int SCHEDULES = 2_000;

    @Test
    void schedulesFromTheBuildsSeedHoldEveryInvariant() {
        List<String> kinds = new ArrayList<>();
        Fuzzer.Report r = Fuzzer.run(20261206L, SCHEDULES, s -> kinds.add(s.lines().get(0)));
        assertThat(r.violations()).as(() -> r.violations().stream().map(v -> v.failure().orElseThrow() + "\n" + v.text())
                .findFirst().orElse("")).isEmpty();
        assertThat(r.schedules()).isEqualTo(SCHEDULES);
        // All three kinds of schedule were drawn.
        assertThat(kinds).anyMatch(k -> k.startsWith("# a redundancy pair with network faults"))
                .anyMatch(k -> k.equals(k.replace("with network", "")) && k.startsWith("# a redundancy pair"))
                .anyMatch(k -> k.startsWith("# a load-balancing group of"));
    }

    @Test
    void aScheduleIsTheSameEveryTimeAndReplaysFromItsText() {
        for (long seed : new long[] {1, 42, 977, 123456789}) {
            Fuzzer.Schedule a = Fuzzer.generate(seed);
            Fuzzer.Schedule b = Fuzzer.generate(seed);
            assertThat(a.lines()).isEqualTo(b.lines());
            assertThat(Fuzzer.replay(a.lines())).isEqualTo(a.failure());
            // And tandem sim run reads the text as it is written.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ScenarioRunner.Result run = new ScenarioRunner(new PrintStream(out, true, StandardCharsets.UTF_8), false)
                    .run(Scenario.parse("fuzz-" + seed + ".scenario", a.text()), new ArrayList<>());
            assertThat(run.malformed()).isFalse();
            assertThat(run.failed()).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(run.passed()).isPositive();
        }
    }

    @Test
    void aFailingScheduleShrinksToTheFaultThatMattersAndStillFailsTheSameWay() {
        List<String> lines = List.of("seed 3", "group g1 n1 n2", "service n1 svc", "service n2 svc", "users g1 10",
                "check-invariants addresses", "start all",
                "run 1000ms", "service-down n1 svc", "run 1000ms", "service-up n1 svc",
                "run 1000ms", "stop n2",
                "run 1000ms", "db-down n1", "run 1000ms", "db-up n1",
                "run 5s", "expect-settled g1");
        Fuzzer.Schedule failing = new Fuzzer.Schedule(3, lines, Fuzzer.replay(lines));
        assertThat(failing.failure()).hasValueSatisfying(f -> assertThat(f).contains("invariant violated: settled: n2 is down"));
        assertThat(failing.kind()).contains("settled");
        Fuzzer.Schedule shrunk = Fuzzer.shrink(failing);
        assertThat(shrunk.lines()).contains("stop n2").doesNotContain("service-down n1 svc", "db-down n1", "db-up n1")
                .hasSize(lines.size() - 8);
        assertThat(shrunk.kind()).contains("settled");
    }

    @Test
    void theAddressInvariantCatchesTwoHoldersWhichAPartitionCauses() {
        // Without a witness, a partitioned pair serves the same users on both sides (the problem a witness solves):
        // the invariant that schedules without network faults hold is broken at once by a partition.
        List<String> lines = List.of("seed 5", "param keepAliveInterval 1s", "param keepAliveTimeout 3s",
                "param initKeepAliveTimeout 6s", "group g1 n1 n2", "users g1 10", "check-invariants addresses",
                "start all", "run 2s", "partition n1 n2", "run 10s");
        assertThat(Fuzzer.replay(lines)).hasValueSatisfying(f -> assertThat(f)
                .contains("the simulator stopped: invariant violated: addresses at ").contains("is held by [n"));
        assertThat(Fuzzer.kindOf(Fuzzer.replay(lines).orElseThrow())).isEqualTo("addresses");
    }

    @Test
    void failuresAreSortedByKind() {
        assertThat(Fuzzer.kindOf("x: the simulator stopped: invariant violated: transition at PT3S: n1 went ..."))
                .isEqualTo("transition");
        assertThat(Fuzzer.kindOf("expect-one-director: invariant violated: director: 2 directors")).isEqualTo("director");
        assertThat(Fuzzer.kindOf("run 3s: the simulator stopped: java.lang.NullPointerException")).isEqualTo("stopped");
        assertThat(Fuzzer.kindOf("start n1: refused: n1 is up")).isEqualTo("refused");
    }
}
