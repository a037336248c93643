package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner prints: one line per expectation, FAIL lines that say what was expected and got, a summary. */
class ScenarioRunnerTest {
    private static final String PAIR = """
            group g1 n1 n2
            service n1 xcp-router
            service n2 xcp-router
            users g1 100
            start all
            run 5s
            """;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();

    private ScenarioRunner runner(boolean verbose) {
        return new ScenarioRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), verbose);
    }

    private ScenarioRunner.Result run(String text) {
        return runner(false).run(Scenario.parse("demo.scenario", text), lines);
    }

    private String printed() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMetExpectationPrintsOkWithFileLineAndText() {
        ScenarioRunner.Result r = run(PAIR + "expect n1 \"Normal\" \"Normal\"\nexpect-users n2 50 # half each\n");
        assertThat(lines).containsExactly("ok demo.scenario:7: expect n1 \"Normal\" \"Normal\"",
                "ok demo.scenario:8: expect-users n2 50 # half each");
        assertThat(r.passed()).isEqualTo(2);
        assertThat(r.failed()).isZero();
        assertThat(r.allPassed()).isTrue();
        assertThat(printed()).isEqualTo(String.join(System.lineSeparator(), lines) + System.lineSeparator());
    }

    @Test
    void setUpCommandsPrintNothing() {
        ScenarioRunner.Result r = run(PAIR + "run 1m\n");
        assertThat(lines).isEmpty();
        assertThat(r.passed()).isZero();
        assertThat(r.failed()).isZero();
        assertThat(r.allPassed()).isTrue();
    }

    @Test
    void anUnmetStateExpectationSaysExpectedAndGot() {
        ScenarioRunner.Result r = run(PAIR + "expect n1 Idle\nexpect n2 Normal \"Peer Down\"\nexpect n1 down\n");
        assertThat(lines).containsExactly(
                "FAIL demo.scenario:7: expected n1 \"Idle\" got \"Normal\" \"Normal\"",
                "FAIL demo.scenario:8: expected n2 \"Normal\" \"Peer Down\" got \"Normal\" \"Normal\"",
                "FAIL demo.scenario:9: expected n1 down, got \"Normal\" \"Normal\"");
        assertThat(r.failed()).isEqualTo(3);
        assertThat(r.passed()).isZero();
        assertThat(r.allPassed()).isFalse();
        assertThat(r.malformed()).isFalse();
    }

    @Test
    void anExpectationOfADownNodeSaysDown() {
        run(PAIR + "crash n2\nexpect n2 Normal\n");
        assertThat(lines).containsExactly("FAIL demo.scenario:8: expected n2 \"Normal\" got down");
    }

    @Test
    void unmetCountsAndActionsSayExpectedAndGot() {
        run(PAIR + "expect-users n1 7\nexpect-unserved g1 3\nexpect-actions g1 fallback,recover\nexpect-actions g1 none\n");
        assertThat(lines).containsExactly(
                "FAIL demo.scenario:7: expected n1 to serve 7 users, got 50",
                "FAIL demo.scenario:8: expected 3 unserved users in g1, got 0",
                "FAIL demo.scenario:9: expected actions of g1 fallback,recover got failover",
                "FAIL demo.scenario:10: expected actions of g1 none got failover");
    }

    @Test
    void anExpectedRefusalThatIsAcceptedFails() {
        run(PAIR + "expect-refused users g1 5\nexpect-refused admin failover n1\n");
        assertThat(lines).containsExactly(
                "FAIL demo.scenario:7: expected adding users to be refused, but it was accepted",
                "FAIL demo.scenario:8: expected admin failover n1 to be refused, but it was accepted");
    }

    @Test
    void aRefusedCommandFailsWithTheRefusal() {
        ScenarioRunner.Result r = run(PAIR + "admin fallback n1\nexpect n1 Normal\n");
        assertThat(lines).containsExactly(
                "FAIL demo.scenario:7: admin fallback n1 was refused: fallback to n1 is not available: it is Normal;"
                        + " fallback needs it Idle, Failed Over or Failover Affected Services",
                "ok demo.scenario:8: expect n1 Normal");
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.passed()).as("the scenario goes on after a failure").isEqualTo(1);
    }

    @Test
    void usersRefusedDuringAFailoverFail() {
        // [RG-LIMITS]: no new users while a node is in a failover state.
        run(PAIR + "admin failover n1\nrun 10s\nusers g1 10\n");
        assertThat(lines).containsExactly("FAIL demo.scenario:9: adding users was refused: users cannot be added while"
                + " a node of the cluster is in a failover state: n1 is Idle");
    }

    @Test
    void aCommandOnSomethingThatIsNotThereFailsWithTheReason() {
        run(PAIR + "start n9\nservice-down n1 sip-proxy\nexpect-unserved g7 0\nstart n1\n");
        assertThat(lines).containsExactly(
                "FAIL demo.scenario:7: start n9: node: 'n9' is not allowed; allowed: a node of a group: [n1, n2]",
                "FAIL demo.scenario:8: service-down n1 sip-proxy: service: 'sip-proxy' is not allowed; allowed: a"
                        + " critical service of n1: [xcp-router]",
                "FAIL demo.scenario:9: expect-unserved g7 0: group: 'g7' is not allowed; allowed: one of [g1]",
                "FAIL demo.scenario:10: start n1: start: 'n1' is not allowed; allowed: a node that is not running (n1 runs)");
    }

    @Test
    void verboseAlsoPrintsTheTraceIndented() {
        runner(true).run(Scenario.parse("demo.scenario", PAIR + "expect n1 Normal\n"), lines);
        String out = printed();
        assertThat(out).contains("    0:00.000  n1 starts").contains("    0:00.000  n1 Stopped -> Initializing (Initialization)")
                .contains("n1 Initializing -> Normal (Normal)");
        assertThat(lines).as("trace lines are not result lines").containsExactly("ok demo.scenario:7: expect n1 Normal");
        assertThat(out.lines().filter(l -> !l.startsWith("ok ")).allMatch(l -> l.startsWith("  "))).isTrue();
    }

    @Test
    void quietRunPrintsNoTrace() {
        run(PAIR + "expect n1 Normal\n");
        assertThat(printed()).doesNotContain("starts").doesNotContain("->");
    }

    @Test
    void runFilesEndsWithTheSummary(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.scenario"), PAIR + "expect n1 Normal\nexpect n2 Normal\n");
        Path b = Files.writeString(dir.resolve("b.scenario"), PAIR + "expect n1 Idle\nexpect-users n1 50\n");
        ScenarioRunner.Result r = runner(false).runFiles(List.of(a, b));
        assertThat(r.lines()).containsExactly(
                "ok " + a + ":7: expect n1 Normal",
                "ok " + a + ":8: expect n2 Normal",
                "FAIL " + b + ":7: expected n1 \"Idle\" got \"Normal\" \"Normal\"",
                "ok " + b + ":8: expect-users n1 50",
                "3 passed, 1 failed");
        assertThat(r.passed()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.malformed()).isFalse();
        assertThat(printed().lines().toList()).isEqualTo(r.lines());
    }

    @Test
    void runFilesReportsAMalformedFileAndRunsTheOthers(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.scenario"), PAIR + "expect n1 Normal\nrun soon\n");
        Path good = Files.writeString(dir.resolve("good.scenario"), PAIR + "expect n1 Normal\n");
        ScenarioRunner.Result r = runner(false).runFiles(List.of(bad, good));
        assertThat(r.lines()).containsExactly(
                "ERROR " + bad + ":8: run duration: 'soon' is not allowed; allowed: a whole number followed by ms, s,"
                        + " m or h (for example 500ms, 90s, 31m)",
                "ok " + good + ":7: expect n1 Normal",
                "1 passed, 0 failed");
        assertThat(r.malformed()).isTrue();
        assertThat(r.allPassed()).isFalse();
    }

    @Test
    void runFilesReportsAFileThatCannotBeRead(@TempDir Path dir) {
        Path missing = dir.resolve("gone.scenario");
        ScenarioRunner.Result r = runner(false).runFiles(List.of(missing));
        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(0)).startsWith("ERROR " + missing + ": cannot read: ");
        assertThat(r.lines().get(1)).isEqualTo("0 passed, 0 failed");
        assertThat(r.malformed()).isTrue();
    }

    @Test
    void collectWalksDirectoriesForScenarioFilesInOrder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Path b = Files.writeString(dir.resolve("b.scenario"), "");
        Path a = Files.writeString(dir.resolve("sub/a.scenario"), "");
        Path c = Files.writeString(dir.resolve("c.scenario"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        Path named = Files.writeString(dir.resolve("story.txt"), "");
        assertThat(ScenarioRunner.collect(List.of(dir))).containsExactly(b, c, a);
        assertThat(ScenarioRunner.collect(List.of(named, dir.resolve("sub")))).as("a file named on its own is taken")
                .containsExactly(named, a);
        assertThatThrownBy(() -> ScenarioRunner.collect(List.of(dir.resolve("nope"))))
                .isInstanceOf(Invalid.class)
                .hasMessage("path: '" + dir.resolve("nope") + "' is not allowed; allowed: an existing scenario file or directory");
    }

    @Test
    void theSameScenarioPrintsTheSameEveryTime() {
        String text = "network delay=1ms..400ms loss=0.1 dup=0.1\n" + PAIR
                + "crash n2\nrun 70s\nexpect n1 \"Running in Backup Mode\" \"Peer Down\"\nstart n2\nrun 30s\nexpect n2 \"Failed Over\"\n";
        ScenarioRunner first = new ScenarioRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        first.run(Scenario.parse("d.scenario", text), new ArrayList<>());
        String once = printed();
        buf.reset();
        first.run(Scenario.parse("d.scenario", text), new ArrayList<>());
        assertThat(printed()).isEqualTo(once);
        assertThat(once).contains("ok d.scenario:10:").contains("ok d.scenario:13:");
    }
}
