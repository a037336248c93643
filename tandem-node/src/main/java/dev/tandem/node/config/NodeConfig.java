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

    /**
     * The limits every HTTP server of the node (admin API, session service, redirect service) puts on its clients
     * (docs/node.md, HTTP limits): a slow or hostile client holds a connection for a bounded time and a bounded
     * number of connections, and sends a bounded body.
     *
     * @param headerTimeout           a request's header must arrive whole within this time of its first byte
     * @param idleTimeout             a connection that sends and receives nothing for this long is closed
     * @param maxConnectionsPerClient open connections one client address may hold; more are refused with 503
     * @param maxBodyBytes            the largest request body (413 above it)
     */
    public record Http(java.time.Duration headerTimeout, java.time.Duration idleTimeout, int maxConnectionsPerClient,
                       long maxBodyBytes) {
        /** Ten seconds: a header is a few hundred bytes; even a slow mobile link sends it in well under a second. */
        public static final java.time.Duration DEFAULT_HEADER_TIMEOUT = java.time.Duration.ofSeconds(10);
        /** A minute: longer than a client's heartbeat interval (30 s by default), so a keep-alive client keeps its connection. */
        public static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofSeconds(60);
        /** Enough for many clients behind one NAT address, far below what exhausts the server's file descriptors. */
        public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 100;

        public static Http defaults(long maxBodyBytes) {
            return new Http(DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, maxBodyBytes);
        }
    }

    /** This node's own service address, or null. */
    public String serviceAddress() {
        return redundancyGroup.nodes().stream().filter(m -> m.id().equals(id)).findFirst()
                .map(Member::serviceAddress).orElse(null);
    }

    /**
     * The admin API. {@code tls}: HTTPS only, or null for plain HTTP; a peer's admin API is then reached over HTTPS
     * too, its certificate checked against {@code tls.trustFile()}. {@code maxImportBytes}: the largest user import
     * (a million users are about 30 MB of CSV, docs/store.md); every other request body is capped by
     * {@code http.maxBodyBytes}.
     */
    public record Admin(String address, int port, Path tokenFile, Tls tls, Http http, long maxImportBytes) {
        /** JSON documents (settings, users, parameters) are a few kilobytes; a megabyte leaves room to spare. */
        public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
        /** Twice a million users' CSV. */
        public static final long DEFAULT_MAX_IMPORT_BYTES = 64L << 20;

        public Admin(String address, int port, Path tokenFile) {
            this(address, port, tokenFile, null);
        }

        public Admin(String address, int port, Path tokenFile, Tls tls) {
            this(address, port, tokenFile, tls, Http.defaults(DEFAULT_MAX_BODY_BYTES), DEFAULT_MAX_IMPORT_BYTES);
        }

        public Admin(String address, int port, Path tokenFile, Http http, long maxImportBytes) {
            this(address, port, tokenFile, null, http, maxImportBytes);
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
     * {@code heartbeatAddresses}: its further heartbeat paths besides {@code address} (a dedicated failover link, the
     * data network), paired in order with the peer's; read from this node's file only, never from the store
     * (docs/redundancy.md, Heartbeat paths; docs/decisions/0078-heartbeat-paths-are-node-local.md).
     */
    public record Member(String id, String address, String serviceAddress, List<String> heartbeatAddresses) {
        public Member {
            heartbeatAddresses = heartbeatAddresses == null ? List.of() : List.copyOf(heartbeatAddresses);
        }

        public Member(String id, String address, String serviceAddress) {
            this(id, address, serviceAddress, List.of());
        }

        public Member(String id, String address) {
            this(id, address, null);
        }

        /** Every heartbeat path's address on this node, {@code address} first. */
        public List<String> heartbeatPaths() {
            List<String> out = new java.util.ArrayList<>();
            out.add(address);
            out.addAll(heartbeatAddresses);
            return List.copyOf(out);
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
                                Map<String, String> timing, List<String> onDirectorChange, Redirect redirect) {

        /** The same member, sending the group's messages to these nodes. */
        public LoadBalancing withPeers(List<Member> nodes) {
            return new LoadBalancing(clusterAddress, clusterPort, mode, participate, priority, publicAddress,
                    privateAddress, nat, redirectFqdn, fqdn, model, maxSessions, member, nodes, addressDriver,
                    driverInterface, claimCommand, releaseCommand, timing, onDirectorChange, redirect);
        }

        /** The same member of a group whose cluster address moved. */
        public LoadBalancing withClusterAddress(String address) {
            return new LoadBalancing(address, clusterPort, mode, participate, priority, publicAddress, privateAddress,
                    nat, redirectFqdn, fqdn, model, maxSessions, member, peers, addressDriver, driverInterface,
                    claimCommand, releaseCommand, timing, onDirectorChange, redirect);
        }
    }

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
                           String userParameter, String userHeader, java.time.Duration retryAfter, Http http) {
        public static final int DEFAULT_TLS_PORT = 443;
        public static final int DEFAULT_PLAIN_PORT = 8443;
        /** A redirect request has no body worth keeping; 64 KiB is what the service always accepted. */
        public static final long DEFAULT_MAX_BODY_BYTES = 64L << 10;

        public Redirect(boolean enabled, int port, int servicePort, Path certificate, Path privateKey,
                        String userParameter, String userHeader, java.time.Duration retryAfter) {
            this(enabled, port, servicePort, certificate, privateKey, userParameter, userHeader, retryAfter,
                    Http.defaults(DEFAULT_MAX_BODY_BYTES));
        }

        public boolean tls() {
            return certificate != null;
        }

        /** The defaults: plain HTTP on 8443, clients sent to the same port on the member. */
        public static Redirect defaults() {
            return new Redirect(true, DEFAULT_PLAIN_PORT, DEFAULT_PLAIN_PORT, null, null, "user", "X-Tandem-User",
                    java.time.Duration.ofSeconds(5), Http.defaults(DEFAULT_MAX_BODY_BYTES));
        }
    }

    /**
     * The session service the node runs beside itself, or null when the configuration has no sessionService
     * section. Clients log in at {@code address:port}; a session without a heartbeat for {@code inactiveAfter}
     * becomes inactive (it holds its licence but is not load, the specification ([LB-SHOW])) and ends after
     * {@code endAfter} more. One client address holds at most {@code maxSessionsPerAddress} sessions and one user at
     * most {@code maxSessionsPerUser}, so that no single client can take every licence. {@code tls}: HTTPS only (no
     * trust file), or null for plain HTTP. {@code replication}: what happens to sessions when the users move to the
     * peer (docs/session-service.md, Stateful failover).
     */
    public record SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                                 java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader,
                                 int maxSessionsPerAddress, int maxSessionsPerUser, Http http, Tls tls,
                                 Replication replication) {
        /** The default replication. */
        public SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                              java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader,
                              int maxSessionsPerAddress, int maxSessionsPerUser, Http http, Tls tls) {
            this(address, port, maxSessions, heartbeatInterval, inactiveAfter, endAfter, userHeader,
                    maxSessionsPerAddress, maxSessionsPerUser, http, tls, Replication.defaults());
        }

        /** This configuration with another replication. */
        public SessionService withReplication(Replication r) {
            return new SessionService(address, port, maxSessions, heartbeatInterval, inactiveAfter, endAfter, userHeader,
                    maxSessionsPerAddress, maxSessionsPerUser, http, tls, r);
        }

        /**
         * A tenth of the default licences: a busy NAT address still logs in many clients, and one hostile address
         * leaves nine tenths of the licences to everyone else.
         */
        public static final int DEFAULT_MAX_SESSIONS_PER_ADDRESS = 10;
        /** A user on a few devices at once (laptop, phone, tablet) with room for a session that is still ending. */
        public static final int DEFAULT_MAX_SESSIONS_PER_USER = 5;
        /** Login, heartbeat and logout bodies are a few dozen bytes of JSON. */
        public static final long DEFAULT_MAX_BODY_BYTES = 16L << 10;

        /** Plain HTTP with the default limits. */
        public SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                              java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader) {
            this(address, port, maxSessions, heartbeatInterval, inactiveAfter, endAfter, userHeader, null);
        }

        /** The default limits. */
        public SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                              java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader,
                              Tls tls) {
            this(address, port, maxSessions, heartbeatInterval, inactiveAfter, endAfter, userHeader,
                    DEFAULT_MAX_SESSIONS_PER_ADDRESS, DEFAULT_MAX_SESSIONS_PER_USER, Http.defaults(DEFAULT_MAX_BODY_BYTES),
                    tls);
        }

        /** Plain HTTP. */
        public SessionService(String address, int port, int maxSessions, java.time.Duration heartbeatInterval,
                              java.time.Duration inactiveAfter, java.time.Duration endAfter, String userHeader,
                              int maxSessionsPerAddress, int maxSessionsPerUser, Http http) {
            this(address, port, maxSessions, heartbeatInterval, inactiveAfter, endAfter, userHeader,
                    maxSessionsPerAddress, maxSessionsPerUser, http, null);
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
     * Session replication to the redundancy peer (docs/decisions/0071-sessions-follow-their-users.md).
     *
     * @param handover   keep (replicate, sessions survive a move) or relogin (the specification's behaviour)
     * @param port       the TCP port this node takes copies on, at its node address; the same on both nodes
     * @param ackTimeout the longest a login waits for the peer's acknowledgement before it is answered anyway and the
     *                   standby is reported not ready
     */
    public record Replication(dev.tandem.core.rm.SessionHandover.Mode handover, int port,
                              java.time.Duration ackTimeout) {
        /** The port after the specification's service port (22001) and admin RPC port's neighbourhood. */
        public static final int DEFAULT_PORT = 22002;
        /**
         * A quarter second: hundreds of times a loopback or LAN round trip, so a healthy peer always answers within
         * it, and short enough that a login while the peer hangs is slowed by no more than a client barely notices.
         */
        public static final java.time.Duration DEFAULT_ACK_TIMEOUT = java.time.Duration.ofMillis(250);

        public static Replication defaults() {
            return new Replication(dev.tandem.core.rm.SessionHandover.Mode.KEEP, DEFAULT_PORT, DEFAULT_ACK_TIMEOUT);
        }
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
