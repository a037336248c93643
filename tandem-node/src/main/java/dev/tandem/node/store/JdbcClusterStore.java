package dev.tandem.node.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.core.Invalid;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store over JDBC: HikariCP connections, Flyway migrations, SQL that H2 and PostgreSQL both run. Writers
 * serialize on the single {@code cluster_state} row (the epoch bump is their first statement), so every write
 * sees the latest state and epochs follow commit order.
 */
public final class JdbcClusterStore implements ClusterStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcClusterStore.class);
    /** The PostgreSQL channel a write notifies with its new epoch. */
    static final String CHANNEL = "tandem_epoch";
    private static final int BATCH = 10_000;
    /** Above this many new users PostgreSQL gets them through COPY rather than batched inserts. */
    private static final int COPY_FROM = 500;
    /**
     * Fail fast when the store is down: an admin write waits at most this long for a connection (docs/store.md).
     * The same for H2: a node that cannot reach the file's server at start runs from its cache and its watcher
     * tries again every second, so a slow AUTO_SERVER hand-over costs nothing a longer wait would save.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * H2 over AUTO_SERVER: the process serving the file may stall (stopped, swapping) with its port still open, and
     * a statement on it would wait for ever. A read on the socket gives up after this. It bounds a statement, not
     * a write's wait for the store (that is {@link #borrow}'s): long enough for a healthy server to commit the
     * largest import, so that a slow commit is never reported as not made.
     */
    private static final Duration H2_NETWORK_TIMEOUT = Duration.ofSeconds(30);

    static {
        // The pool checks a connection before it lends it only when it has been idle for half a second, unless
        // told otherwise; a connection used a moment before a stall would then reach the writer unchecked, and
        // its first statement would wait for the network timeout. Every lend is checked (a local round trip).
        if (System.getProperty("com.zaxxer.hikari.aliveBypassWindowMs") == null) {
            System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", "0");
        }
    }

    private final String url;
    private final String user;
    private final String password;
    private final String kind;
    private final HikariDataSource ds;
    private final Flyway flyway;
    private volatile boolean migrated;
    private Connection listener;
    /** Borrows connections for {@link #borrow}: a thread may wait on a stalled store while its writer has given up. */
    private final java.util.concurrent.ExecutorService borrower = java.util.concurrent.Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("tandem-store-borrow").unstarted(r));

    private JdbcClusterStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.kind = kindOf(url);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(kind.equals("h2") ? boundedH2(durableH2(url)) : url);
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
        if (kind.equals("postgresql")) {
            cfg.addDataSourceProperty("connectTimeout", "2");
            cfg.addDataSourceProperty("socketTimeout", "120");
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
        }
        this.ds = new HikariDataSource(cfg);
        this.flyway = Flyway.configure(JdbcClusterStore.class.getClassLoader()).dataSource(ds)
                .locations("classpath:db/migration").load();
    }

    /** Opens the store; it need not be reachable yet (the schema is migrated on first contact). */
    public static JdbcClusterStore open(String url, String user, String password) {
        return new JdbcClusterStore(url, user, password);
    }

    /**
     * H2 writes a commit to its file up to half a second later by default; a node process killed in that window
     * would take acknowledged writes with it (it may be the process serving the file to the others). Unless the
     * URL says otherwise, every commit is written before it is acknowledged.
     */
    static String durableH2(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY=") ? url : url + ";WRITE_DELAY=0";
    }

    /** A stalled H2 server fails a statement after {@link #H2_NETWORK_TIMEOUT} rather than never; no trace file (unless the URL says). */
    static String boundedH2(String url) {
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String bounded = upper.contains("NETWORK_TIMEOUT=") ? url : url + ";NETWORK_TIMEOUT=" + H2_NETWORK_TIMEOUT.toMillis();
        // H2 writes every failed connection, stack trace and all, to a .trace.db file next to the store: hundreds of
        // lines a minute during an outage. The node's own log says when the store goes and comes back.
        return upper.contains("TRACE_LEVEL_FILE=") ? bounded : bounded + ";TRACE_LEVEL_FILE=0";
    }

    static String kindOf(String url) {
        if (url != null && url.startsWith("jdbc:h2:")) return "h2";
        if (url != null && url.startsWith("jdbc:postgresql:")) return "postgresql";
        throw new Invalid("store.url", url, "a jdbc:h2: or jdbc:postgresql: URL");
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String url() {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    // ---------------------------------------------------------------- transactions

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private synchronized void migrate() {
        if (migrated) return;
        try {
            flyway.migrate();
            migrated = true;
        } catch (RuntimeException e) {
            throw new StoreUnavailable("cannot migrate the schema at " + url() + ": " + firstLine(e), e);
        }
    }

    private <T> T tx(int isolation, Work<T> work) {
        return tx(isolation, work, false);
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
        java.util.concurrent.CompletableFuture<Connection> lent = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return ds.getConnection();
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, borrower);
        try {
            return lent.get(CONNECT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            lent.thenAccept(JdbcClusterStore::giveBack);
            throw new java.sql.SQLTransientConnectionException("no connection within " + CONNECT_TIMEOUT.toMillis()
                    + " ms: the store does not answer", "08001");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
            if (cause instanceof SQLException sql) throw sql;
            if (cause instanceof RuntimeException rt) throw rt;
            throw new SQLException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lent.thenAccept(JdbcClusterStore::giveBack);
            throw new java.sql.SQLTransientConnectionException("interrupted while waiting for a connection", "08001");
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
            throw new StoreUnavailable(url() + ": " + firstLine(e) + (e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]"), e);
        }
    }

    private <T> T write(Work<T> work) {
        return tx(Connection.TRANSACTION_READ_COMMITTED, work);
    }

    private <T> T read(Work<T> work) {
        return tx(Connection.TRANSACTION_REPEATABLE_READ, work, true);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** The first statement of every write: locks the single row, so writers run one after another. */
    private static long bumpEpoch(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE cluster_state SET epoch = epoch + 1 WHERE id = 1");
        }
        return currentEpoch(c);
    }

    private static long currentEpoch(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT epoch FROM cluster_state WHERE id = 1")) {
            r.next();
            return r.getLong(1);
        }
    }

    private void notifyEpoch(Connection c, long epoch) throws SQLException {
        if (!kind.equals("postgresql")) return;
        try (PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            p.setString(1, CHANNEL);
            p.setString(2, Long.toString(epoch));
            p.execute();
        }
    }

    private static void insertAudit(Connection c, Action a, String result) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO audit_log (at, who, action, target, result) VALUES (CURRENT_TIMESTAMP, ?, ?, ?, ?)")) {
            p.setString(1, cut(a.who(), 128));
            p.setString(2, cut(a.action(), 64));
            p.setString(3, cut(a.target(), 512));
            p.setString(4, cut(result, 1024));
            p.executeUpdate();
        }
    }

    private static String cut(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    // ---------------------------------------------------------------- settings

    @Override
    public ClusterSettings settings() {
        return read(JdbcClusterStore::loadSettings);
    }

    @Override
    public long epoch() {
        return read(JdbcClusterStore::currentEpoch);
    }

    private static ClusterSettings loadSettings(Connection c) throws SQLException {
        long epoch;
        String mode;
        boolean seeded;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT epoch, assignment_mode, seeded FROM cluster_state WHERE id = 1")) {
            r.next();
            epoch = r.getLong(1);
            mode = r.getString(2);
            seeded = r.getBoolean(3);
        }
        Map<String, List<ClusterSettings.Member>> members = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT group_name, node_id, address, service_address FROM group_nodes ORDER BY group_name, ord")) {
            while (r.next()) {
                members.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                        .add(new ClusterSettings.Member(r.getString(2), r.getString(3), r.getString(4)));
            }
        }
        List<ClusterSettings.Group> groups = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT name, description, ha FROM redundancy_groups ORDER BY ord")) {
            while (r.next()) {
                groups.add(new ClusterSettings.Group(r.getString(1), r.getString(2),
                        members.getOrDefault(r.getString(1), List.of()), r.getBoolean(3)));
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT name, param_value FROM service_parameters ORDER BY name")) {
            while (r.next()) params.put(r.getString(1), r.getString(2));
        }
        ClusterSettings.LbGroup lb = null;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT cluster_address, cluster_port, encryption, key_fingerprint, mode, redirect_port FROM lb_group")) {
            if (r.next()) {
                lb = new ClusterSettings.LbGroup(r.getString(1), r.getInt(2), r.getBoolean(3), r.getString(4),
                        r.getString(5), r.getInt(6));
            }
        }
        List<ClusterSettings.Device> devices = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT node_id, priority, public_address,"
                + " private_address, nat, participate, redirect_fqdn, fqdn FROM lb_devices ORDER BY node_id")) {
            while (r.next()) {
                String nat = r.getString(5);
                devices.add(new ClusterSettings.Device(r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
                        nat.isEmpty() ? List.of() : List.of(nat.split(" ")), r.getBoolean(6), r.getBoolean(7),
                        r.getString(8)));
            }
        }
        Map<String, String> deviceConfig = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT node_id, commands FROM lb_device_config ORDER BY node_id")) {
            while (r.next()) deviceConfig.put(r.getString(1), r.getString(2));
        }
        return new ClusterSettings(epoch, seeded, mode, groups, params, lb, devices, deviceConfig);
    }

    @Override
    public ClusterSettings updateSettings(Action action, UnaryOperator<ClusterSettings> change) {
        return write(c -> {
            long epoch = bumpEpoch(c);
            ClusterSettings before = loadSettings(c);
            ClusterSettings after = change.apply(before).validate().withEpoch(epoch);
            if (!after.groups().equals(before.groups())) checkUsersStillPlaced(c, after);
            storeSettings(c, after);
            insertAudit(c, action, "ok, epoch " + epoch);
            notifyEpoch(c, epoch);
            return after;
        });
    }

    /** A group or node that still has users cannot disappear: they would have no home. */
    private static void checkUsersStillPlaced(Connection c, ClusterSettings after) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT group_name, home, COUNT(*) FROM users GROUP BY group_name, home")) {
            while (r.next()) {
                String group = r.getString(1);
                String home = r.getString(2);
                Optional<ClusterSettings.Group> g = after.group(group);
                if (g.isEmpty() || g.get().member(home).isEmpty()) {
                    throw new Invalid("group " + group, home, "a change that keeps the " + r.getLong(3) + " users of node "
                            + home + " in group " + group + " placed: move or remove them first");
                }
            }
        }
    }

    private static void storeSettings(Connection c, ClusterSettings s) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM group_nodes");
            st.executeUpdate("DELETE FROM redundancy_groups");
            st.executeUpdate("DELETE FROM service_parameters");
            st.executeUpdate("DELETE FROM lb_group");
            st.executeUpdate("DELETE FROM lb_devices");
            st.executeUpdate("DELETE FROM lb_device_config");
        }
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE cluster_state SET assignment_mode = ?, seeded = ? WHERE id = 1")) {
            p.setString(1, s.mode().display());
            p.setBoolean(2, s.seeded());
            p.executeUpdate();
        }
        try (PreparedStatement g = c.prepareStatement("INSERT INTO redundancy_groups (name, description, ha, ord) VALUES (?, ?, ?, ?)");
             PreparedStatement n = c.prepareStatement("INSERT INTO group_nodes (node_id, group_name, address, ord, service_address) VALUES (?, ?, ?, ?, ?)")) {
            int i = 0;
            for (ClusterSettings.Group grp : s.groups()) {
                g.setString(1, grp.name());
                g.setString(2, grp.description());
                g.setBoolean(3, grp.ha());
                g.setInt(4, i++);
                g.executeUpdate();
                int j = 0;
                for (ClusterSettings.Member m : grp.nodes()) {
                    n.setString(1, m.id());
                    n.setString(2, grp.name());
                    n.setString(3, m.address());
                    n.setInt(4, j++);
                    n.setString(5, m.serviceAddress());
                    n.executeUpdate();
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO service_parameters (name, param_value) VALUES (?, ?)")) {
            for (Map.Entry<String, String> e : s.parameters().entrySet()) {
                p.setString(1, e.getKey());
                p.setString(2, e.getValue());
                p.executeUpdate();
            }
        }
        ClusterSettings.LbGroup lb = s.lbGroup();
        if (lb != null) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO lb_group (id, cluster_address, cluster_port,"
                    + " encryption, key_fingerprint, mode, redirect_port) VALUES (1, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, lb.clusterAddress());
                p.setInt(2, lb.clusterPort());
                p.setBoolean(3, lb.encryption());
                p.setString(4, lb.keyFingerprint());
                p.setString(5, lb.mode());
                p.setInt(6, lb.redirectPort());
                p.executeUpdate();
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO lb_devices (node_id, priority, public_address,"
                + " private_address, nat, participate, redirect_fqdn, fqdn) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ClusterSettings.Device d : s.devices()) {
                p.setString(1, d.node());
                p.setInt(2, d.priority());
                p.setString(3, d.publicAddress());
                p.setString(4, d.privateAddress());
                p.setString(5, String.join(" ", d.nat()));
                p.setBoolean(6, d.participate());
                p.setBoolean(7, d.redirectFqdn());
                p.setString(8, d.fqdn());
                p.executeUpdate();
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO lb_device_config (node_id, commands) VALUES (?, ?)")) {
            for (Map.Entry<String, String> e : s.deviceConfig().entrySet()) {
                p.setString(1, e.getKey());
                p.setString(2, e.getValue());
                p.executeUpdate();
            }
        }
    }

    // ---------------------------------------------------------------- users

    /** A new user's id is taken: found after the rollback, to name it. */
    private static final class Duplicate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Duplicate(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    @Override
    public long writeUsers(Action action, Function<UserView, UserWrite> plan) {
        UserWrite[] planned = new UserWrite[1];
        try {
            return write(c -> {
                long epoch = bumpEpoch(c);
                UserWrite w = plan.apply(new JdbcUserView(c));
                planned[0] = w;
                try {
                    insertUsers(c, w.added(), epoch);
                } catch (SQLException e) {
                    if (e.getSQLState() != null && e.getSQLState().startsWith("23")) throw new Duplicate(e);
                    throw e;
                }
                updateUsers(c, w.changed(), epoch);
                removeUsers(c, w.removed(), epoch);
                insertAudit(c, action, w.result() + ", epoch " + epoch);
                notifyEpoch(c, epoch);
                return epoch;
            });
        } catch (Duplicate d) {
            String taken = firstExisting(planned[0].added()).orElse("(one of them)");
            throw new Invalid("id", taken, "an id no user has yet");
        }
    }

    private Optional<String> firstExisting(List<User> users) {
        return read(c -> {
            for (int from = 0; from < users.size(); from += 1000) {
                List<User> chunk = users.subList(from, Math.min(users.size(), from + 1000));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement p = c.prepareStatement("SELECT MIN(id) FROM users WHERE id IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) p.setString(i + 1, chunk.get(i).id());
                    try (ResultSet r = p.executeQuery()) {
                        if (r.next() && r.getString(1) != null) return Optional.of(r.getString(1));
                    }
                }
            }
            return Optional.empty();
        });
    }

    private void insertUsers(Connection c, List<User> users, long epoch) throws SQLException {
        if (users.isEmpty()) return;
        if (kind.equals("postgresql") && users.size() >= COPY_FROM) {
            copyUsers(c, users, epoch);
        } else {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO users (id, group_name, home, epoch) VALUES (?, ?, ?, ?)")) {
                int n = 0;
                for (User u : users) {
                    p.setString(1, u.id());
                    p.setString(2, u.group());
                    p.setString(3, u.home());
                    p.setLong(4, epoch);
                    p.addBatch();
                    if (++n % BATCH == 0) p.executeBatch();
                }
                p.executeBatch();
            }
        }
        // A user added again is no longer a removed one (skipped when no user was ever removed: the usual bulk case).
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1 FROM removed_users LIMIT 1")) {
            if (!r.next()) return;
        }
        try (PreparedStatement p = c.prepareStatement(
                "DELETE FROM removed_users WHERE id IN (SELECT id FROM users WHERE epoch = ?)")) {
            p.setLong(1, epoch);
            p.executeUpdate();
        }
    }

    /** PostgreSQL's COPY: the fastest way in; ids are plain (no comma, quote or space), so CSV needs no quoting. */
    private static void copyUsers(Connection c, List<User> users, long epoch) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY users (id, group_name, home, epoch) FROM STDIN WITH (FORMAT csv)");
        try {
            StringBuilder b = new StringBuilder(1 << 17);
            String tail = "," + epoch + "\n";
            for (User u : users) {
                b.append(u.id()).append(',').append(u.group()).append(',').append(u.home()).append(tail);
                if (b.length() > 1 << 16) {
                    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                    b.setLength(0);
                }
            }
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            in.endCopy();
        } finally {
            if (in.isActive()) in.cancelCopy();
        }
    }

    private static void updateUsers(Connection c, List<User> users, long epoch) throws SQLException {
        if (users.isEmpty()) return;
        try (PreparedStatement p = c.prepareStatement("UPDATE users SET group_name = ?, home = ?, epoch = ? WHERE id = ?")) {
            for (int from = 0; from < users.size(); from += BATCH) {
                List<User> chunk = users.subList(from, Math.min(users.size(), from + BATCH));
                for (User u : chunk) {
                    p.setString(1, u.group());
                    p.setString(2, u.home());
                    p.setLong(3, epoch);
                    p.setString(4, u.id());
                    p.addBatch();
                }
                int[] counts = p.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0) throw new Invalid("id", chunk.get(i).id(), "the id of an existing user");
                }
            }
        }
    }

    private static void removeUsers(Connection c, List<String> ids, long epoch) throws SQLException {
        if (ids.isEmpty()) return;
        try (PreparedStatement d = c.prepareStatement("DELETE FROM users WHERE id = ?");
             PreparedStatement t = c.prepareStatement("INSERT INTO removed_users (id, epoch) VALUES (?, ?)")) {
            for (String id : ids) {
                d.setString(1, id);
                if (d.executeUpdate() == 0) throw new Invalid("id", id, "the id of an existing user");
                t.setString(1, id);
                t.setLong(2, epoch);
                t.executeUpdate();
            }
        }
    }

    private static final class JdbcUserView implements UserView {
        private final Connection c;
        private ClusterSettings settings;
        private Map<String, Integer> counts;

        JdbcUserView(Connection c) {
            this.c = c;
        }

        @Override
        public ClusterSettings settings() {
            if (settings == null) settings = unchecked(() -> loadSettings(c));
            return settings;
        }

        @Override
        public Map<String, Integer> counts() {
            if (counts == null) {
                counts = unchecked(() -> {
                    Map<String, Integer> m = new HashMap<>();
                    try (Statement s = c.createStatement();
                         ResultSet r = s.executeQuery("SELECT home, COUNT(*) FROM users GROUP BY home")) {
                        while (r.next()) m.put(r.getString(1), r.getInt(2));
                    }
                    return m;
                });
            }
            return counts;
        }

        @Override
        public Optional<User> find(String id) {
            return unchecked(() -> findUser(c, id));
        }

        @Override
        public List<User> on(String node, int limit) {
            return unchecked(() -> {
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT id, group_name, home FROM users WHERE home = ? ORDER BY id LIMIT ?")) {
                    p.setString(1, node);
                    p.setInt(2, limit);
                    return list(p);
                }
            });
        }
    }

    @FunctionalInterface
    private interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private static <T> T unchecked(SqlSupplier<T> s) {
        try {
            return s.get();
        } catch (SQLException e) {
            throw new StoreUnavailable(firstLine(e), e);
        }
    }

    private static Optional<User> findUser(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT id, group_name, home FROM users WHERE id = ?")) {
            p.setString(1, id);
            List<User> l = list(p);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        }
    }

    private static List<User> list(PreparedStatement p) throws SQLException {
        List<User> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) out.add(new User(r.getString(1), r.getString(2), r.getString(3)));
        }
        return out;
    }

    @Override
    public Optional<User> user(String id) {
        return tx(Connection.TRANSACTION_READ_COMMITTED, c -> findUser(c, id), true);
    }

    @Override
    public List<User> users(String group, String node, String after, int limit) {
        return tx(Connection.TRANSACTION_READ_COMMITTED, c -> {
            StringBuilder sql = new StringBuilder("SELECT id, group_name, home FROM users WHERE 1 = 1");
            List<String> args = new ArrayList<>();
            if (group != null) { sql.append(" AND group_name = ?"); args.add(group); }
            if (node != null) { sql.append(" AND home = ?"); args.add(node); }
            if (after != null) { sql.append(" AND id > ?"); args.add(after); }
            sql.append(" ORDER BY id LIMIT ?");
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String a : args) p.setString(i++, a);
                p.setInt(i, limit);
                return list(p);
            }
        }, true);
    }

    @Override
    public void exportUsers(Consumer<User> sink) {
        read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, group_name, home FROM users ORDER BY id")) {
                p.setFetchSize(BATCH);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) sink.accept(new User(r.getString(1), r.getString(2), r.getString(3)));
                }
            }
            return null;
        });
    }

    @Override
    public UserChanges userChangesSince(long since) {
        return read(c -> {
            long epoch = currentEpoch(c);
            List<User> upserted = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, group_name, home FROM users WHERE epoch > ?")) {
                p.setFetchSize(BATCH);
                p.setLong(1, since);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) upserted.add(new User(r.getString(1), r.getString(2), r.getString(3)));
                }
            }
            List<String> removed = new ArrayList<>();
            if (since > 0) {
                try (PreparedStatement p = c.prepareStatement("SELECT id FROM removed_users WHERE epoch > ?")) {
                    p.setLong(1, since);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) removed.add(r.getString(1));
                    }
                }
            }
            return new UserChanges(epoch, upserted, removed);
        });
    }

    // ---------------------------------------------------------------- audit, reports, status

    @Override
    public void audit(Action action, String result) {
        try {
            write(c -> {
                insertAudit(c, action, result);
                return null;
            });
        } catch (StoreUnavailable e) {
            LOG.warn("audit row not written ({} {} {}: {}): {}", action.who(), action.action(), action.target(), result,
                    e.getMessage());
        }
    }

    @Override
    public List<AuditRow> audit(int limit) {
        return read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT at, who, action, target, result FROM audit_log ORDER BY id DESC LIMIT ?")) {
                p.setInt(1, limit);
                List<AuditRow> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new AuditRow(r.getObject(1, OffsetDateTime.class).toInstant(), r.getString(2),
                                r.getString(3), r.getString(4), r.getString(5)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void report(String node, long epoch, String state) {
        write(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE node_status SET epoch = ?, state = ?, seen_at = CURRENT_TIMESTAMP WHERE node_id = ?")) {
                u.setLong(1, epoch);
                u.setString(2, state);
                u.setString(3, node);
                if (u.executeUpdate() > 0) return null;
            }
            try (PreparedStatement i = c.prepareStatement(
                    "INSERT INTO node_status (node_id, epoch, state, seen_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                i.setString(1, node);
                i.setLong(2, epoch);
                i.setString(3, state);
                i.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<NodeReport> reports() {
        return read(c -> {
            List<NodeReport> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT node_id, epoch, state, seen_at, CURRENT_TIMESTAMP FROM node_status ORDER BY node_id")) {
                while (r.next()) {
                    OffsetDateTime seen = r.getObject(4, OffsetDateTime.class);
                    OffsetDateTime now = r.getObject(5, OffsetDateTime.class);
                    out.add(new NodeReport(r.getString(1), r.getLong(2), r.getString(3),
                            Math.max(0, Duration.between(seen, now).toSeconds())));
                }
            }
            return out;
        });
    }

    @Override
    public String schemaVersion() {
        if (!migrated) migrate();
        try {
            var current = flyway.info().current();
            return current == null ? "none" : current.getVersion().getVersion();
        } catch (RuntimeException e) {
            throw new StoreUnavailable(url() + ": " + firstLine(e), e);
        }
    }

    @Override
    public List<Map<String, Object>> replication() {
        if (!kind.equals("postgresql")) return List.of();
        return read(c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT application_name, CAST(client_addr AS TEXT), state, sync_state,"
                            + " CAST(replay_lag AS TEXT) FROM pg_stat_replication ORDER BY application_name")) {
                while (r.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("standby", r.getString(1));
                    m.put("address", r.getString(2));
                    m.put("state", r.getString(3));
                    m.put("sync", r.getString(4));
                    m.put("replayLag", r.getString(5));
                    out.add(m);
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- change notifications

    @Override
    public void awaitChange(Duration max) throws InterruptedException {
        if (!kind.equals("postgresql")) {
            Thread.sleep(max.toMillis());
            return;
        }
        try {
            if (listener == null || listener.isClosed()) {
                Properties p = new Properties();
                if (user != null) p.setProperty("user", user);
                if (password != null) p.setProperty("password", password);
                p.setProperty("connectTimeout", "2");
                listener = DriverManager.getConnection(url, p);
                try (Statement s = listener.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
            }
            PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications((int) max.toMillis());
            if (got == null) return;
        } catch (SQLException e) {
            closeListener();
            Thread.sleep(max.toMillis());
        }
    }

    private void closeListener() {
        if (listener == null) return;
        try {
            listener.close();
        } catch (SQLException ignored) {
            // already gone
        }
        listener = null;
    }

    @Override
    public void close() {
        closeListener();
        borrower.shutdownNow();
        ds.close();
    }

    /** For tests and tools: a plain connection to the same store. */
    Connection connect() throws SQLException {
        return ds.getConnection();
    }
}
