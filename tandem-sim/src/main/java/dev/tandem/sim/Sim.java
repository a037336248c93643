package dev.tandem.sim;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.Invalid;
import dev.tandem.core.Message;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceParameters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The deterministic simulator: the production state machines on many simulated hosts, a virtual
 * clock, a network that delays, drops, duplicates, reorders and partitions, crashes, graceful
 * stops and restarts that keep what a node persisted. Everything random comes from one seed, so
 * every run (and every failure) reproduces from it.
 */
public final class Sim {
    /** Virtual time starts here; only differences matter. */
    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final long seed;
    private final EventQueue queue = new EventQueue();
    private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, RedundancyGroup> groups = new LinkedHashMap<>();
    private final SimTrace trace = new SimTrace();
    private Instant now = EPOCH;
    private ServiceParameters parameters = ServiceParameters.defaults();
    private long timerTokens;
    private final SimLoadBalancing lb = new SimLoadBalancing(this);
    private final SimUsers users = new SimUsers(this);
    private final SimAdmin admin = new SimAdmin(this);
    private final SimWitness witness = new SimWitness(this);
    private final SimNetwork network;
    private final SimHooks hooks;
    private final SimProcesses processes;

    private final List<Runnable> invariants = new ArrayList<>();
    private final List<Consumer<Effect.Record>> transitionListeners = new ArrayList<>();

    public Sim(long seed) {
        this.seed = seed;
        Random random = new Random(seed);
        this.network = new SimNetwork(this, random);
        this.hooks = new SimHooks(this, random);
        this.processes = new SimProcesses(this, hooks);
    }

    public long seed() {
        return seed;
    }

    public Instant now() {
        return now;
    }

    /** Virtual time since the simulation began. */
    public Duration elapsed() {
        return Duration.between(EPOCH, now);
    }

    public void onTrace(Consumer<String> listener) {
        trace.onLine(listener);
    }

    public List<String> trace() {
        return trace.lines();
    }

    // ---------------------------------------------------------------- configuration

    public void network(NetworkModel model) {
        network.model(model);
    }

    public ServiceParameters parameters() {
        return parameters;
    }

    /** Cluster-wide service parameters; running recovery managers pick the change up at once. */
    public void parameters(ServiceParameters next) {
        this.parameters = next;
        for (SimNode n : nodes.values()) {
            if (n.rm == null) continue;
            if (n.up) deliver(n, new RmEvent.ParametersChanged(next));
            else n.rm = RecoveryManager.initial(n.id, groupOf(n.id), next);
        }
    }

    /** How long each hook (user move, service start or stop) takes. */
    public void hookTime(Duration d) {
        hooks.hookTime(d);
    }

    public void addGroup(RedundancyGroup group) {
        List<RedundancyGroup> all = new ArrayList<>(groups.values());
        all.add(group);
        RedundancyGroup.checkCluster(all);
        groups.put(group.name(), group);
        for (NodeId id : group.nodes()) {
            if (nodes.containsKey(id)) throw new Invalid("group", id, "a node not yet defined (" + id + " exists)");
            nodes.put(id, new SimNode(id, RecoveryManager.initial(id, group, parameters)));
            users.addHome(id);
        }
    }

    public RedundancyGroup group(String name) {
        RedundancyGroup g = groups.get(name);
        if (g == null) throw new Invalid("group", name, "one of " + groups.keySet());
        return g;
    }

    public List<RedundancyGroup> groups() {
        return List.copyOf(groups.values());
    }

    public List<NodeId> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    public void addService(NodeId node, String name) {
        SimNode n = node(node);
        if (n.serviceFaulted.containsKey(name)) throw new Invalid("service", name, "a name not yet used on " + node);
        n.serviceFaulted.put(name, false);
        hooks.reportHealth(n);
    }

    /** The names of the critical services of {@code node}. */
    public List<String> services(NodeId node) {
        return List.copyOf(node(node).serviceFaulted.keySet());
    }

    /** [RG-T2], "Unknown": a group whose high availability is switched on or off. */
    public void highAvailability(String groupName, boolean on) {
        highAvailability(groupName, on, group(groupName).nodes());
    }

    /**
     * Switches high availability on or off on some nodes of a group only: what an operator gets when the
     * change does not reach every node ([RG-T2], Unknown: "high availability was not enabled properly").
     */
    public void highAvailability(String groupName, boolean on, List<NodeId> only) {
        RedundancyGroup g = group(groupName).withHighAvailability(on);
        for (NodeId id : only) {
            if (!g.contains(id)) throw new Invalid("node", id, "a node of group " + groupName + ": " + g.nodes());
        }
        if (only.containsAll(g.nodes())) groups.put(g.name(), g);
        for (NodeId id : only) {
            SimNode n = nodes.get(id);
            if (n.up) deliver(n, new RmEvent.GroupChanged(g));
            else n.rm = RecoveryManager.initial(id, g, parameters);
        }
    }

    /**
     * Adds users to a group, placed by the assignment mode.
     *
     * @return the refusal ([RG-LIMITS]: not while a node of the cluster is in a failover state), or empty
     */
    public Optional<String> addUsers(String groupName, int count, AssignmentMode mode) {
        return users.add(groupName, count, mode);
    }

    // ---------------------------------------------------------------- faults and operations

    public void start(NodeId id) {
        processes.start(id);
    }

    /** The build node {@code id} runs from its next start (an upgrade or a downgrade installed, not yet started). */
    public void versions(NodeId id, dev.tandem.core.rm.Versions versions) {
        node(id).versions = versions;
    }

    /** Graceful stop of the recovery manager: it says goodbye (the peer sees Peer Reboot). */
    public void stop(NodeId id) {
        processes.stop(id);
    }

    public void restart(NodeId id) {
        stop(id);
        start(id);
    }

    /** A graceful host reboot: down for {@code downFor}, then the host boots, its services start, and so does Tandem. */
    public void reboot(NodeId id, Duration downFor) {
        processes.reboot(id, downFor);
    }

    /**
     * Whether the nodes keep a connection to their peer's process (the session replication link of handover keep),
     * which the host of a killed process resets: the peer then probes at once ({@link RmEvent.PeerLinkLost}).
     * Off by default, as without replication (the specification's relogin).
     */
    public void replicationLinks(boolean on) {
        processes.replicationLinks(on);
    }

    /** Dies silently: power or network loss. Nothing is sent; what it persisted stays. */
    public void crash(NodeId id) {
        processes.crash(id);
    }

    /** The node's process dies (SIGKILL) while its host keeps running: messages to it are refused. */
    public void kill(NodeId id) {
        processes.kill(id);
    }

    public void partition(NodeId a, NodeId b) {
        network.partition(a, b);
    }

    /** Heals every partition, between nodes and between a node and the witness. */
    public void heal() {
        network.heal();
        witness.heal();
    }

    /** The witness of the redundancy groups stops or starts answering (decision 115). */
    public void witness(boolean up) {
        witness.up(up);
    }

    public boolean witnessUp() {
        return witness.isUp();
    }

    /** Cuts {@code id} off from the witness until the next {@link #heal}. */
    public void cutFromWitness(NodeId id) {
        witness.cut(id);
    }

    /** The group's lease as the witness keeps it, if it ever granted one. */
    public Optional<dev.tandem.core.rm.WitnessLease> lease(String group) {
        return witness.lease(group);
    }

    public void serviceDown(NodeId id, String service) {
        setService(id, service, true);
    }

    public void serviceUp(NodeId id, String service) {
        setService(id, service, false);
    }

    private void setService(NodeId id, String service, boolean faulted) {
        SimNode n = node(id);
        if (!n.serviceFaulted.containsKey(service)) {
            throw new Invalid("service", service, "a critical service of " + id + ": " + n.serviceFaulted.keySet());
        }
        n.serviceFaulted.put(service, faulted);
        hooks.reportHealth(n);
    }

    public void databaseDown(NodeId id) {
        node(id).databaseUp = false;
        hooks.reportHealth(node(id));
    }

    public void databaseUp(NodeId id) {
        node(id).databaseUp = true;
        hooks.reportHealth(node(id));
    }

    /** The next hook of this kind on this node fails. */
    public void failNext(NodeId id, HookKind kind) {
        node(id).failNext.add(kind);
    }

    /** Forgets every hook failure and kill still armed on this node. */
    public void clearFailNext(NodeId id) {
        node(id).failNext.clear();
        node(id).killDuring.clear();
    }

    /**
     * The node's process is killed (SIGKILL) halfway through its next hook of this kind, as an operator or the OOM
     * killer might; whether the hook had done its work by then (services started or stopped) is drawn from the seed.
     * The hook's end is never reported: the next start must decide what to do about it.
     */
    public void killDuringNextHook(NodeId id, HookKind kind) {
        node(id).killDuring.add(kind);
    }

    /** An administrator's failover or fallback of one node: the answer comes at once. */
    public Effect.AdminResult admin(NodeId target, AdminAction action) {
        return admin.request(target, action);
    }

    /** [RG-MANUAL]: Recover, asked of the group (any running node takes it and its peer follows). */
    public Effect.AdminResult recover(String groupName) {
        return admin.recover(groupName);
    }

    // ---------------------------------------------------------------- time

    /** Runs everything due in the next {@code d} of virtual time. */
    public void run(Duration d) {
        Instant until = now.plus(d);
        Instant at;
        while ((at = queue.peek(until)) != null) {
            now = at;
            queue.poll().run();
            for (Runnable check : invariants) check.run();
        }
        now = until;
    }

    /**
     * Sees every transition of every machine as the core records it, within a step too (a step may pass through
     * several states); a listener that throws stops the simulator there.
     */
    public void onTransition(Consumer<Effect.Record> listener) {
        transitionListeners.add(listener);
    }

    /**
     * Checks {@code invariant} after every event from now on, so a property holds at each virtual instant, not only
     * at the end of a run; an invariant that fails throws, which stops the run there.
     */
    public void checkAfterEveryEvent(Runnable invariant) {
        invariants.add(invariant);
    }

    /**
     * Who holds the service address of {@code owner} now: every up node whose recovery manager serves its users
     * (docs/redundancy.md, Service addresses).
     */
    public List<NodeId> serviceAddressHolders(NodeId owner) {
        List<NodeId> holders = new ArrayList<>();
        for (NodeId id : groupOf(owner).nodes()) {
            SimNode n = nodes.get(id);
            if (n.up && dev.tandem.core.rm.ServiceAddresses.heldBy(n.rm).contains(owner)) holders.add(id);
        }
        return holders;
    }

    // ---------------------------------------------------------------- observations

    public boolean isUp(NodeId id) {
        return node(id).up;
    }

    /** Grows every time the node's process starts or ends: a node whose count changed has lost its memory. */
    public long process(NodeId id) {
        return node(id).process;
    }

    /** Whether messages between {@code a} and {@code b} are cut by a partition. */
    public boolean partitioned(NodeId a, NodeId b) {
        return network.partitioned(a, b);
    }

    /** The recovery manager's state (the last one, for a node that is down). */
    public RmState rm(NodeId id) {
        return node(id).rm;
    }

    /** How many users this node serves now. */
    public int usersServedBy(NodeId id) {
        return users.servedBy(id);
    }

    /** Users whose home is this node. */
    public int usersHomedAt(NodeId id) {
        return users.homedAt(id);
    }

    /** The running nodes that serve the users homed at {@code home} now. */
    public List<NodeId> serversOf(NodeId home) {
        return users.serversOf(home);
    }

    public Set<AdminAction> actions(String groupName) {
        return admin.actions(groupName);
    }

    // ---------------------------------------------------------------- the shell

    List<Effect> deliver(SimNode n, RmEvent event) {
        Transition<RmState> t = RecoveryManager.step(n.rm, event, now);
        n.rm = t.state();
        execute(n, t.effects());
        return t.effects();
    }

    /** Runs the effects of either machine of a node. */
    void execute(SimNode n, List<Effect> effects) {
        for (Effect e : effects) {
            switch (e) {
                case Effect.Send s -> send(n.id, s.to(), s.message());
                case Effect.SetTimer t -> setTimer(n, t.name(), t.deadline());
                case Effect.CancelTimer c -> n.timers.remove(c.name());
                case Effect.RunHook h -> hooks.run(n, h);
                case Effect.Persist p -> n.persisted = p.snapshot();
                case Effect.Record r -> {
                    log(r.node() + " " + r.from() + " -> " + r.to() + " (" + r.reason() + ")");
                    for (Consumer<Effect.Record> l : transitionListeners) l.accept(r);
                    if (r.protocol().equals(RecoveryManager.PROTOCOL)) lb.reconsiderAll(); // a pair's speaker may change
                }
                case Effect.AdminResult r -> { }
                case Effect.ClaimAddress c -> lb.claim(n);
                case Effect.ReleaseAddress r -> lb.release(n);
                case Effect.SendToCluster c -> lb.sendToCluster(n, c.message());
                case Effect.SendToGroup g -> lb.sendToGroup(n, g.message());
                case Effect.SettingsMismatch m -> log(m.node() + " refuses " + m.peer() + ": " + m.message());
                case Effect.AskWitness a -> witness.ask(n, a);
            }
        }
    }

    private void setTimer(SimNode n, String name, Instant deadline) {
        long token = ++timerTokens;
        n.timers.put(name, token);
        long process = n.process;
        queue.schedule(deadline.isBefore(now) ? now : deadline, () -> {
            if (n.up && n.process == process && Long.valueOf(token).equals(n.timers.get(name))) {
                n.timers.remove(name);
                if (name.startsWith("lb.")) lb.timer(n, name);
                else deliver(n, new RmEvent.TimerFired(name));
            }
        });
    }

    void send(NodeId from, NodeId to, Message message) {
        network.send(from, to, message);
    }

    boolean cut(NodeId a, NodeId b) {
        return network.cut(a, b);
    }

    Duration delay() {
        return network.delay();
    }

    boolean lost() {
        return network.lost();
    }

    // ---------------------------------------------------------------- helpers

    SimNode node(NodeId id) {
        SimNode n = nodes.get(id);
        if (n == null) throw new Invalid("node", id, "a node of a group: " + nodes.keySet());
        return n;
    }

    void at(Instant when, Runnable work) {
        queue.schedule(when, work);
    }

    SimNode nodeOrNull(NodeId id) {
        return nodes.get(id);
    }

    java.util.Collection<SimNode> allNodes() {
        return nodes.values();
    }

    /** The load-balancing group of this simulation. */
    public SimLoadBalancing lb() {
        return lb;
    }

    /** Adds a node that is in no redundancy group (a load-balancing member only). */
    SimNode addBareNode(NodeId id) {
        SimNode n = new SimNode(id, null);
        nodes.put(id, n);
        return n;
    }

    RedundancyGroup groupOf(NodeId id) {
        for (RedundancyGroup g : groups.values()) {
            if (g.contains(id)) return g;
        }
        throw new Invalid("node", id, "a node of a group");
    }

    void log(String line) {
        trace.add(elapsed(), line);
    }

}
