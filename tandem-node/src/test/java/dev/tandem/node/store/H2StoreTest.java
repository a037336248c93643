package dev.tandem.node.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an embedded H2 file, opened the way nodes open it (AUTO_SERVER, several processes). */
class H2StoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected ClusterStore openStore() {
        return JdbcClusterStore.open("jdbc:h2:file:" + dir.resolve("tandem") + ";AUTO_SERVER=TRUE", null, null);
    }
}
