package dev.tandem.core.rm;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tiny shell for two recovery managers, driven by hand: each step's Send effects go to the other machine,
 * SetTimer and CancelTimer keep a deadline per timer, RunHook effects wait until the test completes them, and
 * time moves only when the test says so. Every step is logged with the state before it.
 */
final class RmPair {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    record Envelope(NodeId to, RmMessage message) {}

    record PendingHook(NodeId node, Effect.RunHook hook) {}

    record Step(NodeId node, Instant at, RmState before, RmEvent event, Transition<RmState> result) {}

    final NodeId n1;
    final NodeId n2;
    final RedundancyGroup group;
    private final Map<NodeId, RmState> states = new LinkedHashMap<>();
    private final Map<NodeId, Map<String, Instant>> timers = new HashMap<>();
    private final Deque<Envelope> inFlight = new ArrayDeque<>();
    private final List<PendingHook> hooks = new ArrayList<>();
    private final Set<NodeId> unreachable = new HashSet<>();
    /** The network between the two is cut: both run and keep their timers, no message crosses. */
    private boolean partitioned;
    final List<Step> log = new ArrayList<>();
    Instant now = T0;

    RmPair(RedundancyGroup group, ServiceParameters params) {
        this.group = group;
        this.n1 = group.nodes().get(0);
        this.n2 = group.nodes().get(1);
        for (NodeId n : group.nodes()) {
            states.put(n, RecoveryManager.initial(n, group, params));
            timers.put(n, new LinkedHashMap<>());
        }
    }

    static RmPair of(boolean ha) {
        return new RmPair(RedundancyGroup.pair("g1", NodeId.of("n1"), NodeId.of("n2"), ha), ServiceParameters.defaults());
    }

    /** Before it starts: node {@code n} runs a build speaking {@code versions}. */
    void speak(NodeId n, Versions versions) {
        RmState s = states.get(n);
        if (s.running()) throw new IllegalStateException(n + " runs already");
        states.put(n, RecoveryManager.initial(n, group, s.params(), versions));
    }

    RmState state(NodeId n) {
        return states.get(n);
    }

    NodeId peerOf(NodeId n) {
        return n.equals(n1) ? n2 : n1;
    }

    Map<String, Instant> timers(NodeId n) {
        return timers.get(n);
    }

    List<PendingHook> hooks() {
        return List.copyOf(hooks);
    }

    /** Applies one event to one machine now and executes its effects in this little shell. */
    Transition<RmState> step(NodeId n, RmEvent event) {
        RmState before = states.get(n);
        Transition<RmState> t = RecoveryManager.step(before, event, now);
        states.put(n, t.state());
        log.add(new Step(n, now, before, event, t));
        for (Effect e : t.effects()) {
            switch (e) {
                case Effect.Send s -> {
                    if (!partitioned && !unreachable.contains(n) && !unreachable.contains(s.to())) {
                        inFlight.add(new Envelope(s.to(), (RmMessage) s.message()));
                    }
                }
                case Effect.SetTimer st -> timers.get(n).put(st.name(), st.deadline());
                case Effect.CancelTimer ct -> timers.get(n).remove(ct.name());
                case Effect.RunHook h -> {
                    hooks.removeIf(p -> p.node().equals(n)); // a newer hook supersedes the older one
                    hooks.add(new PendingHook(n, h));
                }
                default -> { }
            }
        }
        if (!t.state().running()) {
            timers.get(n).clear();
            hooks.removeIf(p -> p.node().equals(n));
        }
        return t;
    }

    Transition<RmState> start(NodeId n) {
        return start(n, Optional.empty());
    }

    Transition<RmState> start(NodeId n, Optional<PersistedRm> persisted) {
        return step(n, new RmEvent.Start(persisted));
    }

    /** Starts both at the same instant and lets them talk until they are quiet. */
    void startBoth() {
        start(n1);
        start(n2);
        settle();
    }

    /** Delivers every message in flight (and those the deliveries cause) to running machines. */
    void pump() {
        for (int i = 0; i < 10_000 && !inFlight.isEmpty(); i++) {
            Envelope e = inFlight.poll();
            if (state(e.to()).running() && !unreachable.contains(e.to())) {
                step(e.to(), new RmEvent.Received(e.message()));
            }
        }
        if (!inFlight.isEmpty()) throw new AssertionError("the pair never stops talking");
    }

    /** Completes the hook pending on a node. */
    Transition<RmState> completeHook(NodeId n, boolean success) {
        PendingHook p = hooks.stream().filter(h -> h.node().equals(n)).findFirst()
                .orElseThrow(() -> new AssertionError("no hook pending on " + n));
        hooks.remove(p);
        return step(n, new RmEvent.HookCompleted(p.hook().id(), p.hook().kind(), success));
    }

    /** Pumps and completes every hook successfully until nothing is left to do at this instant. */
    void settle() {
        for (int i = 0; i < 100; i++) {
            pump();
            if (hooks.isEmpty()) return;
            completeHook(hooks.get(0).node(), true);
        }
        throw new AssertionError("the pair never settles");
    }

    /** Moves time forward, firing every timer that falls due (in deadline order) and settling after each. */
    void advance(Duration d) {
        Instant until = now.plus(d);
        while (true) {
            NodeId who = null;
            String name = null;
            Instant at = null;
            for (NodeId n : List.of(n1, n2)) {
                if (!state(n).running() || unreachable.contains(n)) continue;
                for (Map.Entry<String, Instant> t : timers.get(n).entrySet()) {
                    if (!t.getValue().isAfter(until) && (at == null || t.getValue().isBefore(at))) {
                        who = n;
                        name = t.getKey();
                        at = t.getValue();
                    }
                }
            }
            if (who == null) break;
            if (at.isAfter(now)) now = at;
            timers.get(who).remove(name);
            step(who, new RmEvent.TimerFired(name));
            settle();
        }
        now = until;
    }

    /** Cuts the network between the two nodes (messages in flight are lost) or heals it. */
    void partition(boolean cut) {
        partitioned = cut;
        if (cut) inFlight.clear();
    }

    /** The node dies silently: nothing reaches it, nothing leaves it, its timers never fire. */
    void crash(NodeId n) {
        unreachable.add(n);
        inFlight.removeIf(e -> e.to().equals(n));
        hooks.removeIf(p -> p.node().equals(n));
    }

    /** A failed-over pair in Table 2 shape: node {@code failed} failed over by the administrator to its peer. */
    void manualFailover(NodeId failed) {
        Transition<RmState> t = step(failed, new RmEvent.Admin(1, AdminAction.FAILOVER));
        if (!t.effects().contains(new Effect.AdminResult(1, true, "failover started on " + failed))) {
            throw new AssertionError("failover refused: " + t.effects());
        }
        settle();
    }

    /** Every effect of a kind, over the whole log, with the node that emitted it. */
    <E extends Effect> List<Map.Entry<NodeId, E>> effects(Class<E> kind) {
        List<Map.Entry<NodeId, E>> out = new ArrayList<>();
        for (Step s : log) {
            for (Effect e : s.result().effects()) {
                if (kind.isInstance(e)) out.add(Map.entry(s.node(), kind.cast(e)));
            }
        }
        return out;
    }

    static <E extends Effect> List<E> of(Transition<RmState> t, Class<E> kind) {
        return t.effects().stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
