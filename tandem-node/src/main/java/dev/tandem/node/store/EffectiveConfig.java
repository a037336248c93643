package dev.tandem.node.store;

import dev.tandem.node.config.NodeConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration a node runs: its file, with the store's version of what the store holds for it (its
 * redundancy group, the service parameters, the load-balancing group, its own device and the other devices it sends
 * the group's messages to). Identity, addresses it binds, keys, checks, hooks and the address driver stay the file's.
 */
public final class EffectiveConfig {
    private EffectiveConfig() {}

    public static NodeConfig of(NodeConfig yaml, ClusterSettings s) {
        NodeConfig.Group group = yaml.redundancyGroup();
        Optional<ClusterSettings.Group> g = s.groupOf(yaml.id());
        if (g.isPresent()) {
            // Heartbeat paths are the file's, never the store's (docs/decisions/0078-heartbeat-paths-are-node-local.md).
            Map<String, java.util.List<String>> paths = new java.util.HashMap<>();
            for (NodeConfig.Member m : yaml.redundancyGroup().nodes()) paths.put(m.id(), m.heartbeatAddresses());
            group = new NodeConfig.Group(g.get().name(), g.get().description(), g.get().ha(), g.get().nodes().stream()
                    .map(m -> new NodeConfig.Member(m.id(), m.address(), m.serviceAddress(),
                            paths.getOrDefault(m.id(), java.util.List.of()))).toList());
        }
        Map<String, String> params = s.seeded() ? s.serviceParametersOf(yaml.id()).asText() : yaml.parameters();
        NodeConfig.LoadBalancing lb = yaml.loadBalancing();
        Optional<ClusterSettings.Device> d = s.device(yaml.id());
        if (lb != null && s.lbGroup() != null && d.isPresent()) {
            ClusterSettings.LbGroup sg = s.lbGroup();
            ClusterSettings.Device dev = d.get();
            lb = new NodeConfig.LoadBalancing(sg.clusterAddress(), sg.clusterPort(), sg.mode(), dev.participate(),
                    dev.priority(), dev.publicAddress(), dev.privateAddress(), dev.nat(), dev.redirectFqdn(), dev.fqdn(),
                    lb.model(), lb.maxSessions(), lb.member(), peers(yaml.id(), lb.peers(), s), lb.addressDriver(),
                    lb.driverInterface(),
                    lb.claimCommand(), lb.releaseCommand(), lb.timing(), lb.onDirectorChange(), lb.redirect());
        }
        return new NodeConfig(yaml.base(), yaml.id(), yaml.address(), yaml.admin(), yaml.cluster(), group, params,
                yaml.stateDir(), yaml.criticalServices(), yaml.serviceControl(), yaml.hooks(), lb, yaml.sessionService(),
                yaml.store(), yaml.serviceAddresses());
    }

    /**
     * The nodes this one sends the group's messages to: every other device of the store's load-balancing group at its
     * private address, and the file's peers the store does not know yet (the file's list is a bootstrap: what a node
     * needs before the store has the other devices).
     */
    static java.util.List<NodeConfig.Member> peers(String self, java.util.List<NodeConfig.Member> file, ClusterSettings s) {
        Map<String, NodeConfig.Member> out = new java.util.LinkedHashMap<>();
        for (ClusterSettings.Device d : s.devices()) {
            if (!d.node().equals(self)) out.put(d.node(), new NodeConfig.Member(d.node(), d.privateAddress()));
        }
        for (NodeConfig.Member m : file) out.putIfAbsent(m.id(), m);
        return java.util.List.copyOf(out.values());
    }
}
