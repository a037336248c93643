package dev.tandem.core.rm;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A redundancy group ([RG-HA]: presence redundancy group): one node, or a pair with high
 * availability enabled or not. {@code nodes().get(0)} is the group's first node, which
 * Active-Standby assignment fills.
 */
public record RedundancyGroup(String name, String description, List<NodeId> nodes, boolean highAvailability) {
    /** [RG-GROUP], step 3: up to 128 alphanumerics, underscore and dash. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** [RG-GROUP], step 4: up to 128 characters, without double quote, percent, ampersand, slash or angle brackets. */
    private static final Pattern FORBIDDEN_IN_DESCRIPTION = Pattern.compile("[\"%&/<>]");
    private static final int MAX_DESCRIPTION = 128;

    public RedundancyGroup {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new Invalid("group name", name, "1 to 128 characters of A-Z a-z 0-9 _ -");
        }
        description = description == null ? "" : description;
        if (description.length() > MAX_DESCRIPTION) {
            throw new Invalid("description", description, "at most 128 characters");
        }
        if (FORBIDDEN_IN_DESCRIPTION.matcher(description).find()) {
            throw new Invalid("description", description, "any text without \" % & / < >");
        }
        if (nodes == null || nodes.isEmpty() || nodes.size() > 2) {
            throw new Invalid("nodes", nodes, "one node, or two different nodes");
        }
        nodes = List.copyOf(nodes);
        // [RG-GROUP] step 5: two *different* nodes.
        if (nodes.size() == 2 && nodes.get(0).equals(nodes.get(1))) {
            throw new Invalid("nodes", nodes.get(0) + ", " + nodes.get(1), "two different nodes");
        }
        // [RG-HA]: a pair of nodes is required for high availability.
        if (highAvailability && nodes.size() < 2) {
            throw new Invalid("highAvailability", true, "false for a group of one node (high availability needs a pair)");
        }
    }

    public static RedundancyGroup pair(String name, NodeId first, NodeId second, boolean ha) {
        return new RedundancyGroup(name, "", List.of(first, second), ha);
    }

    public boolean contains(NodeId node) {
        return nodes.contains(node);
    }

    public Optional<NodeId> peerOf(NodeId node) {
        if (!contains(node)) throw new IllegalArgumentException(node + " is not in group " + name);
        return nodes.stream().filter(n -> !n.equals(node)).findFirst();
    }

    public RedundancyGroup withHighAvailability(boolean ha) {
        return new RedundancyGroup(name, description, nodes, ha);
    }

    /** What both nodes must agree on before they act together: compared through heartbeats. */
    public String fingerprint() {
        return name + "|" + nodes.stream().map(NodeId::value).sorted().toList() + "|ha=" + highAvailability;
    }

    /** [RG-FLOW]: a node can be assigned to only one group; names are unique. */
    public static void checkCluster(List<RedundancyGroup> groups) {
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.Map<NodeId, String> owner = new java.util.HashMap<>();
        for (RedundancyGroup g : groups) {
            if (!names.add(g.name())) {
                throw new Invalid("group name", g.name(), "a name no other group has");
            }
            for (NodeId n : g.nodes()) {
                String other = owner.putIfAbsent(n, g.name());
                if (other != null) {
                    throw new Invalid("nodes", n, "a node that is in no other group (it is already in " + other + ")");
                }
            }
        }
    }
}
