package dev.tandem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "0ms, PT0S",
            "0s, PT0S",
            "15s, PT15S",
            "90s, PT1M30S",
            "537s, PT8M57S",
            "31m, PT31M",
            "2h, PT2H",
            "999999999ms, PT277H46M39.999S"})
    void parsesEveryUnit(String text, String iso) {
        assertThat(Durations.parse("f", text)).isEqualTo(Duration.parse(iso));
    }

    @Test
    void surroundingSpacesAreIgnored() {
        assertThat(Durations.parse("f", "  90s\t")).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "90", "s", "1.5s", "-5s", "90 s", "90sec", "5d", "1m30s", "1000000000s", "ninety"})
    void rejectsWhatIsNotAWholeNumberAndAUnit(String text) {
        assertThatThrownBy(() -> Durations.parse("keepAliveInterval", text))
                .isInstanceOf(Invalid.class)
                .hasMessage("keepAliveInterval: '" + text + "' is not allowed; allowed: a whole number followed by"
                        + " ms, s, m or h (for example 500ms, 90s, 31m)");
    }

    @Test
    void missingTextIsReportedAsMissing() {
        assertThatThrownBy(() -> Durations.parse("run duration", null))
                .isInstanceOf(Invalid.class)
                .hasMessageStartingWith("run duration: (missing) is not allowed");
    }

    @Test
    void theErrorCarriesFieldValueAndAllowed() {
        Invalid e = (Invalid) org.assertj.core.api.Assertions.catchThrowable(() -> Durations.parse("delay", "5x"));
        assertThat(e.field()).isEqualTo("delay");
        assertThat(e.value()).isEqualTo("'5x'");
        assertThat(e.allowed()).contains("ms, s, m or h");
    }

    @ParameterizedTest
    @CsvSource({
            "PT0.5S, 500ms",
            "PT1.5S, 1500ms",
            "PT0S, 0s",
            "PT15S, 15s",
            "PT1M30S, 90s",
            "PT1M, 1m",
            "PT2M, 2m",
            "PT8M57S, 537s",
            "PT30M, 30m",
            "PT1H, 1h",
            "PT24H, 24h",
            "PT1H1M, 61m",
            "PT1H0.001S, 3600001ms"})
    void formatsTheShortestExactSpelling(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ms", "999ms", "1s", "59s", "61s", "1m", "59m", "60m", "25h", "86400s"})
    void formatThenParseGivesTheSameDuration(String text) {
        Duration d = Durations.parse("f", text);
        assertThat(Durations.parse("f", Durations.format(d))).isEqualTo(d);
    }
}
