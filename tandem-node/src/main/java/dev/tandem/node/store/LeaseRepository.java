package dev.tandem.node.store;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.WitnessLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The store as the redundancy groups' witness (docs/decisions/115-a-witness-decides-who-serves.md): one row per group,
 * changed by the core's {@link WitnessLease} rule in one transaction that locks it, with the time read from the
 * database, so every node's ask is counted on the same clock.
 */
final class LeaseRepository {
    /** A unique key taken by a concurrent first ask (H2 and PostgreSQL agree on it). */
    private static final String DUPLICATE_KEY = "23505";

    private final Transactions tx;

    LeaseRepository(Transactions tx) {
        this.tx = tx;
    }

    WitnessLease ask(String group, NodeId node, Duration time) {
        try {
            return tx.write(c -> ask(c, group, node, time));
        } catch (StoreUnavailable e) {
            // Two nodes asked for a group's first lease at once: the second insert lost; asked again, it sees the row.
            if (!(e.getCause() instanceof SQLException s) || !DUPLICATE_KEY.equals(s.getSQLState())) throw e;
            return tx.write(c -> ask(c, group, node, time));
        }
    }

    /** The group's lease as the store keeps it, if it ever granted one. */
    Optional<WitnessLease> lease(String group) {
        return tx.readOne(c -> current(c, group));
    }

    private static WitnessLease ask(Connection c, String group, NodeId node, Duration time) throws SQLException {
        Instant now = databaseNow(c);
        Optional<WitnessLease> current = currentForUpdate(c, group);
        WitnessLease next = WitnessLease.ask(current.orElse(null), node, time, now);
        if (current.isEmpty()) {
            try (PreparedStatement i = c.prepareStatement(
                    "INSERT INTO witness_leases (group_name, holder, fence, expires_at) VALUES (?, ?, ?, ?)")) {
                i.setString(1, group);
                i.setString(2, next.holder().value());
                i.setLong(3, next.fence());
                i.setObject(4, OffsetDateTime.ofInstant(next.expiresAt(), ZoneOffset.UTC));
                i.executeUpdate();
            }
        } else if (!next.equals(current.get())) {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE witness_leases SET holder = ?, fence = ?, expires_at = ? WHERE group_name = ?")) {
                u.setString(1, next.holder().value());
                u.setLong(2, next.fence());
                u.setObject(3, OffsetDateTime.ofInstant(next.expiresAt(), ZoneOffset.UTC));
                u.setString(4, group);
                u.executeUpdate();
            }
        }
        return next;
    }

    private static Instant databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            r.next();
            return r.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static Optional<WitnessLease> currentForUpdate(Connection c, String group) throws SQLException {
        return select(c, group, " FOR UPDATE");
    }

    private static Optional<WitnessLease> current(Connection c, String group) throws SQLException {
        return select(c, group, "");
    }

    private static Optional<WitnessLease> select(Connection c, String group, String lock) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT holder, fence, expires_at FROM witness_leases WHERE group_name = ?" + lock)) {
            p.setString(1, group);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return Optional.of(new WitnessLease(NodeId.of(r.getString(1)), r.getLong(2),
                        r.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
    }
}
