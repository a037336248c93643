package dev.tandem.node.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;

/**
 * The store's connections and transactions: a HikariCP pool, the schema migrated by Flyway on first contact, one
 * transaction per use, and the epoch every write bumps first. A failure to reach the store is a
 * {@link StoreUnavailable} naming the store; nothing here knows what the tables hold.
 */
final class Transactions implements AutoCloseable {
    /** The PostgreSQL channel a write notifies with its new epoch. */
    static final String CHANNEL = "tandem_epoch";
    /**
     * Fail fast when the store is down: an admin write waits at most this long for a connection (docs/store.md).
     * The same for H2: a node that cannot reach the file's server at start runs from its cache and its watcher
     * tries again every second, so a slow AUTO_SERVER hand-over costs nothing a longer wait would save.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Where the migrations are, V1__...sql to V{@value #LATEST_MIGRATION}__...sql. */
    static final String MIGRATIONS = "db/migration";
    /** The newest migration this build carries (a test checks it against {@link #MIGRATIONS}). */
    static final int LATEST_MIGRATION = 7;
    /** Flyway's history table, its default name. */
    private static final String HISTORY = "flyway_schema_history";

    static {
        // The pool checks a connection before it lends it only when it has been idle for half a second, unless
        // told otherwise; a connection used a moment before a stall would then reach the writer unchecked, and
        // its first statement would wait for the network timeout. Every lend is checked (a local round trip).
        if (System.getProperty("com.zaxxer.hikari.aliveBypassWindowMs") == null) {
            System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", "0");
        }
    }

    /** What a transaction does with its connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** A statement outside {@link Work}, whose SQLException becomes a {@link StoreUnavailable}. */
    @FunctionalInterface
    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private final Dialect dialect;
    private final String shownUrl;
    private final HikariDataSource ds;
    private volatile boolean migrated;
    /** Borrows connections for {@link #borrow}: a thread may wait on a stalled store while its writer has given up. */
    private final ExecutorService borrower = Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("tandem-store-borrow").unstarted(r));

    Transactions(Dialect dialect, String url, String shownUrl, String user, String password) {
        this.dialect = dialect;
        this.shownUrl = shownUrl;
        HikariConfig cfg = new HikariConfig();
        dialect.configure(cfg, url);
        if (user != null) cfg.setUsername(user);
        if (password != null) cfg.setPassword(password);
        cfg.setPoolName("tandem-store");
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        cfg.setValidationTimeout(1000);
        // Every use is one transaction. And H2 over AUTO_SERVER reconnects by itself only on a connection in
        // auto-commit, by reading the lock file's server with no timeout at all: a stalled server would hold the
        // writer (and every other connection of the process) for ever, where a broken connection fails in time.
        cfg.setAutoCommit(false);
        // The store is not a critical dependency: the pool starts even while the store is down.
        cfg.setInitializationFailTimeout(-1);
        this.ds = new HikariDataSource(cfg);
    }

    /**
     * Brings the schema to {@link #LATEST_MIGRATION} on first contact. A store already there (every start but a
     * node's first, or the first after an upgrade) is left as it is without loading Flyway: reading its history
     * table is one query, where Flyway's start (its classes, a scan of the jar for migrations, a validation) took
     * about a second of the node's start-up (docs/store.md, Schema).
     */
    private synchronized void migrate() {
        if (migrated) return;
        if (appliedVersion().orElse(0) >= LATEST_MIGRATION) {
            migrated = true;
            return;
        }
        try {
            Flyway.configure(Transactions.class.getClassLoader()).dataSource(ds)
                    .locations("classpath:" + MIGRATIONS).load().migrate();
            migrated = true;
        } catch (RuntimeException e) {
            throw new StoreUnavailable("cannot migrate the schema at " + shownUrl + ": " + firstLine(e), e);
        }
    }

    /**
     * The highest schema version Flyway's history table records, when every migration in it succeeded; empty when
     * the table is missing, holds a failed migration or cannot be read (Flyway then says what is wrong).
     */
    private java.util.Optional<Integer> appliedVersion() {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select \"version\", \"success\" from \"" + HISTORY + "\"")) {
            int highest = 0;
            while (rs.next()) {
                if (!rs.getBoolean(2)) return java.util.Optional.empty();
                String v = rs.getString(1);
                if (v != null && v.matches("\\d{1,9}")) highest = Math.max(highest, Integer.parseInt(v));
            }
            c.rollback();
            return java.util.Optional.of(highest);
        } catch (SQLException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** The schema's version as Flyway's history table records it ("none" before the first migration). */
    String schemaVersion() {
        if (!migrated) migrate();
        return appliedVersion().filter(v -> v > 0).map(String::valueOf)
                .orElseThrow(() -> new StoreUnavailable(shownUrl + ": cannot read the schema's version from "
                        + HISTORY, null));
    }

    /** A write: read committed, never tried again (it may have reached the store). */
    <T> T write(Work<T> work) {
        return tx(Connection.TRANSACTION_READ_COMMITTED, work, false);
    }

    /** A consistent read of several statements: repeatable read, tried once more on a lost connection. */
    <T> T read(Work<T> work) {
        return tx(Connection.TRANSACTION_REPEATABLE_READ, work, true);
    }

    /** A read of one statement: read committed, tried once more on a lost connection. */
    <T> T readOne(Work<T> work) {
        return tx(Connection.TRANSACTION_READ_COMMITTED, work, true);
    }

    /**
     * One transaction. A lost connection evicts every idle connection (after a store restart they are all dead);
     * a read is then tried once more, a write never (it may have reached the store).
     */
    private <T> T tx(int isolation, Work<T> work, boolean retry) {
        if (!migrated) migrate();
        try {
            return once(isolation, work);
        } catch (StoreUnavailable e) {
            if (!lostConnection(e.getCause())) throw e;
            ds.getHikariPoolMXBean().softEvictConnections();
            if (!retry) throw e;
            return once(isolation, work);
        }
    }

    private static boolean lostConnection(Throwable e) {
        if (!(e instanceof SQLException s) || s.getSQLState() == null) return e instanceof SQLException;
        return s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P");
    }

    /**
     * A checked connection within {@link #CONNECT_TIMEOUT}, however the store fails. The pool checks a connection
     * on the borrowing thread, and H2 ignores the network timeout the pool sets for that check
     * ({@code setNetworkTimeout} does nothing there), so a stalled AUTO_SERVER holder would keep the writer for the
     * whole socket timeout. Past the bound the writer gives up before it has sent anything, so "nothing was
     * changed" holds; a connection that arrives later goes back to the pool.
     */
    private Connection borrow() throws SQLException {
        CompletableFuture<Connection> lent = CompletableFuture.supplyAsync(() -> {
            try {
                return ds.getConnection();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, borrower);
        try {
            return lent.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lent.thenAccept(Transactions::giveBack);
            throw new SQLTransientConnectionException("no connection within " + CONNECT_TIMEOUT.toMillis()
                    + " ms: the store does not answer", "08001");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
            if (cause instanceof SQLException sql) throw sql;
            if (cause instanceof RuntimeException rt) throw rt;
            throw new SQLException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lent.thenAccept(Transactions::giveBack);
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001");
        }
    }

    private static void giveBack(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // broken: the pool drops it
        }
    }

    private <T> T once(int isolation, Work<T> work) {
        try (Connection c = borrow()) {
            c.setTransactionIsolation(isolation);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone: the server rolls back what it had
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailable(shownUrl + ": " + firstLine(e) + (e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]"), e);
        }
    }

    /** The first statement of every write: locks the single row, so writers run one after another. */
    static long bumpEpoch(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE cluster_state SET epoch = epoch + 1 WHERE id = 1");
        }
        return currentEpoch(c);
    }

    static long currentEpoch(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT epoch FROM cluster_state WHERE id = 1")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The last statement of every write that changed settings or users: other nodes hear of it at once. */
    void notifyEpoch(Connection c, long epoch) throws SQLException {
        if (!dialect.notifies()) return;
        try (PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            p.setString(1, CHANNEL);
            p.setString(2, Long.toString(epoch));
            p.execute();
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    static <T> T unchecked(SqlSupplier<T> s) {
        try {
            return s.get();
        } catch (SQLException e) {
            throw new StoreUnavailable(firstLine(e), e);
        }
    }

    /** For tests and tools: a plain connection from the pool. */
    Connection connect() throws SQLException {
        return ds.getConnection();
    }

    @Override
    public void close() {
        borrower.shutdownNow();
        ds.close();
    }
}
