package dev.tandem.node.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A node's bootstrap configuration, read from one YAML file (DESIGN.md, Configuration). Paths in it are
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
        Store store) {

    public record Admin(String address, int port, Path tokenFile) {}

    /** {@code keyFile}: a file holding the cluster key; {@code key8}: the key encrypted at rest (seed 004: cluster key 8). */
    public record Cluster(Path keyFile, String key8, Path masterKeyFile, boolean encryption) {}

    public record Member(String id, String address) {}

    public record Group(String name, String description, boolean highAvailability, List<Member> nodes) {}

    /** Commands that stop and start the critical services (seed 000: manual failover stops them, fallback starts them). */
    public record ServiceControl(List<String> stop, List<String> start, java.time.Duration timeout) {}

    /**
     * The load-balancing group (seed 004), or null when this node takes no part. {@code member}: the name this
     * node speaks for (its id, or its redundancy group's name when both nodes of the pair speak for one member);
     * {@code peers}: the other nodes of the group and their private addresses, where group messages go; {@code addressDriver}: bind, linux or script.
     */
    public record LoadBalancing(String clusterAddress, int clusterPort, String mode, boolean participate,
                                int priority, String publicAddress, String privateAddress, List<String> nat,
                                boolean redirectFqdn, String fqdn, String model, int maxSessions, String member,
                                List<Member> peers, String addressDriver, String driverInterface,
                                List<String> claimCommand, List<String> releaseCommand,
                                Map<String, String> timing, List<String> onDirectorChange) {}

    /**
     * The cluster store (docs/store.md): a JDBC URL (H2 file or PostgreSQL), the user and a file holding the
     * password. Default: an H2 file in the state directory.
     */
    public record Store(String url, String user, Path passwordFile) {}

    /** keepalived-style notify hooks and the user-move hooks whose exit status decides success. */
    public record Hooks(List<String> onStateChange, List<String> takeOverUsers, List<String> takeBackUsers,
                        java.time.Duration timeout) {}
}
