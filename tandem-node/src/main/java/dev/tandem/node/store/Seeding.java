package dev.tandem.node.store;

import dev.tandem.node.config.NodeConfig;
import java.util.Optional;

/**
 * How a node's configuration file fills the store (docs/decisions/0014): only what the store does not know yet.
 * The first node to start writes the service parameters and the load-balancing group; every node adds its own
 * redundancy group and its own device when the store has none for it. After that the store wins.
 */
final class Seeding {
    private Seeding() {}

    static ClusterSettings fill(ClusterSettings s, NodeConfig yaml, Optional<String> keyFingerprint) {
        ClusterSettings out = s;
        if (!out.seeded()) out = out.withParameters(yaml.parameters()).withSeeded(true);
        ClusterSettings.Group g = group(yaml.redundancyGroup());
        ClusterSettings current = out;
        boolean unknown = current.group(g.name()).isEmpty()
                && g.nodes().stream().allMatch(m -> current.groupOf(m.id()).isEmpty());
        if (unknown) out = out.withGroup(g);
        NodeConfig.LoadBalancing lb = yaml.loadBalancing();
        if (lb != null) {
            if (out.lbGroup() == null) {
                out = out.withLoadBalancing(new ClusterSettings.LbGroup(lb.clusterAddress(), lb.clusterPort(),
                        yaml.cluster().encryption() && keyFingerprint.isPresent(), keyFingerprint.orElse(null), lb.mode(),
                        ClusterSettings.LbGroup.DEFAULT_REDIRECT_PORT), out.devices());
            }
            if (out.device(yaml.id()).isEmpty()) {
                out = out.withDevice(new ClusterSettings.Device(yaml.id(), lb.priority(), lb.publicAddress(),
                        lb.privateAddress(), lb.nat(), lb.participate(), lb.redirectFqdn(), lb.fqdn()));
            }
        }
        return out;
    }

    static ClusterSettings.Group group(NodeConfig.Group g) {
        return new ClusterSettings.Group(g.name(), g.description(), g.nodes().stream()
                .map(m -> new ClusterSettings.Member(m.id(), m.address(), m.serviceAddress())).toList(), g.highAvailability());
    }
}
