package dev.tandem.node.config;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sections of a node's file for the services it runs beside its redundancy group: its load-balancing member and
 * the director's redirect service, and its session service (docs/node-config.yaml).
 */
final class ServiceSections extends ConfigReader {
    /** The core's names of device settings, as the configuration spells them. */
    private static final Map<String, String> DEVICE_KEYS = Map.of("model", "model", "fqdn", "fqdn", "nat", "nat",
            "priority", "priority", "public address", "publicAddress", "private address", "privateAddress");

    ServiceSections(Path file, LocatedYaml yaml) {
        super(file, yaml);
    }

    NodeConfig.LoadBalancing loadBalancing(ConfigFile.LbSection lb, String self, String address, NodeConfig.Group group) {
        if (lb == null) return null;
        String p = "loadBalancing.";
        String cluster = required(p + "clusterAddress", lb.clusterAddress());
        checked(p + "clusterAddress", () -> dev.tandem.core.lb.NetAddress.parse("cluster address", cluster));
        int port = lb.clusterPort() != null ? lb.clusterPort().intValue()
                : dev.tandem.core.lb.GroupSettings.DEFAULT_CLUSTER_PORT;
        String mode = lb.mode() != null ? lb.mode() : "distributed";
        if (!mode.equals("distributed") && !mode.equals("centralized")) {
            throw error(p + "mode", "'" + mode + "' is not allowed; allowed: distributed or centralized");
        }
        // [LB-PREREQ]: "VPN load balancing is disabled by default. You must explicitly enable it."
        boolean participate = Boolean.TRUE.equals(lb.participate());
        int priority = lb.priority() != null ? lb.priority().intValue() : dev.tandem.core.lb.DeviceSettings.DEFAULT_PRIORITY;
        // A member's public address is its service address when it has one: a redirect then points at an address
        // that survives the member's failure (docs/redundancy.md, Service addresses).
        String ownService = group.nodes().stream().filter(m -> m.id().equals(self)).findFirst()
                .map(NodeConfig.Member::serviceAddress).orElse(null);
        String pub = lb.publicAddress() != null ? lb.publicAddress()
                : ownService != null && (lb.member() == null || lb.member().equals(self)) ? ownService : address;
        String priv = lb.privateAddress() != null ? lb.privateAddress() : address;
        checked(p + "publicAddress", () -> dev.tandem.core.lb.IpAddress.parse("public address", pub));
        checked(p + "privateAddress", () -> dev.tandem.core.lb.IpAddress.parse("private address", priv));
        List<String> nat = lb.nat() != null ? words(p + "nat", lb.nat()) : List.of();
        if (!nat.isEmpty()) checked(p + "nat", () -> dev.tandem.core.lb.Nat.parse("nat", nat.toArray(String[]::new)));
        boolean fqdnOn = Boolean.TRUE.equals(lb.redirectFqdn());
        String fqdn = lb.fqdn();
        String model = lb.model() != null ? lb.model() : dev.tandem.core.lb.DeviceSettings.DEFAULT_MODEL;
        int max = lb.maxSessions() != null ? lb.maxSessions().intValue() : 100;
        // A node is a member on its own unless the configuration names its redundancy group (both nodes then speak for
        // one member, the specification ([LB-FAQ]) FAQ: load balancing and failover on the same device).
        String member = lb.member() != null ? lb.member() : self;
        if (!member.equals(self) && !member.equals(group.name())) {
            throw error(p + "member", "'" + member + "' is not allowed; allowed: this node's id (" + self
                    + ") or its redundancy group's name (" + group.name() + ")");
        }
        checked(p + "member", () -> dev.tandem.core.lb.MemberName.of(member));
        List<NodeConfig.Member> peers = new ArrayList<>();
        if (lb.peers() != null) {
            for (int i = 0; i < lb.peers().size(); i++) {
                String pp = p + "peers[" + i + "]";
                ConfigFile.PeerSection m = lb.peers().get(i);
                if (m == null) throw error(pp, "a mapping with id and address (the node's private address)");
                String a = required(pp + ".address", m.address());
                checked(pp + ".address", () -> dev.tandem.core.lb.IpAddress.parse("peer address", a));
                peers.add(new NodeConfig.Member(nodeId(pp + ".id", required(pp + ".id", m.id())), a));
            }
        }
        NodeConfig.ServiceAddresses d = addressDriver(p, lb.driverSection(), "addressDriver");
        String driver = d.driver();
        String iface = d.driverInterface();
        List<String> claim = d.claimCommand();
        List<String> release = d.releaseCommand();
        Map<String, String> timing = new LinkedHashMap<>();
        ConfigFile.TimingSection t = lb.timing();
        if (t != null) {
            timing.putAll(t.given());
            // Each value on its own line first, then how they fit together.
            for (Map.Entry<String, String> e : timing.entrySet()) {
                checked(p + "timing." + e.getKey(), () -> LbTimings.checkValue(e.getKey(), e.getValue()));
            }
            try {
                LbTimings.from(timing);
            } catch (Invalid e) {
                // A value out of its range is reported at its own key; values that do not fit together at the section.
                throw error(p + "timing" + (timing.containsKey(e.field()) ? "." + e.field() : ""), e.getMessage());
            }
        }
        List<String> hook = lb.onDirectorChange() != null ? command(p + "onDirectorChange", lb.onDirectorChange()) : List.of();
        NodeConfig.LoadBalancing out = new NodeConfig.LoadBalancing(cluster, port, mode, participate, priority, pub,
                priv, nat, fqdnOn, fqdn, model, max, member, List.copyOf(peers), driver, iface, claim, release,
                timing, hook, redirect(p + "redirect", lb.redirect()));
        try {
            LbTimings.device(out);
        } catch (Invalid e) {
            throw error(p + DEVICE_KEYS.getOrDefault(e.field(), e.field()), e.getMessage());
        }
        return out;
    }

    /** The director's redirect service: where it listens, where it sends clients, how it knows a user. */
    private NodeConfig.Redirect redirect(String p, ConfigFile.RedirectSection r) {
        NodeConfig.Redirect d = NodeConfig.Redirect.defaults();
        if (r == null) return d;
        String q = p + ".";
        boolean enabled = r.enabled() == null || r.enabled();
        NodeConfig.Tls tls = tls(q, r.certificate(), r.privateKey(), null, false);
        Path cert = tls == null ? null : tls.certificate();
        Path key = tls == null ? null : tls.privateKey();
        int port = r.port() != null ? r.port().intValue()
                : cert != null ? NodeConfig.Redirect.DEFAULT_TLS_PORT : NodeConfig.Redirect.DEFAULT_PLAIN_PORT;
        int servicePort = r.servicePort() != null ? r.servicePort().intValue() : port;
        String param = r.userParameter() != null ? r.userParameter() : d.userParameter();
        String header = r.userHeader() != null ? r.userHeader() : d.userHeader();
        if (!param.matches("[A-Za-z0-9_.~-]{1,64}")) {
            throw error(q + "userParameter", "'" + param + "' is not allowed; allowed: 1 to 64 of A-Z a-z 0-9 _ . ~ -");
        }
        if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
            throw error(q + "userHeader", "'" + header + "' is not allowed; allowed: an HTTP header name of 1 to 64 characters");
        }
        Duration retry = r.retryAfter() != null ? duration(q + "retryAfter", r.retryAfter()) : d.retryAfter();
        if (retry.toSeconds() < 1 || retry.toSeconds() > 3600) {
            throw error(q + "retryAfter", "'" + r.retryAfter() + "' is not allowed; allowed: 1s to 1h");
        }
        return new NodeConfig.Redirect(enabled, port, servicePort, cert, key, param, header, retry,
                http(q + "http", r.http(), NodeConfig.Redirect.DEFAULT_MAX_BODY_BYTES));
    }

    /** The session service, or null without a sessionService section (an empty one has every default). */
    NodeConfig.SessionService sessionService(ConfigFile.SessionSection s, String self, String nodeAddress,
                                             NodeConfig.LoadBalancing lb, NodeConfig.Group group) {
        if (s == null) return null;
        String p = "sessionService.";
        // Clients are redirected to the member's public address, so that is where the service listens by default;
        // unless both nodes of a pair speak for one member: its public address is then the pair's, not this node's.
        boolean ownMember = lb != null && lb.member().equals(self);
        // A service address is bound only while the node holds it (ServiceAddressShell), never for good.
        java.util.Set<String> serviceAddresses = new java.util.HashSet<>();
        for (NodeConfig.Member m : group.nodes()) {
            if (m.serviceAddress() != null) serviceAddresses.add(m.serviceAddress());
        }
        String address = s.address() != null ? address(p + "address", s.address())
                : ownMember && !serviceAddresses.contains(lb.publicAddress()) ? lb.publicAddress() : nodeAddress;
        if (serviceAddresses.contains(address)) {
            throw error(p + "address", "'" + address + "' is a service address, which the service answers on only"
                    + " while this node holds it; allowed: the node's own address or another that stays here");
        }
        int port = s.port() != null ? s.port().intValue() : NodeConfig.SessionService.DEFAULT_PORT;
        int max = s.maxSessions() != null ? s.maxSessions().intValue()
                : lb != null ? lb.maxSessions() : NodeConfig.SessionService.DEFAULT_MAX_SESSIONS;
        Duration heartbeat = s.heartbeatInterval() != null ? duration(p + "heartbeatInterval", s.heartbeatInterval())
                : NodeConfig.SessionService.DEFAULT_HEARTBEAT_INTERVAL;
        if (heartbeat.toMillis() < 10) throw error(p + "heartbeatInterval", "'" + Durations.format(heartbeat) + "' is not allowed; allowed: at least 10ms");
        Duration inactive = s.inactiveAfter() != null ? duration(p + "inactiveAfter", s.inactiveAfter())
                : heartbeat.multipliedBy(NodeConfig.SessionService.DEFAULT_MISSED_HEARTBEATS);
        if (inactive.compareTo(heartbeat) <= 0) {
            throw error(p + "inactiveAfter", "'" + Durations.format(inactive) + "' is not allowed; allowed: longer than"
                    + " heartbeatInterval (" + Durations.format(heartbeat) + "), or every session would go inactive between heartbeats");
        }
        Duration end = s.endAfter() != null ? duration(p + "endAfter", s.endAfter())
                : NodeConfig.SessionService.DEFAULT_END_AFTER;
        if (end.toMillis() < 10) throw error(p + "endAfter", "'" + Durations.format(end) + "' is not allowed; allowed: at least 10ms");
        String header = s.userHeader() != null ? s.userHeader() : NodeConfig.SessionService.DEFAULT_USER_HEADER;
        if (!header.matches("[A-Za-z0-9-]{1,64}")) {
            throw error(p + "userHeader", "'" + header + "' is not allowed; allowed: an HTTP header name (letters, digits and -)");
        }
        int perAddress = s.maxSessionsPerAddress() != null ? s.maxSessionsPerAddress().intValue()
                : NodeConfig.SessionService.DEFAULT_MAX_SESSIONS_PER_ADDRESS;
        int perUser = s.maxSessionsPerUser() != null ? s.maxSessionsPerUser().intValue()
                : NodeConfig.SessionService.DEFAULT_MAX_SESSIONS_PER_USER;
        dev.tandem.core.rm.SessionHandover.Mode handover = dev.tandem.core.rm.SessionHandover.Mode.KEEP;
        if (s.handover() != null) {
            String h = s.handover();
            handover = switch (h) {
                case "keep" -> dev.tandem.core.rm.SessionHandover.Mode.KEEP;
                case "relogin" -> dev.tandem.core.rm.SessionHandover.Mode.RELOGIN;
                default -> throw error(p + "handover", "'" + h + "' is not allowed; allowed: keep (sessions move with"
                        + " their users) or relogin (they end and clients log in again)");
            };
        }
        int replicationPort = s.replicationPort() != null ? s.replicationPort().intValue()
                : NodeConfig.Replication.DEFAULT_PORT;
        if (replicationPort == port && address.equals(nodeAddress)) {
            throw error(p + "replicationPort", "'" + replicationPort + "' is not allowed; allowed: a port other than"
                    + " sessionService.port (" + port + "), both are TCP on the node address");
        }
        Duration ackTimeout = s.replicationAckTimeout() != null
                ? duration(p + "replicationAckTimeout", s.replicationAckTimeout())
                : NodeConfig.Replication.DEFAULT_ACK_TIMEOUT;
        if (ackTimeout.toMillis() < 1 || ackTimeout.toMillis() > 10_000) {
            throw error(p + "replicationAckTimeout", "'" + Durations.format(ackTimeout) + "' is not allowed; allowed:"
                    + " 1ms to 10s (a login waits at most this long for the peer)");
        }
        return new NodeConfig.SessionService(address, port, max, heartbeat, inactive, end, header, perAddress, perUser,
                http(p + "http", s.http(), NodeConfig.SessionService.DEFAULT_MAX_BODY_BYTES),
                tls(p, s.certificate(), s.privateKey(), null, false),
                new NodeConfig.Replication(handover, replicationPort, ackTimeout));
    }
}
