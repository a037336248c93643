package dev.tandem.node.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A node's bootstrap configuration, read from one YAML file (docs/architecture.md, Configuration). Paths in it are
 * relative to the file. docs/node-config.yaml explains every key.
 *
 * @param base the directory of the configuration file
 */
public record NodeConfig(
        Path base,
        String id,
        String address,
        Admin admin,
        Cluster cluster,
        Group redundancyGroup,
        Map<String, String> parameters,
        Path stateDir,
        List<CheckConfig> criticalServices,
        ServiceControl serviceControl,
        Hooks hooks,
        LoadBalancing loadBalancing,
        SessionService sessionService,
        Store store,
        ServiceAddresses serviceAddresses) {

    /** Without a serviceAddresses section: the bind driver. */
    public NodeConfig(Path base, String id, String address, Admin admin, Cluster cluster, Group redundancyGroup,
                      Map<String, String> parameters, Path stateDir, List<CheckConfig> criticalServices,
                      ServiceControl serviceControl, Hooks hooks, LoadBalancing loadBalancing,
                      SessionService sessionService, Store store) {
        this(base, id, address, admin, cluster, redundancyGroup, parameters, stateDir, criticalServices, serviceControl,
                hooks, loadBalancing, sessionService, store, ServiceAddresses.defaults());
    }

    /** This node's own service address, or null. */
    public String serviceAddress() {
        return redundancyGroup.nodes().stream().filter(m -> m.id().equals(id)).findFirst()
                .map(Member::serviceAddress).orElse(null);
    }

    /**
     * The admin API. {@code tls}: HTTPS only, or null for plain HTTP; a peer's admin API is then reached over HTTPS
     * too, its certificate checked against {@code tls.trustFile()}.
     */
    public record Admin(String address, int port, Path tokenFile, Tls tls) {
        public Admin(String address, int port, Path tokenFile) {
            this(address, port, tokenFile, null);
        }
    }

    /**
     * A server's TLS (docs/node.md): a PEM certificate chain and its PKCS#8 PEM private key, read the way the
     * redirect service reads its own. {@code trustFile}: the PEM certificates (a CA, or the peer's certificate)
     * that a peer's certificate must chain to when this node calls it; null where the node calls no one.
     */
    public record Tls(Path certificate, Path privateKey, Path trustFile) {}

    /** {@code keyFile}: a file holding the cluster key; {@code key8}: the key encrypted at rest ([LB-GROUP]: cluster key 8). */
    public record Cluster(Path keyFile, String key8, Path masterKeyFile, boolean encryption) {}

    /**
     * A node of the redundancy group: the address its peer and the admin API reach it on, and the service address
     * that follows its users (docs/redundancy.md, Service addresses), or null when it has none.
     */
    public record Member(String id, String address, String serviceAddress) {
        public Member(String id, String address) {
            this(id, address, null);
        }
    }

    /**
     * How this node puts service addresses on its host and takes them off: {@code bind} (the address is routed here
     * already, as 127.0.0.0/8 is, so binding the session service to it is enough), {@code linux} ({@code ip addr}
     * on {@code interface} and a gratuitous ARP) or {@code script} (the operator's commands).
     */
    public record ServiceAddresses(String driver, String driverInterface, List<String> claimCommand,
                                   List<String> releaseCommand) {
        public static ServiceAddresses defaults() {
            return new ServiceAddresses("bind", null, List.of(), List.of());
        }
    }

    public record Group(String name, String description, boolean highAvailability, List<Member> nodes) {}

    /** Commands that stop and start the critical services ([RG-MANUAL]: manual failover stops them, fallback starts them). */
    public record ServiceControl(List<String> stop, List<String> start, java.time.Duration timeout) {}

    /**
     * The load-balancing group ([LB-ABOUT]), or null when this node takes no part. {@code member}: the name this
     * node speaks for (its id, or its redundancy group's name when both nodes of the pair speak for one member);
     * {@code peers}: the other nodes of the group and their private addresses, where group messages go; {@code addressDriver}: bind, linux or script.
     */
    public record LoadBalancing(String clusterAddress, int clusterPort, String mode, boolean participate,
                                int priority, String publicAddress, String privateAddress, List<String> nat,
                                boolean redirectFqdn, String fqdn, String model, int maxSessions, String member,
                                List<Member> peers, String addressDriver, String driverInterface,
                                List<String> claimCommand, List<String> releaseCommand,
                                Map<String, String> timing, List<String> onDirectorChange, Redirect redirect) {}

    /**
     * The redirect service the director runs on the cluster address ([LB-ABOUT]: clients are
     * redirected to the least-loaded member).
     *
     * @param enabled       whether the director answers clients at all (a group used only for its address may not)
     * @param port          the TCP port on the cluster address: 443 with TLS, 8443 without, unless configured
     * @param servicePort   the port of the session service on each member, where clients are sent
     * @param certificate   PEM certificate chain for HTTPS, or null for plain HTTP
     * @param privateKey    PEM private key (PKCS#8) for the certificate, or null
     * @param userParameter the query parameter that names a user for user-homed routing
     * @param userHeader    the request header that names a user for user-homed routing
     * @param retryAfter    what a refused client is told to wait before it asks again
     */
    public record Redirect(boolean enabled, int port, int servicePort, Path certificate, Path privateKey,
                           String userParameter, String userHeader, java.time.Duration retryAfter) {
        public static final int DEFAULT_TLS_PORT = 443;
        public static final int DEFAULT_PLAIN_PORT = 8443;

        public boolean tls() {
            return certificate != null;
        }

        /** The defaults: plain HTTP on 8443, clients sent to the same port on the member. */
        public static Redirect defaults() {
            return new Redirect(true, DEFAULT_PLAIN_PORT, DEFAULT_PLAIN_PORT, null, null, "user", "X-Tandem-User",
                    java.time.Duration.ofSeconds(5));
        }
    }

    /**
     * The session service the node runs beside itself, or null when the configuration has no sessionService
     * section. Clients log in at {@code address:port}; a session without a heartbeat for {@code inactiveAfter}
     * becomes inactive (it holds its licence but is not load, the specification ([LB-SHOW])) and ends after {@code endAfter} more.
     * {@code tls}: HTTPS only (no trust file), or null for plain HTTP.
     */
    public record SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                                 java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader,
                                 Tls tls) {
        /** Plain HTTP. */
        public SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                              java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader) {
            this(address, port, maxSessions, heartbeatInterval, inactiveAfter, endAfter, userHeader, null);
        }

        /** The redirect service's port in the demo and tests (docs/architecture.md, Transport); members serve on the same port. */
        public static final int DEFAULT_PORT = 8443;
        /** Without a load-balancing section: the same default as loadBalancing.maxSessions. */
        public static final int DEFAULT_MAX_SESSIONS = 100;
        public static final java.time.Duration DEFAULT_HEARTBEAT_INTERVAL = java.time.Duration.ofSeconds(30);
        /** Three missed heartbeats, the usual liveness rule (keepalived, Corosync tokens). */
        public static final int DEFAULT_MISSED_HEARTBEATS = 3;
        public static final java.time.Duration DEFAULT_END_AFTER = java.time.Duration.ofMinutes(30);
        public static final String DEFAULT_USER_HEADER = "X-Tandem-User";
    }

    /**
     * The cluster store (docs/store.md): a JDBC URL (H2 file or PostgreSQL), the user and a file holding the
     * password. Default: an H2 file in the state directory.
     */
    public record Store(String url, String user, Path passwordFile) {}

    /** keepalived-style notify hooks and the user-move hooks whose exit status decides success. */
    public record Hooks(List<String> onStateChange, List<String> takeOverUsers, List<String> takeBackUsers,
                        java.time.Duration timeout) {}
}
