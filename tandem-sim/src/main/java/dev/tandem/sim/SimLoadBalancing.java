package dev.tandem.sim;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbHandover;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.LbTiming;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.MemberSpeaking;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.core.lb.VpnMode;
import dev.tandem.core.rm.RedundancyGroup;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load-balancing group inside the simulator: the members (a node alone, or a redundancy pair whose serving
 * node speaks for it, the specification ([LB-FAQ]) FAQ "Using VPN Load Balancing and Failover on the Same Device"), the cluster
 * address (held by whoever claimed it, as the {@code bind} address driver does), and clients that arrive at the
 * cluster address and are sent to the member the director chooses. Clients have one session class (SSL).
 */
public final class SimLoadBalancing {
    /** The address clients use when a scenario names none. */
    public static final String DEFAULT_CLUSTER_ADDRESS = "192.0.2.100";
    private static final SessionClass CLASS = SessionClass.SSL;

    /** What happened to one client that arrived at the cluster address. */
    public record Arrival(Optional<String> servedBy, Optional<Integer> rule, String reason) {}

    /** One member of the group and its sessions; for a pair, the sessions survive a failover inside it. */
    private static final class Member {
        final MemberName name;
        final List<NodeId> nodes;
        final DeviceSettings device;
        final int max;
        boolean enabled;
        /** What a speaker last published for its pair's other node (carried by the pair's heartbeats). */
        LbHandover published;
        int active;
        final ArrayDeque<Instant> inactiveSince = new ArrayDeque<>();

        Member(MemberName name, List<NodeId> nodes, DeviceSettings device, int max) {
            this.name = name;
            this.nodes = nodes;
            this.device = device;
            this.max = max;
        }

        Load load() {
            return Load.of(CLASS, active, max);
        }
    }

    private final Sim sim;
    private GroupSettings group = GroupSettings.of(NetAddress.parse("cluster address", DEFAULT_CLUSTER_ADDRESS));
    private LbTiming timing = LbTiming.defaults();
    private final Map<String, Member> members = new LinkedHashMap<>();
    /** Who holds the cluster address, first claimer first (it answers ARP first). */
    private final List<NodeId> holders = new ArrayList<>();
    private final List<Arrival> arrivals = new ArrayList<>();
    private long refused;

    SimLoadBalancing(Sim sim) {
        this.sim = sim;
    }

    // ---------------------------------------------------------------- configuration

    public void cluster(String address, VpnMode mode) {
        requireNoMembers("the cluster address and mode");
        group = GroupSettings.of(NetAddress.parse("cluster address", address)).withMode(mode);
    }

    public void timing(LbTiming t) {
        requireNoMembers("the load-balancing timing");
        timing = t;
    }

    private void requireNoMembers(String what) {
        if (!members.isEmpty()) throw new Invalid("lb", what, "set before the first member");
    }

    /**
     * Makes a member with this priority, public address and session limit. {@code name} is a node (a member
     * on its own) or a redundancy group (its serving node speaks for it).
     */
    public void member(String name, int priority, IpAddress ip, int maxSessions) {
        if (maxSessions < 1 || maxSessions > ClassLoad.MAX_SESSIONS) {
            throw new Invalid("max", maxSessions, "a whole number from 1 to " + ClassLoad.MAX_SESSIONS);
        }
        if (members.containsKey(name)) throw new Invalid("lb", name, "a member not yet defined");
        for (Member m : members.values()) {
            if (m.device.publicAddress().equals(ip)) {
                throw new Invalid("ip", ip.text(), "an address no other member has (" + m.name + " has it)");
            }
        }
        List<NodeId> nodes = sim.groups().stream().filter(g -> g.name().equals(name)).findFirst()
                .map(RedundancyGroup::nodes).orElse(List.of(NodeId.of(name)));
        DeviceSettings device = DeviceSettings.of(ip, ip).withPriority(priority).withParticipate(true);
        Member m = new Member(MemberName.of(name), nodes, device, maxSessions);
        for (NodeId id : nodes) {
            SimNode n = sim.nodeOrNull(id);
            if (n == null) n = sim.addBareNode(id);
            if (n.lb != null) throw new Invalid("lb", name, "nodes in no other member (" + id + " is in one)");
            n.lb = LoadBalancer.initial(id, m.name, group, device, timing);
        }
        members.put(name, m);
    }

    /** lb-start: the member takes part from now on (a node's process starts if it is down). */
    public void enable(String name) {
        Member m = memberNamed(name);
        m.enabled = true;
        for (NodeId id : m.nodes) {
            if (!sim.isUp(id) && m.nodes.size() == 1) sim.start(id);
        }
        reconsider(m);
    }

    public List<String> memberNames() {
        return List.copyOf(members.keySet());
    }

    // ---------------------------------------------------------------- who speaks for each member

    /** Called whenever a node starts, stops, or a recovery manager changes state. */
    void reconsiderAll() {
        for (Member m : members.values()) reconsider(m);
    }

    /**
     * Each node of the member decides alone whether it speaks, by the rule the node runs ({@link MemberSpeaking})
     * on its own recovery-manager state: under a partition both nodes of a pair may speak. The stops go first, so
     * that a node starting in the same instant gets what the stopping one published.
     */
    private void reconsider(Member m) {
        List<SimNode> starting = new ArrayList<>();
        for (NodeId id : m.nodes) {
            SimNode n = sim.node(id);
            boolean speaking = n.up && n.lbRunning;
            MemberSpeaking.Change change;
            if (!m.enabled || !n.up) change = speaking ? MemberSpeaking.Change.STOP : MemberSpeaking.Change.NONE;
            else if (n.rm == null) change = speaking ? MemberSpeaking.Change.NONE : MemberSpeaking.Change.START; // alone, no group
            else change = MemberSpeaking.next(m.name.value(), id, n.rm, speaking);
            switch (change) {
                case STOP -> {
                    if (m.nodes.size() > 1) m.published = LoadBalancer.handover(n.lb);
                    deliver(n, new LbEvent.Stop(n.rm != null && n.rm.running()));
                    n.lbRunning = false;
                    if (m.nodes.size() > 1) sim.log(id + " no longer speaks for member " + m.name);
                }
                case START -> starting.add(n);
                case NONE -> {
                    // As the node's shell does: a pair that holds its peer down tells the member (decision 0037).
                    if (speaking && n.rm != null) LbEvent.PeerDown.of(n.rm).ifPresent(e -> deliver(n, e));
                }
            }
        }
        for (SimNode n : starting) {
            n.lb = LoadBalancer.initial(n.id, m.name, group, m.device, timing);
            n.lbRunning = true;
            if (m.nodes.size() > 1) sim.log(n.id + " speaks for member " + m.name);
            deliver(n, new LbEvent.Start(Optional.ofNullable(m.nodes.size() > 1 ? m.published : null)));
            deliver(n, new LbEvent.LoadChanged(m.load()));
        }
    }

    /** The nodes speaking for the member now: one, or both nodes of a pair under a partition, or none. */
    private List<NodeId> speakers(Member m) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId id : m.nodes) {
            SimNode n = sim.node(id);
            if (n.up && n.lbRunning) out.add(id);
        }
        return out;
    }

    // ---------------------------------------------------------------- the machine's lifecycle

    void stop(SimNode n) {
        if (n.lb != null && n.lbRunning) {
            deliver(n, new LbEvent.Stop(false));
            n.lbRunning = false;
        }
    }

    /** The process is gone: so is the address it held, and the sessions of a member it alone served. */
    void down(SimNode n) {
        n.lbRunning = false;
        if (holders.remove(n.id)) sim.log(n.id + " no longer holds the cluster address");
        Member m = memberOf(n.id);
        if (m != null && m.nodes.size() == 1) {
            m.active = 0; // its clients lost their sessions and come back through the cluster address
            m.inactiveSince.clear();
        }
    }

    void timer(SimNode n, String name) {
        if (n.lb != null && n.lbRunning) deliver(n, new LbEvent.TimerFired(name));
    }

    void deliver(SimNode n, LbEvent event) {
        Transition<LbState> t = LoadBalancer.step(n.lb, event, sim.now());
        n.lb = t.state();
        Member m = memberOf(n.id);
        if (m != null && m.nodes.size() > 1 && n.lbRunning) m.published = LoadBalancer.handover(n.lb);
        sim.execute(n, t.effects());
    }

    // ---------------------------------------------------------------- the network

    void transmit(NodeId from, SimNode dest, LbMessage m) {
        SimNode source = sim.node(from);
        long sourceProcess = source.process;
        java.time.Duration there = sim.delay();
        sim.at(sim.now().plus(there), () -> {
            if (sim.cut(from, dest.id)) return;
            if (dest.up && dest.lbRunning) {
                deliver(dest, new LbEvent.Received(m));
            } else if (!dest.up && dest.hostUp) {
                // Killed: its host answers "port unreachable" on the way back (decision 0083).
                sim.at(sim.now().plus(there), () -> {
                    if (source.up && source.process == sourceProcess && source.lbRunning) {
                        deliver(source, new LbEvent.Refused(dest.id));
                    }
                });
            }
        });
    }

    /** [LB-HELLO]: "Each member sends a Hello request to the virtual cluster IP address". */
    void sendToCluster(SimNode from, dev.tandem.core.Message m) {
        for (NodeId h : holders) {
            SimNode holder = sim.node(h);
            if (holder.up && !sim.cut(from.id, h)) {
                if (!h.equals(from.id)) sim.send(from.id, h, m);
                return;
            }
        }
    }

    void sendToGroup(SimNode from, dev.tandem.core.Message m) {
        for (SimNode n : sim.allNodes()) {
            if (n != from && n.lb != null) sim.send(from.id, n.id, m);
        }
    }

    void claim(SimNode n) {
        if (holders.contains(n.id)) return;
        holders.add(n.id);
        sim.log(n.id + " claims the cluster address " + group.clusterAddress().text());
        if (holders.size() > 1) {
            // [LB-ELECT]: the ARP subsystem detects the duplicate address.
            for (NodeId h : List.copyOf(holders)) {
                SimNode holder = sim.node(h);
                sim.at(sim.now().plus(sim.delay()), () -> {
                    if (holder.up && holder.lbRunning && holders.size() > 1) {
                        deliver(holder, new LbEvent.AddressConflict());
                    }
                });
            }
        }
    }

    void release(SimNode n) {
        if (holders.remove(n.id)) sim.log(n.id + " releases the cluster address");
    }

    // ---------------------------------------------------------------- clients

    /** One new client at the cluster address: the director holding it chooses the member by rules 1 to 4. */
    public Arrival connect() {
        Arrival a = arrive();
        arrivals.add(a);
        if (a.servedBy().isEmpty()) refused++;
        return a;
    }

    private Arrival arrive() {
        SimNode director = null;
        for (NodeId h : holders) {
            SimNode n = sim.node(h);
            if (n.up && n.lbRunning) {
                director = n;
                break;
            }
        }
        if (director == null) return refusal("no node holds the cluster address");
        LbDecision d = LoadBalancer.decide(director.lb, sim.now(), CLASS);
        if (d.chosen().isEmpty()) return refusal(d.reason());
        IpAddress ip = d.chosen().get();
        Member member = byAddress(ip);
        if (member == null || speakers(member).isEmpty()) return refusal("redirected to " + ip.text() + ", which does not answer");
        if (!admit(member)) return refusal(member.name + " is full of active sessions");
        if (!speakers(member).contains(director.id)) deliver(director, new LbEvent.Redirected(ip, CLASS));
        Optional<Integer> rule = d.rule().isPresent() ? Optional.of(d.rule().getAsInt()) : Optional.empty();
        return new Arrival(Optional.of(member.name.value()), rule, d.reason());
    }

    private static Arrival refusal(String reason) {
        return new Arrival(Optional.empty(), Optional.empty(), reason);
    }

    /**
     * [LB-SHOW]: "When the ASA receives the new connection, the session
     * that has been inactive the longest is logged off, allowing new connections to take its license."
     */
    private boolean admit(Member m) {
        if (m.active + m.inactiveSince.size() >= m.max) {
            if (m.inactiveSince.isEmpty()) return false;
            m.inactiveSince.removeFirst();
            sim.log(m.name + " logs off its longest-inactive session for a new one");
        }
        m.active++;
        reportLoad(m);
        return true;
    }

    public void disconnect(String name, int count) {
        Member m = memberNamed(name);
        if (count > m.active) throw new Invalid("disconnect", count, "at most the " + m.active + " active sessions of " + name);
        m.active -= count;
        reportLoad(m);
    }

    /** Sessions become inactive: they keep their licence but no longer count towards the load ([LB-SHOW]). */
    public void idle(String name, int count) {
        Member m = memberNamed(name);
        if (count > m.active) throw new Invalid("idle", count, "at most the " + m.active + " active sessions of " + name);
        m.active -= count;
        for (int i = 0; i < count; i++) m.inactiveSince.addLast(sim.now());
        reportLoad(m);
    }

    private void reportLoad(Member m) {
        for (NodeId id : speakers(m)) deliver(sim.node(id), new LbEvent.LoadChanged(m.load()));
    }

    // ---------------------------------------------------------------- observations

    /** The running nodes in the director role. */
    public List<NodeId> directors() {
        List<NodeId> out = new ArrayList<>();
        for (SimNode n : sim.allNodes()) {
            if (n.up && n.lbRunning && n.lb.isDirector()) out.add(n.id);
        }
        return out;
    }

    public List<NodeId> addressHolders() {
        return List.copyOf(holders);
    }

    public int activeSessions(String name) {
        return memberNamed(name).active;
    }

    public int loadPercent(String name) {
        Member m = memberNamed(name);
        return new ClassLoad(m.active, m.max).percent();
    }

    /** The machine of the (first) node speaking for the member, or of its first node when none speaks. */
    public LbState state(String name) {
        Member m = memberNamed(name);
        return sim.node(speaker(name).orElse(m.nodes.get(0))).lb;
    }

    /** The node speaking for the member; the first of them when both nodes of a pair speak. */
    public Optional<NodeId> speaker(String name) {
        return speakers(memberNamed(name)).stream().findFirst();
    }

    /** Every node speaking for the member now. */
    public List<NodeId> speakers(String name) {
        return speakers(memberNamed(name));
    }

    public long refused() {
        return refused;
    }

    public List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    private Member byAddress(IpAddress ip) {
        for (Member m : members.values()) {
            if (m.device.publicAddress().equals(ip)) return m;
        }
        return null;
    }

    private Member memberOf(NodeId id) {
        for (Member m : members.values()) {
            if (m.nodes.contains(id)) return m;
        }
        return null;
    }

    private Member memberNamed(String name) {
        Member m = members.get(name);
        if (m == null) throw new Invalid("member", name, "a member of the load-balancing group: " + members.keySet());
        return m;
    }
}
