package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tandem sim fuzz} through the command line (docs/scenarios.md, Fuzzing). */
class SimFuzzCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run tandem(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aRunEndsWithItsCountAndWritesNothingWhenNothingFails() {
        Run r = tandem("sim", "fuzz", "--schedules", "30", "--seed", "11", "--out", dir.resolve("failures").toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("tandem sim fuzz: 30 schedules from seed 11\n").endsWith("30 schedules, 0 violations\n")
                .contains("3 of 30 schedules, 0 violations");
        assertThat(Files.exists(dir.resolve("failures"))).isFalse();
    }

    @Test
    void aScheduleCountOutOfRangeIsRefusedWithWhatIsAllowed() {
        Run r = tandem("sim", "fuzz", "--schedules", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--schedules: '0' is not allowed; allowed: 1 to 10000000");
    }
}
