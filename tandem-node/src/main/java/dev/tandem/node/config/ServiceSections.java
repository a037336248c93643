package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sections of a node's file for the services it runs beside its redundancy group: its load-balancing member and
 * the director's redirect service, and its session service (docs/node-config.yaml).
 */
final class ServiceSections extends ConfigReader {
    private static final Set<String> LB_KEYS = Set.of("clusterAddress", "clusterPort", "mode", "participate",
            "priority", "publicAddress", "privateAddress", "nat", "redirectFqdn", "fqdn", "model", "maxSessions",
            "member", "peers", "addressDriver", "interface", "claimCommand", "releaseCommand", "timing",
            "onDirectorChange", "redirect");
    private static final Set<String> REDIRECT_KEYS = Set.of("enabled", "port", "servicePort", "certificate",
            "privateKey", "userParameter", "userHeader", "retryAfter", "http");
    private static final Set<String> TIMING_KEYS = Set.of("keepaliveInterval", "keepaliveWait", "keepaliveRetries",
            "helloInterval", "helloRetries", "discoveryWindow");
    private static final Set<String> SESSION_KEYS = Set.of("address", "port", "maxSessions", "heartbeatInterval",
            "inactiveAfter", "endAfter", "userHeader", "certificate", "privateKey", "maxSessionsPerAddress",
            "maxSessionsPerUser", "http", "handover", "replicationPort", "replicationAckTimeout");

    /** The core's names of device settings, as the configuration spells them. */
    private static final Map<String, String> DEVICE_KEYS = Map.of("model", "model", "fqdn", "fqdn", "nat", "nat",
            "priority", "priority", "public address", "publicAddress", "private address", "privateAddress");

    ServiceSections(Path file, LocatedYaml yaml) {
        super(file, yaml);
    }

    NodeConfig.LoadBalancing loadBalancing(String self, String address, NodeConfig.Group group) {
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
            for (Map.Entry<String, JsonNode> e : t.properties()) {
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

    NodeConfig.SessionService sessionService(String self, String nodeAddress, NodeConfig.LoadBalancing lb,
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
}
