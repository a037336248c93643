package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store fails under a write (issue 6: "connection lost mid-transaction, store restarted: nothing
 * half-written"). A real PostgreSQL: its backend is killed in the middle of a transaction, and the whole server is
 * stopped and started again.
 */
class PostgresFailureTest {
    private static final long WRITE_FAILS_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(3500);
    static TestPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    private static ClusterStore.Action action(String what) {
        return new ClusterStore.Action("test", what, "users");
    }

    private static void setup(ClusterStore store) {
        store.updateSettings(action("setup"), s -> s.withGroup(StoreContractTest.pair("g1", "n1", "n2")));
    }

    @Test
    void aBackendKilledInTheMiddleOfAnImportLeavesNothingHalfWritten() throws Exception {
        String url = pg.newDatabase();
        try (ClusterStore store = JdbcClusterStore.open(url, TestPostgres.user(), null)) {
            setup(store);
            new UserAdmin(store, Map::of).importCsv("cli", "before1\nbefore2\n");
            long epoch = store.epoch();
            String database = url.substring(url.lastIndexOf('/') + 1);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch killed = new CountDownLatch(1);
            List<User> many = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) many.add(new User("user-" + i, "g1", i % 2 == 0 ? "n1" : "n2"));
            CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> store.writeUsers(action("import"), view -> {
                // The epoch is bumped and the row locked: now the connection dies.
                inside.countDown();
                try {
                    killed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new ClusterStore.UserWrite(many, List.of(), List.of(), "imported");
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            try (Connection admin = pg.admin(); PreparedStatement p = admin.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND state LIKE 'idle in transaction%'")) {
                p.setString(1, database);
                try (ResultSet r = p.executeQuery()) {
                    assertThat(r.next()).as("the writer's backend was found and killed").isTrue();
                }
            }
            killed.countDown();
            assertThatThrownBy(() -> write.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailable.class)
                    .cause().hasMessageStartingWith("the store is unreachable (").hasMessageEndingWith("; nothing was changed");
            // Nothing of it: the same epoch, the same two users, and the next write works.
            assertThat(store.epoch()).isEqualTo(epoch);
            assertThat(store.users(null, null, null, 10)).extracting(User::id).containsExactly("before1", "before2");
            assertThat(store.userChangesSince(0).upserted()).hasSize(2);
            new UserAdmin(store, Map::of).add("cli", "after", null, null);
            assertThat(store.epoch()).isEqualTo(epoch + 1);
        }
    }

    @Test
    void whileTheStoreIsDownWritesFailClearlyAndAfterItsRestartEverythingIsThere() throws Exception {
        String url = pg.newDatabase();
        try (ClusterStore store = JdbcClusterStore.open(url, TestPostgres.user(), null)) {
            setup(store);
            UserAdmin admin = new UserAdmin(store, Map::of);
            admin.importCsv("cli", "a\nb\nc\n");
            long epoch = store.epoch();
            pg.stop();
            try {
                // Each write fails fast: docs/store.md says within about 2 s (the pool's connection timeout); the
                // bound leaves a busy test host some slack.
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> admin.add("cli", "d", null, null)).isInstanceOf(StoreUnavailable.class)
                        .hasMessageStartingWith("the store is unreachable (").hasMessageEndingWith("nothing was changed");
                assertThat(System.nanoTime() - t0).as("the first write after the stop, in ns").isLessThan(WRITE_FAILS_WITHIN_NANOS);
                t0 = System.nanoTime();
                assertThatThrownBy(() -> store.updateSettings(action("parameters"),
                        s -> s.withParameters(Map.of("keepAliveInterval", "5s", "keepAliveTimeout", "20s"))))
                        .isInstanceOf(StoreUnavailable.class);
                assertThat(System.nanoTime() - t0).as("the next write, in ns").isLessThan(WRITE_FAILS_WITHIN_NANOS);
            } finally {
                pg.restart();
            }
            assertThat(store.epoch()).isEqualTo(epoch);
            assertThat(store.users(null, null, null, 10)).extracting(User::id).containsExactly("a", "b", "c");
            admin.add("cli", "d", null, null);
            assertThat(store.epoch()).isEqualTo(epoch + 1);
            assertThat(store.audit(1).get(0).result()).startsWith("added to g1");
        }
    }
}
