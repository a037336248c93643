package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema on first contact: a store already at this build's newest migration is opened without Flyway, one behind
 * is migrated, and one whose history holds a failed migration is refused with Flyway's reason rather than used.
 */
class SchemaMigrationTest {
    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("tandem") + ";AUTO_SERVER=TRUE";
    }

    @Test
    void theLatestMigrationIsTheNewestFileAmongTheMigrations() throws IOException, URISyntaxException {
        Path folder = Path.of(Transactions.class.getClassLoader().getResource(Transactions.MIGRATIONS).toURI());
        Pattern name = Pattern.compile("V(\\d+)__.+\\.sql");
        int newest = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Matcher m = name.matcher(f.getFileName().toString());
                assertThat(m.matches()).as("migration file name %s", f.getFileName()).isTrue();
                newest = Math.max(newest, Integer.parseInt(m.group(1)));
            }
        }
        assertThat(Transactions.LATEST_MIGRATION).isEqualTo(newest);
    }

    @Test
    void aStoreAtTheNewestSchemaOpensAgainWithItsData() {
        try (JdbcClusterStore store = JdbcClusterStore.open(url(), null, null)) {
            store.updateSettings(new ClusterStore.Action("alice", "parameters", "cluster"),
                    s -> s.withParameters(Map.of("keepAliveInterval", "5s", "keepAliveTimeout", "20s")));
        }
        try (JdbcClusterStore again = JdbcClusterStore.open(url(), null, null)) {
            assertThat(again.schemaVersion()).isEqualTo(String.valueOf(Transactions.LATEST_MIGRATION));
            assertThat(again.settings().epoch()).isEqualTo(1);
            assertThat(again.settings().serviceParameters().keepAliveInterval()).hasSeconds(5);
        }
    }

    @Test
    void aStoreOneMigrationBehindIsMigrated() {
        Flyway.configure().dataSource(url(), null, null).locations("classpath:" + Transactions.MIGRATIONS)
                .target(String.valueOf(Transactions.LATEST_MIGRATION - 1)).load().migrate();
        try (JdbcClusterStore store = JdbcClusterStore.open(url(), null, null)) {
            assertThat(store.settings().epoch()).isZero();
            assertThat(store.schemaVersion()).isEqualTo(String.valueOf(Transactions.LATEST_MIGRATION));
        }
    }

    @Test
    void aStoreWhoseHistoryHoldsAFailedMigrationIsRefusedWithTheReason() throws Exception {
        try (JdbcClusterStore store = JdbcClusterStore.open(url(), null, null)) {
            store.settings();
        }
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            st.executeUpdate("update \"flyway_schema_history\" set \"success\" = false where \"version\" = '"
                    + Transactions.LATEST_MIGRATION + "'");
        }
        try (JdbcClusterStore store = JdbcClusterStore.open(url(), null, null)) {
            assertThatThrownBy(store::settings).isInstanceOf(StoreUnavailable.class)
                    .hasMessageContaining("cannot migrate the schema")
                    .hasMessageContaining("Migrations have failed validation");
        }
    }
}
