package dev.tandem.core.lb;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * A small virtual-time harness for the load-balancing machine: node states, a queue of timed events,
 * a network with a fixed latency that can be cut between nodes or told to drop messages, and the
 * cluster address held by whoever claimed it. No threads, no clock.
 */
final class LbCluster {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration LATENCY = Duration.ofMillis(1);

    /** One message as sent: {@code to} is null for the cluster address, "*" style group sends are expanded. */
    record Sent(Instant at, NodeId from, NodeId to, LbMessage message, boolean delivered) {}

    private record Pending(Instant at, long seq, NodeId to, LbEvent event) {}

    final GroupSettings group;
    final LbTiming timing;
    Instant now = T0;
    final Map<NodeId, LbState> states = new TreeMap<>();
    final Set<NodeId> up = new TreeSet<>();
    final List<NodeId> addressHolders = new ArrayList<>();
    final List<String> records = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    final List<Effect.SettingsMismatch> mismatches = new ArrayList<>();
    final Map<NodeId, List<Effect>> effects = new TreeMap<>();
    private final Map<NodeId, Map<String, Instant>> timers = new HashMap<>();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            Comparator.comparing(Pending::at).thenComparingLong(Pending::seq));
    private long seq;
    /** Whether a message from the first node reaches the second. */
    BiPredicate<NodeId, NodeId> link = (a, b) -> true;
    /** Messages to lose on top of the links. */
    Predicate<Sent> drop = s -> false;

    LbCluster(GroupSettings group, LbTiming timing) {
        this.group = group;
        this.timing = timing;
    }

    LbCluster() {
        this(GroupSettings.of(NetAddress.parse("cluster", "192.168.1.100")), LbTiming.defaults());
    }

    static NodeId id(String name) {
        return NodeId.of(name);
    }

    static IpAddress ip(String s) {
        return IpAddress.parse("ip", s);
    }

    static DeviceSettings device(String publicIp, int priority) {
        IpAddress pub = ip(publicIp);
        IpAddress priv = IpAddress.ipv4(10, 99, (int) (pub.low() >>> 8 & 0xff), (int) (pub.low() & 0xff));
        return DeviceSettings.of(pub, priv).withPriority(priority).withParticipate(true);
    }

    /** A node speaking for a member of the same name. */
    NodeId add(String node, String publicIp, int priority) {
        return add(node, node, device(publicIp, priority), group);
    }

    NodeId add(String node, String member, DeviceSettings device, GroupSettings g) {
        NodeId n = id(node);
        states.put(n, LoadBalancer.initial(n, MemberName.of(member), g, device, timing));
        effects.put(n, new ArrayList<>());
        return n;
    }

    void start(String node) {
        start(node, Optional.empty());
    }

    void start(String node, Optional<LbHandover> handover) {
        NodeId n = id(node);
        up.add(n);
        timers.put(n, new HashMap<>());
        apply(n, new LbEvent.Start(handover));
    }

    void stop(String node, boolean handingOver) {
        apply(id(node), new LbEvent.Stop(handingOver));
        up.remove(id(node));
    }

    /** The node dies: no goodbye, its timers and the address go with it. */
    void crash(String node) {
        NodeId n = id(node);
        up.remove(n);
        addressHolders.remove(n);
        timers.remove(n);
    }

    void load(String node, Load load) {
        apply(id(node), new LbEvent.LoadChanged(load));
    }

    void apply(NodeId n, LbEvent e) {
        Transition<LbState> t = LoadBalancer.step(states.get(n), e, now);
        states.put(n, t.state());
        effects.get(n).addAll(t.effects());
        for (Effect effect : t.effects()) execute(n, effect);
    }

    private void execute(NodeId n, Effect effect) {
        switch (effect) {
            case Effect.Send s -> deliver(n, s.to(), (LbMessage) s.message());
            case Effect.SendToCluster s -> {
                NodeId holder = null;
                for (NodeId h : addressHolders) {
                    if (up.contains(h) && link.test(n, h)) {
                        holder = h;
                        break;
                    }
                }
                if (holder == null) {
                    sent.add(new Sent(now, n, null, (LbMessage) s.message(), false));
                } else if (!holder.equals(n)) {
                    deliver(n, holder, (LbMessage) s.message());
                }
            }
            case Effect.SendToGroup s -> {
                for (NodeId other : states.keySet()) {
                    if (!other.equals(n)) deliver(n, other, (LbMessage) s.message());
                }
            }
            case Effect.SetTimer t -> {
                Map<String, Instant> mine = timers.get(n);
                if (mine == null) return;
                mine.put(t.name(), t.deadline());
                queue.add(new Pending(t.deadline(), seq++, n, new LbEvent.TimerFired(t.name())));
            }
            case Effect.CancelTimer t -> {
                Map<String, Instant> mine = timers.get(n);
                if (mine != null) mine.remove(t.name());
            }
            case Effect.ClaimAddress c -> {
                if (!addressHolders.contains(n)) addressHolders.add(n);
            }
            case Effect.ReleaseAddress r -> addressHolders.remove(n);
            case Effect.Record r -> records.add(Duration.between(T0, now).toMillis() + "ms " + r.node() + ": "
                    + r.from() + " -> " + r.to() + " (" + r.reason() + ")");
            case Effect.SettingsMismatch m -> mismatches.add(m);
            default -> throw new AssertionError("unexpected effect " + effect);
        }
    }

    private void deliver(NodeId from, NodeId to, LbMessage m) {
        Sent s = new Sent(now, from, to, m, true);
        boolean ok = up.contains(to) && link.test(from, to) && !drop.test(s);
        sent.add(ok ? s : new Sent(now, from, to, m, false));
        if (ok) queue.add(new Pending(now.plus(LATENCY), seq++, to, new LbEvent.Received(m)));
    }

    void runFor(Duration d) {
        runUntil(now.plus(d));
    }

    void runUntil(Instant until) {
        while (!queue.isEmpty() && !queue.peek().at().isAfter(until)) {
            Pending p = queue.poll();
            now = p.at();
            if (!up.contains(p.to())) continue;
            if (p.event() instanceof LbEvent.TimerFired t) {
                Instant set = timers.get(p.to()).get(t.name());
                if (set == null || !set.equals(p.at())) continue; // replaced or cancelled
                timers.get(p.to()).remove(t.name());
            }
            apply(p.to(), p.event());
        }
        now = until;
    }

    Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    void runUntil(double seconds) {
        runUntil(at(seconds));
    }

    LbState state(String node) {
        return states.get(id(node));
    }

    LbPhase phase(String node) {
        return state(node).phase();
    }

    List<NodeId> directors() {
        List<NodeId> out = new ArrayList<>();
        for (NodeId n : up) {
            if (states.get(n).isDirector()) out.add(n);
        }
        return out;
    }

    /** Every running node other than the director is a member of it, and the director knows them all as joined. */
    boolean settledUnder(String director) {
        LbState d = state(director);
        if (!d.isDirector()) return false;
        for (NodeId n : up) {
            if (n.equals(id(director))) continue;
            LbState s = states.get(n);
            if (s.phase() != LbPhase.MEMBER || !d.member().equals(s.director())) return false;
            MemberRecord r = d.members().get(s.member());
            if (r == null || !r.joined()) return false;
        }
        return true;
    }

    /** Messages of a type sent by a node, in order. */
    <M extends LbMessage> List<Sent> sentBy(String node, Class<M> type) {
        List<Sent> out = new ArrayList<>();
        for (Sent s : sent) {
            if (s.from().equals(id(node)) && type.isInstance(s.message())) out.add(s);
        }
        return out;
    }

    /** Seconds since T0 of each instant, for readable assertions. */
    static List<Double> seconds(List<Sent> list) {
        List<Double> out = new ArrayList<>();
        for (Sent s : list) out.add(Duration.between(T0, s.at()).toMillis() / 1000.0);
        return out;
    }
}
