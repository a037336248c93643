package dev.tandem.node.store;

import static dev.tandem.node.store.Transactions.unchecked;

import dev.tandem.core.Invalid;
import dev.tandem.node.store.ClusterStore.Action;
import dev.tandem.node.store.ClusterStore.UserChanges;
import dev.tandem.node.store.ClusterStore.UserView;
import dev.tandem.node.store.ClusterStore.UserWrite;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Users and their home nodes in the store. A write is planned against the store as it is inside the transaction
 * (a {@link UserView}), stamps every row it touches with the epoch it bumps, and remembers removed
 * ids, so that a node catches up on the changes since the epoch it has.
 */
final class UserRepository {
    private static final int BATCH = 10_000;
    /** Above this many new users PostgreSQL gets them through COPY rather than batched inserts. */
    private static final int COPY_FROM = 500;

    private final Transactions tx;
    private final Dialect dialect;

    UserRepository(Transactions tx, Dialect dialect) {
        this.tx = tx;
        this.dialect = dialect;
    }

    /** A new user's id is taken: found after the rollback, to name it. */
    private static final class Duplicate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Duplicate(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    long writeUsers(Action action, Function<UserView, UserWrite> plan) {
        UserWrite[] planned = new UserWrite[1];
        try {
            return tx.write(c -> {
                long epoch = Transactions.bumpEpoch(c);
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
                AuditRepository.insert(c, action, w.result() + ", epoch " + epoch);
                tx.notifyEpoch(c, epoch);
                return epoch;
            });
        } catch (Duplicate d) {
            String taken = firstExisting(planned[0].added()).orElse("(one of them)");
            throw new Invalid("id", taken, "an id no user has yet");
        }
    }

    private Optional<String> firstExisting(List<User> users) {
        return tx.read(c -> {
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
        if (dialect == Dialect.POSTGRESQL && users.size() >= COPY_FROM) {
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
            if (settings == null) settings = unchecked(() -> SettingsRepository.load(c));
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

    Optional<User> user(String id) {
        return tx.readOne(c -> findUser(c, id));
    }

    List<User> users(String group, String node, String after, int limit) {
        return tx.readOne(c -> {
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
        });
    }

    void exportUsers(Consumer<User> sink) {
        tx.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, group_name, home FROM users ORDER BY id")) {
                p.setFetchSize(BATCH);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) sink.accept(new User(r.getString(1), r.getString(2), r.getString(3)));
                }
            }
            return null;
        });
    }

    UserChanges userChangesSince(long since) {
        return tx.read(c -> {
            long epoch = Transactions.currentEpoch(c);
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
}
