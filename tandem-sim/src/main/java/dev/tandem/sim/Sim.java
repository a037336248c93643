package dev.tandem.sim;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.Invalid;
import dev.tandem.core.Message;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.rm.Actions;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.PersistedRm;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.core.rm.UserAssignment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
    private final Random random;
    private final EventQueue queue = new EventQueue();
    private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, RedundancyGroup> groups = new LinkedHashMap<>();
    private final Set<Set<NodeId>> partitions = new HashSet<>();
    private boolean replicationLinks;
    private final Map<NodeId, Integer> usersByHome = new LinkedHashMap<>();
    private final List<String> trace = new ArrayList<>();
    private Instant now = EPOCH;
    private NetworkModel network = NetworkModel.PERFECT;
    private ServiceParameters parameters = ServiceParameters.defaults();
    private Duration hookTime = Duration.ofSeconds(2);
    private long timerTokens;
    private Consumer<String> traceListener = s -> {};
    private final SimLoadBalancing lb = new SimLoadBalancing(this);

    private final List<Runnable> invariants = new ArrayList<>();
    private final List<Consumer<Effect.Record>> transitionListeners = new ArrayList<>();

    public Sim(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
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
        this.traceListener = listener;
    }

    public List<String> trace() {
        return List.copyOf(trace);
    }

    // ---------------------------------------------------------------- configuration

    public void network(NetworkModel model) {
        this.network = model;
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
        if (d.isNegative()) throw new Invalid("hook-time", d, "zero or more");
        this.hookTime = d;
    }

    public void addGroup(RedundancyGroup group) {
        List<RedundancyGroup> all = new ArrayList<>(groups.values());
        all.add(group);
        RedundancyGroup.checkCluster(all);
        groups.put(group.name(), group);
        for (NodeId id : group.nodes()) {
            if (nodes.containsKey(id)) throw new Invalid("group", id, "a node not yet defined (" + id + " exists)");
            nodes.put(id, new SimNode(id, RecoveryManager.initial(id, group, parameters)));
            usersByHome.put(id, 0);
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
        reportHealth(n);
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
        if (count < 1) throw new Invalid("count", count, "a whole number from 1");
        RedundancyGroup g = group(groupName);
        Map<NodeId, NodeState> states = new LinkedHashMap<>();
        for (SimNode n : nodes.values()) {
            if (n.up && n.rm != null) states.put(n.id, n.rm.state());
        }
        Optional<String> refusal = UserAssignment.refusalToAdd(states);
        if (refusal.isPresent()) return refusal;
        for (int i = 0; i < count; i++) {
            Optional<NodeId> home = UserAssignment.nextHome(mode, List.of(g), usersByHome);
            // Mode None assigns nobody: the administrator places those users by hand ([RG-ASSIGN]).
            home.ifPresent(h -> usersByHome.merge(h, 1, Integer::sum));
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- faults and operations

    public void start(NodeId id) {
        SimNode n = node(id);
        if (n.up) throw new Invalid("start", id, "a node that is not running (" + id + " runs)");
        n.up = true;
        n.hostUp = true;
        n.process++;
        n.timers.clear();
        n.reportedRunning.clear();
        n.reportedDatabase = null;
        log(id + " starts" + (n.persisted == null ? "" : " (persisted " + n.persisted.state() + ")"));
        if (n.rm != null) {
            n.rm = RecoveryManager.initial(id, groupOf(id), parameters, n.versions);
            deliver(n, new RmEvent.Start(Optional.ofNullable(n.persisted)));
            reportHealth(n);
        }
        lb.reconsiderAll();
    }

    /** The build node {@code id} runs from its next start (an upgrade or a downgrade installed, not yet started). */
    public void versions(NodeId id, dev.tandem.core.rm.Versions versions) {
        node(id).versions = versions;
    }

    /** Graceful stop of the recovery manager: it says goodbye (the peer sees Peer Reboot). */
    public void stop(NodeId id) {
        SimNode n = running(id, "stop");
        stopMachines(n);
        down(n, "stops");
    }

    private void stopMachines(SimNode n) {
        if (n.rm != null) deliver(n, new RmEvent.Stop());
        lb.stop(n);
    }

    public void restart(NodeId id) {
        stop(id);
        start(id);
    }

    /** A graceful host reboot: down for {@code downFor}, then the host boots, its services start, and so does Tandem. */
    public void reboot(NodeId id, Duration downFor) {
        SimNode n = running(id, "reboot");
        stopMachines(n);
        down(n, "reboots");
        n.hostUp = false;
        long process = n.process;
        queue.schedule(now.plus(downFor), () -> {
            if (n.up || n.process != process) return;
            n.servicesStoppedByRm = false; // the boot starts the critical services
            start(id);
        });
    }

    /**
     * Whether the nodes keep a connection to their peer's process (the session replication link of handover keep),
     * which the host of a killed process resets: the peer then probes at once ({@link RmEvent.PeerLinkLost}).
     * Off by default, as without replication (the specification's relogin).
     */
    public void replicationLinks(boolean on) {
        replicationLinks = on;
        log("replication links " + (on ? "on" : "off"));
    }

    /** Dies silently: power or network loss. Nothing is sent; what it persisted stays. */
    public void crash(NodeId id) {
        SimNode n = running(id, "crash");
        down(n, "crashes");
        n.hostUp = false;
        n.servicesStoppedByRm = false; // when the host comes back, it boots with its services
    }

    /** The node's process dies (SIGKILL) while its host keeps running: messages to it are refused. */
    public void kill(NodeId id) {
        SimNode n = running(id, "kill");
        down(n, "is killed");
        if (!replicationLinks) return;
        // Its host resets the connections the process had (a pair's session replication link): each node at the
        // other end hears of it after a network delay (the recovery manager filters out all but its peer).
        for (SimNode other : nodes.values()) {
            if (other == n || !other.up || cut(id, other.id)) continue;
            long process = other.process;
            queue.schedule(now.plus(delay()), () -> {
                if (other.up && other.process == process && !cut(id, other.id)) deliver(other, new RmEvent.PeerLinkLost(id));
            });
        }
    }

    private void down(SimNode n, String how) {
        n.up = false;
        n.process++;
        n.timers.clear();
        lb.down(n);
        log(n.id + " " + how);
        lb.reconsiderAll();
    }

    public void partition(NodeId a, NodeId b) {
        node(a);
        node(b);
        if (a.equals(b)) throw new Invalid("partition", a, "two different nodes");
        partitions.add(Set.of(a, b));
        log("partition " + a + " | " + b);
    }

    public void heal() {
        partitions.clear();
        log("network healed");
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
        reportHealth(n);
    }

    public void databaseDown(NodeId id) {
        node(id).databaseUp = false;
        reportHealth(node(id));
    }

    public void databaseUp(NodeId id) {
        node(id).databaseUp = true;
        reportHealth(node(id));
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
        SimNode n = node(target);
        if (n.rm == null) {
            return new Effect.AdminResult(0, false, target + " is in no redundancy group");
        }
        if (!n.up) {
            return new Effect.AdminResult(0, false, action.display() + " of " + target
                    + " is not available: its recovery manager is not running");
        }
        return deliverAdmin(n, action);
    }

    /** [RG-MANUAL]: Recover, asked of the group (any running node takes it and its peer follows). */
    public Effect.AdminResult recover(String groupName) {
        for (NodeId id : group(groupName).nodes()) {
            SimNode n = nodes.get(id);
            if (n.up && n.rm.state().isBroken()) return deliverAdmin(n, AdminAction.RECOVER);
        }
        for (NodeId id : group(groupName).nodes()) {
            SimNode n = nodes.get(id);
            if (n.up) return deliverAdmin(n, AdminAction.RECOVER);
        }
        return new Effect.AdminResult(0, false, "recover is not available: no node of " + groupName + " is running");
    }

    private long adminRequests;

    private Effect.AdminResult deliverAdmin(SimNode n, AdminAction action) {
        long id = ++adminRequests;
        List<Effect> effects = deliver(n, new RmEvent.Admin(id, action));
        for (Effect e : effects) {
            if (e instanceof Effect.AdminResult r && r.requestId() == id) {
                log("admin " + action.display() + " on " + n.id + ": " + (r.accepted() ? "accepted" : "refused: " + r.message()));
                return r;
            }
        }
        throw new IllegalStateException("no answer to admin request " + id);
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
        return partitions.contains(Set.of(a, b));
    }

    /** The recovery manager's state (the last one, for a node that is down). */
    public RmState rm(NodeId id) {
        return node(id).rm;
    }

    /** How many users this node serves now. */
    public int usersServedBy(NodeId id) {
        SimNode n = node(id);
        if (!n.up || n.rm == null) return 0;
        RedundancyGroup g = groupOf(id);
        int total = 0;
        for (Serving.Side side : n.rm.serving()) {
            NodeId home = side == Serving.Side.OWN ? id : g.peerOf(id).orElseThrow();
            total += usersByHome.getOrDefault(home, 0);
        }
        return total;
    }

    /** Users whose home is this node. */
    public int usersHomedAt(NodeId id) {
        node(id);
        return usersByHome.getOrDefault(id, 0);
    }

    /** The running nodes that serve the users homed at {@code home} now. */
    public List<NodeId> serversOf(NodeId home) {
        RedundancyGroup g = groupOf(home);
        Map<NodeId, Set<Serving.Side>> serving = new HashMap<>();
        for (NodeId id : g.nodes()) {
            SimNode n = nodes.get(id);
            serving.put(id, n.up ? n.rm.serving() : Set.of());
        }
        return UserAssignment.servers(g, home, serving);
    }

    public Set<AdminAction> actions(String groupName) {
        RedundancyGroup g = group(groupName);
        List<Actions.NodeView> views = new ArrayList<>();
        for (NodeId id : g.nodes()) {
            SimNode n = nodes.get(id);
            views.add(new Actions.NodeView(id, n.rm.state(), n.up, n.rm.healthy()));
        }
        return Actions.available(g.highAvailability(), views);
    }

    // ---------------------------------------------------------------- the shell

    private List<Effect> deliver(SimNode n, RmEvent event) {
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
                case Effect.RunHook h -> runHook(n, h);
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
        SimNode dest = nodes.get(to);
        if (dest == null || cut(from, to) || random.nextDouble() < network.loss()) return;
        if (message instanceof LbMessage m) {
            lb.transmit(from, dest, m);
            return;
        }
        int copies = random.nextDouble() < network.duplicate() ? 2 : 1;
        SimNode source = nodes.get(from);
        long sourceProcess = source.process;
        for (int i = 0; i < copies; i++) {
            Duration there = delay();
            queue.schedule(now.plus(there), () -> {
                if (cut(from, to)) return;
                if (dest.up && message instanceof RmMessage m) {
                    deliver(dest, new RmEvent.Received(m));
                } else if (!dest.up && dest.hostUp) {
                    // The host answers "port unreachable" on the way back.
                    queue.schedule(now.plus(there), () -> {
                        if (source.up && source.process == sourceProcess) deliver(source, new RmEvent.PeerRefused());
                    });
                }
            });
        }
    }

    boolean cut(NodeId a, NodeId b) {
        return !a.equals(b) && partitions.contains(Set.of(a, b)); // a node always reaches itself
    }

    Duration delay() {
        long min = network.minDelay().toNanos();
        long span = network.maxDelay().toNanos() - min;
        return Duration.ofNanos(span == 0 ? min : min + (long) (random.nextDouble() * span));
    }

    private void runHook(SimNode n, Effect.RunHook h) {
        long process = n.process;
        if (n.killDuring.remove(h.kind())) {
            queue.schedule(now.plus(hookTime.dividedBy(2)), () -> {
                if (!n.up || n.process != process) return;
                boolean done = random.nextBoolean();
                if (done) hookWork(n, h.kind(), true);
                log(n.id + " hook " + h.kind().name().toLowerCase().replace('_', '-') + " cut short ("
                        + (done ? "its work was done" : "nothing done yet") + ")");
                kill(n.id);
            });
        }
        queue.schedule(now.plus(hookTime), () -> {
            if (!n.up || n.process != process) return;
            boolean ok = hookWork(n, h.kind(), !n.failNext.remove(h.kind()));
            log(n.id + " hook " + h.kind().name().toLowerCase().replace('_', '-') + (ok ? " done" : " failed"));
            deliver(n, new RmEvent.HookCompleted(h.id(), h.kind(), ok));
            reportHealth(n);
        });
    }

    /** What a hook does to the node's services; returns whether it succeeded. */
    private static boolean hookWork(SimNode n, HookKind kind, boolean ok) {
        switch (kind) {
            case STOP_SERVICES -> n.servicesStoppedByRm = true;
            case START_SERVICES -> {
                // A service broken by a fault does not start ([RG-T2]: Start of Critical Services Failed).
                ok = ok && n.serviceFaulted.values().stream().noneMatch(f -> f);
                if (ok) n.servicesStoppedByRm = false;
            }
            case TAKE_OVER_USERS, TAKE_BACK_USERS -> { }
        }
        return ok;
    }

    /** The node's health checks: report each service and the database when their verdict changes. */
    private void reportHealth(SimNode n) {
        if (!n.up || n.rm == null) return;
        for (String s : n.serviceFaulted.keySet()) {
            boolean running = n.serviceRunning(s);
            if (!Boolean.valueOf(running).equals(n.reportedRunning.get(s))) {
                boolean first = !n.reportedRunning.containsKey(s);
                n.reportedRunning.put(s, running);
                if (!(first && running)) deliver(n, new RmEvent.ServiceChanged(s, running));
            }
        }
        if (!Boolean.valueOf(n.databaseUp).equals(n.reportedDatabase)) {
            boolean first = n.reportedDatabase == null;
            n.reportedDatabase = n.databaseUp;
            if (!(first && n.databaseUp)) deliver(n, new RmEvent.DatabaseChanged(n.databaseUp));
        }
    }

    // ---------------------------------------------------------------- helpers

    SimNode node(NodeId id) {
        SimNode n = nodes.get(id);
        if (n == null) throw new Invalid("node", id, "a node of a group: " + nodes.keySet());
        return n;
    }

    private SimNode running(NodeId id, String what) {
        SimNode n = node(id);
        if (!n.up) throw new Invalid(what, id, "a running node (" + id + " is down)");
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

    private RedundancyGroup groupOf(NodeId id) {
        for (RedundancyGroup g : groups.values()) {
            if (g.contains(id)) return g;
        }
        throw new Invalid("node", id, "a node of a group");
    }

    void log(String line) {
        String entry = String.format("%10s  %s", formatElapsed(elapsed()), line);
        trace.add(entry);
        traceListener.accept(entry);
    }

    static String formatElapsed(Duration d) {
        long ms = d.toMillis();
        return String.format("%d:%02d.%03d", ms / 60_000, (ms / 1000) % 60, ms % 1000);
    }

}
