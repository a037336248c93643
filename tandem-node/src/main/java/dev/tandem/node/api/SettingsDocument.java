package dev.tandem.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.api.ClusterAnswers;
import dev.tandem.core.Invalid;
import dev.tandem.core.Quote;
import dev.tandem.core.lb.ClusterKey;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.config.LocatedYaml;
import dev.tandem.node.store.ClusterSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The cluster's settings as the admin API shows and takes them (docs/store.md, REST): JSON objects for the
 * single endpoints, one YAML document for export and import. Readers name the field, the value and what is
 * allowed; {@code at} turns a path into a line for YAML documents. No secret is ever written out.
 */
final class SettingsDocument {
    private SettingsDocument() {}

    /** [RG-ASSIGN] spells the modes Balanced, Active-Standby and None. */
    static String modeName(AssignmentMode m) {
        return switch (m) {
            case BALANCED -> "Balanced";
            case ACTIVE_STANDBY -> "Active-Standby";
            case NONE -> "None";
        };
    }

    // ---------------------------------------------------------------- writing

    static ClusterAnswers.Group group(ClusterSettings.Group g) {
        return new ClusterAnswers.Group(g.name(), g.description(), members(g), g.ha());
    }

    /** A group with the epoch of its change and the nodes that apply it at their next start. */
    static ClusterAnswers.GroupChange change(ClusterSettings.Group g, long epoch, Collection<String> restartRequired) {
        return new ClusterAnswers.GroupChange(g.name(), g.description(), members(g), g.ha(), epoch,
                List.copyOf(restartRequired));
    }

    private static List<ClusterAnswers.Member> members(ClusterSettings.Group g) {
        return g.nodes().stream().map(n -> new ClusterAnswers.Member(n.id(), n.address(), n.serviceAddress())).toList();
    }

    static ClusterAnswers.LoadBalancingSettings loadBalancing(ClusterSettings s) {
        return new ClusterAnswers.LoadBalancingSettings(lbGroup(s), devices(s), deviceConfig(s));
    }

    static ClusterAnswers.LoadBalancingChange change(ClusterSettings s, Collection<String> restartRequired) {
        return new ClusterAnswers.LoadBalancingChange(lbGroup(s), devices(s), deviceConfig(s), s.epoch(),
                List.copyOf(restartRequired));
    }

    private static ClusterAnswers.LbGroup lbGroup(ClusterSettings s) {
        ClusterSettings.LbGroup g = s.lbGroup();
        return g == null ? null : new ClusterAnswers.LbGroup(g.clusterAddress(), g.clusterPort(), g.encryption(),
                g.keySet(), g.mode(), g.redirectPort());
    }

    private static List<ClusterAnswers.Device> devices(ClusterSettings s) {
        return s.devices().stream().map(d -> new ClusterAnswers.Device(d.node(), d.priority(), d.publicAddress(),
                d.privateAddress(), d.nat(), d.participate(), d.redirectFqdn(), d.fqdn())).toList();
    }

    /** Each device's global-mode commands (named interfaces, crypto, dns, group URLs), when any has some. */
    private static Map<String, String> deviceConfig(ClusterSettings s) {
        return s.deviceConfig().isEmpty() ? null : s.deviceConfig();
    }

    /** The whole cluster for export: groups, parameters, assignment mode, load balancing; no users, no secrets. */
    static Map<String, Object> export(ClusterSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("assignmentMode", modeName(s.mode()));
        m.put("parameters", s.serviceParameters().asText());
        if (!s.nodeParameters().isEmpty()) m.put("nodeParameters", s.nodeParameters());
        m.put("groups", s.groups().stream().map(SettingsDocument::group).toList());
        m.put("loadBalancing", loadBalancing(s));
        return m;
    }

    // ---------------------------------------------------------------- reading

    /** Where a reader reports its errors: a JSON body names the path; a YAML document adds its line. */
    interface Where extends Function<String, String> {
        /** The line alone ("" for JSON), for a message that names its field itself. */
        default String line(String path) {
            return "";
        }
    }

    static Where json() {
        return path -> path;
    }

    static Where yaml(LocatedYaml y) {
        return new Where() {
            @Override
            public String apply(String path) {
                return "line " + y.line(path) + ": " + path;
            }

            @Override
            public String line(String path) {
                return "line " + y.line(path) + ": ";
            }
        };
    }

    static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message, null, false, false);
        }
    }

    private static Bad bad(Where w, String path, Object value, String allowed) {
        return new Bad(w.apply(path) + ": " + (value == null ? "(missing)" : "'" + Quote.prefix(String.valueOf(value)) + "'") + " is not allowed; allowed: " + allowed);
    }

    /** The core's message already names its field: the path is added only when it says more than that. */
    private static Bad bad(Where w, String path, Invalid e) {
        boolean named = path.isEmpty() || path.equals(e.field()) || path.endsWith("." + e.field());
        return new Bad(named ? w.line(path) + e.getMessage() : w.apply(path) + ": " + e.getMessage());
    }

    static void keys(JsonNode n, String path, Set<String> allowed, Where w) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw bad(w, path.isEmpty() ? k : path + "." + k, k, "the keys " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    static String text(JsonNode parent, String key, String path, boolean required, Where w) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            if (required) throw bad(w, path, null, "a value");
            return null;
        }
        if (!n.isValueNode()) throw bad(w, path, n.toString(), "a text value");
        return n.asText();
    }

    static boolean bool(JsonNode parent, String key, String path, boolean dflt, Where w) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw bad(w, path, n.asText(), "true or false");
        return n.asBoolean();
    }

    static int integer(JsonNode parent, String key, String path, int dflt, Where w) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isIntegralNumber()) throw bad(w, path, n.asText(), "a whole number");
        return n.asInt();
    }

    static ClusterSettings.Group readGroup(JsonNode g, String path, Where w) {
        if (g == null || !g.isObject()) throw bad(w, path, g, "{name, description, nodes:[{id, address}], ha}");
        keys(g, path, Set.of("name", "description", "nodes", "ha"), w);
        String name = text(g, "name", path + ".name", true, w);
        String description = text(g, "description", path + ".description", false, w);
        boolean ha = bool(g, "ha", path + ".ha", false, w);
        JsonNode nodes = g.get("nodes");
        if (nodes == null || !nodes.isArray()) throw bad(w, path + ".nodes", nodes, "a list of one or two {id, address}");
        List<ClusterSettings.Member> members = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = path + ".nodes[" + i + "]";
            JsonNode m = nodes.get(i);
            if (!m.isObject()) throw bad(w, p, m, "{id, address}");
            keys(m, p, Set.of("id", "address", "serviceAddress"), w);
            members.add(new ClusterSettings.Member(text(m, "id", p + ".id", true, w), text(m, "address", p + ".address", true, w),
                    text(m, "serviceAddress", p + ".serviceAddress", false, w)));
        }
        ClusterSettings.Group out = new ClusterSettings.Group(name, description, members, ha);
        try {
            out.toCore();
        } catch (Invalid e) {
            throw bad(w, path, e);
        }
        return out;
    }

    /** Parameters given as a map of the specification ([RG-GROUP]) names to text; each checked on its own, then all together. */
    static Map<String, String> readParameters(JsonNode p, String path, Map<String, String> base, Where w) {
        if (p == null || !p.isObject()) throw bad(w, path, p, "a map of parameter: value, names " + ServiceParameters.NAMES);
        Map<String, String> out = new LinkedHashMap<>(base);
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (!ServiceParameters.NAMES.contains(e.getKey())) throw bad(w, at, e.getKey(), String.join(", ", ServiceParameters.NAMES));
            try {
                ServiceParameters.checkValue(e.getKey(), e.getValue().asText());
            } catch (Invalid x) {
                throw bad(w, at, x);
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        try {
            return ServiceParameters.fromText(out).asText();
        } catch (Invalid x) {
            throw bad(w, path.isEmpty() ? x.field() : path + "." + x.field(), x);
        }
    }

    /**
     * A node's own parameters: name to value, null to fall back to the cluster's; only those the specification sets
     * per node. Each value is checked alone here, the pair with the cluster's when the settings are validated.
     */
    static Map<String, String> readNodeParameters(JsonNode p, String path, Where w) {
        if (p == null || !p.isObject()) {
            throw bad(w, path, p, "a map of parameter: value (or null), names " + ClusterSettings.NODE_PARAMETERS);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (!ClusterSettings.NODE_PARAMETERS.contains(e.getKey())) {
                throw bad(w, at, e.getKey(), String.join(", ", ClusterSettings.NODE_PARAMETERS)
                        + " (the others are the cluster's: PUT /api/v1/cluster/parameters)");
            }
            if (e.getValue().isNull()) {
                out.put(e.getKey(), null);
                continue;
            }
            try {
                ServiceParameters.checkValue(e.getKey(), e.getValue().asText());
            } catch (Invalid x) {
                throw bad(w, at, x);
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    static String readMode(JsonNode n, String path, Where w) {
        if (n == null || !n.isValueNode()) throw bad(w, path, n, "Balanced, Active-Standby or None");
        try {
            return AssignmentMode.parse(n.asText()).display();
        } catch (Invalid e) {
            throw bad(w, path, n.asText(), "Balanced, Active-Standby or None");
        }
    }

    /** The load-balancing group, merged over {@code base}; a given {@code key} is kept as its fingerprint only. */
    static ClusterSettings.LbGroup readLbGroup(JsonNode g, String path, ClusterSettings.LbGroup base, Where w) {
        if (g == null || !g.isObject()) throw bad(w, path, g, "{clusterAddress, clusterPort, encryption, key, mode, redirectPort}");
        keys(g, path, Set.of("clusterAddress", "clusterPort", "encryption", "key", "keySet", "mode", "redirectPort"), w);
        String address = g.has("clusterAddress") ? text(g, "clusterAddress", path + ".clusterAddress", true, w)
                : base == null ? null : base.clusterAddress();
        if (address == null) throw bad(w, path + ".clusterAddress", null, "an IPv4 address, an IPv6 address or a fully qualified domain name");
        int port = integer(g, "clusterPort", path + ".clusterPort", base == null ? dev.tandem.core.lb.GroupSettings.DEFAULT_CLUSTER_PORT : base.clusterPort(), w);
        boolean encryption = bool(g, "encryption", path + ".encryption", base != null && base.encryption(), w);
        String fingerprint = base == null ? null : base.keyFingerprint();
        if (g.has("key")) {
            String key = text(g, "key", path + ".key", false, w);
            try {
                fingerprint = key == null || key.isEmpty() ? null : ClusterKey.of("key", key).fingerprint();
            } catch (Invalid e) {
                throw bad(w, path + ".key", e);
            }
        }
        String mode = g.has("mode") ? text(g, "mode", path + ".mode", true, w)
                : base == null ? dev.tandem.core.lb.GroupSettings.DEFAULT_MODE.display() : base.mode();
        int redirect = integer(g, "redirectPort", path + ".redirectPort",
                base == null ? ClusterSettings.LbGroup.DEFAULT_REDIRECT_PORT : base.redirectPort(), w);
        return new ClusterSettings.LbGroup(address, port, encryption, fingerprint, mode, redirect);
    }

    /** One device, merged over its settings in {@code base} when it has some. */
    static ClusterSettings.Device readDevice(JsonNode d, String path, ClusterSettings base, Where w) {
        if (d == null || !d.isObject()) throw bad(w, path, d, "{node, priority, publicAddress, privateAddress, nat, participate, redirectFqdn, fqdn}");
        keys(d, path, Set.of("node", "priority", "publicAddress", "privateAddress", "nat", "participate", "redirectFqdn", "fqdn"), w);
        String node = text(d, "node", path + ".node", true, w);
        ClusterSettings.Device old = base.device(node).orElse(null);
        String pub = d.has("publicAddress") ? text(d, "publicAddress", path + ".publicAddress", true, w) : old == null ? null : old.publicAddress();
        String priv = d.has("privateAddress") ? text(d, "privateAddress", path + ".privateAddress", true, w) : old == null ? pub : old.privateAddress();
        List<String> nat = old == null ? List.of() : old.nat();
        JsonNode n = d.get("nat");
        if (n != null && !n.isNull()) {
            if (n.isValueNode()) {
                nat = n.asText().isBlank() ? List.of() : List.of(n.asText().strip().split("\\s+"));
            } else if (n.isArray()) {
                List<String> l = new ArrayList<>();
                n.forEach(x -> l.add(x.asText()));
                nat = l;
            } else {
                throw bad(w, path + ".nat", n, "an address, two addresses or a hostname");
            }
        }
        String fqdn = d.has("fqdn") ? text(d, "fqdn", path + ".fqdn", false, w) : old == null ? null : old.fqdn();
        ClusterSettings.Device out = new ClusterSettings.Device(node,
                integer(d, "priority", path + ".priority", old == null ? dev.tandem.core.lb.DeviceSettings.DEFAULT_PRIORITY : old.priority(), w),
                pub, priv, nat,
                bool(d, "participate", path + ".participate", old == null ? dev.tandem.core.lb.DeviceSettings.DEFAULT_PARTICIPATE : old.participate(), w),
                bool(d, "redirectFqdn", path + ".redirectFqdn", old != null && old.redirectFqdn(), w), fqdn);
        if (pub == null) throw bad(w, path + ".publicAddress", null, "an IPv4 or IPv6 address");
        try {
            out.toCore();
        } catch (Invalid e) {
            // The core names the device's own key (priority, nat...): point at its line when the document has it.
            throw bad(w, d.has(e.field()) ? path + "." + e.field() : path, e);
        }
        return out;
    }

    /** Reads {group, devices} over the current settings: the group merged, each listed device merged or added. */
    static ClusterSettings readLoadBalancing(JsonNode body, String path, ClusterSettings current, Where w) {
        if (body == null || !body.isObject()) throw bad(w, path, body, "{group: {...}, devices: [...]}");
        keys(body, path, Set.of("group", "devices", "deviceConfig"), w);
        String prefix = path.isEmpty() ? "" : path + ".";
        ClusterSettings out = current;
        if (body.has("group") && !body.get("group").isNull()) {
            ClusterSettings.LbGroup g = readLbGroup(body.get("group"), prefix + "group", current.lbGroup(), w);
            try {
                out = out.withLoadBalancing(g, out.devices());
                new ClusterSettings(0, true, null, List.of(), Map.of(), g, List.of()).validate();
            } catch (Invalid e) {
                throw bad(w, prefix + "group." + e.field(), e);
            }
        }
        JsonNode devices = body.get("devices");
        if (devices != null && !devices.isNull()) {
            if (!devices.isArray()) throw bad(w, prefix + "devices", devices, "a list of devices");
            for (int i = 0; i < devices.size(); i++) {
                out = out.withDevice(readDevice(devices.get(i), prefix + "devices[" + i + "]", out, w));
            }
        }
        JsonNode config = body.get("deviceConfig");
        if (config != null && !config.isNull()) {
            if (!config.isObject()) throw bad(w, prefix + "deviceConfig", config, "a map of node: configuration commands");
            for (Map.Entry<String, JsonNode> e : config.properties()) {
                String at = prefix + "deviceConfig." + e.getKey();
                if (!e.getValue().isTextual()) throw bad(w, at, e.getValue(), "the device's configuration commands as text");
                try {
                    dev.tandem.core.NodeId.of(e.getKey());
                    dev.tandem.core.config.ConfigInterpreter.run(dev.tandem.core.config.LbConfig.defaults(), e.getValue().asText());
                } catch (Invalid x) {
                    throw bad(w, at, x);
                } catch (dev.tandem.core.config.ConfigError x) {
                    throw new Bad(w.apply(at) + ": line " + x.line() + " of the commands: " + x.reason()
                            + " (in '" + x.command() + "')");
                }
                out = out.withDeviceConfig(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** A whole exported document: everything it names replaces what the store holds (users are untouched). */
    static ClusterSettings readDocument(LocatedYaml y, ClusterSettings current) {
        Where w = yaml(y);
        JsonNode root = y.root;
        if (!root.isObject()) throw new Bad("line 1: the document must be a mapping of groups, parameters, assignmentMode, loadBalancing");
        keys(root, "", Set.of("epoch", "assignmentMode", "parameters", "nodeParameters", "groups", "loadBalancing"), w);
        String mode = root.has("assignmentMode") ? readMode(root.get("assignmentMode"), "assignmentMode", w) : current.assignmentMode();
        Map<String, String> params = root.has("parameters")
                ? readParameters(root.get("parameters"), "parameters", ServiceParameters.defaults().asText(), w) : current.parameters();
        List<ClusterSettings.Group> groups = new ArrayList<>();
        JsonNode gs = root.get("groups");
        if (gs != null && !gs.isNull()) {
            if (!gs.isArray()) throw bad(w, "groups", gs, "a list of groups");
            for (int i = 0; i < gs.size(); i++) groups.add(readGroup(gs.get(i), "groups[" + i + "]", w));
            try {
                dev.tandem.core.rm.RedundancyGroup.checkCluster(groups.stream().map(ClusterSettings.Group::toCore).toList());
            } catch (Invalid e) {
                int i = 0;
                for (; i < groups.size(); i++) {
                    String v = e.value().replace("'", "");
                    if (groups.get(i).name().equals(v) || groups.get(i).member(v).isPresent()) {
                        // the second group holding the value is the culprit
                        if (groups.subList(0, i).stream().anyMatch(g -> g.name().equals(v) || g.member(v).isPresent())) break;
                    }
                }
                throw bad(w, "groups[" + Math.min(i, groups.size() - 1) + "]", e);
            }
        } else {
            groups = current.groups();
        }
        // The group is merged over the current one so the key's fingerprint (never exported) is kept; the devices
        // are the document's.
        ClusterSettings out = new ClusterSettings(current.epoch(), true, mode, groups, params, current.lbGroup(), List.of());
        if (root.has("loadBalancing") && !root.get("loadBalancing").isNull()) {
            out = readLoadBalancing(root.get("loadBalancing"), "loadBalancing", out, w);
        } else {
            out = new ClusterSettings(out.epoch(), out.seeded(), out.assignmentMode(), out.groups(), out.parameters(),
                    current.lbGroup(), current.devices(), current.deviceConfig());
        }
        // Each node's own parameters: the document's if it names them (a node it leaves out has none), else kept.
        JsonNode np = root.get("nodeParameters");
        if (np == null || np.isNull()) {
            return out.withNodeParameters(ClusterSettings.ofNodesIn(out.groups(), current.nodeParameters()));
        }
        if (!np.isObject()) throw bad(w, "nodeParameters", np, "a map of node: {parameter: value}");
        Map<String, Map<String, String>> own = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : np.properties()) {
            Map<String, String> read = readNodeParameters(e.getValue(), "nodeParameters." + e.getKey(), w);
            read.values().removeIf(java.util.Objects::isNull);
            own.put(e.getKey(), read);
        }
        return out.withNodeParameters(own);
    }
}
