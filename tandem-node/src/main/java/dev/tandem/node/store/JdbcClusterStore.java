package dev.tandem.node.store;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.WitnessLease;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The store over JDBC, SQL that H2 and PostgreSQL both run: {@link Transactions} (connections, migrations, the
 * epoch), and one repository per kind of row: {@link SettingsRepository}, {@link UserRepository},
 * {@link AuditRepository}, {@link StatusRepository}. Writers serialize on the single {@code cluster_state} row
 * (the epoch bump is their first statement), so every write sees the latest state and epochs follow commit order.
 */
public final class JdbcClusterStore implements ClusterStore {
    private final String url;
    private final String user;
    private final String password;
    private final Dialect dialect;
    private final Transactions tx;
    private final SettingsRepository settings;
    private final UserRepository users;
    private final AuditRepository audit;
    private final StatusRepository status;
    private final OperatorRepository operators;
    private final LeaseRepository leases;
    /** PostgreSQL only: the connection that LISTENs for other nodes' writes. */
    private Connection listener;

    private JdbcClusterStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.dialect = Dialect.of(url);
        this.tx = new Transactions(dialect, url, url(), user, password);
        this.settings = new SettingsRepository(tx);
        this.users = new UserRepository(tx, dialect);
        this.audit = new AuditRepository(tx);
        this.status = new StatusRepository(tx, dialect);
        this.operators = new OperatorRepository(tx);
        this.leases = new LeaseRepository(tx);
    }

    /** Opens the store; it need not be reachable yet (the schema is migrated on first contact). */
    public static JdbcClusterStore open(String url, String user, String password) {
        return new JdbcClusterStore(url, user, password);
    }

    @Override
    public String kind() {
        return dialect.display();
    }

    @Override
    public String url() {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    @Override
    public ClusterSettings settings() {
        return settings.settings();
    }

    @Override
    public long epoch() {
        return tx.read(Transactions::currentEpoch);
    }

    @Override
    public ClusterSettings updateSettings(Action action, UnaryOperator<ClusterSettings> change) {
        return settings.update(action, change);
    }

    @Override
    public long writeUsers(Action action, Function<UserView, UserWrite> plan) {
        return users.writeUsers(action, plan);
    }

    @Override
    public Optional<User> user(String id) {
        return users.user(id);
    }

    @Override
    public List<User> users(String group, String node, String after, int limit) {
        return users.users(group, node, after, limit);
    }

    @Override
    public void exportUsers(Consumer<User> sink) {
        users.exportUsers(sink);
    }

    @Override
    public UserChanges userChangesSince(long since) {
        return users.userChangesSince(since);
    }

    @Override
    public void audit(Action action, String result) {
        audit.audit(action, result);
    }

    @Override
    public List<Operator> operators() {
        return operators.all();
    }

    @Override
    public Optional<Operator> operator(String name) {
        return operators.find(name);
    }

    @Override
    public void addOperator(Action action, Operator operator) {
        operators.add(action, operator);
    }

    @Override
    public void removeOperator(Action action, String name) {
        operators.remove(action, name);
    }

    @Override
    public void operatorPassword(Action action, String name, String passwordHash) {
        operators.password(action, name, passwordHash);
    }

    @Override
    public List<AuditRow> audit(int limit) {
        return audit.audit(limit);
    }

    @Override
    public void report(String node, long epoch, String state, String reason) {
        status.report(node, epoch, state, reason);
    }

    @Override
    public WitnessLease askLease(String group, NodeId node, Duration time) {
        return leases.ask(group, node, time);
    }

    @Override
    public Optional<WitnessLease> lease(String group) {
        return leases.lease(group);
    }

    @Override
    public List<NodeReport> reports() {
        return status.reports();
    }

    @Override
    public String schemaVersion() {
        return tx.schemaVersion();
    }

    @Override
    public List<dev.tandem.api.ClusterAnswers.Replica> replication() {
        return status.replication();
    }

    // ---------------------------------------------------------------- change notifications

    @Override
    public void awaitChange(Duration max) throws InterruptedException {
        if (!dialect.notifies()) {
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
                    s.execute("LISTEN " + Transactions.CHANNEL);
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
        tx.close();
    }

    /** For tests and tools: a plain connection to the same store. */
    Connection connect() throws SQLException {
        return tx.connect();
    }
}
