package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's YAML configuration and checks every field. The first problem stops the node with a message
 * naming the file, line, field, value and what is allowed (the daemon exits with code 2).
 */
public final class ConfigLoader {
    private static final Set<String> TOP = Set.of("node", "admin", "cluster", "redundancyGroup", "parameters",
            "stateDir", "criticalServices", "serviceControl", "hooks", "loadBalancing", "sessionService",
            "store", "serviceAddresses");
    private static final Set<String> SESSION_KEYS = Set.of("address", "port", "maxSessions", "heartbeatInterval",
            "inactiveAfter", "endAfter", "userHeader", "certificate", "privateKey", "maxSessionsPerAddress",
            "maxSessionsPerUser", "http", "handover", "replicationPort", "replicationAckTimeout");
    private static final Set<String> LB_KEYS = Set.of("clusterAddress", "clusterPort", "mode", "participate",
            "priority", "publicAddress", "privateAddress", "nat", "redirectFqdn", "fqdn", "model", "maxSessions",
            "member", "peers", "addressDriver", "interface", "claimCommand", "releaseCommand", "timing",
            "onDirectorChange", "redirect");
    private static final Set<String> REDIRECT_KEYS = Set.of("enabled", "port", "servicePort", "certificate",
            "privateKey", "userParameter", "userHeader", "retryAfter", "http");
    private static final Set<String> HTTP_KEYS = Set.of("headerTimeout", "idleTimeout", "maxConnectionsPerClient",
            "maxBodyBytes");
    private static final Set<String> TIMING_KEYS = Set.of("keepaliveInterval", "keepaliveWait", "keepaliveRetries",
            "helloInterval", "helloRetries", "discoveryWindow");
    private static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);

    private final Path file;
    private final LocatedYaml yaml;

    private ConfigLoader(Path file, LocatedYaml yaml) {
        this.file = file;
        this.yaml = yaml;
    }

    /** Reads and checks the file, as a tool that does not run the node needs it (the config shell, tests). */
    public static NodeConfig load(Path file) {
        return open(file).read();
    }

    /**
     * Reads and checks the file, then checks it against this host: its addresses are this host's, its ports are
     * free, its state directory can be written. The {@code node} command starts only from this, so a node whose
     * configuration cannot run here stops before it writes anything (docs/decisions/0052).
     */
    public static NodeConfig loadForThisHost(Path file) {
        ConfigLoader loader = open(file);
        NodeConfig c = loader.read();
        new HostCheck(loader::error).check(c);
        return c;
    }

    private static ConfigLoader open(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigError(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigError(file + ": cannot read: " + e.getMessage());
        }
        LocatedYaml yaml;
        try {
            yaml = LocatedYaml.parse(text);
        } catch (LocatedYaml.Invalid e) {
            throw new ConfigError(file + ":" + e.line() + ": " + e.getMessage());
        }
        return new ConfigLoader(file, yaml);
    }

    private NodeConfig read() {
        JsonNode root = yaml.root;
        if (!root.isObject()) throw error("", "the file must be a YAML mapping of keys " + TOP);
        keys("", root, TOP);
        Path base = file.toAbsolutePath().getParent();

        JsonNode node = object("node", true);
        keys("node", node, Set.of("id", "address"));
        String id = nodeId("node.id", text(node, "node.id", true));
        String address = address("node.address", text(node, "node.address", true));

        JsonNode adminNode = object("admin", false);
        keys("admin", adminNode, Set.of("address", "port", "tokenFile", "certificate", "privateKey", "trustFile",
                "maxImportBytes", "http"));
        NodeConfig.Admin admin = new NodeConfig.Admin(
                adminNode.has("address") ? address("admin.address", text(adminNode, "admin.address", true)) : address,
                adminNode.has("port") ? port("admin.port", adminNode.get("port")) : ServiceParameters.DEFAULT_ADMIN_RPC_PORT,
                adminNode.has("tokenFile") ? base.resolve(text(adminNode, "admin.tokenFile", true)) : null,
                tls("admin.", adminNode, true),
                http("admin.http", adminNode.get("http"), NodeConfig.Admin.DEFAULT_MAX_BODY_BYTES),
                adminNode.has("maxImportBytes") ? integer("admin.maxImportBytes", adminNode.get("maxImportBytes"),
                        1024, MAX_BODY_BYTES) : NodeConfig.Admin.DEFAULT_MAX_IMPORT_BYTES);

        JsonNode clusterNode = object("cluster", false);
        keys("cluster", clusterNode, Set.of("keyFile", "key8", "masterKeyFile", "encryption"));
        boolean encryption = clusterNode.has("encryption") && bool("cluster.encryption", clusterNode.get("encryption"));
        Path keyFile = clusterNode.has("keyFile") ? base.resolve(text(clusterNode, "cluster.keyFile", true)) : null;
        String key8 = clusterNode.has("key8") ? text(clusterNode, "cluster.key8", true) : null;
        Path master = clusterNode.has("masterKeyFile")
                ? base.resolve(text(clusterNode, "cluster.masterKeyFile", true)) : null;
        if (keyFile != null && key8 != null) throw error("cluster.key8", "give keyFile or key8, not both");
        if (key8 != null && master == null) {
            throw error("cluster.masterKeyFile", "required with key8: the file holding the key that decrypts it");
        }
        if (encryption && keyFile == null && key8 == null) {
            // [LB-GROUP]: "you must first specify ... a shared secret".
            throw error("cluster.encryption", "true needs a cluster key: set cluster.keyFile or cluster.key8");
        }

        NodeConfig.Group group = group(id, address);
        Map<String, String> parameters = parameters();
        Path stateDir = base.resolve(root.has("stateDir") ? text(root, "stateDir", true) : "state/" + id);
        List<CheckConfig> checks = checks();
        NodeConfig.ServiceControl control = serviceControl();
        NodeConfig.Hooks hooks = hooks();
        NodeConfig.LoadBalancing lb = loadBalancing(id, address, group);
        NodeConfig.SessionService sessions = sessionService(id, address, lb, group);
        NodeConfig.Store store = store(base, stateDir);
        if (lb != null) {
            for (NodeConfig.Member m : group.nodes()) {
                if (lb.clusterAddress().equals(m.serviceAddress())) {
                    throw error("redundancyGroup.nodes", "the service address of " + m.id() + " (" + m.serviceAddress()
                            + ") is the cluster address; allowed: an address of its own");
                }
            }
        }
        return new NodeConfig(base, id, address, admin, new NodeConfig.Cluster(keyFile, key8, master, encryption),
                group, parameters, stateDir, checks, control, hooks, lb, sessions, store, serviceAddresses());
    }

    private NodeConfig.Group group(String self, String selfAddress) {
        JsonNode g = object("redundancyGroup", false);
        if (g.isEmpty()) {
            return new NodeConfig.Group(self, "", false, List.of(new NodeConfig.Member(self, selfAddress)));
        }
        keys("redundancyGroup", g, Set.of("name", "description", "highAvailability", "nodes"));
        String name = text(g, "redundancyGroup.name", true);
        String description = g.has("description") ? text(g, "redundancyGroup.description", true) : "";
        boolean ha = !g.has("highAvailability") || bool("redundancyGroup.highAvailability", g.get("highAvailability"));
        JsonNode nodes = g.get("nodes");
        if (nodes == null || !nodes.isArray()) throw error("redundancyGroup.nodes", "a list of one or two {id, address}");
        List<NodeConfig.Member> members = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = "redundancyGroup.nodes[" + i + "]";
            JsonNode m = nodes.get(i);
            if (!m.isObject()) throw error(p, "a mapping with id and address");
            keys(p, m, Set.of("id", "address", "serviceAddress", "heartbeatAddresses"));
            String service = m.has("serviceAddress") ? text(m, p + ".serviceAddress", true) : null;
            if (service != null) checked(p + ".serviceAddress", () -> dev.tandem.core.lb.IpAddress.parse("service address", service));
            members.add(new NodeConfig.Member(nodeId(p + ".id", text(m, p + ".id", true)),
                    address(p + ".address", text(m, p + ".address", true)), service,
                    heartbeatAddresses(p + ".heartbeatAddresses", m.get("heartbeatAddresses"))));
        }
        heartbeatPaths(members);
        for (NodeConfig.Member m : members) {
            if (m.serviceAddress() == null) continue;
            for (NodeConfig.Member o : members) {
                if (m.serviceAddress().equals(o.address()) || (o != m && m.serviceAddress().equals(o.serviceAddress()))) {
                    throw error("redundancyGroup.nodes", "the service address " + m.serviceAddress() + " of " + m.id()
                            + " is also " + (m.serviceAddress().equals(o.address()) ? "the address" : "the service address")
                            + " of " + o.id() + "; allowed: an address of its own");
                }
            }
        }
        try {
            new RedundancyGroup(name, description, members.stream().map(m -> NodeId.of(m.id())).toList(), ha);
        } catch (Invalid e) {
            throw error("redundancyGroup." + e.field().replace("group ", ""), e.getMessage());
        }
        if (members.stream().noneMatch(m -> m.id().equals(self))) {
            throw error("redundancyGroup.nodes", "must list this node (" + self + ")");
        }
        return new NodeConfig.Group(name, description, ha, List.copyOf(members));
    }

    /** More heartbeat paths than this is a mistake: two or three links are what a pair is ever cabled with. */
    static final int MAX_HEARTBEAT_ADDRESSES = 4;

    /** A node's further heartbeat addresses (docs/redundancy.md, Heartbeat paths): a list of distinct IP addresses. */
    private List<String> heartbeatAddresses(String p, JsonNode n) {
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw error(p, "a list of IP addresses, the node's heartbeat paths besides its address (for example [10.0.9.11])");
        if (n.size() > MAX_HEARTBEAT_ADDRESSES) {
            throw error(p, n.size() + " addresses are not allowed; allowed: at most " + MAX_HEARTBEAT_ADDRESSES);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode a = n.get(i);
            String q = p + "[" + i + "]";
            if (!a.isValueNode() || a.asText().isBlank()) throw error(q, "must be an IP address");
            String v = a.asText();
            checked(q, () -> dev.tandem.core.lb.IpAddress.parse("heartbeat address", v));
            if (out.contains(v)) throw error(q, "'" + v + "' is listed twice; allowed: each path once");
            out.add(v);
        }
        return List.copyOf(out);
    }

    /**
     * The group's heartbeat paths: every address of every node is its own (a path shared with another address would
     * be one path counted twice), and a pair lists as many paths on both nodes, since the paths are paired in order.
     */
    private void heartbeatPaths(List<NodeConfig.Member> members) {
        Map<String, String> owner = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            NodeConfig.Member m = members.get(i);
            owner.putIfAbsent(m.address(), "the address of " + m.id());
            if (m.serviceAddress() != null) owner.putIfAbsent(m.serviceAddress(), "the service address of " + m.id());
        }
        for (int i = 0; i < members.size(); i++) {
            NodeConfig.Member m = members.get(i);
            String p = "redundancyGroup.nodes[" + i + "].heartbeatAddresses";
            for (int k = 0; k < m.heartbeatAddresses().size(); k++) {
                String a = m.heartbeatAddresses().get(k);
                String taken = owner.putIfAbsent(a, "a heartbeat address of " + m.id());
                if (taken != null) {
                    throw error(p + "[" + k + "]", "'" + a + "' is also " + taken + "; allowed: an address of its own for each path");
                }
            }
        }
        if (members.size() == 2 && members.get(0).heartbeatAddresses().size() != members.get(1).heartbeatAddresses().size()) {
            int shorter = members.get(0).heartbeatAddresses().size() < members.get(1).heartbeatAddresses().size() ? 0 : 1;
            NodeConfig.Member s = members.get(shorter);
            NodeConfig.Member l = members.get(1 - shorter);
            String p = "redundancyGroup.nodes[" + (1 - shorter) + "].heartbeatAddresses";
            throw error(p, l.id() + " lists " + l.heartbeatAddresses().size() + " heartbeat address(es) and " + s.id()
                    + " lists " + s.heartbeatAddresses().size() + "; allowed: as many on both nodes, since each path"
                    + " pairs one address of each node in the order given");
        }
    }

    /** docs/node-config.yaml, serviceAddresses: how this node claims and releases service addresses. */
    private NodeConfig.ServiceAddresses serviceAddresses() {
        JsonNode s = object("serviceAddresses", false);
        if (s.isEmpty()) return NodeConfig.ServiceAddresses.defaults();
        keys("serviceAddresses", s, Set.of("driver", "interface", "claimCommand", "releaseCommand"));
        return addressDriver("serviceAddresses.", s, "driver");
    }

    /**
     * An address driver's settings (the cluster address's in loadBalancing, the service addresses' in
     * serviceAddresses): bind by default; linux needs an interface, script both commands.
     */
    private NodeConfig.ServiceAddresses addressDriver(String p, JsonNode section, String driverKey) {
        String driver = section.has(driverKey) ? text(section, p + driverKey, true) : "bind";
        if (!List.of("bind", "linux", "script").contains(driver)) {
            throw error(p + driverKey, "'" + driver + "' is not allowed; allowed: bind, linux or script");
        }
        String iface = section.has("interface") ? text(section, p + "interface", true) : null;
        if (driver.equals("linux") && iface == null) throw error(p + "interface", "required by the linux address driver (for example eth0)");
        List<String> claim = section.has("claimCommand") ? command(p + "claimCommand", section.get("claimCommand")) : List.of();
        List<String> release = section.has("releaseCommand") ? command(p + "releaseCommand", section.get("releaseCommand")) : List.of();
        if (driver.equals("script") && (claim.isEmpty() || release.isEmpty())) {
            throw error(p + "claimCommand", "the script address driver needs claimCommand and releaseCommand");
        }
        return new NodeConfig.ServiceAddresses(driver, iface, claim, release);
    }

    private Map<String, String> parameters() {
        JsonNode p = object("parameters", false);
        keys("parameters", p, Set.copyOf(ServiceParameters.NAMES));
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        try {
            ServiceParameters.fromText(m);
        } catch (Invalid e) {
            throw error("parameters." + e.field(), e.getMessage());
        }
        return m;
    }

    private List<CheckConfig> checks() {
        JsonNode list = yaml.root.get("criticalServices");
        if (list == null) return List.of();
        if (!list.isArray()) throw error("criticalServices", "a list of checks");
        List<CheckConfig> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "criticalServices[" + i + "]";
            JsonNode c = list.get(i);
            if (!c.isObject()) throw error(p, "a mapping with name and kind");
            keys(p, c, Set.of("name", "kind", "target", "url", "expectStatus", "bodyContains", "pidFile",
                    "processName", "command", "jdbcUrl", "interval", "timeout", "interface"));
            String name = text(c, p + ".name", true);
            if (!names.add(name)) throw error(p + ".name", "'" + name + "' is used twice; each check needs its own name");
            String kind = text(c, p + ".kind", true);
            if (!CheckConfig.KINDS.contains(kind)) throw error(p + ".kind", "'" + kind + "' is not allowed; allowed: " + CheckConfig.KINDS);
            String target = c.has("target") ? text(c, p + ".target", true) : null;
            String url = c.has("url") ? text(c, p + ".url", true) : null;
            Integer status = c.has("expectStatus") ? (int) integer(p + ".expectStatus", c.get("expectStatus"), 100, 599) : null;
            String body = c.has("bodyContains") ? text(c, p + ".bodyContains", true) : null;
            String pidFile = c.has("pidFile") ? text(c, p + ".pidFile", true) : null;
            String processName = c.has("processName") ? text(c, p + ".processName", true) : null;
            List<String> command = c.has("command") ? command(p + ".command", c.get("command")) : null;
            String jdbc = c.has("jdbcUrl") ? text(c, p + ".jdbcUrl", true) : null;
            String iface = c.has("interface") ? text(c, p + ".interface", true) : null;
            if (iface != null && !kind.equals("interface")) {
                throw error(p + ".interface", "only for a check of kind interface; this one is " + kind);
            }
            switch (kind) {
                case "tcp" -> { if (target == null || !target.matches(".+:\\d{1,5}")) throw error(p + ".target", "host:port for a tcp check"); }
                case "http" -> { if (url == null || !url.matches("https?://.+")) throw error(p + ".url", "an http:// or https:// URL for an http check"); }
                case "process" -> { if (pidFile == null && processName == null) throw error(p, "a process check needs pidFile or processName"); }
                case "command" -> { if (command == null) throw error(p + ".command", "a command (a list of words) for a command check"); }
                case "database" -> { if (jdbc == null || !jdbc.startsWith("jdbc:")) throw error(p + ".jdbcUrl", "a jdbc: URL for a database check"); }
                case "interface" -> {
                    // The interface is the check's name unless given: {name: eth0, kind: interface}.
                    if (iface == null) iface = name;
                    if (!iface.matches(INTERFACE_NAME)) {
                        throw error(p + (c.has("interface") ? ".interface" : ".name"), "'" + iface + "' is not a network"
                                + " interface name; allowed: 1 to 15 characters, none of them / : or a space, not . or .."
                                + (c.has("interface") ? "" : " (or give the interface in the key interface)"));
                    }
                }
                default -> throw new IllegalStateException(kind);
            }
            Duration interval = c.has("interval") ? duration(p + ".interval", c.get("interval")) : DEFAULT_CHECK_INTERVAL;
            Duration timeout = c.has("timeout") ? duration(p + ".timeout", c.get("timeout")) : DEFAULT_CHECK_TIMEOUT;
            if (interval.toMillis() < 10) throw error(p + ".interval", "at least 10ms");
            if (timeout.toMillis() < 1 || timeout.compareTo(interval) > 0) throw error(p + ".timeout", "from 1ms up to the interval (" + Durations.format(interval) + ")");
            out.add(new CheckConfig(name, kind, target, url, status, body,
                    pidFile, processName, command, jdbc, interval, timeout, iface));
        }
        return List.copyOf(out);
    }

    /**
     * A Linux network interface name: at most 15 bytes (IFNAMSIZ less the terminating zero), and never a name that
     * would leave /sys/class/net when read as a path.
     */
    private static final String INTERFACE_NAME = "(?!\\.{1,2}$)[^/:\\s]{1,15}";

    /** Where an H2 store lives unless configured: a file in the node's state directory. */
    static final String DEFAULT_H2_FILE = "store/tandem";
    private static final String H2_FILE = "jdbc:h2:file:";

    private NodeConfig.Store store(Path base, Path stateDir) {
        JsonNode s = object("store", false);
        keys("store", s, Set.of("url", "user", "passwordFile"));
        String url = s.has("url") ? text(s, "store.url", true)
                : H2_FILE + stateDir.resolve(DEFAULT_H2_FILE) + ";AUTO_SERVER=TRUE";
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw error("store.url", "'" + url + "' is not allowed; allowed: a jdbc:h2: URL (for example jdbc:h2:file:store/tandem;"
                    + "AUTO_SERVER=TRUE) or a jdbc:postgresql: URL (for example jdbc:postgresql://db.example.com/tandem)");
        }
        if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw error("store.url", "holds a password; allowed: a URL without one, the password in store.passwordFile");
        }
        if (url.startsWith(H2_FILE)) {
            // An H2 file relative to this configuration file, like every other path in it.
            String rest = url.substring(H2_FILE.length());
            int semi = rest.indexOf(';');
            String path = semi < 0 ? rest : rest.substring(0, semi);
            if (path.isBlank()) throw error("store.url", "names no file; allowed: jdbc:h2:file:PATH[;options]");
            if (!path.startsWith("~") && !Path.of(path).isAbsolute()) {
                url = H2_FILE + base.resolve(path).normalize() + (semi < 0 ? "" : rest.substring(semi));
            }
        }
        String user = s.has("user") ? text(s, "store.user", true) : null;
        Path passwordFile = s.has("passwordFile") ? base.resolve(text(s, "store.passwordFile", true)) : null;
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw error("store.passwordFile", "'" + passwordFile + "' is not a readable file; allowed: a file holding the store password");
        }
        return new NodeConfig.Store(url, user, passwordFile);
    }

    private NodeConfig.ServiceControl serviceControl() {
        JsonNode s = object("serviceControl", false);
        keys("serviceControl", s, Set.of("stop", "start", "timeout"));
        return new NodeConfig.ServiceControl(
                s.has("stop") ? command("serviceControl.stop", s.get("stop")) : List.of(),
                s.has("start") ? command("serviceControl.start", s.get("start")) : List.of(),
                s.has("timeout") ? duration("serviceControl.timeout", s.get("timeout")) : DEFAULT_HOOK_TIMEOUT);
    }

    private NodeConfig.Hooks hooks() {
        JsonNode h = object("hooks", false);
        keys("hooks", h, Set.of("onStateChange", "takeOverUsers", "takeBackUsers", "timeout"));
        return new NodeConfig.Hooks(
                h.has("onStateChange") ? command("hooks.onStateChange", h.get("onStateChange")) : List.of(),
                h.has("takeOverUsers") ? command("hooks.takeOverUsers", h.get("takeOverUsers")) : List.of(),
                h.has("takeBackUsers") ? command("hooks.takeBackUsers", h.get("takeBackUsers")) : List.of(),
                h.has("timeout") ? duration("hooks.timeout", h.get("timeout")) : DEFAULT_HOOK_TIMEOUT);
    }

    private NodeConfig.LoadBalancing loadBalancing(String self, String address, NodeConfig.Group group) {
        JsonNode lb = yaml.root.get("loadBalancing");
        if (lb == null || lb.isNull()) return null;
        if (!lb.isObject()) throw error("loadBalancing", "must be a mapping of keys");
        keys("loadBalancing", lb, LB_KEYS);
        String p = "loadBalancing.";
        String cluster = text(lb, p + "clusterAddress", true);
        checked(p + "clusterAddress", () -> dev.tandem.core.lb.NetAddress.parse("cluster address", cluster));
        int port = lb.has("clusterPort") ? port(p + "clusterPort", lb.get("clusterPort"))
                : dev.tandem.core.lb.GroupSettings.DEFAULT_CLUSTER_PORT;
        String mode = lb.has("mode") ? text(lb, p + "mode", true) : "distributed";
        if (!mode.equals("distributed") && !mode.equals("centralized")) {
            throw error(p + "mode", "'" + mode + "' is not allowed; allowed: distributed or centralized");
        }
        // [LB-PREREQ]: "VPN load balancing is disabled by default. You must explicitly enable it."
        boolean participate = lb.has("participate") && bool(p + "participate", lb.get("participate"));
        int priority = lb.has("priority") ? (int) integer(p + "priority", lb.get("priority"), 1, 10)
                : dev.tandem.core.lb.DeviceSettings.DEFAULT_PRIORITY;
        // A member's public address is its service address when it has one: a redirect then points at an address
        // that survives the member's failure (docs/redundancy.md, Service addresses).
        String ownService = group.nodes().stream().filter(m -> m.id().equals(self)).findFirst()
                .map(NodeConfig.Member::serviceAddress).orElse(null);
        String pub = lb.has("publicAddress") ? text(lb, p + "publicAddress", true)
                : ownService != null && lb.path("member").asText(self).equals(self) ? ownService : address;
        String priv = lb.has("privateAddress") ? text(lb, p + "privateAddress", true) : address;
        checked(p + "publicAddress", () -> dev.tandem.core.lb.IpAddress.parse("public address", pub));
        checked(p + "privateAddress", () -> dev.tandem.core.lb.IpAddress.parse("private address", priv));
        List<String> nat = lb.has("nat") ? words(p + "nat", lb.get("nat")) : List.of();
        if (!nat.isEmpty()) checked(p + "nat", () -> dev.tandem.core.lb.Nat.parse("nat", nat.toArray(String[]::new)));
        boolean fqdnOn = lb.has("redirectFqdn") && bool(p + "redirectFqdn", lb.get("redirectFqdn"));
        String fqdn = lb.has("fqdn") ? text(lb, p + "fqdn", true) : null;
        String model = lb.has("model") ? text(lb, p + "model", true) : dev.tandem.core.lb.DeviceSettings.DEFAULT_MODEL;
        int max = lb.has("maxSessions") ? (int) integer(p + "maxSessions", lb.get("maxSessions"), 1,
                dev.tandem.core.lb.ClassLoad.MAX_SESSIONS) : 100;
        // A node is a member on its own unless the configuration names its redundancy group (both nodes then speak for
        // one member, the specification ([LB-FAQ]) FAQ: load balancing and failover on the same device).
        String member = lb.has("member") ? text(lb, p + "member", true) : self;
        if (!member.equals(self) && !member.equals(group.name())) {
            throw error(p + "member", "'" + member + "' is not allowed; allowed: this node's id (" + self
                    + ") or its redundancy group's name (" + group.name() + ")");
        }
        checked(p + "member", () -> dev.tandem.core.lb.MemberName.of(member));
        List<NodeConfig.Member> peers = new ArrayList<>();
        JsonNode ps = lb.get("peers");
        if (ps != null) {
            if (!ps.isArray()) throw error(p + "peers", "a list of the other nodes: {id, address}");
            for (int i = 0; i < ps.size(); i++) {
                String pp = p + "peers[" + i + "]";
                JsonNode m = ps.get(i);
                if (!m.isObject()) throw error(pp, "a mapping with id and address (the node's private address)");
                keys(pp, m, Set.of("id", "address"));
                String a = text(m, pp + ".address", true);
                checked(pp + ".address", () -> dev.tandem.core.lb.IpAddress.parse("peer address", a));
                peers.add(new NodeConfig.Member(nodeId(pp + ".id", text(m, pp + ".id", true)), a));
            }
        }
        NodeConfig.ServiceAddresses d = addressDriver(p, lb, "addressDriver");
        String driver = d.driver();
        String iface = d.driverInterface();
        List<String> claim = d.claimCommand();
        List<String> release = d.releaseCommand();
        Map<String, String> timing = new LinkedHashMap<>();
        JsonNode t = lb.get("timing");
        if (t != null) {
            if (!t.isObject()) throw error(p + "timing", "a mapping of timing keys " + TIMING_KEYS);
            keys(p + "timing", t, TIMING_KEYS);
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                timing.put(e.getKey(), e.getValue().asText());
                // Each value on its own line first, then how they fit together.
                checked(p + "timing." + e.getKey(), () -> LbTimings.checkValue(e.getKey(), e.getValue().asText()));
            }
            try {
                LbTimings.from(timing);
            } catch (Invalid e) {
                // A value out of its range is reported at its own key; values that do not fit together at the section.
                throw error(p + "timing" + (timing.containsKey(e.field()) ? "." + e.field() : ""), e.getMessage());
            }
        }
        List<String> hook = lb.has("onDirectorChange") ? command(p + "onDirectorChange", lb.get("onDirectorChange")) : List.of();
        NodeConfig.LoadBalancing out = new NodeConfig.LoadBalancing(cluster, port, mode, participate, priority, pub,
                priv, nat, fqdnOn, fqdn, model, max, member, List.copyOf(peers), driver, iface, claim, release,
                timing, hook, redirect(p + "redirect", lb.get("redirect")));
        try {
            LbTimings.device(out);
        } catch (Invalid e) {
            throw error(p + DEVICE_KEYS.getOrDefault(e.field(), e.field()), e.getMessage());
        }
        return out;
    }

    /** The director's redirect service: where it listens, where it sends clients, how it knows a user. */
    private NodeConfig.Redirect redirect(String p, JsonNode r) {
        NodeConfig.Redirect d = NodeConfig.Redirect.defaults();
        if (r == null) return d;
        if (!r.isObject()) throw error(p, "a mapping of redirect keys " + new java.util.TreeSet<>(REDIRECT_KEYS));
        keys(p, r, REDIRECT_KEYS);
        String q = p + ".";
        boolean enabled = !r.has("enabled") || bool(q + "enabled", r.get("enabled"));
        Path cert = r.has("certificate") ? file.toAbsolutePath().getParent().resolve(text(r, q + "certificate", true)) : null;
        Path key = r.has("privateKey") ? file.toAbsolutePath().getParent().resolve(text(r, q + "privateKey", true)) : null;
        if ((cert == null) != (key == null)) {
            throw error(q + (cert == null ? "certificate" : "privateKey"),
                    "HTTPS needs both certificate and privateKey (PEM files); give both, or neither for plain HTTP");
        }
        int port = r.has("port") ? port(q + "port", r.get("port"))
                : cert != null ? NodeConfig.Redirect.DEFAULT_TLS_PORT : NodeConfig.Redirect.DEFAULT_PLAIN_PORT;
        int servicePort = r.has("servicePort") ? port(q + "servicePort", r.get("servicePort")) : port;
        String param = r.has("userParameter") ? text(r, q + "userParameter", true) : d.userParameter();
        String header = r.has("userHeader") ? text(r, q + "userHeader", true) : d.userHeader();
        if (!param.matches("[A-Za-z0-9_.~-]{1,64}")) {
            throw error(q + "userParameter", "'" + param + "' is not allowed; allowed: 1 to 64 of A-Z a-z 0-9 _ . ~ -");
        }
        if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
            throw error(q + "userHeader", "'" + header + "' is not allowed; allowed: an HTTP header name of 1 to 64 characters");
        }
        Duration retry = r.has("retryAfter") ? duration(q + "retryAfter", r.get("retryAfter")) : d.retryAfter();
        if (retry.toSeconds() < 1 || retry.toSeconds() > 3600) {
            throw error(q + "retryAfter", "'" + r.get("retryAfter").asText() + "' is not allowed; allowed: 1s to 1h");
        }
        return new NodeConfig.Redirect(enabled, port, servicePort, cert, key, param, header, retry,
                http(q + "http", r.get("http"), NodeConfig.Redirect.DEFAULT_MAX_BODY_BYTES));
    }

    /** The largest body any server may be configured to take: 1 GiB. */
    private static final long MAX_BODY_BYTES = 1L << 30;

    /** An HTTP server's limits (docs/node.md, HTTP limits); a missing key keeps its default. */
    private NodeConfig.Http http(String p, JsonNode h, long defaultBody) {
        NodeConfig.Http d = NodeConfig.Http.defaults(defaultBody);
        if (h == null || h.isNull()) return d;
        if (!h.isObject()) throw error(p, "a mapping of keys " + new java.util.TreeSet<>(HTTP_KEYS));
        keys(p, h, HTTP_KEYS);
        String q = p + ".";
        Duration header = h.has("headerTimeout") ? duration(q + "headerTimeout", h.get("headerTimeout")) : d.headerTimeout();
        Duration idle = h.has("idleTimeout") ? duration(q + "idleTimeout", h.get("idleTimeout")) : d.idleTimeout();
        if (header.toMillis() < 100 || header.toHours() > 1) {
            throw error(q + "headerTimeout", "'" + Durations.format(header) + "' is not allowed; allowed: 100ms to 1h");
        }
        if (idle.toMillis() < 100 || idle.toHours() > 24) {
            throw error(q + "idleTimeout", "'" + Durations.format(idle) + "' is not allowed; allowed: 100ms to 24h");
        }
        int perClient = h.has("maxConnectionsPerClient")
                ? (int) integer(q + "maxConnectionsPerClient", h.get("maxConnectionsPerClient"), 1, 100_000)
                : d.maxConnectionsPerClient();
        long body = h.has("maxBodyBytes") ? integer(q + "maxBodyBytes", h.get("maxBodyBytes"), 1024, MAX_BODY_BYTES)
                : d.maxBodyBytes();
        return new NodeConfig.Http(header, idle, perClient, body);
    }

    private NodeConfig.SessionService sessionService(String self, String nodeAddress, NodeConfig.LoadBalancing lb,
                                                     NodeConfig.Group group) {
        JsonNode s = yaml.root.get("sessionService");
        if (s == null) return null;
        // An empty section ("sessionService:" alone) turns the service on with every default.
        if (s.isNull()) s = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (!s.isObject()) throw error("sessionService", "must be a mapping of keys " + new java.util.TreeSet<>(SESSION_KEYS));
        keys("sessionService", s, SESSION_KEYS);
        String p = "sessionService.";
        // Clients are redirected to the member's public address, so that is where the service listens by default;
        // unless both nodes of a pair speak for one member: its public address is then the pair's, not this node's.
        boolean ownMember = lb != null && lb.member().equals(self);
        // A service address is bound only while the node holds it (ServiceAddressShell), never for good.
        java.util.Set<String> serviceAddresses = new java.util.HashSet<>();
        for (NodeConfig.Member m : group.nodes()) {
            if (m.serviceAddress() != null) serviceAddresses.add(m.serviceAddress());
        }
        String address = s.has("address") ? address(p + "address", text(s, p + "address", true))
                : ownMember && !serviceAddresses.contains(lb.publicAddress()) ? lb.publicAddress() : nodeAddress;
        if (serviceAddresses.contains(address)) {
            throw error(p + "address", "'" + address + "' is a service address, which the service answers on only"
                    + " while this node holds it; allowed: the node's own address or another that stays here");
        }
        int port = s.has("port") ? port(p + "port", s.get("port")) : NodeConfig.SessionService.DEFAULT_PORT;
        int max = s.has("maxSessions")
                ? (int) integer(p + "maxSessions", s.get("maxSessions"), 1, dev.tandem.core.lb.ClassLoad.MAX_SESSIONS)
                : lb != null ? lb.maxSessions() : NodeConfig.SessionService.DEFAULT_MAX_SESSIONS;
        Duration heartbeat = s.has("heartbeatInterval") ? duration(p + "heartbeatInterval", s.get("heartbeatInterval"))
                : NodeConfig.SessionService.DEFAULT_HEARTBEAT_INTERVAL;
        if (heartbeat.toMillis() < 10) throw error(p + "heartbeatInterval", "'" + Durations.format(heartbeat) + "' is not allowed; allowed: at least 10ms");
        Duration inactive = s.has("inactiveAfter") ? duration(p + "inactiveAfter", s.get("inactiveAfter"))
                : heartbeat.multipliedBy(NodeConfig.SessionService.DEFAULT_MISSED_HEARTBEATS);
        if (inactive.compareTo(heartbeat) <= 0) {
            throw error(p + "inactiveAfter", "'" + Durations.format(inactive) + "' is not allowed; allowed: longer than"
                    + " heartbeatInterval (" + Durations.format(heartbeat) + "), or every session would go inactive between heartbeats");
        }
        Duration end = s.has("endAfter") ? duration(p + "endAfter", s.get("endAfter"))
                : NodeConfig.SessionService.DEFAULT_END_AFTER;
        if (end.toMillis() < 10) throw error(p + "endAfter", "'" + Durations.format(end) + "' is not allowed; allowed: at least 10ms");
        String header = s.has("userHeader") ? text(s, p + "userHeader", true) : NodeConfig.SessionService.DEFAULT_USER_HEADER;
        if (!header.matches("[A-Za-z0-9-]{1,64}")) {
            throw error(p + "userHeader", "'" + header + "' is not allowed; allowed: an HTTP header name (letters, digits and -)");
        }
        int perAddress = s.has("maxSessionsPerAddress")
                ? (int) integer(p + "maxSessionsPerAddress", s.get("maxSessionsPerAddress"), 1, dev.tandem.core.lb.ClassLoad.MAX_SESSIONS)
                : NodeConfig.SessionService.DEFAULT_MAX_SESSIONS_PER_ADDRESS;
        int perUser = s.has("maxSessionsPerUser")
                ? (int) integer(p + "maxSessionsPerUser", s.get("maxSessionsPerUser"), 1, dev.tandem.core.lb.ClassLoad.MAX_SESSIONS)
                : NodeConfig.SessionService.DEFAULT_MAX_SESSIONS_PER_USER;
        dev.tandem.core.rm.SessionHandover.Mode handover = dev.tandem.core.rm.SessionHandover.Mode.KEEP;
        if (s.has("handover")) {
            String h = text(s, p + "handover", true);
            handover = switch (h) {
                case "keep" -> dev.tandem.core.rm.SessionHandover.Mode.KEEP;
                case "relogin" -> dev.tandem.core.rm.SessionHandover.Mode.RELOGIN;
                default -> throw error(p + "handover", "'" + h + "' is not allowed; allowed: keep (sessions move with"
                        + " their users) or relogin (they end and clients log in again)");
            };
        }
        int replicationPort = s.has("replicationPort") ? port(p + "replicationPort", s.get("replicationPort"))
                : NodeConfig.Replication.DEFAULT_PORT;
        if (replicationPort == port && address.equals(nodeAddress)) {
            throw error(p + "replicationPort", "'" + replicationPort + "' is not allowed; allowed: a port other than"
                    + " sessionService.port (" + port + "), both are TCP on the node address");
        }
        Duration ackTimeout = s.has("replicationAckTimeout")
                ? duration(p + "replicationAckTimeout", s.get("replicationAckTimeout"))
                : NodeConfig.Replication.DEFAULT_ACK_TIMEOUT;
        if (ackTimeout.toMillis() < 1 || ackTimeout.toMillis() > 10_000) {
            throw error(p + "replicationAckTimeout", "'" + Durations.format(ackTimeout) + "' is not allowed; allowed:"
                    + " 1ms to 10s (a login waits at most this long for the peer)");
        }
        return new NodeConfig.SessionService(address, port, max, heartbeat, inactive, end, header, perAddress, perUser,
                http(p + "http", s.get("http"), NodeConfig.SessionService.DEFAULT_MAX_BODY_BYTES), tls(p, s, false),
                new NodeConfig.Replication(handover, replicationPort, ackTimeout));
    }

    /**
     * A server's certificate and private key (both or neither, as for loadBalancing.redirect) and, where the node
     * calls a peer's server, the trust file its certificate is checked against: by default this node's own
     * certificate, which suits a pair sharing one certificate that names both addresses.
     */
    private NodeConfig.Tls tls(String p, JsonNode section, boolean withTrust) {
        Path base = file.toAbsolutePath().getParent();
        Path cert = section.has("certificate") ? base.resolve(text(section, p + "certificate", true)) : null;
        Path key = section.has("privateKey") ? base.resolve(text(section, p + "privateKey", true)) : null;
        if ((cert == null) != (key == null)) {
            throw error(p + (cert == null ? "certificate" : "privateKey"),
                    "HTTPS needs both certificate and privateKey (PEM files); give both, or neither for plain HTTP");
        }
        if (withTrust && section.has("trustFile") && cert == null) {
            throw error(p + "trustFile", "only with certificate and privateKey: peers are called over HTTPS when this"
                    + " node serves HTTPS");
        }
        if (cert == null) return null;
        Path trust = !withTrust ? null : section.has("trustFile") ? base.resolve(text(section, p + "trustFile", true)) : cert;
        return new NodeConfig.Tls(cert, key, trust);
    }

    /** The core's names of device settings, as the configuration spells them. */
    private static final Map<String, String> DEVICE_KEYS = Map.of("model", "model", "fqdn", "fqdn", "nat", "nat",
            "priority", "priority", "public address", "publicAddress", "private address", "privateAddress");

    /** One value, or a list of values (for example an IPv4 and an IPv6 NAT address). */
    private List<String> words(String path, JsonNode n) {
        if (n.isValueNode() && !n.asText().isBlank()) return List.of(n.asText());
        if (!n.isArray() || n.isEmpty()) throw error(path, "a value, or a list of values");
        List<String> out = new ArrayList<>();
        for (JsonNode w : n) {
            if (!w.isValueNode()) throw error(path, "every value must be text");
            out.add(w.asText());
        }
        return List.copyOf(out);
    }

    private void checked(String path, Runnable check) {
        try {
            check.run();
        } catch (Invalid e) {
            throw error(path, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- field readers

    private JsonNode object(String key, boolean required) {
        JsonNode n = yaml.root.get(key);
        if (n == null || n.isNull()) {
            if (required) throw error(key, "missing; this section is required");
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!n.isObject()) throw error(key, "must be a mapping of keys");
        return n;
    }

    private void keys(String path, JsonNode n, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                String p = path.isEmpty() ? k : path + "." + k;
                throw error(p, "unknown key '" + k + "'; allowed: " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private String text(JsonNode parent, String path, boolean required) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            if (required) throw error(path, "missing; a value is required");
            return null;
        }
        if (!n.isValueNode() || n.asText().isBlank()) throw error(path, "must be a non-empty text value");
        return n.asText();
    }

    private String nodeId(String path, String v) {
        try {
            return NodeId.of(v).value();
        } catch (Invalid e) {
            throw error(path, e.getMessage());
        }
    }

    private String address(String path, String v) {
        if (!v.matches("[0-9A-Za-z.:_-]+")) throw error(path, "'" + v + "' is not an IP address or host name");
        return v;
    }

    private int port(String path, JsonNode n) {
        return (int) integer(path, n, 1, 65535);
    }

    private long integer(String path, JsonNode n, long min, long max) {
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            throw error(path, "'" + n.asText() + "' is not allowed; allowed: a whole number from " + min + " to " + max);
        }
        return n.asLong();
    }

    private boolean bool(String path, JsonNode n) {
        if (!n.isBoolean()) throw error(path, "'" + n.asText() + "' is not allowed; allowed: true or false");
        return n.asBoolean();
    }

    private Duration duration(String path, JsonNode n) {
        try {
            return Durations.parse(path, n.asText());
        } catch (Invalid e) {
            throw error(path, e.getMessage());
        }
    }

    private List<String> command(String path, JsonNode n) {
        if (n.isTextual() && !n.asText().isBlank()) return List.of("/bin/sh", "-c", n.asText());
        if (!n.isArray() || n.isEmpty()) throw error(path, "a command: a list of words, or one shell line");
        List<String> out = new ArrayList<>();
        for (JsonNode w : n) {
            if (!w.isValueNode()) throw error(path, "every word of a command must be text");
            out.add(w.asText());
        }
        return List.copyOf(out);
    }

    private ConfigError error(String path, String message) {
        String where = file + ":" + yaml.line(path);
        return new ConfigError(where + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }
}
