package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every scenario under src/test/resources/scenarios as its own test. */
class ScenarioFilesTest {
    private static final Path DIR = Path.of("src/test/resources/scenarios");

    @TestFactory
    Stream<DynamicTest> everyScenarioPasses() {
        List<Path> files = ScenarioRunner.collect(List.of(DIR));
        assertThat(files).as("scenario files under " + DIR).hasSizeGreaterThan(20);
        return files.stream().map(f -> DynamicTest.dynamicTest(DIR.relativize(f).toString(), () -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            ScenarioRunner runner = new ScenarioRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
            ScenarioRunner.Result r = runner.run(Scenario.parse(f.toString(), Files.readString(f)), new ArrayList<>());
            String output = buf.toString(StandardCharsets.UTF_8);
            assertThat(r.malformed()).as("scenario readable:\n" + output).isFalse();
            assertThat(r.failed()).as("failed expectations:\n" + output).isZero();
            assertThat(r.passed()).as("a scenario must check something").isPositive();
        }));
    }
}
