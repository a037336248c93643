package dev.tandem.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules and dashboard: the rules pass their own unit tests under promtool (each alert fires on
 * the series that should fire it and not before), and both query only Tandem's metrics. DistributionIT checks that
 * a running pair exposes every one of them.
 */
class MonitoringFilesTest {
    private static final Path MONITORING = Path.of(System.getProperty("tandem.packaging", "../packaging"), "monitoring");

    @Test
    void alertRulesPassTheirPromtoolTests() throws Exception {
        Path promtool = Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(promtool != null, "promtool is not installed (Debian: apt-get install prometheus); the rules' "
                + "unit tests in packaging/monitoring/tandem-alerts.test.yml were not run");
        Sh.Result r = Sh.run(MONITORING, Duration.ofSeconds(60),
                List.of(promtool.toString(), "test", "rules", "tandem-alerts.test.yml"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertAskedForWithAMetricHasARule() throws Exception {
        List<String> exprs = MonitoredNames.ruleExpressions(MONITORING.resolve("tandem-alerts.yml"));
        String rules = Files.readString(MONITORING.resolve("tandem-alerts.yml"));
        assertThat(rules).contains("alert: TandemPeerDown", "alert: TandemFailoverHappened", "alert: TandemNoDirector",
                "alert: TandemClusterAddressHeldTwice", "alert: TandemPacketsDropped", "alert: TandemStoreUnreachable",
                "alert: TandemStandbyNotReady", "alert: TandemReplicationLagging");
        assertThat(MonitoredNames.namesIn(exprs)).allMatch(n -> n.startsWith("tandem_"));
    }

    @Test
    void dashboardQueriesTandemMetricsOnly() throws Exception {
        List<String> exprs = MonitoredNames.dashboardExpressions(MONITORING.resolve("tandem-dashboard.json"));
        assertThat(exprs).hasSizeGreaterThan(10);
        Set<String> names = MonitoredNames.namesIn(exprs);
        assertThat(names).contains("tandem_redundancy_state", "tandem_lb_load_percent", "tandem_redirects_total",
                "tandem_standby_ready", "tandem_replication_lag_seconds");
        // Every expression names a Tandem metric: no panel left querying nothing or another exporter.
        assertThat(exprs).allMatch(e -> e.contains("tandem_"));
    }
}
