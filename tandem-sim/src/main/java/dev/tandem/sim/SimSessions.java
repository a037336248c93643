package dev.tandem.sim;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.SessionHandover;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The session service of a simulated pair, as far as failover concerns it (docs/session-service.md, Stateful
 * failover): each node's live sessions and its standby copies of the peer's, by token and home node. It follows
 * what the node's service does: a login is copied to the peer while the two are linked (both up, no partition), and
 * only then acknowledged; every change streams while linked; a link coming up sends each node's live sessions as a
 * snapshot; a node whose process ends loses all of it; and on every change of whose users a node serves it applies
 * tandem-core's {@link SessionHandover} plan, the same the node runs. Observed after every event of the simulation
 * ({@link #observe}), so the properties check it at every instant.
 */
public final class SimSessions {
    private final Sim sim;
    private final NodeId a;
    private final NodeId b;
    private final SessionHandover.Mode mode;
    private final Map<NodeId, Map<String, NodeId>> live = new HashMap<>();
    private final Map<NodeId, Map<String, NodeId>> copies = new HashMap<>();
    private final Map<NodeId, Set<Serving.Side>> serving = new HashMap<>();
    private final Map<NodeId, Long> process = new HashMap<>();
    /** Each node's process at the last time the two were linked. */
    private final Map<NodeId, Long> linkedProcess = new HashMap<>();
    private final List<String> acknowledged = new ArrayList<>();
    private boolean linked;
    private int next;

    public SimSessions(Sim sim, NodeId a, NodeId b, SessionHandover.Mode mode) {
        this.sim = sim;
        this.a = a;
        this.b = b;
        this.mode = mode;
        // With keep the nodes replicate over a connection, which a killed process's host resets (as the node's does).
        sim.replicationLinks(mode == SessionHandover.Mode.KEEP);
        for (NodeId n : List.of(a, b)) {
            live.put(n, new HashMap<>());
            copies.put(n, new HashMap<>());
            serving.put(n, Set.of());
            process.put(n, -1L);
        }
    }

    private NodeId peer(NodeId n) {
        return n.equals(a) ? b : a;
    }

    private static Serving.Side side(NodeId at, NodeId home) {
        return at.equals(home) ? Serving.Side.OWN : Serving.Side.PEER;
    }

    /** Brings the model up to the simulation's instant. */
    public void observe() {
        for (NodeId n : List.of(a, b)) {
            long p = sim.process(n);
            if (p != process.get(n)) { // the process ended (and perhaps started again): its memory is gone
                live.get(n).clear();
                copies.get(n).clear();
                serving.put(n, Set.of());
                process.put(n, p);
                linked = false; // a new process connects anew: the snapshot follows
            }
        }
        boolean link = sim.isUp(a) && sim.isUp(b) && !sim.partitioned(a, b);
        if (link && !linked) {
            snapshot(a);
            snapshot(b);
            // Each side's snapshot now includes what it adopted from the other's (a second exchange, as the
            // node's two streams carry it): the orphans one kept reach the other.
            snapshot(a);
            snapshot(b);
            linkedProcess.put(a, sim.process(a));
            linkedProcess.put(b, sim.process(b));
        }
        linked = link;
        for (NodeId n : List.of(a, b)) {
            if (!sim.isUp(n) || sim.rm(n) == null) continue;
            Set<Serving.Side> now = sim.rm(n).serving();
            apply(n, SessionHandover.plan(serving.get(n), now, mode));
            serving.put(n, Set.copyOf(now));
        }
    }

    /**
     * {@code from}'s snapshot to its peer, as the node's receiver merges it: every session {@code from} knows (live
     * and copies); one live at the peer stays live; one whose users the peer serves becomes live there; the rest
     * are copies. Copies the peer held that the snapshot lacks are dropped when {@code from} is the same process as
     * at the last link (it ended them) and kept when it restarted (it lost them).
     */
    private void snapshot(NodeId from) {
        NodeId to = peer(from);
        Map<String, NodeId> known = new HashMap<>(copies.get(from));
        known.putAll(live.get(from));
        boolean restarted = !Long.valueOf(sim.process(from)).equals(linkedProcess.get(from));
        Map<String, NodeId> before = new HashMap<>(copies.get(to));
        Map<String, NodeId> c = copies.get(to);
        c.clear();
        known.forEach((t, home) -> {
            if (live.get(to).containsKey(t)) return;
            if (serving.get(to).contains(side(to, home))) live.get(to).put(t, home);
            else c.put(t, home);
        });
        if (restarted) {
            before.forEach((t, home) -> {
                if (!live.get(to).containsKey(t) && !c.containsKey(t)) c.put(t, home);
            });
        }
    }

    private void apply(NodeId n, SessionHandover.Plan plan) {
        NodeId other = peer(n);
        for (Serving.Side s : plan.demote()) {
            for (Map.Entry<String, NodeId> e : List.copyOf(live.get(n).entrySet())) {
                if (side(n, e.getValue()) != s) continue;
                live.get(n).remove(e.getKey());
                copies.get(n).put(e.getKey(), e.getValue());
            }
        }
        for (Serving.Side s : plan.end()) {
            for (Map.Entry<String, NodeId> e : List.copyOf(live.get(n).entrySet())) {
                if (side(n, e.getValue()) != s) continue;
                live.get(n).remove(e.getKey());
                if (linked) copies.get(other).remove(e.getKey());
            }
        }
        for (Serving.Side s : plan.promote()) {
            for (Map.Entry<String, NodeId> e : List.copyOf(copies.get(n).entrySet())) {
                if (side(n, e.getValue()) != s) continue;
                copies.get(n).remove(e.getKey());
                live.get(n).putIfAbsent(e.getKey(), e.getValue());
                if (linked && !live.get(other).containsKey(e.getKey())) copies.get(other).put(e.getKey(), e.getValue());
            }
        }
    }

    /** A login answered: its session, and whether the peer held its copy before the answer. */
    public record Login(String token, boolean acknowledged) {}

    /** A login at {@code at} of a user whose home is {@code home}; empty when the node does not serve that user now. */
    public Optional<Login> login(NodeId at, NodeId home) {
        observe();
        if (!sim.isUp(at) || !serving.get(at).contains(side(at, home))) return Optional.empty();
        String token = "s" + (++next);
        live.get(at).put(token, home);
        if (linked) {
            copies.get(peer(at)).put(token, home);
            acknowledged.add(token);
        }
        return Optional.of(new Login(token, linked));
    }

    /** The sessions acknowledged so far. */
    public List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** The nodes holding the session live. */
    public Set<NodeId> liveOn(String token) {
        Set<NodeId> out = new LinkedHashSet<>();
        for (NodeId n : List.of(a, b)) if (live.get(n).containsKey(token)) out.add(n);
        return out;
    }

    /** The nodes holding the session live or as a copy. */
    public Set<NodeId> heldBy(String token) {
        Set<NodeId> out = liveOn(token);
        for (NodeId n : List.of(a, b)) if (copies.get(n).containsKey(token)) out.add(n);
        return out;
    }

    /** The home node of a session still held somewhere. */
    public Optional<NodeId> home(String token) {
        for (NodeId n : List.of(a, b)) {
            NodeId h = live.get(n).get(token);
            if (h == null) h = copies.get(n).get(token);
            if (h != null) return Optional.of(h);
        }
        return Optional.empty();
    }

    /** Every session held anywhere. */
    public Set<String> all() {
        Set<String> out = new LinkedHashSet<>();
        for (NodeId n : List.of(a, b)) {
            out.addAll(live.get(n).keySet());
            out.addAll(copies.get(n).keySet());
        }
        return out;
    }

    public boolean linked() {
        return linked;
    }

    /** Each node's live sessions and copies, with their homes, and the link: for a failure's story. */
    public String describe() {
        StringBuilder out = new StringBuilder("sessions (token=home), linked " + linked + ":");
        for (NodeId n : List.of(a, b)) {
            out.append("\n  ").append(n).append(" serving ").append(serving.get(n)).append(" live ")
                    .append(new java.util.TreeMap<>(live.get(n))).append(" copies ")
                    .append(new java.util.TreeMap<>(copies.get(n)));
        }
        return out.toString();
    }
}
