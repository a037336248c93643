package dev.tandem.node.store;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.config.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's link to the store (docs/store.md): once the node has started, fills the store from the configuration file
 * where it knows nothing yet; starts from the store's settings (or the local cache when the store is unreachable), then watches the epoch
 * and applies what can change while running. The store is never a critical dependency: every failure here is
 * logged and the node goes on with what it has.
 */
public final class StoreService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);
    /** H2 has no notifications: the epoch is polled this often (PostgreSQL wakes the watcher at once). */
    public static final Duration POLL = Duration.ofSeconds(1);
    /** How often a node tells the store its epoch and state even when nothing changed. */
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    /** A node that has not reported for this long is shown unreachable, and its state no longer counts. */
    public static final long REPORT_STALE_SECONDS = 30;

    private final NodeConfig yaml;
    private final ClusterStore store;
    private final SettingsCache cache;
    private final NodeId self;
    private final Optional<String> keyFingerprint;
    private final NodeConfig effective;
    private volatile ClusterSettings settings;
    private volatile boolean reachable;
    private volatile String lastError = "";
    /**
     * While the store stays unreachable, the watcher says so again this often: one line when it goes, one when it
     * comes back, and a reminder in between rather than a line a second.
     */
    static final Duration REMIND_EVERY = Duration.ofMinutes(5);
    private long downSince;
    private long lastReminder;
    private volatile Supplier<RmState> rm = () -> null;
    private volatile Consumer<ServiceParameters> applyParameters = p -> { };
    private volatile Consumer<NodeConfig.LoadBalancing> applyDevice = lb -> { };
    private volatile Consumer<NodeConfig.Group> applyGroup = g -> { };
    /** This node's redundancy group as it runs now: the start's, with its HA switch and description as changed live. */
    private NodeConfig.Group runningGroup;
    /** The load-balancing settings this node runs, with the device settings applied live since its start. */
    private NodeConfig.LoadBalancing runningLb;
    private final UserDirectory users;
    private volatile List<ClusterStore.NodeReport> reports = List.of();
    private Thread watcher;
    private volatile boolean closed;
    private static final Duration USERS_CACHE_EVERY = Duration.ofSeconds(10);
    private boolean usersCacheDirty;
    private long usersCacheWritten = System.nanoTime() - USERS_CACHE_EVERY.toNanos();
    /** This node's configuration has been offered to the store (at start, or later when the store was down then). */
    private boolean seeded;
    private long lastReport;
    private String lastReportedState = "";
    private long lastReportedEpoch = -1;

    private StoreService(NodeConfig yaml, ClusterStore store, Optional<String> keyFingerprint) {
        this.yaml = yaml;
        this.store = store;
        this.cache = new SettingsCache(yaml.stateDir());
        this.self = NodeId.of(yaml.id());
        this.keyFingerprint = keyFingerprint;
        this.users = new UserDirectory(() -> rm.get());
        this.settings = cache.settings().orElse(ClusterSettings.empty());
        try {
            // Read only: the node runs what the store will hold once it has started (the store's settings, the file
            // where the store has none), but writes nothing until then (decision 0052).
            ClusterSettings stored = store.settings();
            reachable = true;
            settings = withFile(stored);
        } catch (StoreUnavailable | UncheckedIOException e) {
            unreachable(e);
            LOG.warn("{}; running from the cached settings of epoch {} (the configuration file where there are none)",
                    e.getMessage(), settings.epoch());
        }
        this.effective = EffectiveConfig.of(yaml, settings);
        users.groups(settings.groups());
    }

    /** {@code stored} with what the configuration file adds where the store knows nothing (decision 0014). */
    private ClusterSettings withFile(ClusterSettings stored) {
        try {
            return Seeding.fill(stored, yaml, keyFingerprint);
        } catch (dev.tandem.core.Invalid e) {
            // The configuration file disagrees with what the store holds (for example a node already in another
            // group): the store wins, the file's version is not written.
            LOG.warn("the configuration file's settings will not be added to the store: {}", e.getMessage());
            return stored;
        }
    }

    /**
     * Fills the store from the configuration file where it knows nothing yet; called once the node has started, so
     * a node that could not start never leaves its configuration in the store. Where the store is unreachable now,
     * the watcher does it when it comes back.
     */
    private void fillStore() {
        try {
            seed();
            seeded = true;
            settings = store.settings();
            cache.settings(settings);
            reachable = true;
        } catch (StoreUnavailable | UncheckedIOException e) {
            unreachable(e);
            // Said once, at start; the watcher says when the store comes back (and adds the configuration then).
            LOG.warn("the store cannot be reached at start; this node's configuration is added to it when it is back: {}",
                    e.getMessage());
        } catch (dev.tandem.core.Invalid e) {
            LOG.warn("the configuration file's settings were not added to the store: {}", e.getMessage());
            seeded = true;
        }
    }

    /** Opens the store the configuration names and fills it from the file where it is empty. */
    public static StoreService open(NodeConfig yaml, Optional<String> keyFingerprint) {
        return new StoreService(yaml, openStore(yaml.store()), keyFingerprint);
    }

    /** For tests: a node's service on a given store. */
    public static StoreService on(NodeConfig yaml, ClusterStore store, Optional<String> keyFingerprint) {
        return new StoreService(yaml, store, keyFingerprint);
    }

    static ClusterStore openStore(NodeConfig.Store s) {
        String password = null;
        if (s.passwordFile() != null) {
            try {
                password = Files.readString(s.passwordFile()).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read store.passwordFile " + s.passwordFile(), e);
            }
        }
        return JdbcClusterStore.open(s.url(), s.user(), password);
    }

    /** What the configuration file says that the store does not know yet; the store wins for everything else. */
    private void seed() {
        ClusterSettings now = store.settings();
        ClusterSettings wanted = Seeding.fill(now, yaml, keyFingerprint);
        if (wanted.equals(now)) return;
        store.updateSettings(new ClusterStore.Action(self.value(), "seed from configuration", yaml.id()),
                s -> Seeding.fill(s, yaml, keyFingerprint));
        LOG.info("filled the store with this node's configuration where it had nothing");
    }

    /** The configuration this node runs: the file, with the store's settings for its group, parameters and device. */
    public NodeConfig effectiveConfig() {
        return effective;
    }

    /**
     * The node has started: fills the store from its configuration where the store knows nothing, then watches the
     * store. {@code applyParameters} is called with new service parameters, {@code applyDevice}
     * with this node's load-balancing settings when its device's priority, NAT or redirect-fqdn changed, and
     * {@code applyGroup} with its redundancy group when its HA switch or description changed (live changes, called on
     * the watcher's thread).
     */
    public void start(Supplier<RmState> rmState, Consumer<ServiceParameters> applyParameters,
                      Consumer<NodeConfig.LoadBalancing> applyDevice, Consumer<NodeConfig.Group> applyGroup) {
        this.rm = rmState;
        this.applyParameters = applyParameters;
        this.applyDevice = applyDevice;
        this.applyGroup = applyGroup;
        fillStore();
        cache.users().ifPresent(c -> {
            users.replace(c.epoch(), c.users());
            LOG.info("{} users from the local cache (epoch {})", c.users().size(), c.epoch());
        });
        watcher = Thread.ofPlatform().daemon().name("tandem-store-" + self).start(this::watch);
    }

    private void watch() {
        long lastSettingsEpoch = -1;
        while (!closed) {
            try {
                if (!seeded) {
                    try {
                        seed();
                    } catch (dev.tandem.core.Invalid e) {
                        LOG.warn("the configuration file's settings were not added to the store: {}", e.getMessage());
                    }
                    seeded = true;
                }
                long epoch = store.epoch();
                if (!reachable) LOG.info("the store is reachable again (epoch {})", epoch);
                reachable = true;
                if (epoch != lastSettingsEpoch) {
                    ClusterSettings next = store.settings();
                    apply(next);
                    syncUsers();
                    lastSettingsEpoch = next.epoch();
                }
                writeUsersCache(false);
                reports = store.reports();
                users.reported(reportedStates());
                report(lastSettingsEpoch);
            } catch (StoreUnavailable | UncheckedIOException e) {
                if (closed) return; // the node is stopping: whatever broke under the watcher is no outage
                if (reachable) {
                    LOG.warn("the store is unreachable; running on the settings of epoch {}: {}", settings.epoch(),
                            e.getMessage());
                } else if (System.nanoTime() - lastReminder >= REMIND_EVERY.toNanos()) {
                    LOG.warn("the store is still unreachable after {} s; running on the settings of epoch {}: {}",
                            Duration.ofNanos(System.nanoTime() - downSince).toSeconds(), settings.epoch(), e.getMessage());
                    lastReminder = System.nanoTime();
                }
                unreachable(e);
            } catch (RuntimeException e) {
                LOG.warn("store watcher: {}", e.toString());
            }
            try {
                store.awaitChange(POLL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void unreachable(RuntimeException e) {
        if (reachable || downSince == 0) {
            downSince = System.nanoTime();
            lastReminder = downSince;
        }
        reachable = false;
        lastError = e.getMessage();
    }

    /** Picks up the changes of one epoch: what can change live is applied, the rest is logged as needing a restart. */
    void apply(ClusterSettings next) {
        ClusterSettings before = settings;
        settings = next;
        cache.settings(next);
        users.groups(next.groups());
        RmState running = rm.get();
        if (running != null && next.seeded()) {
            // The cluster's parameters, with this node's own Client Re-Login limits over them ([RG-RELOGIN]).
            ServiceParameters wanted = next.serviceParametersOf(self.value());
            ServiceParameters now = running.params();
            // The heartbeat sockets are bound at start: servicePort changes with a restart only. The admin API follows
            // adminRpcPort while it runs (api.RpcPort).
            ServiceParameters live = wanted.with("servicePort", Integer.toString(now.servicePort()));
            if (!live.equals(now)) {
                LOG.info("service parameters of epoch {} applied: {}", next.epoch(), live.asText());
                applyParameters.accept(live);
            }
            if (wanted.servicePort() != now.servicePort()) {
                LOG.warn("epoch {}: servicePort changes to {} after a restart of this node", next.epoch(), wanted.servicePort());
            }
        }
        applyDeviceLive(next);
        applyGroupLive(next);
        for (String change : restartNeeded(effective, next)) {
            LOG.warn("epoch {}: {} changes on this node after its restart", next.epoch(), change);
        }
        if (before.epoch() != next.epoch()) LOG.info("store settings epoch {} -> {}", before.epoch(), next.epoch());
    }

    /**
     * [LB-ELECT]: a device's priority, NAT address and redirect-fqdn take effect at once (the director ranks and
     * redirects by them), and so does participate (the device leaves or seeks the group); its addresses and the
     * group's settings are bound at the node's start.
     */
    private void applyDeviceLive(ClusterSettings next) {
        NodeConfig.LoadBalancing running = runningLb != null ? runningLb : effective.loadBalancing();
        NodeConfig.LoadBalancing target = EffectiveConfig.of(effective, next).loadBalancing();
        if (running == null || target == null) return;
        NodeConfig.LoadBalancing live = withLiveSettings(running, target);
        if (live.equals(running)) return;
        runningLb = live;
        LOG.info("epoch {}: load-balancing settings applied: cluster address {}, mode {}, priority {}, nat {}, redirect-fqdn"
                + " {}{}, participate {}", next.epoch(), live.clusterAddress(), live.mode(), live.priority(), live.nat().isEmpty() ? "none" : String.join(" ", live.nat()),
                live.redirectFqdn() ? "enabled" : "disabled", live.fqdn() == null ? "" : " (" + live.fqdn() + ")",
                live.participate() ? "on" : "off");
        applyDevice.accept(live);
    }

    /**
     * [RG-ENABLE]: "check Enable High Availability, Save" takes effect on the running pair; so does a new description.
     * The members of the group are bound at the node's start (its heartbeat sockets and peer).
     */
    private void applyGroupLive(ClusterSettings next) {
        NodeConfig.Group running = runningGroup != null ? runningGroup : effective.redundancyGroup();
        NodeConfig.Group target = EffectiveConfig.of(effective, next).redundancyGroup();
        if (target == null || running == null || target.equals(running) || !sameMembers(running, target)) return;
        runningGroup = target;
        if (target.highAvailability() != running.highAvailability()) {
            LOG.info("epoch {}: high availability of group {} turned {} on this running node", next.epoch(),
                    target.name(), target.highAvailability() ? "on" : "off");
        }
        applyGroup.accept(target);
    }

    /** Whether two versions of a group differ at most in what a running node takes live: the HA switch, the description. */
    static boolean sameMembers(NodeConfig.Group a, NodeConfig.Group b) {
        return a.name().equals(b.name()) && a.nodes().equals(b.nodes());
    }

    /**
     * {@code running} with the settings a running node takes live (priority, NAT, redirect-fqdn, FQDN, participate)
     * of {@code target}.
     */
    public static NodeConfig.LoadBalancing withLiveSettings(NodeConfig.LoadBalancing running, NodeConfig.LoadBalancing target) {
        NodeConfig.LoadBalancing r = running;
        return new NodeConfig.LoadBalancing(target.clusterAddress(), r.clusterPort(), target.mode(), target.participate(), target.priority(),
                r.publicAddress(), r.privateAddress(), target.nat(), target.redirectFqdn(), target.fqdn(), r.model(),
                r.maxSessions(), r.member(), target.peers(), r.addressDriver(), r.driverInterface(), r.claimCommand(),
                r.releaseCommand(), r.timing(), r.onDirectorChange(), r.redirect());
    }

    /** What differs between the configuration this node runs and the store's, that only a restart applies. */
    public static List<String> restartNeeded(NodeConfig running, ClusterSettings s) {
        List<String> out = new ArrayList<>();
        NodeConfig target = EffectiveConfig.of(running, s);
        NodeConfig.Group rg = running.redundancyGroup();
        NodeConfig.Group tg = target.redundancyGroup();
        if (rg == null || tg == null ? rg != tg : !sameMembers(rg, tg)) out.add("the redundancy group's nodes");
        NodeConfig.LoadBalancing r = running.loadBalancing();
        NodeConfig.LoadBalancing t = target.loadBalancing();
        if (!Objects.equals(r == null || t == null ? r : withLiveSettings(r, t), t)) out.add("the load-balancing settings");
        return out;
    }

    private void syncUsers() {
        ClusterStore.UserChanges ch = store.userChangesSince(users.epoch());
        users.apply(ch.epoch(), ch.upserted(), ch.removed());
        if (!ch.upserted().isEmpty() || !ch.removed().isEmpty()) usersCacheDirty = true;
        writeUsersCache(false);
    }

    /**
     * The user cache is a full copy (tens of megabytes for a million users): written at most every
     * {@link #USERS_CACHE_EVERY} while users keep changing, and at once when the node stops.
     */
    private void writeUsersCache(boolean now) {
        if (!usersCacheDirty) return;
        long t = System.nanoTime();
        if (!now && t - usersCacheWritten < USERS_CACHE_EVERY.toNanos()) return;
        cache.users(users.epoch(), users);
        usersCacheWritten = t;
        usersCacheDirty = false;
    }

    private void report(long epoch) {
        RmState r = rm.get();
        // State and reason as one text for the change check: a new reason is reported at once too.
        String state = r == null ? "Initializing" : r.state().display();
        String reason = r == null ? "Initialization" : r.reason().display();
        long now = System.nanoTime();
        if ((state + " / " + reason).equals(lastReportedState) && epoch == lastReportedEpoch
                && now - lastReport < REPORT_EVERY.toNanos()) return;
        store.report(self.value(), epoch, state, reason);
        lastReport = now;
        lastReportedState = state + " / " + reason;
        lastReportedEpoch = epoch;
    }

    private Map<NodeId, NodeState> reportedStates() {
        Map<NodeId, NodeState> m = new HashMap<>();
        for (ClusterStore.NodeReport r : reports) {
            if (r.secondsAgo() > REPORT_STALE_SECONDS) continue;
            NodeState.parse(r.state()).ifPresent(s -> m.put(NodeId.of(r.node()), s));
        }
        return m;
    }

    /**
     * Every node's state as this node knows it: its own and its peer's live, the others as they last reported
     * ([RG-LIMITS]: no new users while a node of the cluster is in a failover state).
     */
    public Map<NodeId, NodeState> states() {
        Map<NodeId, NodeState> m = new HashMap<>(reportedStates());
        for (ClusterSettings.Group g : settings.groups()) {
            for (ClusterSettings.Member mem : g.nodes()) {
                NodeId id = NodeId.of(mem.id());
                NodeState s = users.stateOf(id);
                if (s != null) m.put(id, s);
            }
        }
        RmState r = rm.get();
        if (r != null) m.put(r.self(), r.state());
        return m;
    }

    // ---------------------------------------------------------------- reading

    public ClusterStore store() {
        return store;
    }

    /** The settings this node runs on now (the store's latest it has seen, or the cache's). */
    public ClusterSettings settings() {
        return settings;
    }

    public UserDirectory users() {
        return users;
    }

    public boolean reachable() {
        return reachable;
    }

    public String lastError() {
        return lastError;
    }

    public List<ClusterStore.NodeReport> reports() {
        return reports;
    }

    public NodeId self() {
        return self;
    }

    /** Waits until this node has applied the store's current epoch (tests; the CLI's db status does not wait). */
    public boolean caughtUp() {
        try {
            return settings.epoch() == store.epoch() && users.epoch() == store.epoch();
        } catch (StoreUnavailable e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
            try {
                watcher.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            writeUsersCache(true);
        } catch (UncheckedIOException e) {
            LOG.warn("user cache not written at stop: {}", e.getMessage());
        }
        store.close();
    }
}
