package dev.tandem.bench.users;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server for one benchmark run, started from the embedded binaries (no server installed) with a
 * throw-away data folder, on a free loopback port.
 */
final class EmbeddedPostgresStore implements AutoCloseable {
    private final EmbeddedPostgres pg;
    private final int port;

    private EmbeddedPostgresStore(EmbeddedPostgres pg, int port) {
        this.pg = pg;
        this.port = port;
    }

    static EmbeddedPostgresStore start(Path work) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work.toFile())
                .setDataDirectory(work.resolve("data")).setCleanDataDirectory(true).setPort(port).start();
        return new EmbeddedPostgresStore(pg, port);
    }

    /** A fresh database for the store, and its JDBC URL. */
    String newDatabase(String name) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://localhost:" + port + "/" + name;
    }

    static String user() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
