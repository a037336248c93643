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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's YAML configuration and checks every field. The first problem stops the node with a message
 * naming the file, line, field, value and what is allowed (the daemon exits with code 2).
 */
public final class ConfigLoader extends ConfigReader {
    private static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);

    private final ConfigFile f;
    private final ServiceSections services;

    private ConfigLoader(Path file, LocatedYaml yaml) {
        super(file, yaml);
        this.f = ConfigBinding.bind(yaml.root, this::error);
        this.services = new ServiceSections(file, yaml);
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
        Path base = file.toAbsolutePath().getParent();

        if (f.node() == null) throw error("node", "missing; this section is required");
        String id = nodeId("node.id", required("node.id", f.node().id()));
        String address = address("node.address", required("node.address", f.node().address()));

        ConfigFile.AdminSection a = f.admin() != null ? f.admin()
                : new ConfigFile.AdminSection(null, null, null, null, null, null, null, null);
        NodeConfig.Admin admin = new NodeConfig.Admin(
                a.address() != null ? address("admin.address", a.address()) : address,
                a.port() != null ? a.port().intValue() : ServiceParameters.DEFAULT_ADMIN_RPC_PORT,
                a.tokenFile() != null ? base.resolve(a.tokenFile()) : null,
                tls("admin.", a.certificate(), a.privateKey(), a.trustFile(), true),
                http("admin.http", a.http(), NodeConfig.Admin.DEFAULT_MAX_BODY_BYTES),
                a.maxImportBytes() != null ? a.maxImportBytes() : NodeConfig.Admin.DEFAULT_MAX_IMPORT_BYTES);

        ConfigFile.ClusterSection c = f.cluster() != null ? f.cluster()
                : new ConfigFile.ClusterSection(null, null, null, null);
        boolean encryption = Boolean.TRUE.equals(c.encryption());
        Path keyFile = c.keyFile() != null ? base.resolve(c.keyFile()) : null;
        String key8 = c.key8();
        Path master = c.masterKeyFile() != null ? base.resolve(c.masterKeyFile()) : null;
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
        Path stateDir = base.resolve(f.stateDir() != null ? f.stateDir() : "state/" + id);
        List<CheckConfig> checks = checks();
        NodeConfig.ServiceControl control = serviceControl();
        NodeConfig.Hooks hooks = hooks();
        NodeConfig.LoadBalancing lb = services.loadBalancing(f.loadBalancing(), id, address, group);
        ConfigFile.SessionSection session = f.sessionService() != null ? f.sessionService()
                : yaml.root.has("sessionService") ? ConfigFile.SessionSection.DEFAULTS : null;
        NodeConfig.SessionService sessions = services.sessionService(session, id, address, lb, group);
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
        ConfigFile.GroupSection g = f.redundancyGroup();
        if (g == null || g.equals(new ConfigFile.GroupSection(null, null, null, null))) {
            return new NodeConfig.Group(self, "", false, List.of(new NodeConfig.Member(self, selfAddress)));
        }
        String name = required("redundancyGroup.name", g.name());
        String description = g.description() != null ? g.description() : "";
        boolean ha = g.highAvailability() == null || g.highAvailability();
        if (g.nodes() == null) throw error("redundancyGroup.nodes", "a list of one or two {id, address}");
        List<NodeConfig.Member> members = new ArrayList<>();
        for (int i = 0; i < g.nodes().size(); i++) {
            String p = "redundancyGroup.nodes[" + i + "]";
            ConfigFile.MemberSection m = g.nodes().get(i);
            if (m == null) throw error(p, "a mapping with id and address");
            String service = m.serviceAddress();
            if (service != null) checked(p + ".serviceAddress", () -> dev.tandem.core.lb.IpAddress.parse("service address", service));
            members.add(new NodeConfig.Member(nodeId(p + ".id", required(p + ".id", m.id())),
                    address(p + ".address", required(p + ".address", m.address())), service,
                    heartbeatAddresses(p + ".heartbeatAddresses", m.heartbeatAddresses())));
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
        ConfigFile.DriverSection s = f.serviceAddresses();
        if (s == null) return NodeConfig.ServiceAddresses.defaults();
        return addressDriver("serviceAddresses.", s, "driver");
    }

    private Map<String, String> parameters() {
        Map<String, String> m = new LinkedHashMap<>();
        if (f.parameters() == null) return m;
        for (Map.Entry<String, String> e : f.parameters().entrySet()) {
            if (!ServiceParameters.NAMES.contains(e.getKey())) {
                throw error("parameters." + e.getKey(), "unknown key '" + e.getKey() + "'; allowed: "
                        + new java.util.TreeSet<>(ServiceParameters.NAMES));
            }
            m.put(e.getKey(), required("parameters." + e.getKey(), e.getValue()));
        }
        try {
            ServiceParameters.fromText(m);
        } catch (Invalid e) {
            throw error("parameters." + e.field(), e.getMessage());
        }
        return m;
    }

    private List<CheckConfig> checks() {
        List<ConfigFile.CheckSection> list = f.criticalServices();
        if (list == null) return List.of();
        List<CheckConfig> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "criticalServices[" + i + "]";
            ConfigFile.CheckSection c = list.get(i);
            if (c == null) throw error(p, "a mapping with name and kind");
            String name = required(p + ".name", c.name());
            if (!names.add(name)) throw error(p + ".name", "'" + name + "' is used twice; each check needs its own name");
            String kind = required(p + ".kind", c.kind());
            if (!CheckConfig.KINDS.contains(kind)) throw error(p + ".kind", "'" + kind + "' is not allowed; allowed: " + CheckConfig.KINDS);
            String target = c.target();
            String url = c.url();
            Integer status = c.expectStatus() != null ? c.expectStatus().intValue() : null;
            String body = c.bodyContains();
            String pidFile = c.pidFile();
            String processName = c.processName();
            List<String> command = c.command() != null ? command(p + ".command", c.command()) : null;
            String jdbc = c.jdbcUrl();
            String iface = c.iface();
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
                        throw error(p + (c.iface() != null ? ".interface" : ".name"), "'" + iface + "' is not a network"
                                + " interface name; allowed: 1 to 15 characters, none of them / : or a space, not . or .."
                                + (c.iface() != null ? "" : " (or give the interface in the key interface)"));
                    }
                }
                default -> throw new IllegalStateException(kind);
            }
            Duration interval = c.interval() != null ? duration(p + ".interval", c.interval()) : DEFAULT_CHECK_INTERVAL;
            Duration timeout = c.timeout() != null ? duration(p + ".timeout", c.timeout()) : DEFAULT_CHECK_TIMEOUT;
            if (interval.toMillis() < 10) throw error(p + ".interval", "at least 10ms");
            if (timeout.toMillis() < 1 || timeout.compareTo(interval) > 0) throw error(p + ".timeout", "from 1ms up to the interval (" + Durations.format(interval) + ")");
            int failAfter = c.failAfter() != null ? c.failAfter().intValue() : 1;
            int recoverAfter = c.recoverAfter() != null ? c.recoverAfter().intValue() : 1;
            out.add(new CheckConfig(name, kind, target, url, status, body,
                    pidFile, processName, command, jdbc, interval, timeout, iface, failAfter, recoverAfter));
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
        ConfigFile.StoreSection s = f.store() != null ? f.store() : new ConfigFile.StoreSection(null, null, null);
        String url = s.url() != null ? s.url()
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
        String user = s.user();
        Path passwordFile = s.passwordFile() != null ? base.resolve(s.passwordFile()) : null;
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw error("store.passwordFile", "'" + passwordFile + "' is not a readable file; allowed: a file holding the store password");
        }
        return new NodeConfig.Store(url, user, passwordFile);
    }

    private NodeConfig.ServiceControl serviceControl() {
        ConfigFile.ServiceControlSection s = f.serviceControl() != null ? f.serviceControl()
                : new ConfigFile.ServiceControlSection(null, null, null);
        return new NodeConfig.ServiceControl(
                s.stop() != null ? command("serviceControl.stop", s.stop()) : List.of(),
                s.start() != null ? command("serviceControl.start", s.start()) : List.of(),
                s.timeout() != null ? duration("serviceControl.timeout", s.timeout()) : DEFAULT_HOOK_TIMEOUT);
    }

    private NodeConfig.Hooks hooks() {
        ConfigFile.HooksSection h = f.hooks() != null ? f.hooks() : new ConfigFile.HooksSection(null, null, null, null);
        return new NodeConfig.Hooks(
                h.onStateChange() != null ? command("hooks.onStateChange", h.onStateChange()) : List.of(),
                h.takeOverUsers() != null ? command("hooks.takeOverUsers", h.takeOverUsers()) : List.of(),
                h.takeBackUsers() != null ? command("hooks.takeBackUsers", h.takeBackUsers()) : List.of(),
                h.timeout() != null ? duration("hooks.timeout", h.timeout()) : DEFAULT_HOOK_TIMEOUT);
    }

}
