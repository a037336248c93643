package dev.tandem.node.store;

import dev.tandem.node.store.ClusterStore.Action;
import dev.tandem.node.store.ClusterStore.AuditRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit log: who did what to which target, and with what result; written in the transaction it describes. */
final class AuditRepository {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRepository.class);

    private final Transactions tx;

    AuditRepository(Transactions tx) {
        this.tx = tx;
    }

    /** Writes an audit row on its own; a store that is down loses it, and the log says so. */
    void audit(Action action, String result) {
        try {
            tx.write(c -> {
                insert(c, action, result);
                return null;
            });
        } catch (StoreUnavailable e) {
            LOG.warn("audit row not written ({} {} {}: {}): {}", action.who(), action.action(), action.target(), result,
                    e.getMessage());
        }
    }

    /** The latest {@code limit} rows, newest first. */
    List<AuditRow> audit(int limit) {
        return tx.read(c -> {
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

    static void insert(Connection c, Action a, String result) throws SQLException {
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
}
