package dev.tandem.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/demo.md, Scripts: timed actions, one per line; errors name the line, the word and what is allowed. */
class DemoScriptTest {

    @Test
    void stepsKeepTheirTimesActionsTargetsAndLines() {
        DemoScript s = DemoScript.parse("tour", """
                # a tour
                5s kill n1

                12s   start n1   # back again
                20s failover n3
                1m fallback n3
                1m recover g2
                90s quit
                """);
        assertThat(s.steps()).containsExactly(
                new DemoScript.Step(2, Duration.ofSeconds(5), "kill", "n1"),
                new DemoScript.Step(4, Duration.ofSeconds(12), "start", "n1"),
                new DemoScript.Step(5, Duration.ofSeconds(20), "failover", "n3"),
                new DemoScript.Step(6, Duration.ofMinutes(1), "fallback", "n3"),
                new DemoScript.Step(7, Duration.ofMinutes(1), "recover", "g2"),
                new DemoScript.Step(8, Duration.ofSeconds(90), "quit", ""));
    }

    @Test
    void mistakesAreNamedWithTheirLine() {
        assertThatThrownBy(() -> DemoScript.parse("s", "5s explode n1")).isInstanceOf(Invalid.class)
                .hasMessageContaining("s:1: action").hasMessageContaining("explode").hasMessageContaining("kill");
        assertThatThrownBy(() -> DemoScript.parse("s", "\nsoon kill n1")).isInstanceOf(Invalid.class)
                .hasMessageContaining("s:2: time").hasMessageContaining("soon").hasMessageContaining("10s");
        assertThatThrownBy(() -> DemoScript.parse("s", "10s kill n1\n5s start n1")).isInstanceOf(Invalid.class)
                .hasMessageContaining("s:2: time").hasMessageContaining("no earlier");
        assertThatThrownBy(() -> DemoScript.parse("s", "1s kill")).isInstanceOf(Invalid.class)
                .hasMessageContaining("s:1: kill").hasMessageContaining("one node");
        assertThatThrownBy(() -> DemoScript.parse("s", "1s recover n1")).isInstanceOf(Invalid.class)
                .hasMessageContaining("redundancy group, like g1");
        assertThatThrownBy(() -> DemoScript.parse("s", "1s quit now")).isInstanceOf(Invalid.class)
                .hasMessageContaining("nothing after it");
    }
}
