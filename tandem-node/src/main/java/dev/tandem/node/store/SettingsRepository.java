package dev.tandem.node.store;

import dev.tandem.core.Invalid;
import dev.tandem.node.store.ClusterStore.Action;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The cluster's settings in the store: redundancy groups and their nodes, service parameters, the load-balancing
 * group and its devices, the parameters nodes have of their own. A change rewrites them whole in one transaction with the epoch it bumps, and is audited.
 */
final class SettingsRepository {
    private final Transactions tx;

    SettingsRepository(Transactions tx) {
        this.tx = tx;
    }

    ClusterSettings settings() {
        return tx.read(SettingsRepository::load);
    }

    ClusterSettings update(Action action, UnaryOperator<ClusterSettings> change) {
        return tx.write(c -> {
            long epoch = Transactions.bumpEpoch(c);
            ClusterSettings before = load(c);
            ClusterSettings after = change.apply(before).validate().withEpoch(epoch);
            if (!after.groups().equals(before.groups())) checkUsersStillPlaced(c, after);
            store(c, after);
            AuditRepository.insert(c, action, "ok, epoch " + epoch);
            tx.notifyEpoch(c, epoch);
            return after;
        });
    }

    static ClusterSettings load(Connection c) throws SQLException {
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
        Map<String, Map<String, String>> nodeParams = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT node_id, name, param_value FROM node_parameters ORDER BY node_id, name")) {
            while (r.next()) nodeParams.computeIfAbsent(r.getString(1), k -> new LinkedHashMap<>()).put(r.getString(2), r.getString(3));
        }
        return new ClusterSettings(epoch, seeded, mode, groups, params, lb, devices, deviceConfig, nodeParams);
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

    private static void store(Connection c, ClusterSettings s) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM group_nodes");
            st.executeUpdate("DELETE FROM redundancy_groups");
            st.executeUpdate("DELETE FROM service_parameters");
            st.executeUpdate("DELETE FROM lb_group");
            st.executeUpdate("DELETE FROM lb_devices");
            st.executeUpdate("DELETE FROM lb_device_config");
            st.executeUpdate("DELETE FROM node_parameters");
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
        try (PreparedStatement p = c.prepareStatement("INSERT INTO node_parameters (node_id, name, param_value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, Map<String, String>> n : s.nodeParameters().entrySet()) {
                for (Map.Entry<String, String> e : n.getValue().entrySet()) {
                    p.setString(1, n.getKey());
                    p.setString(2, e.getKey());
                    p.setString(3, e.getValue());
                    p.executeUpdate();
                }
            }
        }
    }
}
