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
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.LbTiming;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.core.lb.VpnMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The load-balancing group inside the simulator: each member's machine, the cluster address (held by whoever
 * claimed it, as the {@code bind} address driver does), and clients that arrive at the cluster address and are
 * sent to the member the director chooses. Clients have one session class (SSL).
 */
public final class SimLoadBalancing {
    /** The address clients use when a scenario names none. */
    public static final String DEFAULT_CLUSTER_ADDRESS = "192.0.2.100";
    private static final SessionClass CLASS = SessionClass.SSL;

    /** What happened to one client that arrived at the cluster address. */
    public record Arrival(Optional<NodeId> servedBy, Optional<Integer> rule, String reason) {}

    private final Sim sim;
    private GroupSettings group = GroupSettings.of(NetAddress.parse("cluster address", DEFAULT_CLUSTER_ADDRESS));
    private LbTiming timing = LbTiming.defaults();
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
        for (SimNode n : sim.allNodes()) {
            if (n.lb != null) throw new Invalid("lb", what, "set before the first member");
        }
    }

    /** Makes a node a participating member with this priority, public address and session limit. */
    public void member(NodeId id, int priority, IpAddress ip, int maxSessions) {
        if (maxSessions < 1 || maxSessions > ClassLoad.MAX_SESSIONS) {
            throw new Invalid("max", maxSessions, "a whole number from 1 to " + ClassLoad.MAX_SESSIONS);
        }
        for (SimNode n : sim.allNodes()) {
            if (n.lb != null && !n.id.equals(id) && n.lb.device().publicAddress().equals(ip)) {
                throw new Invalid("ip", ip.text(), "an address no other member has (" + n.id + " has it)");
            }
        }
        SimNode n = sim.nodeOrNull(id);
        if (n == null) n = sim.addBareNode(id);
        if (n.lb != null) throw new Invalid("lb", id, "a node that is not yet a member");
        DeviceSettings device = DeviceSettings.of(ip, ip).withPriority(priority).withParticipate(true);
        n.lb = LoadBalancer.initial(id, MemberName.of(id.value()), group, device, timing);
        n.maxSessions = maxSessions;
    }

    /** lb-start: the member takes part from now on (its process starts if it is down). */
    public void enable(NodeId id) {
        SimNode n = sim.node(id);
        if (n.lb == null) throw new Invalid("lb-start", id, "a node made a member with 'lb' first");
        if (n.lbEnabled && n.up) throw new Invalid("lb-start", id, "a member that is not running yet");
        n.lbEnabled = true;
        if (!n.up) {
            sim.start(id);
        } else {
            start(n);
        }
    }

    public List<NodeId> members() {
        List<NodeId> out = new ArrayList<>();
        for (SimNode n : sim.allNodes()) if (n.lb != null) out.add(n.id);
        return out;
    }

    // ---------------------------------------------------------------- the machine's lifecycle

    void start(SimNode n) {
        n.lb = LoadBalancer.initial(n.id, n.lb.member(), n.lb.group(), n.lb.device(), n.lb.timing());
        deliver(n, new LbEvent.Start(Optional.empty()));
        deliver(n, new LbEvent.LoadChanged(load(n)));
    }

    void stop(SimNode n) {
        if (n.lb != null && n.lbEnabled) deliver(n, new LbEvent.Stop(false));
    }

    /** The process is gone: so is the address it held. */
    void down(SimNode n) {
        if (holders.remove(n.id)) sim.log(n.id + " no longer holds the cluster address");
        n.activeSessions = 0; // its clients lost their sessions
        n.inactiveSince.clear();
    }

    void timer(SimNode n, String name) {
        if (n.lb != null && n.lbEnabled) deliver(n, new LbEvent.TimerFired(name));
    }

    void deliver(SimNode n, LbEvent event) {
        Transition<LbState> t = LoadBalancer.step(n.lb, event, sim.now());
        n.lb = t.state();
        sim.execute(n, t.effects());
    }

    // ---------------------------------------------------------------- the network

    void transmit(NodeId from, SimNode dest, LbMessage m) {
        sim.at(sim.now().plus(sim.delay()), () -> {
            if (dest.up && dest.lbEnabled && dest.lb != null && !sim.cut(from, dest.id)) {
                deliver(dest, new LbEvent.Received(m));
            }
        });
    }

    /** seed 004, Hello Handshake: "Each member sends a Hello request to the virtual cluster IP address". */
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
            // seed 004, Director Election Process: the ARP subsystem detects the duplicate address.
            for (NodeId h : List.copyOf(holders)) {
                SimNode holder = sim.node(h);
                sim.at(sim.now().plus(sim.delay()), () -> {
                    if (holder.up && holder.lbEnabled && holders.size() > 1) deliver(holder, new LbEvent.AddressConflict());
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
            if (n.up && n.lbEnabled) {
                director = n;
                break;
            }
        }
        if (director == null) return new Arrival(Optional.empty(), Optional.empty(), "no node holds the cluster address");
        LbDecision d = LoadBalancer.decide(director.lb, sim.now(), CLASS);
        if (d.chosen().isEmpty()) return new Arrival(Optional.empty(), Optional.empty(), d.reason());
        IpAddress ip = d.chosen().get();
        SimNode member = byAddress(ip);
        if (member == null || !member.up) {
            return new Arrival(Optional.empty(), Optional.empty(), "redirected to " + ip.text() + ", which does not answer");
        }
        if (!admit(member)) {
            return new Arrival(Optional.empty(), Optional.empty(), member.id + " is full of active sessions");
        }
        if (member != director) deliver(director, new LbEvent.Redirected(ip, CLASS));
        Optional<Integer> rule = d.rule().isPresent() ? Optional.of(d.rule().getAsInt()) : Optional.empty();
        return new Arrival(Optional.of(member.id), rule, d.reason());
    }

    /**
     * seed 004, Viewing VPN Load Balancing Information: "When the ASA receives the new connection, the session
     * that has been inactive the longest is logged off, allowing new connections to take its license."
     */
    private boolean admit(SimNode n) {
        if (n.activeSessions + n.inactiveSince.size() >= n.maxSessions) {
            if (n.inactiveSince.isEmpty()) return false;
            n.inactiveSince.removeFirst();
            sim.log(n.id + " logs off its longest-inactive session for a new one");
        }
        n.activeSessions++;
        deliver(n, new LbEvent.LoadChanged(load(n)));
        return true;
    }

    public void disconnect(NodeId id, int count) {
        SimNode n = member(id);
        if (count > n.activeSessions) {
            throw new Invalid("disconnect", count, "at most the " + n.activeSessions + " active sessions of " + id);
        }
        n.activeSessions -= count;
        if (n.up && n.lbEnabled) deliver(n, new LbEvent.LoadChanged(load(n)));
    }

    /** Sessions become inactive: they keep their licence but no longer count towards the load (seed 004). */
    public void idle(NodeId id, int count) {
        SimNode n = member(id);
        if (count > n.activeSessions) {
            throw new Invalid("idle", count, "at most the " + n.activeSessions + " active sessions of " + id);
        }
        n.activeSessions -= count;
        for (int i = 0; i < count; i++) n.inactiveSince.addLast(sim.now());
        if (n.up && n.lbEnabled) deliver(n, new LbEvent.LoadChanged(load(n)));
    }

    // ---------------------------------------------------------------- observations

    /** The running nodes in the director role. */
    public List<NodeId> directors() {
        List<NodeId> out = new ArrayList<>();
        for (SimNode n : sim.allNodes()) {
            if (n.up && n.lbEnabled && n.lb != null && n.lb.isDirector()) out.add(n.id);
        }
        return out;
    }

    public List<NodeId> addressHolders() {
        return List.copyOf(holders);
    }

    public int activeSessions(NodeId id) {
        return member(id).activeSessions;
    }

    public int inactiveSessions(NodeId id) {
        return member(id).inactiveSince.size();
    }

    public int loadPercent(NodeId id) {
        SimNode n = member(id);
        return new ClassLoad(n.activeSessions, n.maxSessions).percent();
    }

    public LbState state(NodeId id) {
        return member(id).lb;
    }

    public long refused() {
        return refused;
    }

    public List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    public Duration keepaliveInterval() {
        return timing.keepaliveInterval();
    }

    private SimNode byAddress(IpAddress ip) {
        for (SimNode n : sim.allNodes()) {
            if (n.lb != null && n.lb.device().publicAddress().equals(ip)) return n;
        }
        return null;
    }

    private SimNode member(NodeId id) {
        SimNode n = sim.node(id);
        if (n.lb == null) throw new Invalid("node", id, "a member of the load-balancing group");
        return n;
    }

    private static Load load(SimNode n) {
        return Load.of(CLASS, n.activeSessions, n.maxSessions);
    }
}
