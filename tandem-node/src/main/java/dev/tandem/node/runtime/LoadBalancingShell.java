package dev.tandem.node.runtime;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbHandover;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.LbPhase;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.MemberSpeaking;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.rm.RmState;
import dev.tandem.node.config.LbTimings;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.redirect.ClientAnswer;
import dev.tandem.node.redirect.RedirectMetrics;
import dev.tandem.node.redirect.UserLocator;
import dev.tandem.node.transport.UdpTransport;
import dev.tandem.node.wire.LbCodec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load-balancing machine's shell on a node: its UDP socket on the group port, the cluster address while
 * this node directs (held through the address driver and a socket bound to it), the member's load, and who
 * speaks for the member when it is a redundancy pair. Everything here runs on the node's event loop except the
 * address driver's commands.
 */
final class LoadBalancingShell {
    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancingShell.class);

    /** The member's settings: the file's, then the store's; the cluster address moves while running (loop-owned). */
    private volatile NodeConfig.LoadBalancing config;
    private final NodeId self;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final NodeMetrics metrics;
    private final EventBus events;
    private final HookRunner hooks;
    /** The group's settings; the cluster address and the mode change while running (loop-owned), the rest is bound at start. */
    private GroupSettings group;
    /** This device's settings: its file's, then the store's; priority, NAT and redirect-fqdn change while running. */
    private volatile DeviceSettings device;
    /** The device's name from reverse DNS when redirect-fqdn has no configured one, looked up again now and then. */
    private final DeviceNames names;
    private final Envelope envelope;
    private volatile AddressDriver driver;
    /** The cluster address while this node directs, and the redirect service on it. */
    private volatile ClusterAddress address;
    private final RedirectMetrics redirectMetrics;
    private final LoopTimers timers;
    /** Where each node of the group was last heard from; configured peers before that. */
    private final Map<NodeId, InetSocketAddress> addresses = new HashMap<>();
    /** Per address this machine sends to a node at: a socket connected to it (decision 0083). Loop only. */
    private final Map<InetSocketAddress, Connected> connected = new HashMap<>();

    /** A connected socket, and the node last sent to through it (loop only). */
    private static final class Connected {
        private final io.netty.channel.ChannelFuture socket;
        private NodeId node;

        Connected(io.netty.channel.ChannelFuture socket) {
            this.socket = socket;
        }

        io.netty.channel.ChannelFuture socket() {
            return socket;
        }
    }
    private volatile UdpTransport transport;
    private volatile LbState state;
    private volatile boolean speaking;
    /** The recovery manager's state at its last step, for a participate turned on between steps. Loop only. */
    private RmState lastRm;
    private Load load;
    /** The pair's other node, when this node speaks for its redundancy group; null for a member on its own. */
    private NodeId pairPeer;
    /** What the pair's other node last published while it spoke for the member. */
    private LbHandover received;
    private LbHandover published;
    /** False while the node's loop is stalled or after it failed: no client is answered (TandemNode#answering). */
    private volatile java.util.function.BooleanSupplier answering = () -> true;
    private volatile UserLocator users = UserLocator.NONE;
    /** Redirects the decider made that the loop has counted; with the state, what the decider reads. */
    private long counted;
    private volatile ClientDecider.Published forClients;
    private final ClientDecider decider;
    /** How long the loop lets redirects gather before it counts them in one step. */
    private static final long BATCH_MILLIS = 1;
    /** Redirects the decider handed over that the loop has not taken yet, and whether a batch is on its way. */
    private final ConcurrentLinkedQueue<dev.tandem.core.lb.IpAddress> handed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean countScheduled = new AtomicBoolean();

    LoadBalancingShell(NodeConfig.LoadBalancing config, NodeId self, Optional<ClusterKey> key, Optional<String> secret,
                       boolean encryption, long epoch, Clock clock, ScheduledExecutorService loop, NodeMetrics metrics,
                       EventBus events, HookRunner hooks, FqdnLookup fqdn) {
        this.config = config;
        this.self = self;
        this.clock = clock;
        this.loop = loop;
        this.metrics = metrics;
        this.events = events;
        this.hooks = hooks;
        this.group = LbTimings.group(config, encryption, secret);
        this.names = new DeviceNames(self.value(), config, fqdn, () -> device,
                fresh -> loop.execute(() -> deviceChanged(fresh)));
        this.device = names.deviceOf(config);
        names.start();
        this.envelope = new Envelope(key, encryption, self.value(), epoch);
        this.redirectMetrics = new RedirectMetrics(metrics.registry());
        this.driver = AddressDriver.of(config, hooks);
        this.address = clusterAddress(config, driver);
        this.load = Load.of(dev.tandem.core.lb.SessionClass.SSL, 0, config.maxSessions());
        this.state = initial();
        this.forClients = new ClientDecider.Published(state, 0, false);
        this.decider = new ClientDecider(self, clock, () -> forClients, this::handedRedirect);
        this.timers = new LoopTimers(loop, clock, name -> {
            if (speaking) step(new LbEvent.TimerFired(name));
        });
        for (NodeConfig.Member peer : config.peers()) {
            addresses.put(NodeId.of(peer.id()), new InetSocketAddress(peer.address(), config.clusterPort()));
        }
    }

    /**
     * The device settings of {@code config}, with its reverse DNS name when redirect-fqdn has no configured name.
     * Off the loop: the lookup may wait for a name server.
     */
    DeviceSettings deviceOf(NodeConfig.LoadBalancing config) {
        return names.deviceOf(config);
    }

    /**
     * A live change of this device (priority, NAT, redirect-fqdn, participate): the machine takes it at once, so a
     * director re-ranks and redirects by it and a member reports it in its next keepalive. Participate turned off,
     * the member leaves the group as at a stop (a goodbye, or a director's release of the cluster address); turned
     * on, it seeks the group again, as at a start ([LB-GROUP]). On the loop.
     */
    void deviceChanged(DeviceSettings next) {
        if (next.equals(device)) return;
        boolean was = device.participate();
        device = next;
        step(new LbEvent.SettingsChanged(group, next));
        if (was != next.participate()) {
            LOG.info("load-balancing member {}: participate turned {} on this running node", config.member(),
                    next.participate() ? "on: it seeks the group" : "off: it leaves the group");
            if (lastRm != null) reconsider(lastRm);
        }
    }

    /**
     * The nodes the group's messages go to, from the store's devices (and the file's bootstrap list) as the store
     * watcher hands them over: a device added to the group is heard and told from now on. Where a node was already
     * heard from, the address it speaks from stays. On the loop.
     */
    void peersChanged(List<NodeConfig.Member> peers) {
        if (peers.equals(config.peers())) return;
        config = config.withPeers(peers);
        for (NodeConfig.Member peer : peers) {
            addresses.putIfAbsent(NodeId.of(peer.id()), new InetSocketAddress(peer.address(), config.clusterPort()));
        }
        LOG.info("load-balancing group: sends to {} on this running node",
                peers.stream().map(NodeConfig.Member::id).toList());
    }

    private ClusterAddress clusterAddress(NodeConfig.LoadBalancing c, AddressDriver d) {
        return new ClusterAddress(c, loop, d, this::answer, redirectMetrics, this::packet, () -> {
            if (speaking) step(new LbEvent.AddressConflict());
        }, this::publishForClients);
    }

    /**
     * A live change of the group's cluster address or mode (docs/store.md): the machine restarts under the new
     * settings, as the core does for any new group settings, and a director lets the old address go in that very
     * step. A moved address gets a holder of its own (its driver names the address), which the group's next director
     * claims; the old one finishes taking its address off the host on its own thread. Members still on the old
     * settings refuse this one and are refused by it until their own store watcher applies them too (decision 111).
     * On the loop.
     */
    void groupChanged(NodeConfig.LoadBalancing next) {
        GroupSettings g = group.withMode(LbTimings.mode(next))
                .withClusterAddress(NetAddress.parse("cluster address", next.clusterAddress()));
        if (g.equals(group)) return;
        boolean moved = !next.clusterAddress().equals(config.clusterAddress());
        group = g;
        LOG.info("load-balancing group: cluster address {}, mode {} on this running node", next.clusterAddress(),
                g.mode().display());
        step(new LbEvent.SettingsChanged(group, device));
        if (moved) {
            ClusterAddress old = address;
            config = config.withClusterAddress(next.clusterAddress());
            driver = AddressDriver.of(config, hooks);
            address = clusterAddress(config, driver);
            old.retire();
        }
    }

    private LbState initial() {
        return LoadBalancer.initial(self, MemberName.of(config.member()), group, device,
                LbTimings.from(config.timing()));
    }

    void open() throws InterruptedException {
        InetSocketAddress bind = new InetSocketAddress(config.privateAddress(), config.clusterPort());
        transport = new UdpTransport(bind, (bytes, from) -> loop.execute(() -> packet(bytes, from)));
        LOG.info("load-balancing group port UDP {}:{} (member {}, cluster address {}, driver {})",
                config.privateAddress(), config.clusterPort(), config.member(), config.clusterAddress(), driver.describe());
    }

    /**
     * Called on the loop after every recovery-manager step: does this node speak for its member now? The rule is
     * the core's ({@link MemberSpeaking}), the same the simulator runs.
     */
    void reconsider(RmState rm) {
        lastRm = rm;
        if (!device.participate()) {
            if (speaking) {
                speaking = false;
                step(new LbEvent.Stop(false)); // leaves: nobody goes on as this member
            }
            return;
        }
        // The pair's other node, which keeps what this one publishes for when it speaks.
        if (rm.running() && MemberSpeaking.forPair(config.member(), rm)) pairPeer = rm.peerId().orElse(null);
        switch (MemberSpeaking.next(config.member(), self, rm, speaking)) {
            case NONE -> {
                // The pair saw its peer go down: if that node directed the group, this member need not wait for its
                // keepalives to go unanswered five times.
                if (speaking) LbEvent.PeerDown.of(rm).ifPresent(this::step);
            }
            case START -> {
                speaking = true;
                state = initial();
                LOG.info("this node speaks for load-balancing member {}{}", config.member(),
                        received == null ? "" : " (taking over " + received.phase().display() + " from " + pairPeer + ")");
                step(new LbEvent.Start(Optional.ofNullable(received)));
                step(new LbEvent.LoadChanged(load));
            }
            case STOP -> {
                speaking = false;
                step(new LbEvent.Stop(rm.running()));
            }
        }
    }

    /** The session service's report: active and maximum sessions (inactive ones are never counted, the specification ([LB-SHOW])). */
    void load(Load l) {
        load = l;
        if (speaking) step(new LbEvent.LoadChanged(l));
    }

    /** The director counts a client it sent to a member until that member reports it (see LbEvent.Redirected). */
    void redirected(dev.tandem.core.lb.IpAddress member) {
        if (speaking) step(new LbEvent.Redirected(member, dev.tandem.core.lb.SessionClass.SSL));
    }

    void users(UserLocator locator) {
        users = locator == null ? UserLocator.NONE : locator;
    }

    /** Where a new client goes; safe from any thread (see ClientDecider). */
    ClientAnswer answer(Optional<String> user) {
        if (!answering.getAsBoolean()) {
            return new ClientAnswer.Refusal(503, "node-unavailable", self + " cannot direct now (its protocol loop is"
                    + " stalled or it has failed); ask the cluster address again");
        }
        return decider.answer(user, users);
    }

    void answering(java.util.function.BooleanSupplier whether) {
        answering = whether;
    }

    /**
     * From the redirect service's thread: a redirect the decider made. The loop counts the redirects in batches, one
     * step for all those handed in the last {@value #BATCH_MILLIS} ms, so a login storm costs the loop at most a
     * thousand steps a second, not one per client. The decider counts them at once itself, so no client waits.
     */
    private void handedRedirect(dev.tandem.core.lb.IpAddress member) {
        handed.add(member);
        if (countScheduled.compareAndSet(false, true)) loop.schedule(this::countHanded, BATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** On the loop: the redirects the decider made since the last batch; counted in the members' loads until their next reports. */
    private void countHanded() {
        countScheduled.set(false);
        List<dev.tandem.core.lb.IpAddress> batch = new ArrayList<>();
        for (dev.tandem.core.lb.IpAddress m; (m = handed.poll()) != null; ) batch.add(m);
        if (batch.isEmpty()) return;
        counted += batch.size();
        if (speaking) {
            step(new LbEvent.Redirected(batch, dev.tandem.core.lb.SessionClass.SSL));
        } else {
            publishForClients();
        }
    }

    private void publishForClients() {
        forClients = new ClientDecider.Published(state, counted, speaking && holdsClusterAddress());
    }

    // ---------------------------------------------------------------- the machine

    private void packet(byte[] bytes, InetSocketAddress from) {
        if (bytes.length > 3 && bytes[3] == LbCodec.HANDOVER_KIND) {
            handover(bytes);
            return;
        }
        if (!speaking) return;
        Inbound.open(envelope, bytes, LbCodec.KIND, LbCodec::decode, metrics, "load balancing").ifPresent(m -> {
            // Answers go to the group port of the address the message came from.
            addresses.put(m.from(), new InetSocketAddress(from.getAddress(), config.clusterPort()));
            step(new LbEvent.Received(m));
        });
    }

    void step(LbEvent event) {
        Transition<LbState> t = LoadBalancer.step(state, event, clock.instant());
        state = t.state();
        for (Effect e : t.effects()) execute(e);
        publish();
        publishForClients();
    }

    /**
     * [LB-FAQ], load balancing and failover on the same device: "If that device fails, the standby unit takes
     * over immediately". The speaker of a pair sends its peer what it needs to go on as the same member (role,
     * director, topology) whenever that changes; the peer keeps the last one for when it speaks.
     */
    private void publish() {
        if (!speaking || pairPeer == null) return;
        LbHandover h = LoadBalancer.handover(state);
        if (h.sameBeyondLoads(published)) return; // loads alone: not one message per redirect or keepalive
        published = h;
        InetSocketAddress to = addresses.get(pairPeer);
        if (to != null && transport != null) {
            transport.send(to, envelope.seal(LbCodec.HANDOVER_KIND, LbCodec.encodeHandover(self, h)));
        }
    }

    private void handover(byte[] bytes) {
        Envelope.Opened opened;
        try {
            opened = envelope.open(bytes);
            LbCodec.PublishedHandover p = LbCodec.decodeHandover(opened.payload());
            if (!p.from().value().equals(opened.sender()) || !p.from().equals(pairPeer)) {
                metrics.dropped("sender_mismatch", "load balancing: a handover from " + opened.sender()
                        + ", which is not this node's pair peer");
                return;
            }
            received = p.handover();
        } catch (Envelope.Dropped d) {
            metrics.dropped(d.drop().name().toLowerCase(), "load balancing: " + d.getMessage());
        } catch (dev.tandem.node.wire.Malformed e) {
            metrics.dropped("malformed", "load balancing handover: " + e.getMessage());
        }
    }

    private void execute(Effect e) {
        switch (e) {
            case Effect.Send s -> send(s.to(), (LbMessage) s.message());
            case Effect.SendToCluster c -> transmit(new InetSocketAddress(config.clusterAddress(), config.clusterPort()),
                    (LbMessage) c.message());
            case Effect.SendToGroup g -> {
                for (NodeConfig.Member peer : config.peers()) {
                    transmit(new InetSocketAddress(peer.address(), config.clusterPort()), (LbMessage) g.message());
                }
            }
            case Effect.SetTimer t -> timers.set(t.name(), t.deadline());
            case Effect.CancelTimer c -> timers.cancel(c.name());
            case Effect.ClaimAddress c -> address.claim();
            case Effect.ReleaseAddress r -> address.release();
            case Effect.Record r -> {
                LOG.info("{} {}: {} -> {} ({})", r.node(), r.protocol(), r.from(), r.to(), r.reason());
                metrics.transition(r.protocol(), r.to());
                if (r.to().equals(LbPhase.DIRECTOR.display())) metrics.election();
                events.publish("director".equals(r.to().toLowerCase()) ? "director" : "transition", clock.instant(),
                        Map.of("node", r.node().value(), "protocol", r.protocol(), "from", r.from(), "to", r.to(),
                                "reason", r.reason()));
                directorHook(r);
            }
            case Effect.SettingsMismatch m -> LOG.error("load-balancing group: {} refuses {}: {}", m.node(), m.peer(), m.message());
            case Effect.Persist p -> { }
            case Effect.RunHook h -> throw new IllegalStateException("the load-balancing machine asked for a hook: " + h);
            case Effect.AskWitness w -> throw new IllegalStateException("the load-balancing machine asked the witness: " + w);
            case Effect.AdminResult a -> { }
        }
    }

    private void directorHook(Effect.Record r) {
        boolean becomes = r.to().equals(LbPhase.DIRECTOR.display());
        boolean ceases = r.from().equals(LbPhase.DIRECTOR.display());
        if ((becomes || ceases) && !config.onDirectorChange().isEmpty()) {
            hooks.run("director", config.onDirectorChange(), Map.of("TANDEM_NODE", self.value(),
                    "TANDEM_MEMBER", config.member(), "TANDEM_ROLE", becomes ? "director" : "member",
                    "TANDEM_CLUSTER_ADDRESS", config.clusterAddress()), Duration.ofSeconds(30), ok -> { });
        }
    }

    private void send(NodeId to, LbMessage m) {
        InetSocketAddress a = addresses.get(to);
        if (a == null) {
            metrics.dropped("no_route", "load balancing: no address known for node " + to);
            return;
        }
        if (transport == null) return;
        byte[] sealed = envelope.seal(LbCodec.KIND, LbCodec.encode(m));
        Connected c = connected.get(a);
        if (c == null) {
            c = connect(a);
        }
        c.node = to; // a node may answer from its private address or from the cluster address: one socket each
        if (c.socket().isSuccess()) {
            UdpTransport.sendOn(c.socket().channel(), sealed);
        } else {
            transport.send(a, sealed); // its socket is still being connected (or could not be): send unconnected
        }
    }

    /**
     * A socket connected to the group port at {@code a}, so that its host's "port unreachable" reaches the machine as
     * {@link LbEvent.Refused} for the node last sent to there: a director whose process died is replaced within half
     * a second (decision 0083). Connecting is not waited for on the loop.
     */
    private Connected connect(InetSocketAddress a) {
        Connected c = new Connected(transport.connecting(new InetSocketAddress(config.privateAddress(), 0), a,
                () -> loop.execute(() -> {
                    Connected at = connected.get(a);
                    if (speaking && at != null && at.node != null) step(new LbEvent.Refused(at.node));
                })));
        connected.put(a, c);
        return c;
    }

    private void transmit(InetSocketAddress to, LbMessage m) {
        if (transport == null) return;
        transport.send(to, envelope.seal(LbCodec.KIND, LbCodec.encode(m)));
    }

    // ---------------------------------------------------------------- reading

    LbState snapshot() {
        return state;
    }

    boolean speaking() {
        return speaking;
    }

    boolean holdsClusterAddress() {
        return address.held();
    }

    Load currentLoad() {
        return load;
    }

    NodeConfig.LoadBalancing config() {
        return config;
    }

    /** The node failed: from any thread, even while the loop is stalled, give the cluster address up and fall silent. */
    void releaseNow() {
        address.releaseNow();
        if (transport != null) transport.close();
    }

    /** On the loop, at stop: leave the group (a goodbye or a resignation), drop the address, close. */
    void close() {
        if (speaking) {
            step(new LbEvent.Stop(false));
            speaking = false;
        }
        timers.cancelAll();
        address.letGo();
        if (transport != null) transport.close();
        names.close();
        address.close();
    }
}
