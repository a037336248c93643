package dev.tandem.node.store;

import dev.tandem.node.TestPorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for a test class, started from the embedded binaries (no server installed).
 * (The library runs the server in a user namespace when the tests run as root, which PostgreSQL refuses.)
 */
public final class TestPostgres implements AutoCloseable {
    private static final Path WORK = Path.of("target", "embedded-pg").toAbsolutePath();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres pg;

    private TestPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    public static TestPostgres start() throws IOException {
        Files.createDirectories(WORK);
        Path data = Files.createTempDirectory(WORK, "data-");
        TestPostgres t = new TestPostgres(data, freePort());
        t.startServer();
        return t;
    }

    private EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder().setOverrideWorkingDirectory(WORK.toFile()).setDataDirectory(dataDir)
                .setCleanDataDirectory(false).setPort(port).setServerConfig("max_connections", "50");
    }

    private void startServer() throws IOException {
        pg = builder().start();
    }

    /** Stops the server, keeping its data (a store restart). */
    public void stop() throws IOException {
        pg.close();
    }

    /** Starts the same server on the same port and data again. */
    public void restart() throws IOException {
        pg = builder().start();
    }

    int port() {
        return port;
    }

    /** A fresh, empty database and its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "tandem_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://localhost:" + port + "/" + name;
    }

    public static String user() {
        return "postgres";
    }

    public Connection admin() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() throws IOException {
        if (pg != null) pg.close();
    }

    private static int freePort() {
        return TestPorts.tcp("127.0.0.1");
    }
}
