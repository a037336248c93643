package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.config.CheckConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The database check pings through JDBC; a database that cannot be reached is the specification's [RG-T2] Database Failure. */
class DatabaseCheckTest {
    @Test
    void aReachableDatabaseIsUpAndAnUnreachableOneDown() {
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        CheckConfig up = new CheckConfig("h2", "database", null, null, null, null, null, null, null,
                "jdbc:h2:mem:tandem-check;DB_CLOSE_DELAY=-1", Duration.ofMillis(50), Duration.ofSeconds(1));
        CheckConfig down = new CheckConfig("pg", "database", null, null, null, null, null, null, null,
                "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1", Duration.ofMillis(50), Duration.ofSeconds(1));
        try (HealthChecks checks = new HealthChecks(List.of(up, down), (c, ok) -> seen.put(c.name(), ok),
                Clock.systemUTC())) {
            checks.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 2);
            assertThat(seen).containsEntry("h2", true).containsEntry("pg", false);
            assertThat(checks.history()).extracting(HealthChecks.Change::check).contains("h2", "pg");
        }
    }
}
