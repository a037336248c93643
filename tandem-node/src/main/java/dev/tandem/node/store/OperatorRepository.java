package dev.tandem.node.store;

import dev.tandem.node.store.ClusterStore.Action;
import dev.tandem.node.store.ClusterStore.Operator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console's operators (docs/console.md): a name, a role and a password hash each. A change is one transaction
 * with its audit row; a refused one (a name taken, an operator missing, the last admin) changes nothing.
 */
final class OperatorRepository {
    private static final String COLUMNS = "SELECT name, role, password_hash, created_at FROM operators";

    private final Transactions tx;

    OperatorRepository(Transactions tx) {
        this.tx = tx;
    }

    List<Operator> all() {
        return tx.readOne(c -> {
            try (PreparedStatement p = c.prepareStatement(COLUMNS + " ORDER BY name")) {
                return rows(p);
            }
        });
    }

    Optional<Operator> find(String name) {
        return tx.readOne(c -> find(c, name));
    }

    void add(Action action, Operator o) {
        tx.write(c -> {
            if (find(c, o.name()).isPresent()) throw new AdminRefused("operator '" + o.name() + "' exists already");
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO operators (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)")) {
                p.setString(1, o.name());
                p.setString(2, o.role());
                p.setString(3, o.passwordHash());
                p.setObject(4, OffsetDateTime.ofInstant(o.created(), ZoneOffset.UTC));
                p.executeUpdate();
            }
            AuditRepository.insert(c, action, "ok: role " + o.role());
            return null;
        });
    }

    /** Removes an operator; the last admin stays, so that someone can always sign in and manage the others. */
    void remove(Action action, String name) {
        tx.write(c -> {
            Operator o = find(c, name).orElseThrow(() -> missing(name));
            if (o.role().equals(Operator.ADMIN) && admins(c) == 1) {
                throw new AdminRefused("operator '" + name + "' is the last admin; add another admin first");
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM operators WHERE name = ?")) {
                p.setString(1, name);
                p.executeUpdate();
            }
            AuditRepository.insert(c, action, "ok");
            return null;
        });
    }

    void password(Action action, String name, String hash) {
        tx.write(c -> {
            find(c, name).orElseThrow(() -> missing(name));
            try (PreparedStatement p = c.prepareStatement("UPDATE operators SET password_hash = ? WHERE name = ?")) {
                p.setString(1, hash);
                p.setString(2, name);
                p.executeUpdate();
            }
            AuditRepository.insert(c, action, "ok");
            return null;
        });
    }

    private static UserAdmin.NotFound missing(String name) {
        return new UserAdmin.NotFound("no operator '" + name + "'");
    }

    private static int admins(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM operators WHERE role = ?")) {
            p.setString(1, Operator.ADMIN);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static Optional<Operator> find(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(COLUMNS + " WHERE name = ?")) {
            p.setString(1, name);
            return rows(p).stream().findFirst();
        }
    }

    private static List<Operator> rows(PreparedStatement p) throws SQLException {
        List<Operator> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new Operator(r.getString(1), r.getString(2), r.getString(3),
                        r.getObject(4, OffsetDateTime.class).toInstant()));
            }
        }
        return out;
    }
}
