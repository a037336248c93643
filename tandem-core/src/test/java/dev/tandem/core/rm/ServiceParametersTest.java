package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tandem.core.Invalid;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceParametersTest {
    private static final ServiceParameters DEFAULTS = ServiceParameters.defaults();

    // [RG-HB]: every default the specification gives.

    @Test
    void keepAliveIntervalDefaultsTo15Seconds() {
        assertThat(DEFAULTS.keepAliveInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(ServiceParameters.DEFAULT_KEEP_ALIVE_INTERVAL).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void keepAliveTimeoutDefaultsTo60Seconds() {
        assertThat(DEFAULTS.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void initializationKeepAliveTimeoutDefaultsTo120Seconds() {
        assertThat(DEFAULTS.initKeepAliveTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void criticalServiceDelayDefaultsTo90Seconds() {
        assertThat(DEFAULTS.criticalServiceDelay()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void automaticFallbackIsOffByDefaultAndWaitsThirtyMinutes() {
        // [RG-HB]: "The default value is False"; users move back "thirty minutes after the primary node returns".
        assertThat(DEFAULTS.automaticFallback()).isFalse();
        assertThat(DEFAULTS.automaticFallbackDelay()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void clientReloginLimitsDefaultTo120And537Seconds() {
        assertThat(DEFAULTS.clientReloginLower()).isEqualTo(Duration.ofSeconds(120));
        assertThat(DEFAULTS.clientReloginUpper()).isEqualTo(Duration.ofSeconds(537));
    }

    @Test
    void portsDefaultTo22001And20075() {
        assertThat(DEFAULTS.servicePort()).isEqualTo(22001);
        assertThat(DEFAULTS.adminRpcPort()).isEqualTo(20075);
    }

    @Test
    void anEmptyTextSetIsTheDefaults() {
        assertThat(ServiceParameters.fromText(Map.of())).isEqualTo(DEFAULTS);
    }

    @Test
    void defaultsAsText() {
        assertThat(DEFAULTS.asText()).containsExactly(
                entry("keepAliveInterval", "15s"),
                entry("keepAliveTimeout", "1m"),
                entry("initKeepAliveTimeout", "2m"),
                entry("criticalServiceDelay", "90s"),
                entry("automaticFallback", "false"),
                entry("automaticFallbackDelay", "30m"),
                entry("clientReloginLower", "2m"),
                entry("clientReloginUpper", "537s"),
                entry("servicePort", "22001"),
                entry("adminRpcPort", "20075"),
                entry("partitionRecovery", "manual"));
        assertThat(DEFAULTS.asText().keySet()).containsExactlyElementsOf(ServiceParameters.NAMES);
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void fromTextOfAsTextIsTheSameSet() {
        ServiceParameters p = ServiceParameters.fromText(Map.of(
                "keepAliveInterval", "1500ms", "keepAliveTimeout", "7s", "initKeepAliveTimeout", "31m",
                "criticalServiceDelay", "0s", "automaticFallback", "true", "automaticFallbackDelay", "24h",
                "clientReloginLower", "1s", "clientReloginUpper", "1h", "servicePort", "1", "adminRpcPort", "65535"));
        assertThat(ServiceParameters.fromText(p.asText())).isEqualTo(p);
        assertThat(ServiceParameters.fromText(DEFAULTS.asText())).isEqualTo(DEFAULTS);
        assertThat(p.keepAliveInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.automaticFallback()).isTrue();
        assertThat(p.servicePort()).isEqualTo(1);
        assertThat(p.adminRpcPort()).isEqualTo(65535);
    }

    @Test
    void withChangesOneParameterOnly() {
        ServiceParameters p = DEFAULTS.with("criticalServiceDelay", "2s");
        assertThat(p.criticalServiceDelay()).isEqualTo(Duration.ofSeconds(2));
        Map<String, String> expected = new HashMap<>(DEFAULTS.asText());
        expected.put("criticalServiceDelay", "2s");
        assertThat(p.asText()).isEqualTo(expected);
        assertThat(DEFAULTS.criticalServiceDelay()).as("the original is unchanged").isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void withReadsEveryParameter() {
        assertThat(DEFAULTS.with("keepAliveInterval", "10s").keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(DEFAULTS.with("keepAliveTimeout", "45s").keepAliveTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(DEFAULTS.with("initKeepAliveTimeout", "3m").initKeepAliveTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(DEFAULTS.with("automaticFallback", "TRUE").automaticFallback()).isTrue();
        assertThat(DEFAULTS.with("automaticFallback", "False").automaticFallback()).isFalse();
        assertThat(DEFAULTS.with("automaticFallbackDelay", "31m").automaticFallbackDelay()).isEqualTo(Duration.ofMinutes(31));
        assertThat(DEFAULTS.with("clientReloginLower", "100s").clientReloginLower()).isEqualTo(Duration.ofSeconds(100));
        assertThat(DEFAULTS.with("clientReloginUpper", "600s").clientReloginUpper()).isEqualTo(Duration.ofSeconds(600));
        assertThat(DEFAULTS.with("servicePort", " 22002 ").servicePort()).isEqualTo(22002);
        assertThat(DEFAULTS.with("adminRpcPort", "8080").adminRpcPort()).isEqualTo(8080);
    }

    @Test
    void fromTextTakesAPartialSetAndFillsInTheDefaults() {
        ServiceParameters p = ServiceParameters.fromText(Map.of("keepAliveInterval", "1s", "keepAliveTimeout", "3s",
                "initKeepAliveTimeout", "6s"));
        assertThat(p.keepAliveInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.initKeepAliveTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(p.criticalServiceDelay()).isEqualTo(DEFAULTS.criticalServiceDelay());
        assertThat(p.servicePort()).isEqualTo(DEFAULTS.servicePort());
    }

    // ---------------------------------------------------------------- rejections

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "keepAliveInterval      | 9ms  | from 10ms to 5m",
            "keepAliveInterval      | 301s | from 10ms to 5m",
            "keepAliveTimeout       | 2h   | from 10ms to 1h",
            "initKeepAliveTimeout   | 5ms  | from 10ms to 1h",
            "initKeepAliveTimeout   | 61m  | from 10ms to 1h",
            "criticalServiceDelay   | 2h   | from 0s to 1h",
            "automaticFallbackDelay | 25h  | from 0s to 24h",
            "clientReloginLower     | 2h   | from 0s to 1h",
            "clientReloginUpper     | 61m  | from 0s to 1h"})
    void rejectsADurationOutOfRange(String field, String value, String allowed) {
        String shown = dev.tandem.core.Durations.format(dev.tandem.core.Durations.parse(field, value));
        assertThatThrownBy(() -> DEFAULTS.with(field, value))
                .isInstanceOf(Invalid.class)
                .hasMessage(field + ": '" + shown + "' is not allowed; allowed: " + allowed)
                .satisfies(e -> assertThat(((Invalid) e).field()).isEqualTo(field));
    }

    @Test
    void theLimitsThemselvesAreAllowed() {
        assertThat(DEFAULTS.with("keepAliveInterval", "10ms").keepAliveInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(ServiceParameters.fromText(Map.of("keepAliveInterval", "5m", "keepAliveTimeout", "1h",
                "initKeepAliveTimeout", "1h")).keepAliveInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(DEFAULTS.with("criticalServiceDelay", "0s").criticalServiceDelay()).isZero();
        assertThat(DEFAULTS.with("criticalServiceDelay", "1h").criticalServiceDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(DEFAULTS.with("automaticFallbackDelay", "24h").automaticFallbackDelay()).isEqualTo(Duration.ofHours(24));
        assertThat(DEFAULTS.with("automaticFallbackDelay", "0s").automaticFallbackDelay()).isZero();
    }

    @Test
    void rejectsATimeoutShorterThanTwoIntervals() {
        // A timeout under two intervals would fail over after one lost heartbeat.
        assertThatThrownBy(() -> DEFAULTS.with("keepAliveTimeout", "29s"))
                .isInstanceOf(Invalid.class)
                .hasMessage("keepAliveTimeout: '29s' is not allowed; allowed: at least twice keepAliveInterval (15s)");
        assertThatThrownBy(() -> DEFAULTS.with("keepAliveInterval", "31s"))
                .isInstanceOf(Invalid.class)
                .hasMessage("keepAliveTimeout: '1m' is not allowed; allowed: at least twice keepAliveInterval (31s)");
        assertThat(DEFAULTS.with("keepAliveTimeout", "30s").keepAliveTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsAnInitializationTimeoutShorterThanTheTimeout() {
        assertThatThrownBy(() -> DEFAULTS.with("initKeepAliveTimeout", "59s"))
                .isInstanceOf(Invalid.class)
                .hasMessage("initKeepAliveTimeout: '59s' is not allowed; allowed: at least keepAliveTimeout (1m)");
        assertThatThrownBy(() -> DEFAULTS.with("keepAliveTimeout", "3m"))
                .isInstanceOf(Invalid.class)
                .hasMessage("initKeepAliveTimeout: '2m' is not allowed; allowed: at least keepAliveTimeout (3m)");
        assertThat(DEFAULTS.with("initKeepAliveTimeout", "60s").initKeepAliveTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void rejectsAnUpperReloginLimitBelowTheLower() {
        assertThatThrownBy(() -> DEFAULTS.with("clientReloginUpper", "119s"))
                .isInstanceOf(Invalid.class)
                .hasMessage("clientReloginUpper: '119s' is not allowed; allowed: at least clientReloginLower (2m)");
        assertThatThrownBy(() -> DEFAULTS.with("clientReloginLower", "538s"))
                .isInstanceOf(Invalid.class)
                .hasMessage("clientReloginUpper: '537s' is not allowed; allowed: at least clientReloginLower (538s)");
        assertThat(DEFAULTS.with("clientReloginUpper", "120s").clientReloginUpper()).isEqualTo(Duration.ofSeconds(120));
    }

    @ParameterizedTest
    @CsvSource({"servicePort, 0", "servicePort, 65536", "servicePort, -1", "adminRpcPort, 0", "adminRpcPort, 70000"})
    void rejectsAPortOutOfRange(String field, String value) {
        assertThatThrownBy(() -> DEFAULTS.with(field, value))
                .isInstanceOf(Invalid.class)
                .hasMessage(field + ": '" + value + "' is not allowed; allowed: a port from 1 to 65535");
    }

    @ParameterizedTest
    @CsvSource({"servicePort, abc", "servicePort, 22001.0", "adminRpcPort, ''", "adminRpcPort, 99999999999"})
    void rejectsAPortThatIsNotANumber(String field, String value) {
        assertThatThrownBy(() -> DEFAULTS.with(field, value))
                .isInstanceOf(Invalid.class)
                .hasMessage(field + ": '" + value + "' is not allowed; allowed: a port from 1 to 65535");
    }

    @Test
    void rejectsTheSamePortForBothServices() {
        assertThatThrownBy(() -> DEFAULTS.with("adminRpcPort", "22001"))
                .isInstanceOf(Invalid.class)
                .hasMessage("adminRpcPort: '22001' is not allowed; allowed: a port other than servicePort (22001)");
        assertThatThrownBy(() -> DEFAULTS.with("servicePort", "20075"))
                .isInstanceOf(Invalid.class)
                .hasMessage("adminRpcPort: '20075' is not allowed; allowed: a port other than servicePort (20075)");
    }

    @Test
    void rejectsAnUnknownNameInWith() {
        assertThatThrownBy(() -> DEFAULTS.with("heartbeat", "5s"))
                .isInstanceOf(Invalid.class)
                .hasMessage("parameter: 'heartbeat' is not allowed; allowed: keepAliveInterval, keepAliveTimeout,"
                        + " initKeepAliveTimeout, criticalServiceDelay, automaticFallback, automaticFallbackDelay,"
                        + " clientReloginLower, clientReloginUpper, servicePort, adminRpcPort, partitionRecovery");
    }

    @Test
    void rejectsAnUnknownNameInFromText() {
        assertThatThrownBy(() -> ServiceParameters.fromText(Map.of("keepaliveinterval", "5s")))
                .isInstanceOf(Invalid.class)
                .hasMessageStartingWith("parameter: 'keepaliveinterval' is not allowed; allowed: keepAliveInterval,");
    }

    @ParameterizedTest
    @ValueSource(strings = {"15", "15 s", "1.5s", "fast", "-1s", ""})
    void rejectsABadDurationText(String value) {
        assertThatThrownBy(() -> DEFAULTS.with("keepAliveInterval", value))
                .isInstanceOf(Invalid.class)
                .hasMessage("keepAliveInterval: '" + value + "' is not allowed; allowed: a whole number followed by"
                        + " ms, s, m or h (for example 500ms, 90s, 31m)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "1", "truee", ""})
    void rejectsABadBooleanText(String value) {
        assertThatThrownBy(() -> DEFAULTS.with("automaticFallback", value))
                .isInstanceOf(Invalid.class)
                .hasMessage("automaticFallback: '" + value + "' is not allowed; allowed: true or false");
    }

    @Test
    void aMissingValueInFromTextIsReportedAsMissing() {
        Map<String, String> m = new HashMap<>();
        m.put("criticalServiceDelay", null);
        assertThatThrownBy(() -> ServiceParameters.fromText(m))
                .isInstanceOf(Invalid.class)
                .hasMessageStartingWith("criticalServiceDelay: (missing) is not allowed");
    }

    @Test
    void theConstructorRejectsANullDuration() {
        assertThatThrownBy(() -> new ServiceParameters(null, Duration.ofSeconds(60), Duration.ofSeconds(120),
                Duration.ofSeconds(90), false, Duration.ofMinutes(30), Duration.ofSeconds(120),
                Duration.ofSeconds(537), 22001, 20075, ServiceParameters.PartitionRecovery.MANUAL))
                .isInstanceOf(Invalid.class)
                .hasMessage("keepAliveInterval: (missing) is not allowed; allowed: a duration from 10ms to 5m");
    }

    @Test
    void partitionRecoveryIsManualUnlessAWitnessIsChosen() {
        assertThat(ServiceParameters.defaults().partitionRecovery()).isEqualTo(ServiceParameters.PartitionRecovery.MANUAL);
        assertThat(ServiceParameters.fromText(Map.of("partitionRecovery", "Witness")).partitionRecovery())
                .isEqualTo(ServiceParameters.PartitionRecovery.WITNESS);
        assertThat(ServiceParameters.defaults().with("partitionRecovery", "witness").asText())
                .containsEntry("partitionRecovery", "witness");
        assertThatThrownBy(() -> ServiceParameters.checkValue("partitionRecovery", "quorum"))
                .isInstanceOf(Invalid.class)
                .hasMessage("partitionRecovery: 'quorum' is not allowed; allowed: manual or witness");
    }

    @Test
    void theFirstProblemIsReported() {
        // A port out of range is found before the relation between the timeouts.
        assertThatThrownBy(() -> ServiceParameters.fromText(Map.of("keepAliveTimeout", "20s", "servicePort", "0")))
                .isInstanceOf(Invalid.class)
                .hasMessageStartingWith("servicePort:");
    }
}
