package dev.tandem.node.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL (one server for the class, one new database per test). */
class PostgresStoreTest extends StoreContractTest {
    static TestPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Override
    protected ClusterStore openStore() throws Exception {
        return JdbcClusterStore.open(pg.newDatabase(), TestPostgres.user(), null);
    }
}
