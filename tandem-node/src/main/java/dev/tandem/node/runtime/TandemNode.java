package dev.tandem.node.runtime;

import dev.tandem.api.RedundancyAnswers;
import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.LoopStall;
import dev.tandem.core.rm.PersistedRm;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.core.rm.Versions;
import dev.tandem.node.config.CheckConfig;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.session.SessionService;
import dev.tandem.node.session.UserHomes;
import dev.tandem.node.store.StoreService;
import dev.tandem.node.store.UserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: the recovery manager's core inside its shell. A single event-loop thread owns the core
 * state; the network, the checks, the hooks and the admin API only submit events to it and read the
 * snapshot it publishes after every step (docs/architecture.md, The shell).
 */
public final class TandemNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TandemNode.class);
    /**
     * The exit status of a node that failed clean (an exception in a step, a loop stuck until its peer was about
     * to take over, see {@link LoopStall}): not 2, so the service manager restarts it from its persisted state.
     */
    public static final int EXIT_FAILED = 70;

    private final NodeConfig config;
    private final Clock clock;
    private final NodeId self;
    private final RedundancyGroup group;
    /** The recovery-manager link to the peer over the heartbeat paths; null until the node starts. */
    private volatile PeerLink link;
    private final ProtocolLoop loop;
    private final StateWriter stateWriter;
    private final RmHooks rmHooks;
    private final LoopTimers timers;
    private final Map<Long, CompletableFuture<Effect.AdminResult>> pendingAdmin = new HashMap<>();
    private final AtomicLong adminRequests = new AtomicLong();
    private final HookRunner hooks = new HookRunner();
    private final EventBus events = new EventBus();
    private final NodeMetrics metrics;
    private final StateFile stateFile;
    private final Instant startedAt;
    private Envelope envelope;
    private HealthChecks checks;
    private long envelopeEpoch;
    private volatile RmState rm;
    private volatile boolean stopped;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether the node answers clients: not while its loop is stalled, nor after it failed clean. */
    private final Fencing fencing;
    private LoopWatchdog watchdog;
    private LoadBalancingShell lb;
    /** The service addresses of the group's nodes this node holds (docs/redundancy.md, Service addresses). */
    private final ServiceAddressShell serviceAddresses;
    /** Who may serve a user, for the director: the store's user directory unless a test gives another. */
    private volatile dev.tandem.node.redirect.UserLocator userLocator;
    private final UserHomes userHomes;
    private volatile SessionService sessions;
    private volatile ServingChange lastServingChange;
    private final StoreService store;
    private final StoreWitness witness;

    /**
     * A node whose users come from the cluster store's user directory.
     *
     * @param yaml the node's configuration file; the store's settings for its group, parameters and device take
     *             precedence (docs/store.md), or the local cache of them while the store is unreachable
     */
    public TandemNode(NodeConfig yaml, Clock clock) {
        this(yaml, clock, null);
    }

    /** @param userHomes where the cluster's users live, for the session service; null: the store's user directory */
    public TandemNode(NodeConfig yaml, Clock clock, UserHomes userHomes) {
        this.store = StoreService.open(yaml, Keys.fingerprint(yaml.cluster()));
        NodeConfig config = store.effectiveConfig();
        this.config = config;
        this.userLocator = user -> store.users().candidates(user);
        this.userHomes = userHomes != null ? userHomes
                : user -> store.users().placement(user).map(p -> p.home().value());
        this.clock = clock;
        this.self = NodeId.of(config.id());
        this.group = new RedundancyGroup(config.redundancyGroup().name(), config.redundancyGroup().description(),
                config.redundancyGroup().nodes().stream().map(m -> NodeId.of(m.id())).toList(),
                config.redundancyGroup().highAvailability());
        ServiceParameters params = ServiceParameters.fromText(config.parameters());
        this.loop = new ProtocolLoop(config.id(), e -> failStop("a task on the protocol loop failed: " + e, e));
        this.metrics = new NodeMetrics(this::snapshot);
        metrics.store(store::reachable);
        this.timers = new LoopTimers(loop, clock, name -> step(new RmEvent.TimerFired(name)));
        this.stateFile = new StateFile(config.stateDir());
        this.stateWriter = new StateWriter(config.id(), stateFile, metrics);
        this.rmHooks = new RmHooks(config, hooks, stateWriter, loop, this::step);
        this.serviceAddresses = new ServiceAddressShell(config, hooks);
        this.rm = RecoveryManager.initial(self, group, params, Versions.current(BuildVersion.get()));
        this.startedAt = clock.instant();
        this.fencing = new Fencing(self, clock, metrics, events, () -> summary(rm), () -> stopped = true, this::releaseNow);
        this.witness = new StoreWitness(store.store(), e -> loop.execute(() -> step(e)), events, clock);
    }

    /** Opens the sockets, resumes the persisted state and starts the recovery manager. */
    public void start() throws Exception {
        Optional<Keys.Loaded> keys = Keys.load(config.cluster());
        Optional<ClusterKey> key = keys.map(Keys.Loaded::key);
        if (key.isEmpty()) {
            LOG.warn("NO CLUSTER KEY: recovery-manager and group messages are neither authenticated nor encrypted;"
                    + " anyone who can reach port {} can change this node's state. Set cluster.keyFile.",
                    rm.params().servicePort());
        } else {
            LOG.info("cluster key fingerprint {}, encryption {}", key.get().fingerprint(),
                    config.cluster().encryption() ? "on" : "off (messages authenticated only)");
        }
        Optional<StateFile.Content> saved = stateFile.read();
        envelopeEpoch = Math.max(clock.millis(), saved.map(c -> c.envelopeEpoch() + 1).orElse(0L));
        envelope = new Envelope(key, config.cluster().encryption(), self.value(), envelopeEpoch);
        Optional<PersistedRm> persisted = saved.map(StateFile.Content::rm).filter(p -> p != null);
        if (persisted.isPresent()) stateFile.write(new StateFile.Content(persisted.get(), envelopeEpoch));
        link = PeerLink.open(config, loop, clock, metrics, events, envelope, wire, group, () -> rm, () -> stopped,
                this::step);
        if (config.loadBalancing() != null) {
            lb = new LoadBalancingShell(config.loadBalancing(), self, key, keys.map(Keys.Loaded::secret),
                    config.cluster().encryption(), envelopeEpoch, clock, loop, metrics, events, hooks,
                    new FqdnLookup(() -> store.settings().deviceConfig(self.value()), clock));
            lb.users(userLocator);
            lb.answering(this::answering);
            lb.open();
            metrics.loadBalancing(this::loadBalancing);
        }
        // The envelope epoch is never below the wall clock at start nor below the last one written: the recovery
        // manager's incarnation starts above it, so a node that lost its state file is still newer than it was
        // (docs/decisions/0050-incarnation-survives-a-lost-state-file.md).
        long floor = envelopeEpoch;
        onLoop(() -> step(new RmEvent.Start(persisted, floor))).get(10, TimeUnit.SECONDS);
        watchdog = new LoopWatchdog(self.value(), loop, () -> LoopStall.of(rm.params()),
                // With the peer down nobody is about to take over: a stuck survivor is fenced, never ended.
                () -> LoopStall.peerMayTakeOver(rm) ? link.lastSent() : ProtocolLoop.IDLE,
                fencing).start();
        // Before the checks: the session service is usually one of the node's critical services.
        if (config.sessionService() != null) sessions = NodeSessionHost.startService(this, key, envelopeEpoch, userHomes);
        SessionService s = sessions;
        serviceAddresses.listener(s == null ? ServiceAddressShell.Listener.NONE
                : ServiceAddressShell.Listener.of(s::listen, s::unlisten));
        checks = new HealthChecks(config.criticalServices(), this::checkChanged, clock);
        checks.start();
        store.start(this::snapshot, this::parameters, this::deviceSettings, this::groupSettings);
    }

    private void checkChanged(CheckConfig check, boolean up) {
        loop.execute(() -> step(check.isDatabase() ? new RmEvent.DatabaseChanged(up)
                : new RmEvent.ServiceChanged(check.name(), up)));
    }

    /** An administrator's action on this node; the answer comes from the core. */
    public CompletableFuture<Effect.AdminResult> admin(AdminAction action) {
        long id = adminRequests.incrementAndGet();
        CompletableFuture<Effect.AdminResult> answer = new CompletableFuture<>();
        loop.execute(() -> {
            pendingAdmin.put(id, answer);
            step(new RmEvent.Admin(id, action));
            CompletableFuture<Effect.AdminResult> left = pendingAdmin.remove(id);
            if (left != null) left.completeExceptionally(new IllegalStateException("no answer from the core"));
        });
        return answer;
    }

    public CompletableFuture<Void> parameters(ServiceParameters next) {
        return onLoop(() -> step(new RmEvent.ParametersChanged(next)));
    }

    /** This node's redundancy group changed in the store in what applies live: its HA switch, its description. */
    void groupSettings(NodeConfig.Group g) {
        RedundancyGroup next = new RedundancyGroup(g.name(), g.description(),
                g.nodes().stream().map(m -> NodeId.of(m.id())).toList(), g.highAvailability());
        loop.execute(() -> step(new RmEvent.GroupChanged(next)));
    }

    /**
     * This node's load-balancing settings changed in the store in what applies live (the group's cluster address and
     * mode, the other devices; the device's priority, NAT, redirect-fqdn, participate). The device is built here, off
     * the loop: redirect-fqdn without a name looks the address up in reverse DNS.
     */
    void deviceSettings(NodeConfig.LoadBalancing next) {
        LoadBalancingShell s = lb;
        if (s == null) return;
        dev.tandem.core.lb.DeviceSettings device = s.deviceOf(next);
        loop.execute(() -> {
            s.groupChanged(next);
            s.peersChanged(next.peers());
            s.deviceChanged(device);
        });
    }

    // ---------------------------------------------------------------- the step and its effects

    private void step(RmEvent event) {
        if (stopped && !(event instanceof RmEvent.Stop)) return;
        RmState before = rm;
        Transition<RmState> t;
        try {
            t = RecoveryManager.step(before, event, clock.instant());
        } catch (RuntimeException e) {
            failStop("the recovery manager's step failed on " + event + " in " + summary(before), e);
            throw e;
        }
        rm = t.state();
        PeerVersions.reconsider(before, rm, events, clock.instant());
        if (!rm.serving().equals(before.serving())) {
            lastServingChange = new ServingChange(clock.instant(), before.serving(), rm.serving(), rm.state().display(),
                    rm.reason().display());
        }
        for (Effect e : t.effects()) execute(e);
        serviceAddresses.reconsider(rm);
        if (lb != null) lb.reconsider(rm);
        // The peer was just found down (or back): the paths say so in the same instant, not at their next tick.
        if (before.peer().alive() != rm.peer().alive() && link != null) link.peerChanged();
    }

    private static String summary(RmState s) {
        return s.self() + " " + s.state().display() + " / " + s.reason().display() + " (peer "
                + s.peerId().map(NodeId::value).orElse("none") + ")";
    }

    private void execute(Effect e) {
        switch (e) {
            case Effect.Persist p -> persist(p.snapshot());
            case Effect.Send s -> link.send(s);
            case Effect.SetTimer t -> timers.set(t.name(), t.deadline());
            case Effect.CancelTimer c -> timers.cancel(c.name());
            case Effect.RunHook h -> rmHooks.run(h);
            case Effect.Record r -> transition(r);
            case Effect.AdminResult r -> {
                CompletableFuture<Effect.AdminResult> f = pendingAdmin.remove(r.requestId());
                if (f != null) f.complete(r);
                events.publish("admin", clock.instant(), Map.of("node", self.value(), "accepted", r.accepted(),
                        "message", r.message()));
            }
            // The recovery manager never asks for these; they belong to the load-balancing machine.
            case Effect.ClaimAddress c -> notFromRecoveryManager(e);
            case Effect.ReleaseAddress r -> notFromRecoveryManager(e);
            case Effect.SendToCluster c -> notFromRecoveryManager(e);
            case Effect.SendToGroup g -> notFromRecoveryManager(e);
            case Effect.SettingsMismatch m -> notFromRecoveryManager(e);
            case Effect.AskWitness a -> witness.ask(a);
        }
    }

    private void persist(PersistedRm snapshot) {
        stateWriter.write(new StateFile.Content(snapshot, envelopeEpoch));
    }

    private static void notFromRecoveryManager(Effect e) {
        throw new IllegalStateException("the recovery manager asked for a load-balancing effect: " + e);
    }

    private void transition(Effect.Record r) {
        // One log line per state transition: node, from, to, reason (docs/architecture.md).
        LOG.info("{} {}: {} -> {} ({})", r.node(), r.protocol(), r.from(), r.to(), r.reason());
        metrics.transition(r.protocol(), r.to());
        Map<String, Object> event = new LinkedHashMap<>(Map.of("node", r.node().value(), "protocol", r.protocol(),
                "from", r.from(), "to", r.to(), "reason", r.reason()));
        // Unknown names what disagrees (docs/redundancy.md, Versions): the state and reason alone cannot.
        RecoveryManager.detail(rm).ifPresent(d -> event.put("detail", d));
        events.publish("transition", clock.instant(), event);
        rmHooks.notify(r);
    }

    // ---------------------------------------------------------------- reading

    public Optional<ServingChange> lastServingChange() {
        return Optional.ofNullable(lastServingChange);
    }

    /** The recovery manager's state after the last step (safe from any thread). */
    public RmState snapshot() {
        return rm;
    }

    public NodeConfig config() {
        return config;
    }

    public EventBus events() {
        return events;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    /** The service address of {@code owner}, a node of this node's group, or empty when it has none. */
    public Optional<String> serviceAddressOf(NodeId owner) {
        return Optional.ofNullable(serviceAddresses.addressOf(owner));
    }

    /** Whether this node has {@code owner}'s service address on its host now. */
    public boolean holdsServiceAddressOf(NodeId owner) {
        return serviceAddresses.holds(owner);
    }

    /** The heartbeat paths to the peer and whether each works now; empty without a peer. */
    public List<RedundancyAnswers.HeartbeatPath> heartbeatPaths() {
        PeerLink l = link;
        return l == null ? List.of() : l.views();
    }

    /** The link to the peer, to cut or drop its paths in tests; null before the node starts. */
    PeerLink link() {
        return link;
    }

    /** How this node writes and reads recovery-manager messages: this build's codec unless a test speaks another's. */
    private volatile RmWire wire = RmWire.CURRENT;

    /**
     * Makes this node, before it starts, speak another build's messages with that build's versions: the previous
     * build's, for the rolling-upgrade tests (docs/redundancy.md, Versions). For tests.
     */
    void speak(RmWire other, Versions versions) {
        if (envelope != null) throw new IllegalStateException("speak() is for a node that has not started");
        wire = other;
        rm = RecoveryManager.initial(self, group, rm.params(), versions);
    }

    /** The session service this node runs, when its configuration has a sessionService section. */
    public Optional<SessionService> sessions() {
        return Optional.ofNullable(sessions);
    }

    public Optional<HealthChecks> checks() {
        return Optional.ofNullable(checks);
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Clock clock() {
        return clock;
    }

    /** The load-balancing group as this node sees it, or empty when it takes no part. */
    public Optional<LoadBalancingView> loadBalancing() {
        LoadBalancingShell s = lb;
        if (s == null) return Optional.empty();
        return Optional.of(new LoadBalancingView(s.snapshot(), s.speaking(), s.holdsClusterAddress(), s.currentLoad(),
                s.config()));
    }

    /** Every user's home and the node serving it now: in memory, no I/O on lookup (the redirect's hot path). */
    public UserDirectory users() {
        return store.users();
    }

    /** The cluster store as this node sees it: settings, reachability, the store itself for admin writes. */
    public StoreService store() {
        return store;
    }

    /**
     * An event for the recovery manager from another thread (the session service's lost link); dropped once the node
     * is stopping, when there is nothing left to act on.
     */
    void submit(RmEvent event) {
        try {
            loop.execute(() -> step(event));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node is stopping
        }
    }

    /** Whether any node of the group has a service address (the session service listens on them then). */
    boolean hasServiceAddresses() {
        return serviceAddresses.any();
    }

    /** The session service's report of its sessions: the load this node's member gives the group. */
    public void reportLoad(dev.tandem.core.lb.Load load) {
        if (lb == null) throw new IllegalStateException("this node takes no part in a load-balancing group");
        loop.execute(() -> lb.load(load));
    }

    /** Who may serve a user, for the director's user-homed routing (the cluster's user directory). */
    public void users(dev.tandem.node.redirect.UserLocator locator) {
        userLocator = locator;
        if (lb != null) lb.users(locator);
    }

    /** Where the director would send a new client now (on the loop); for the admin API and tests. */
    public CompletableFuture<dev.tandem.node.redirect.ClientAnswer> answerClient(Optional<String> user) {
        if (lb == null) {
            return CompletableFuture.completedFuture(new dev.tandem.node.redirect.ClientAnswer.Refusal(503,
                    "not-director", "this node takes no part in a load-balancing group"));
        }
        return CompletableFuture.supplyAsync(() -> lb.answer(user), loop);
    }

    /** The director sent a client to {@code member}: count it until the member reports it. */
    public void redirected(dev.tandem.core.lb.IpAddress member) {
        if (lb != null) loop.execute(() -> lb.redirected(member));
    }

    // ---------------------------------------------------------------- failing clean

    /**
     * Fail clean: stop answering clients, release the addresses the node holds and close its sockets, then end the
     * process (the node command exits {@link #EXIT_FAILED}; the service manager brings it back from its persisted
     * state). Safe from any thread, including a stalled loop's watchdog; only the first call acts.
     */
    public void failStop(String why, Throwable cause) {
        fencing.failStop(why, cause);
    }

    /** Lets go of everything the node holds at once, on a clean failure. */
    private void releaseNow() {
        if (watchdog != null) watchdog.close();
        if (lb != null) lb.releaseNow();
        serviceAddresses.releaseNow();
        SessionService s = sessions;
        if (s != null) s.close();
        if (link != null) link.close();
    }

    /** What to do once the node has failed clean; the node command ends the process with {@link #EXIT_FAILED}. */
    public void onFailure(java.util.function.Consumer<String> action) {
        fencing.onFailure(action);
    }

    /** Why the node failed clean, if it did. */
    public Optional<String> failure() {
        return fencing.failure();
    }

    /** False while the loop is stalled or after the node failed: the node answers no client then. */
    public boolean answering() {
        return fencing.answering();
    }

    // ---------------------------------------------------------------- stopping

    /** Graceful stop: the peer is told (it sees Peer Reboot), the state is written, sockets close. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (watchdog != null) watchdog.close();
        if (!stopped) {
            try {
                onLoop(() -> {
                    step(new RmEvent.Stop());
                    stopped = true;
                    timers.cancelAll();
                    if (lb != null) lb.close();
                }).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("graceful stop incomplete: {}", e.getMessage());
            }
        }
        if (checks != null) checks.close();
        serviceAddresses.close();
        if (sessions != null) sessions.close();
        if (link != null) link.close();
        stateWriter.close();
        hooks.close();
        witness.close();
        store.close();
        events.close();
        loop.shutdownNow();
        LOG.info("node {} stopped", self);
    }

    private CompletableFuture<Void> onLoop(Runnable r) {
        return CompletableFuture.runAsync(r, loop);
    }
}
