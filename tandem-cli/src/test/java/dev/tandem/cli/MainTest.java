package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tandem} command: exit codes 0 ok, 1 failure, 2 usage or configuration error, and what it prints. */
class MainTest {
    private static final String PAIR = """
            # [RG-T2], row "Normal / Normal".
            group g1 n1 n2
            service n1 xcp-router
            service n2 xcp-router
            users g1 100
            start all
            run 5s
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path scenario(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    // ---------------------------------------------------------------- sim run

    @Test
    void allExpectationsMetExitsZero() throws Exception {
        Path f = scenario("normal.scenario", PAIR + "expect n1 \"Normal\" \"Normal\"\nexpect n2 Normal\nexpect-users n1 50\n");
        int code = Main.run("sim", "run", f.toString());
        assertThat(code).isZero();
        assertThat(outLines()).containsExactly(
                "ok " + f + ":8: expect n1 \"Normal\" \"Normal\"",
                "ok " + f + ":9: expect n2 Normal",
                "ok " + f + ":10: expect-users n1 50",
                "3 passed, 0 failed");
        assertThat(errText()).isEmpty();
    }

    @Test
    void anUnmetExpectationExitsOne() throws Exception {
        Path f = scenario("wrong.scenario", PAIR + "expect n1 Normal\nexpect n1 \"Running in Backup Mode\"\n");
        int code = Main.run("sim", "run", f.toString());
        assertThat(code).isEqualTo(1);
        assertThat(outLines()).containsExactly(
                "ok " + f + ":8: expect n1 Normal",
                "FAIL " + f + ":9: expected n1 \"Running in Backup Mode\" got \"Normal\" \"Normal\"",
                "1 passed, 1 failed");
    }

    @Test
    void aRefusedAdminActionExitsOne() throws Exception {
        Path f = scenario("refused.scenario", PAIR + "admin fallback n2\n");
        assertThat(Main.run("sim", "run", f.toString())).isEqualTo(1);
        assertThat(outLines()).hasSize(2);
        assertThat(outLines().get(0)).startsWith("FAIL " + f + ":8: admin fallback n2 was refused: fallback to n2 is not"
                + " available");
        assertThat(outLines().get(1)).isEqualTo("0 passed, 1 failed");
    }

    @Test
    void aMalformedScenarioExitsTwoAndDoesNotRun() throws Exception {
        Path f = scenario("typo.scenario", PAIR + "expect n1 Normal\nexpct n2 Normal\nrun 5 s\n");
        int code = Main.run("sim", "run", f.toString());
        assertThat(code).isEqualTo(2);
        List<String> lines = outLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("ERROR " + f + ":9: unknown command 'expct'; allowed: group, param,");
        assertThat(lines.get(1)).isEqualTo("ERROR " + f + ":10: usage: run <duration>");
        assertThat(lines.get(2)).isEqualTo("0 passed, 0 failed");
    }

    @Test
    void aMalformedFileMakesTheExitCodeTwoEvenWhenAnotherFails() throws Exception {
        Path bad = scenario("a-bad.scenario", "group g1 n1 n1\n");
        Path failing = scenario("b-failing.scenario", PAIR + "expect n1 Idle\n");
        assertThat(Main.run("sim", "run", bad.toString(), failing.toString())).isEqualTo(2);
        assertThat(outLines()).containsExactly(
                "ERROR " + bad + ":1: nodes: 'n1, n1' is not allowed; allowed: two different nodes",
                "FAIL " + failing + ":8: expected n1 \"Idle\" got \"Normal\" \"Normal\"",
                "0 passed, 1 failed");
    }

    @Test
    void aMisspelledParameterIsAScenarioThatCannotBeReadExitTwo() throws Exception {
        // sim run: "2 a scenario could not be read"; Scenario: reading checks every command and its arguments.
        Path f = scenario("param.scenario", "param keepAliveIntervl 5s\n" + PAIR + "expect n1 Normal\n");
        assertThat(Main.run("sim", "run", f.toString())).isEqualTo(2);
        assertThat(outLines().get(0)).startsWith("ERROR " + f + ":1: parameter: 'keepAliveIntervl' is not allowed");
        assertThat(outLines()).noneMatch(l -> l.startsWith("ok "));
    }

    @Test
    void aMissingFileExitsTwoWithTheReason() {
        Path missing = dir.resolve("nowhere.scenario");
        int code = Main.run("sim", "run", missing.toString());
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(errText().strip()).isEqualTo("tandem: path: '" + missing
                + "' is not allowed; allowed: an existing scenario file or directory");
    }

    @Test
    void aDirectoryRunsEveryScenarioFileInIt() throws Exception {
        Files.createDirectories(dir.resolve("suite/more"));
        Path a = Files.writeString(dir.resolve("suite/a.scenario"), PAIR + "expect n1 Normal\n");
        Path b = Files.writeString(dir.resolve("suite/more/b.scenario"), PAIR + "expect n2 Normal\n");
        Files.writeString(dir.resolve("suite/README.txt"), "not a scenario");
        assertThat(Main.run("sim", "run", dir.resolve("suite").toString())).isZero();
        assertThat(outLines()).containsExactly("ok " + a + ":8: expect n1 Normal", "ok " + b + ":8: expect n2 Normal",
                "2 passed, 0 failed");
    }

    @Test
    void traceAlsoPrintsTransitionsInVirtualTime() throws Exception {
        Path f = scenario("trace.scenario", PAIR + "crash n2\nrun 55s\nexpect n1 Normal\nrun 1s\n"
                + "expect n1 \"Taking Over\" \"Peer Down\"\n");
        assertThat(Main.run("sim", "run", "--trace", f.toString())).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        // [RG-HB]: Keep Alive Timeout (60 s) after the last heartbeat n1 heard, 3 ms into the run.
        assertThat(printed).contains("    0:05.000  n2 crashes")
                .contains("    1:00.003  n1 Normal -> Taking Over (Peer Down)")
                .contains("ok " + f + ":12: expect n1 \"Taking Over\" \"Peer Down\"")
                .endsWith("2 passed, 0 failed" + System.lineSeparator());
        assertThat(printed.indexOf("n1 Normal -> Taking Over")).isGreaterThan(printed.indexOf("ok " + f + ":10:"));
    }

    @Test
    void simRunWithoutAFileIsAUsageError() {
        assertThat(Main.run("sim", "run")).isEqualTo(2);
        assertThat(errText()).contains("tandem: Missing required parameter: 'FILE|DIR'")
                .contains("Try 'tandem sim run --help' for more information.");
    }

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        Path f = scenario("x.scenario", PAIR);
        assertThat(Main.run("sim", "run", "--fast", f.toString())).isEqualTo(2);
        assertThat(errText()).contains("tandem: Unknown option: '--fast'");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("passed");
    }

    // ---------------------------------------------------------------- the command itself

    @Test
    void versionPrintsTheProjectVersion() {
        assertThat(Main.run("--version")).isZero();
        assertThat(outLines()).singleElement().asString()
                .matches("tandem \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+\\)")
                .doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void anUnknownCommandExitsTwo() {
        assertThat(Main.run("frobnicate")).isEqualTo(2);
        assertThat(errText()).contains("tandem: Unmatched argument at index 0: 'frobnicate'")
                .contains("Try 'tandem --help' for more information.");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnknownSimCommandExitsTwo() {
        assertThat(Main.run("sim", "walk")).isEqualTo(2);
        assertThat(errText()).contains("'walk'").contains("Try 'tandem sim --help'");
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        assertThat(Main.run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: tandem").contains("sim")
                .contains("High availability and load balancing for session services.");
    }

    @Test
    void noArgumentsPrintsUsage() {
        assertThat(Main.run(new String[0])).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: tandem");
    }

    /** tandem node runs on a command line of its own (a faster start): its help and errors read as before. */
    @Test
    void theNodeCommandHasItsHelpAndUsageErrorsUnderItsFullName() {
        assertThat(Main.run("node", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: tandem node").contains("--config=FILE");
        assertThat(Main.run("node", "--config")).isEqualTo(2);
        assertThat(errText()).contains("tandem: Missing required parameter for option '--config'")
                .contains("Try 'tandem node --help' for more information.");
        assertThat(Main.run("node", "--config", "x.yaml", "--fast")).isEqualTo(2);
        assertThat(errText()).contains("Unknown option: '--fast'");
        assertThat(Main.run("node", "--config", "does-not-exist.yaml")).isEqualTo(2);
        assertThat(errText()).contains("tandem node: ").contains("does-not-exist.yaml");
    }

    @Test
    void simRunHelpDescribesTheExitCodes() {
        assertThat(Main.run("sim", "run", "--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "); // the help text is wrapped
        assertThat(help).contains("Exit code: 0 all passed, 1 an expectation failed, 2 a scenario could not be read.")
                .contains("--trace");
    }
}
