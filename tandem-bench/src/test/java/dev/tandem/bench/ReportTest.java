package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    @Test
    void percentilesAreNearestRank() {
        Samples s = new Samples();
        for (int i = 100; i >= 1; i--) s.add(i);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.median()).isEqualTo(50);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
        Samples few = new Samples();
        for (int i = 1; i <= 20; i++) few.add(i);
        assertThat(few.p99()).as("20 samples: p99 is the largest").isEqualTo(20);
        assertThat(new Samples().median()).isNaN();
    }

    @Test
    void recordedCommandsLeaveOutWhereThingsAreOnThisMachine() {
        String[] kept = BenchMain.withoutLocalPaths(new String[] {"pair-failover", "--trials", "3", "--lock", "/x/lock",
                "--results=/x/r", "--jar", "/x/t.jar", "--subnet", "4"});
        assertThat(kept).containsExactly("pair-failover", "--trials", "3", "--subnet", "4");
    }

    @Test
    void reportIsGeneratedFromTheResultFilesOnly() throws Exception {
        Result r = new Result("footprint", "Footprint", "./tandem bench footprint --trials 2");
        r.parameter("trials", 2);
        r.table("Idle node", "measure", "median").row("start-up, ms", 1234.0).row("unmeasured", Double.NaN);
        r.note("a note");
        r.write(dir);
        String md = ReportCommand.render(dir, "Because of X; Y would help.");
        assertThat(md).contains("## 7. Footprint").contains("Command: `./tandem bench footprint --trials 2`")
                .contains("| start-up, ms | 1,234 |").contains("| unmeasured | n/a |").contains("- a note")
                .contains("Because of X; Y would help.")
                .contains("| 1. Pair failover time | not measured yet | `./tandem bench pair-failover` |");
        assertThat(Files.readString(dir.resolve("footprint.json"))).doesNotContain("NaN");
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        Result r = new Result("x", "X", "./tandem bench x");
        Result.Table t = r.table("t", "a", "b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.row(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 cells for 2 columns");
    }
}
