package dev.tandem.node.store;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RmState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every user's group and home node, in memory on every node, kept up to date from the store by epoch. A lookup
 * is one hash-map read plus a look at the node states this node already knows: no I/O, no lock (the hot path of
 * user-homed redirects, docs/architecture.md Redirect).
 */
public final class UserDirectory {
    /** Where a user lives. Users of one home share one instance, so a million users cost a map entry each. */
    public record Placement(String group, NodeId home) {}

    private final ConcurrentHashMap<String, Placement> users = new ConcurrentHashMap<>(1 << 12);
    private final ConcurrentHashMap<String, Placement> shared = new ConcurrentHashMap<>();
    private final Supplier<RmState> local;
    private volatile Map<NodeId, NodeId> peers = Map.of();
    private volatile Map<NodeId, NodeState> reported = Map.of();
    private volatile long epoch;

    /** @param local this node's recovery-manager state: its own state and its view of its peer, the freshest there is */
    public UserDirectory(Supplier<RmState> local) {
        this.local = local;
    }

    /**
     * A directory filled from the store the way a node starting without its cache fills it: the groups, then every
     * user in one read. The benchmarks time this; a running node keeps its directory current through the watcher.
     */
    public static UserDirectory load(ClusterStore store, Supplier<RmState> local) {
        UserDirectory d = new UserDirectory(local);
        d.groups(store.settings().groups());
        ClusterStore.UserChanges all = store.userChangesSince(0);
        d.apply(all.epoch(), all.upserted(), all.removed());
        return d;
    }

    /** The node serving the user now: its home node, or the home's peer while the home is failed over. */
    public Optional<NodeId> servingNode(String user) {
        Placement p = users.get(user);
        if (p == null) return Optional.empty();
        return Optional.of(serving(p.home()));
    }

    public Optional<Placement> placement(String user) {
        return Optional.ofNullable(users.get(user));
    }

    /** The redundancy peer of {@code node}, when its group is a pair. */
    public Optional<NodeId> peerOf(NodeId node) {
        return Optional.ofNullable(peers.get(node));
    }

    /**
     * The nodes that may serve {@code user}, best first: the one that serves it now (as far as this node knows), then
     * the other node of its pair. Empty for a user the cluster does not know. For the director's user-homed routing.
     */
    public java.util.List<NodeId> candidates(String user) {
        Placement p = users.get(user);
        if (p == null) return java.util.List.of();
        NodeId now = serving(p.home());
        NodeId other = now.equals(p.home()) ? peers.get(p.home()) : p.home();
        return other == null ? java.util.List.of(now) : java.util.List.of(now, other);
    }

    /** The homes whose users {@code node} serves now: itself, its peer's while it covers for it, or none. */
    public java.util.List<NodeId> homesServedBy(NodeId node) {
        java.util.List<NodeId> out = new java.util.ArrayList<>(2);
        if (serving(node).equals(node)) out.add(node);
        NodeId peer = peers.get(node);
        if (peer != null && serving(peer).equals(node)) out.add(peer);
        return out;
    }

    /** Who serves the users of {@code home} now ([RG-OVER]: the backup serves a failed-over node's users). */
    public NodeId serving(NodeId home) {
        NodeId peer = peers.get(home);
        if (peer == null) return home;
        NodeState homeState = stateOf(home);
        NodeState peerState = stateOf(peer);
        boolean homeOut = homeState != null && homeState.isFailedOver();
        boolean peerCovers = peerState != null && peerState.isBackup();
        return homeOut || peerCovers ? peer : home;
    }

    /** The state of a node as this node knows it: its own and its peer's live, others as they last reported to the store. */
    public NodeState stateOf(NodeId node) {
        RmState rm = local.get();
        if (rm != null) {
            if (rm.self().equals(node)) return rm.state();
            if (rm.group().contains(node) && rm.peer().alive()) return rm.peer().state();
        }
        return reported.get(node);
    }

    public int size() {
        return users.size();
    }

    public long epoch() {
        return epoch;
    }

    // ---------------------------------------------------------------- updates (from the store watcher)

    /** The groups changed: who is whose peer. */
    void groups(List<ClusterSettings.Group> groups) {
        Map<NodeId, NodeId> m = new HashMap<>();
        for (ClusterSettings.Group g : groups) {
            if (g.nodes().size() == 2) {
                NodeId a = NodeId.of(g.nodes().get(0).id());
                NodeId b = NodeId.of(g.nodes().get(1).id());
                m.put(a, b);
                m.put(b, a);
            }
        }
        peers = Map.copyOf(m);
    }

    /** The other nodes' states as they last reported them to the store. */
    void reported(Map<NodeId, NodeState> states) {
        reported = Map.copyOf(states);
    }

    /** Applies what changed up to {@code upTo}. */
    void apply(long upTo, List<User> upserted, List<String> removed) {
        for (String id : removed) users.remove(id);
        for (User u : upserted) {
            users.put(u.id(), shared.computeIfAbsent(u.group() + "\n" + u.home(),
                    k -> new Placement(u.group(), NodeId.of(u.home()))));
        }
        epoch = upTo;
    }

    /** Replaces everything (a start from the cache). */
    void replace(long upTo, List<User> all) {
        users.clear();
        apply(upTo, all, List.of());
    }

    /** Every user, for the local cache. */
    void forEach(java.util.function.BiConsumer<String, Placement> sink) {
        users.forEach(sink);
    }
}
