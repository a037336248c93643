package dev.tandem.node.store;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.config.ConfigError;
import dev.tandem.core.config.ConfigInterpreter;
import dev.tandem.core.config.LbConfig;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.Nat;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.VpnMode;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Everything cluster-wide that the store holds besides users, at one epoch (docs/architecture.md, Configuration). The
 * records carry text as operators write it; {@link #validate()} checks it with the core's own rules, so the
 * store, the API and the configuration file reject the same things with the same words.
 *
 * @param epoch      the version: every write to the store bumps it in the same transaction
 * @param seeded     a node has filled the store from its configuration file at least once
 * @param lbGroup    the load-balancing group's shared settings, or null when there is no group
 * @param deviceConfig each device's global-mode commands (named interfaces, crypto ikev1, dns, group URLs) and the
 *                   interface names its section uses, as {@link ConfigInterpreter#deviceText} prints them; by node
 * @param nodeParameters the service parameters a node has of its own, over the cluster's {@code parameters}; only
 *                   those the specification sets per node ({@link #NODE_PARAMETERS}); by node
 */
public record ClusterSettings(long epoch, boolean seeded, String assignmentMode, List<Group> groups,
                              Map<String, String> parameters, LbGroup lbGroup, List<Device> devices,
                              Map<String, String> deviceConfig, Map<String, Map<String, String>> nodeParameters) {
    /**
     * [RG-RELOGIN], Step 5: the Client Re-Login Lower and Upper Limits "must be configured separately for each
     * cluster node"; every other parameter is the cluster's.
     */
    public static final List<String> NODE_PARAMETERS = List.of("clientReloginLower", "clientReloginUpper");

    public ClusterSettings {
        assignmentMode = assignmentMode == null ? AssignmentMode.BALANCED.display() : assignmentMode;
        groups = groups == null ? List.of() : List.copyOf(groups);
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        devices = devices == null ? List.of() : List.copyOf(devices);
        deviceConfig = deviceConfig == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(deviceConfig));
        Map<String, Map<String, String>> byNode = new java.util.TreeMap<>();
        if (nodeParameters != null) {
            nodeParameters.forEach((node, own) -> {
                if (!own.isEmpty()) byNode.put(node, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(own)));
            });
        }
        nodeParameters = java.util.Collections.unmodifiableMap(byNode);
    }

    /** Settings in which no node has parameters of its own. */
    public ClusterSettings(long epoch, boolean seeded, String assignmentMode, List<Group> groups,
                           Map<String, String> parameters, LbGroup lbGroup, List<Device> devices,
                           Map<String, String> deviceConfig) {
        this(epoch, seeded, assignmentMode, groups, parameters, lbGroup, devices, deviceConfig, Map.of());
    }

    /** Settings without any device's global-mode commands. */
    public ClusterSettings(long epoch, boolean seeded, String assignmentMode, List<Group> groups,
                           Map<String, String> parameters, LbGroup lbGroup, List<Device> devices) {
        this(epoch, seeded, assignmentMode, groups, parameters, lbGroup, devices, Map.of());
    }

    /** A store nobody has written to: no groups, the specification's defaults. */
    public static ClusterSettings empty() {
        return new ClusterSettings(0, false, AssignmentMode.BALANCED.display(), List.of(), Map.of(), null, List.of());
    }

    /**
     * One node of a redundancy group, the address its peer and the admin API reach it on, and its service address
     * (docs/redundancy.md, Service addresses), or null.
     */
    public record Member(String id, String address, String serviceAddress) {
        public Member(String id, String address) {
            this(id, address, null);
        }
    }

    /** [RG-OVER]: a presence redundancy group. */
    public record Group(String name, String description, List<Member> nodes, boolean ha) {
        public Group {
            description = description == null ? "" : description;
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
        }

        /** The core's group: the specification's name, description and node rules are checked there. */
        public RedundancyGroup toCore() {
            List<NodeId> ids = new ArrayList<>();
            for (Member m : nodes) {
                if (m == null || m.id() == null) throw new Invalid("nodes[].id", null, "a node id");
                ids.add(NodeId.of(m.id()));
                if (m.address() == null || !m.address().matches("[0-9A-Za-z.:_-]{1,255}")) {
                    throw new Invalid("nodes[].address", m.address(), "an IP address or host name of the node " + m.id());
                }
                if (m.serviceAddress() != null) {
                    dev.tandem.core.lb.IpAddress.parse("nodes[].serviceAddress", m.serviceAddress());
                    for (Member o : nodes) {
                        if (m.serviceAddress().equals(o.address()) || (o != m && m.serviceAddress().equals(o.serviceAddress()))) {
                            throw new Invalid("nodes[].serviceAddress", m.serviceAddress(), "an address of its own,"
                                    + " other than every node's address and the other node's service address");
                        }
                    }
                }
            }
            return new RedundancyGroup(name, description, ids, ha);
        }

        public Optional<Member> member(String id) {
            return nodes.stream().filter(m -> m.id().equals(id)).findFirst();
        }
    }

    /**
     * [LB-GROUP]: the settings every member shares. The key itself never enters the store: each node reads it from
     * its key file; the store keeps the fingerprint so every node can tell whether it holds the same key.
     */
    public record LbGroup(String clusterAddress, int clusterPort, boolean encryption, String keyFingerprint,
                          String mode, int redirectPort) {
        /** docs/architecture.md, Redirect: HTTPS 443 in production. */
        public static final int DEFAULT_REDIRECT_PORT = 443;

        public boolean keySet() {
            return keyFingerprint != null && !keyFingerprint.isEmpty();
        }

        void validate() {
            NetAddress.parse("clusterAddress", clusterAddress);
            VpnMode vpn = VpnMode.parse("mode", mode);
            if (encryption && !keySet()) {
                // [LB-GROUP], step 4: encryption needs a shared secret first.
                throw new Invalid("encryption", true, "false until a cluster key is set ([LB-GROUP]: specify the shared secret first)");
            }
            new GroupSettings(NetAddress.parse("clusterAddress", clusterAddress), clusterPort, false, null, vpn);
            if (redirectPort < 1 || redirectPort > 65535) throw new Invalid("redirectPort", redirectPort, "a port from 1 to 65535");
        }

        /**
         * Whether the group's running members need a restart to run as {@code after}: the cluster address and the
         * mode apply live (the machine restarts under them); the port, key, encryption and redirect port are bound at
         * start.
         */
        public static boolean needsRestart(LbGroup before, LbGroup after) {
            if (before == null || after == null) return before != after;
            return !new LbGroup(after.clusterAddress(), before.clusterPort(), before.encryption(),
                    before.keyFingerprint(), after.mode(), before.redirectPort()).equals(after);
        }
    }

    /** [LB-DEVICE]: the settings of one device (node) of the load-balancing group. */
    public record Device(String node, int priority, String publicAddress, String privateAddress, List<String> nat,
                         boolean participate, boolean redirectFqdn, String fqdn) {
        public Device {
            nat = nat == null ? List.of() : List.copyOf(nat);
        }

        /**
         * Whether a node running as {@code before} needs a restart to run as {@code after}: a device added or
         * removed, or anything changed but what applies live (priority, NAT, redirect-fqdn, FQDN and participate, as
         * {@code StoreService.withLiveSettings} takes them), so a setting added later needs a restart until it is
         * made live on purpose.
         */
        public static boolean needsRestart(java.util.Optional<Device> before, java.util.Optional<Device> after) {
            if (before.isEmpty() || after.isEmpty()) return before.isPresent() != after.isPresent();
            Device b = before.get();
            Device a = after.get();
            return !new Device(b.node(), a.priority(), b.publicAddress(), b.privateAddress(), a.nat(), a.participate(),
                    a.redirectFqdn(), a.fqdn()).equals(a);
        }

        public DeviceSettings toCore() {
            NodeId.of(node);
            DeviceSettings d = DeviceSettings.of(IpAddress.parse("publicAddress", publicAddress),
                    IpAddress.parse("privateAddress", privateAddress)).withPriority(priority).withParticipate(participate);
            if (!nat.isEmpty()) d = d.withNat(Nat.parse("nat", nat.toArray(String[]::new)));
            if (redirectFqdn || fqdn != null) {
                d = d.withRedirectFqdn(redirectFqdn, fqdn == null ? null : HostName.parseFqdn("fqdn", fqdn));
            }
            return d;
        }
    }

    /** Checks every part with the core's rules; the first problem is thrown, naming the field. */
    public ClusterSettings validate() {
        AssignmentMode.parse(assignmentMode);
        List<RedundancyGroup> core = groups.stream().map(Group::toCore).toList();
        RedundancyGroup.checkCluster(core);
        ServiceParameters.fromText(parameters);
        for (Map.Entry<String, Map<String, String>> e : nodeParameters.entrySet()) {
            String node = e.getKey();
            NodeId.of(node);
            if (groupOf(node).isEmpty()) {
                throw new Invalid("nodeParameters", node, "a node of a redundancy group: "
                        + groups.stream().flatMap(g -> g.nodes().stream()).map(Member::id).toList());
            }
            for (String name : e.getValue().keySet()) {
                if (!NODE_PARAMETERS.contains(name)) {
                    throw new Invalid("nodeParameters." + node, name, "a parameter set per node: "
                            + String.join(", ", NODE_PARAMETERS) + " (the others are the cluster's)");
                }
            }
            try {
                serviceParametersOf(node); // the node's values over the cluster's, checked together (lower <= upper)
            } catch (Invalid x) {
                Map<String, String> merged = new LinkedHashMap<>(parameters);
                merged.putAll(e.getValue());
                throw new Invalid("nodeParameters." + node + "." + x.field(), merged.getOrDefault(x.field(), x.value()),
                        x.allowed() + " (node "
                        + node + " has its own " + e.getValue() + " over the cluster's parameters)");
            }
        }
        if (lbGroup != null) lbGroup.validate();
        Set<String> seen = new HashSet<>();
        for (Device d : devices) {
            d.toCore();
            if (!seen.add(d.node())) throw new Invalid("devices[].node", d.node(), "each node once");
        }
        for (Map.Entry<String, String> e : deviceConfig.entrySet()) {
            NodeId.of(e.getKey());
            LbConfig c;
            try {
                c = ConfigInterpreter.run(LbConfig.defaults(), e.getValue()).config();
            } catch (ConfigError x) {
                throw new Invalid("deviceConfig." + e.getKey(), x.command(), "configuration commands that apply: line "
                        + x.line() + ": " + x.reason());
            }
            // The section's names and the stored addresses must agree: the address is what the node binds.
            Optional<Device> d = device(e.getKey());
            if (c.publicName() != null && d.isPresent() && !c.publicAddress().text().equals(d.get().publicAddress())) {
                throw new Invalid("devices[].publicAddress", d.get().publicAddress(), "the address of interface "
                        + c.publicName() + " (" + c.publicAddress().text() + "), which 'interface lbpublic' names");
            }
            if (c.privateName() != null && d.isPresent() && !c.privateAddress().text().equals(d.get().privateAddress())) {
                throw new Invalid("devices[].privateAddress", d.get().privateAddress(), "the address of interface "
                        + c.privateName() + " (" + c.privateAddress().text() + "), which 'interface lbprivate' names");
            }
        }
        return this;
    }

    /** The global-mode commands of that node's device, or "" when it has none. */
    public String deviceConfig(String nodeId) {
        return deviceConfig.getOrDefault(nodeId, "");
    }

    /** Replaces that node's global-mode commands; blank removes them. */
    public ClusterSettings withDeviceConfig(String nodeId, String commands) {
        Map<String, String> m = new java.util.TreeMap<>(deviceConfig);
        if (commands == null || commands.isBlank()) m.remove(nodeId);
        else m.put(nodeId, commands);
        return new ClusterSettings(epoch, seeded, assignmentMode, groups, parameters, lbGroup, devices, m, nodeParameters);
    }

    public AssignmentMode mode() {
        return AssignmentMode.parse(assignmentMode);
    }

    public ServiceParameters serviceParameters() {
        return ServiceParameters.fromText(parameters);
    }

    /** The parameters {@code nodeId} runs with: its own ({@link #NODE_PARAMETERS}) over the cluster's. */
    public ServiceParameters serviceParametersOf(String nodeId) {
        Map<String, String> own = nodeParameters.getOrDefault(nodeId, Map.of());
        if (own.isEmpty()) return serviceParameters();
        Map<String, String> merged = new LinkedHashMap<>(serviceParameters().asText());
        merged.putAll(own);
        return ServiceParameters.fromText(merged);
    }

    /** The parameters {@code nodeId} has of its own; empty when it runs on the cluster's alone. */
    public Map<String, String> nodeParameters(String nodeId) {
        return nodeParameters.getOrDefault(nodeId, Map.of());
    }

    /**
     * Sets or clears parameters of that node's own: a null value clears it (the cluster's applies again). Checked by
     * {@link #validate()}.
     */
    public ClusterSettings withNodeParameters(String nodeId, Map<String, String> changes) {
        Map<String, Map<String, String>> all = new java.util.TreeMap<>(nodeParameters);
        Map<String, String> own = new java.util.TreeMap<>(all.getOrDefault(nodeId, Map.of()));
        changes.forEach((name, value) -> {
            if (value == null) own.remove(name);
            else own.put(name, value);
        });
        all.put(nodeId, own);
        return withNodeParameters(all);
    }

    public ClusterSettings withNodeParameters(Map<String, Map<String, String>> all) {
        return new ClusterSettings(epoch, seeded, assignmentMode, groups, parameters, lbGroup, devices, deviceConfig, all);
    }

    public List<RedundancyGroup> coreGroups() {
        return groups.stream().map(Group::toCore).toList();
    }

    public Optional<Group> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    public Optional<Group> groupOf(String nodeId) {
        return groups.stream().filter(g -> g.member(nodeId).isPresent()).findFirst();
    }

    public Optional<Device> device(String nodeId) {
        return devices.stream().filter(d -> d.node().equals(nodeId)).findFirst();
    }

    // ---------------------------------------------------------------- copies with one part changed

    public ClusterSettings withEpoch(long e) {
        return new ClusterSettings(e, seeded, assignmentMode, groups, parameters, lbGroup, devices, deviceConfig, nodeParameters);
    }

    public ClusterSettings withSeeded(boolean s) {
        return new ClusterSettings(epoch, s, assignmentMode, groups, parameters, lbGroup, devices, deviceConfig, nodeParameters);
    }

    public ClusterSettings withAssignmentMode(String m) {
        return new ClusterSettings(epoch, seeded, m, groups, parameters, lbGroup, devices, deviceConfig, nodeParameters);
    }

    /** Replaces the groups; a node no longer in any group takes its own parameters with it. */
    public ClusterSettings withGroups(List<Group> g) {
        return new ClusterSettings(epoch, seeded, assignmentMode, g, parameters, lbGroup, devices, deviceConfig,
                ofNodesIn(g, nodeParameters));
    }

    /** Those of {@code byNode} whose node is in one of {@code groups}. */
    public static Map<String, Map<String, String>> ofNodesIn(List<Group> groups, Map<String, Map<String, String>> byNode) {
        Map<String, Map<String, String>> kept = new java.util.TreeMap<>(byNode);
        kept.keySet().removeIf(node -> groups.stream().noneMatch(gr -> gr.member(node).isPresent()));
        return kept;
    }

    /** Replaces the group of that name, or adds it at the end. */
    public ClusterSettings withGroup(Group g) {
        List<Group> out = new ArrayList<>();
        boolean replaced = false;
        for (Group old : groups) {
            if (old.name().equals(g.name())) {
                out.add(g);
                replaced = true;
            } else {
                out.add(old);
            }
        }
        if (!replaced) out.add(g);
        return withGroups(out);
    }

    public ClusterSettings withoutGroup(String name) {
        return withGroups(groups.stream().filter(g -> !g.name().equals(name)).toList());
    }

    public ClusterSettings mapGroup(String name, UnaryOperator<Group> change) {
        return withGroups(groups.stream().map(g -> g.name().equals(name) ? change.apply(g) : g).toList());
    }

    public ClusterSettings withParameters(Map<String, String> p) {
        return new ClusterSettings(epoch, seeded, assignmentMode, groups, p, lbGroup, devices, deviceConfig, nodeParameters);
    }

    public ClusterSettings withLoadBalancing(LbGroup g, List<Device> d) {
        return new ClusterSettings(epoch, seeded, assignmentMode, groups, parameters, g, d, deviceConfig, nodeParameters);
    }

    /** Replaces that node's device settings, or adds them. */
    public ClusterSettings withDevice(Device d) {
        List<Device> out = new ArrayList<>(devices.stream().filter(x -> !x.node().equals(d.node())).toList());
        out.add(d);
        return withLoadBalancing(lbGroup, out);
    }
}
