package dev.tandem.node.store;

import dev.tandem.api.ClusterAnswers;

import dev.tandem.node.store.ClusterStore.NodeReport;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** What the nodes report to the store (the epoch each applied, its state) and the database's own replication. */
final class StatusRepository {
    private final Transactions tx;
    private final Dialect dialect;

    StatusRepository(Transactions tx, Dialect dialect) {
        this.tx = tx;
        this.dialect = dialect;
    }

    /** The node's last report: the epoch it applied, its state and reason, seen now. */
    void report(String node, long epoch, String state, String reason) {
        tx.write(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE node_status SET epoch = ?, state = ?, reason = ?,"
                    + " seen_at = CURRENT_TIMESTAMP WHERE node_id = ?")) {
                u.setLong(1, epoch);
                u.setString(2, state);
                u.setString(3, reason);
                u.setString(4, node);
                if (u.executeUpdate() > 0) return null;
            }
            try (PreparedStatement i = c.prepareStatement("INSERT INTO node_status (node_id, epoch, state, reason,"
                    + " seen_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
                i.setString(1, node);
                i.setLong(2, epoch);
                i.setString(3, state);
                i.setString(4, reason);
                i.executeUpdate();
            }
            return null;
        });
    }

    List<NodeReport> reports() {
        return tx.read(c -> {
            List<NodeReport> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT node_id, epoch, state, reason, seen_at, CURRENT_TIMESTAMP FROM node_status ORDER BY node_id")) {
                while (r.next()) {
                    OffsetDateTime seen = r.getObject(5, OffsetDateTime.class);
                    OffsetDateTime now = r.getObject(6, OffsetDateTime.class);
                    out.add(new NodeReport(r.getString(1), r.getLong(2), r.getString(3), r.getString(4),
                            Math.max(0, Duration.between(seen, now).toSeconds())));
                }
            }
            return out;
        });
    }

    /** PostgreSQL's standbys as the primary sees them (pg_stat_replication); none for H2. */
    List<ClusterAnswers.Replica> replication() {
        if (dialect != Dialect.POSTGRESQL) return List.of();
        return tx.read(c -> {
            List<ClusterAnswers.Replica> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT application_name, CAST(client_addr AS TEXT), state, sync_state,"
                            + " CAST(replay_lag AS TEXT) FROM pg_stat_replication ORDER BY application_name")) {
                while (r.next()) {
                    out.add(new ClusterAnswers.Replica(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5)));
                }
            }
            return out;
        });
    }
}
