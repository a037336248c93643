package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading scenario files: every command, words and quotes, comments, and a precise report of each bad line. */
class ScenarioParserTest {
    static final Path EVERY_COMMAND = Path.of("src/test/resources/language/every-command.scenario");

    private static String firstWord(String line) {
        return Scenario.words(line).get(0).toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- commands

    @Test
    void everyCommandIsAccepted() throws Exception {
        Scenario s = Scenario.parse("every-command.scenario", Files.readString(EVERY_COMMAND));
        assertThat(s.errors()).isEmpty();
        Set<String> used = new TreeSet<>();
        for (Scenario.Step step : s.steps()) used.add(firstWord(step.text()));
        assertThat(used).containsExactlyInAnyOrderElementsOf(ScenarioCommands.COMMANDS);
    }

    @Test
    void onlyTheExpectCommandsAreExpectations() throws Exception {
        Scenario s = Scenario.parse("every-command.scenario", Files.readString(EVERY_COMMAND));
        for (Scenario.Step step : s.steps()) {
            assertThat(step.expectation()).as(step.text()).isEqualTo(firstWord(step.text()).startsWith("expect"));
        }
    }

    @Test
    void everyCommandRuns() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ScenarioRunner runner = new ScenarioRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        ScenarioRunner.Result r = runner.run(Scenario.parse("every-command.scenario", Files.readString(EVERY_COMMAND)),
                new ArrayList<>());
        assertThat(r.failed()).as(buf.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(r.malformed()).isFalse();
        assertThat(r.passed()).isEqualTo(42);
    }

    @Test
    void commandNamesIgnoreCase() {
        Scenario s = Scenario.parse("x", "GROUP g1 n1 n2\nStart all\nRUN 5s\nExpect n1 Normal\nEXPECT-ACTIONS g1 Failover");
        assertThat(s.errors()).isEmpty();
        assertThat(s.steps()).hasSize(5);
        assertThat(s.steps().get(3).expectation()).isTrue();
    }

    @Test
    void stepsKeepTheirLineNumbersAndText() {
        String text = "# a comment\n\n   # an indented comment\ngroup g1 n1 n2\n\t\nstart all   \n  run 5s # wait\n";
        Scenario s = Scenario.parse("demo.scenario", text);
        assertThat(s.errors()).isEmpty();
        assertThat(s.name()).isEqualTo("demo.scenario");
        assertThat(s.steps()).extracting(Scenario.Step::line).containsExactly(4, 6, 7);
        assertThat(s.steps()).extracting(Scenario.Step::text).containsExactly("group g1 n1 n2", "start all", "run 5s # wait");
    }

    @Test
    void windowsLineEndingsCountLinesTheSame() {
        Scenario s = Scenario.parse("crlf.scenario", "group g1 n1 n2\r\n# c\r\nstart all\r\nbogus\r\n");
        assertThat(s.steps()).extracting(Scenario.Step::line).containsExactly(1, 3);
        assertThat(s.errors()).singleElement().asString().startsWith("crlf.scenario:4: unknown command 'bogus'");
    }

    @Test
    void anEmptyScenarioHasNoSteps() {
        Scenario s = Scenario.parse("empty.scenario", "\n# nothing\n\n");
        assertThat(s.steps()).isEmpty();
        assertThat(s.errors()).isEmpty();
    }

    // ---------------------------------------------------------------- words

    @Test
    void wordsAreSeparatedBySpacesAndTabs() {
        assertThat(Scenario.words("expect  n1\tNormal")).containsExactly("expect", "n1", "Normal");
    }

    @Test
    void doubleQuotesKeepSpacesInsideOneWord() {
        assertThat(Scenario.words("expect n2 \"Running in Backup Mode\" \"Peer Down\""))
                .containsExactly("expect", "n2", "Running in Backup Mode", "Peer Down");
        assertThat(Scenario.words("a\"b c\"d")).containsExactly("ab cd");
        assertThat(Scenario.words("x \"\"")).containsExactly("x", "");
    }

    @Test
    void aHashAfterASpaceStartsAComment() {
        assertThat(Scenario.words("run 5s # wait for the heartbeat")).containsExactly("run", "5s");
        assertThat(Scenario.words("run 5s #")).containsExactly("run", "5s");
        assertThat(Scenario.words("# all comment")).isEmpty();
    }

    @Test
    void aHashInsideQuotesIsText() {
        assertThat(Scenario.words("expect n1 \"a # b\"")).containsExactly("expect", "n1", "a # b");
    }

    @Test
    void anUnclosedQuoteIsAnError() {
        assertThatThrownBy(() -> Scenario.words("expect n1 \"Normal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unclosed double quote");
        assertThat(Scenario.parse("q.scenario", "expect n1 \"Normal").errors())
                .containsExactly("q.scenario:1: unclosed double quote");
    }

    // ---------------------------------------------------------------- malformed lines

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '\'', value = {
            "bogus n1                          => unknown command 'bogus'; allowed: {every command}",
            "group                             => usage: group <name> <node1> [<node2>] [ha=on|off]",
            "group g1                          => usage: group <name> <node1> [<node2>] [ha=on|off]",
            "group g1 n1 n1                    => nodes: 'n1, n1' is not allowed; allowed: two different nodes",
            "group g1 n1 n2 n3                 => nodes: '[n1, n2, n3]' is not allowed; allowed: one node, or two different nodes",
            "group bad.name n1 n2              => group name: 'bad.name' is not allowed; allowed: 1 to 128 characters of A-Z a-z 0-9 _ -",
            "group g1 n1 ha=on                 => highAvailability: 'true' is not allowed; allowed: false for a group of one node (high availability needs a pair)",
            "group g1 n1 n2 ha=maybe           => ha: 'maybe' is not allowed; allowed: on or off",
            "group g1 n/1 n2                   => node id: 'n/1' is not allowed; allowed: 1 to 128 characters of A-Z a-z 0-9 _ . : -",
            "param keepAliveInterval           => usage: param <name> <value>",
            "service n1                        => usage: service <node> <name>",
            "users g1                          => usage: users <group> <count> [mode=balanced|active-standby|none]",
            "users g1 ten                      => count: 'ten' is not allowed; allowed: a whole number from 0",
            "users g1 -5                       => count: '-5' is not allowed; allowed: a whole number from 0",
            "users g1 10 balanced              => users: 'balanced' is not allowed; allowed: mode=balanced, mode=active-standby or mode=none",
            "users g1 10 mode=round-robin      => mode: 'round-robin' is not allowed; allowed: balanced, active-standby or none",
            "start                             => usage: start <node>|all",
            "start n1 n2                       => usage: start <node>|all",
            "stop                              => usage: stop <node>",
            "restart n1 now                    => usage: restart <node>",
            "crash                             => usage: crash <node>",
            "db-down                           => usage: db-down <node>",
            "db-up n1 n2                       => usage: db-up <node>",
            "reboot n1                         => usage: reboot <node> <duration>",
            "reboot n1 5                       => reboot duration: '5' is not allowed; allowed: a whole number followed by ms, s, m or h (for example 500ms, 90s, 31m)",
            "partition n1                      => usage: partition <node> <node>",
            "heal now                          => usage: heal",
            "service-down n1                   => usage: service-down <node> <service>",
            "service-up n1                     => usage: service-up <node> <service>",
            "fail-next n1                      => usage: fail-next <node> take-over|take-back|start-services|stop-services",
            "fail-next n1 explode              => fail-next: 'explode' is not allowed; allowed: take-over, take-back, start-services or stop-services",
            "admin failover                    => usage: admin failover <node> | admin fallback <node> | admin recover <group>",
            "admin reboot n1                   => admin action: 'reboot' is not allowed; allowed: failover, fallback or recover",
            "ha g1                             => usage: ha <group> on|off [<node>]",
            "ha g1 maybe                       => ha: 'maybe' is not allowed; allowed: on or off",
            "run                               => usage: run <duration>",
            "run 5                             => run duration: '5' is not allowed; allowed: a whole number followed by ms, s, m or h (for example 500ms, 90s, 31m)",
            "run 1.5s                          => run duration: '1.5s' is not allowed; allowed: a whole number followed by ms, s, m or h (for example 500ms, 90s, 31m)",
            "hook-time                         => usage: hook-time <duration>",
            "hook-time 2                       => hook-time: '2' is not allowed; allowed: a whole number followed by ms, s, m or h (for example 500ms, 90s, 31m)",
            "network                           => usage: network [delay=<d>[..<d>]] [loss=<0..1>] [dup=<0..1>]",
            "network loss                      => network: 'loss' is not allowed; allowed: delay=<d>[..<d>], loss=<0..1> or dup=<0..1>",
            "network speed=5                   => network: 'speed' is not allowed; allowed: delay, loss or dup",
            "network loss=abc                  => loss: 'abc' is not allowed; allowed: a probability from 0 to 1",
            "network loss=1.5                  => loss: '1.5' is not allowed; allowed: a probability from 0 to 1",
            "network dup=-0.1                  => dup: '-0.1' is not allowed; allowed: a probability from 0 to 1",
            "network delay=fast                => delay: 'fast' is not allowed; allowed: a whole number followed by ms, s, m or h (for example 500ms, 90s, 31m)",
            "seed                              => usage: seed <number>",
            "seed abc                          => seed: 'abc' is not allowed; allowed: a whole number from 0",
            "expect n1                         => usage: expect <node> \"<state>\" [\"<reason>\"] | expect <node> down",
            "expect n1 Normal Normal extra     => usage: expect <node> \"<state>\" [\"<reason>\"] | expect <node> down",
            "expect n1 down now                => usage: expect <node> down",
            "expect n1 Sleeping                => state: 'Sleeping' is not allowed; allowed: \"Initializing\", \"Idle\", \"Normal\", \"Running in Backup Mode\", \"Taking Over\", \"Failing Over\", \"Failed Over\", \"Failed Over with Critical Services Not Running\", \"Falling Back\", \"Taking Back\", \"Running in Failed Mode\", \"Unknown\", \"Backup Activated\", \"Failover Affected Services\"",
            "expect n1 Normal Tired            => reason: 'Tired' is not allowed; allowed: \"Normal\", \"On Admin Request\", \"Initialization\", \"Automatic Fallback\", \"Critical Service Down\", \"Database Failure\", \"Peer Down\", \"Peer Reboot\", \"Peer Down During Initialization\", \"Start of Critical Services Failed\", \"Take Over Users Failed\", \"Take Back Users Failed\", \"Auto Recover Database Failure\", \"Auto Recover Critical Service Down\", \"Unknown\"",
            "expect n%1 Normal                 => node id: 'n%1' is not allowed; allowed: 1 to 128 characters of A-Z a-z 0-9 _ . : -",
            "expect-users n1                   => usage: expect-users <node> <count>",
            "expect-users n1 many              => count: 'many' is not allowed; allowed: a whole number from 0",
            "expect-unserved g1                => usage: expect-unserved <group> <count>",
            "expect-unserved g1 -1             => count: '-1' is not allowed; allowed: a whole number from 0",
            "expect-actions g1                 => usage: expect-actions <group> <failover|fallback|recover,...|none>",
            "expect-actions g1 failover,reboot => action: 'reboot' is not allowed; allowed: failover, fallback, recover, or none",
            "expect-refused                    => usage: expect-refused admin ... | expect-refused users ...",
            "expect-refused reboot n1          => expect-refused: 'reboot' is not allowed; allowed: admin or users",
            "expect-refused admin failover     => usage: admin failover <node> | admin fallback <node> | admin recover <group>",
            "expect-refused users g1           => usage: users <group> <count> [mode=balanced|active-standby|none]"})
    void eachMalformedLineIsReportedWithItsFileAndLine(String line, String message) {
        Scenario s = Scenario.parse("bad.scenario", "# line 1 is a comment\n" + line + "\nstart all\n");
        String expected = message.replace("{every command}", String.join(", ", ScenarioCommands.COMMANDS));
        assertThat(s.errors()).containsExactly("bad.scenario:2: " + expected);
        assertThat(s.steps()).extracting(Scenario.Step::line).as("the good line is still read").containsExactly(3);
    }

    // Scenario: "Reading checks every command and its arguments, so a scenario with a typo is reported line by line
    // before anything runs." These arguments are only looked at once the scenario runs.

    @Test
    void aParameterWithAnUnknownNameIsReportedWhenRead() {
        Scenario s = Scenario.parse("p.scenario", "param keepAliveIntervl 5s\ngroup g1 n1 n2\n");
        assertThat(s.errors()).containsExactly("p.scenario:1: parameter: 'keepAliveIntervl' is not allowed; allowed:"
                + " keepAliveInterval, keepAliveTimeout, initKeepAliveTimeout, criticalServiceDelay, automaticFallback,"
                + " automaticFallbackDelay, clientReloginLower, clientReloginUpper, servicePort, adminRpcPort, partitionRecovery");
    }

    @Test
    void aParameterValueOfTheWrongFormIsReportedWhenRead() {
        Scenario s = Scenario.parse("p.scenario", "param keepAliveInterval fast\nparam automaticFallback yes\n");
        assertThat(s.errors()).containsExactly(
                "p.scenario:1: keepAliveInterval: 'fast' is not allowed; allowed: a whole number followed by ms, s, m"
                        + " or h (for example 500ms, 90s, 31m)",
                "p.scenario:2: automaticFallback: 'yes' is not allowed; allowed: true or false");
    }

    @Test
    void anAdminTargetThatCannotBeANodeIsReportedWhenRead() {
        Scenario s = Scenario.parse("a.scenario", "group g1 n1 n2\nadmin failover n/1\n");
        assertThat(s.errors()).containsExactly("a.scenario:2: node id: 'n/1' is not allowed; allowed: 1 to 128"
                + " characters of A-Z a-z 0-9 _ . : -");
    }

    @Test
    void aUserCountTooLargeIsReportedWhenReadWithTheValueTyped() {
        Scenario s = Scenario.parse("u.scenario", "group g1 n1 n2\nusers g1 3000000000\n");
        assertThat(s.errors()).singleElement().asString().startsWith("u.scenario:2: count: '3000000000' is not allowed");
    }

    @Test
    void aLossThatIsNotANumberIsReported() {
        Scenario s = Scenario.parse("n.scenario", "network loss=NaN\nnetwork dup=NaN\n");
        assertThat(s.errors()).containsExactly(
                "n.scenario:1: loss: 'NaN' is not allowed; allowed: a probability from 0 to 1",
                "n.scenario:2: dup: 'NaN' is not allowed; allowed: a probability from 0 to 1");
    }

    @Test
    void anInvertedDelayRangeIsReportedAsTyped() {
        Scenario s = Scenario.parse("n.scenario", "network delay=5s..1s\n");
        assertThat(s.errors()).singleElement().asString()
                .startsWith("n.scenario:1: delay: ")
                .contains("1s")
                .doesNotContain("PT1S");
    }

    @Test
    void everyBadLineIsReportedNotOnlyTheFirst() {
        Scenario s = Scenario.parse("many.scenario", "group g1 n1 n2\nrun forever\nstart all\nexpect n1 Asleep\nbogus\n");
        assertThat(s.errors()).hasSize(3);
        assertThat(s.errors().get(0)).startsWith("many.scenario:2: run duration: 'forever'");
        assertThat(s.errors().get(1)).startsWith("many.scenario:4: state: 'Asleep'");
        assertThat(s.errors().get(2)).startsWith("many.scenario:5: unknown command 'bogus'");
    }

    @Test
    void aMalformedScenarioIsNotRun() {
        String text = "group g1 n1 n2\nstart all\nrun 5s\nexpect n1 Normal\nexpect n2 Asleep\n";
        Scenario s = Scenario.parse("half.scenario", text);
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ScenarioRunner.Result r = new ScenarioRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), true)
                .run(s, lines);
        assertThat(r.malformed()).isTrue();
        assertThat(r.passed()).isZero();
        assertThat(r.failed()).isZero();
        assertThat(r.allPassed()).isFalse();
        assertThat(lines).containsExactly("ERROR half.scenario:5: state: 'Asleep' is not allowed; allowed: "
                + dev.tandem.core.rm.NodeState.allowedNames());
        assertThat(buf.toString(StandardCharsets.UTF_8)).as("no trace: nothing ran").doesNotContain("starts")
                .doesNotContain("ok ");
    }
}
