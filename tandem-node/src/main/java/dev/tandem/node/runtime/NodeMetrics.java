package dev.tandem.node.runtime;

import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RmState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's Prometheus metrics, and the rate-limited log of dropped packets. */
public final class NodeMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);
    private static final long LOG_EVERY_MS = 10_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter sent;
    private final Counter received;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, Long> suppressed = new ConcurrentHashMap<>();

    /** Gauges of the load-balancing group, once the node knows it takes part. */
    void loadBalancing(Supplier<java.util.Optional<LoadBalancingView>> lb) {
        Gauge.builder("tandem_lb_director", () -> lb.get().map(v -> v.speaking() && v.state().isDirector() ? 1 : 0).orElse(0))
                .description("1 while this node directs the load-balancing group").register(registry);
        Gauge.builder("tandem_lb_cluster_address_held", () -> lb.get().map(v -> v.holdsAddress() ? 1 : 0).orElse(0))
                .description("1 while this node holds the cluster address").register(registry);
        Gauge.builder("tandem_lb_load_percent", () -> lb.get().map(v -> v.load().percent()).orElse(0))
                .description("this member's load, as the director computes it ([LB-ABOUT])").register(registry);
        Gauge.builder("tandem_lb_sessions", () -> lb.get().map(v -> v.load().sessions()).orElse(0))
                .description("this member's active sessions").register(registry);
        Gauge.builder("tandem_lb_members", () -> lb.get().map(v -> v.state().members().size()).orElse(0))
                .description("members in this node's topology database").register(registry);
    }

    /** The session replication to and from the redundancy peer (docs/metrics.md). */
    void replication(Supplier<java.util.Optional<dev.tandem.api.FailoverAnswers.Replication>> r) {
        Gauge.builder("tandem_standby_ready", () -> r.get().map(v -> v.standbyReady() ? 1 : 0).orElse(0))
                .description("1 while the peer holds a complete copy of this node's sessions").register(registry);
        Gauge.builder("tandem_replication_connected", () -> r.get().map(v -> v.peerConnected() ? 1 : 0).orElse(0))
                .description("1 while this node's sessions stream to the peer").register(registry);
        Gauge.builder("tandem_replication_lag_seconds", () -> r.get().map(v -> v.lagMillis() / 1000.0).orElse(0.0))
                .description("age of the oldest change the peer has not acknowledged").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("tandem_replication_sessions_sent", r,
                        x -> x.get().map(v -> (double) v.sessionsReplicated()).orElse(0.0))
                .description("session copies sent to the peer (snapshots and changes)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("tandem_replication_errors", r,
                        x -> x.get().map(v -> (double) v.errors()).orElse(0.0))
                .description("broken links and acknowledgements that came too late").register(registry);
        Gauge.builder("tandem_standby_copies", () -> r.get().map(v -> v.copies()).orElse(0))
                .description("standby copies this node holds of the peer's sessions").register(registry);
    }

    private final Supplier<RmState> rm;

    NodeMetrics(Supplier<RmState> rm) {
        this.rm = rm;
        sent = Counter.builder("tandem_heartbeats_sent").description("recovery-manager messages sent").register(registry);
        received = Counter.builder("tandem_heartbeats_received")
                .description("recovery-manager messages accepted").register(registry);
        for (NodeState s : NodeState.values()) {
            Gauge.builder("tandem_redundancy_state", () -> rm.get().running() && rm.get().state() == s ? 1 : 0)
                    .description("1 for the recovery manager's current state").tag("state", s.display())
                    .register(registry);
        }
        Gauge.builder("tandem_redundancy_healthy", () -> rm.get().healthy() ? 1 : 0)
                .description("1 when every critical service and the database are up").register(registry);
        // docs/redundancy.md, Versions: what the peer speaks, and whether the pair can work together at all.
        Gauge.builder("tandem_peer_protocol", () -> {
            dev.tandem.core.rm.Versions v = rm.get().peer().versions();
            return v == null ? 0 : v.protocol();
        }).description("the redundancy protocol the peer last sent (1: a build that sends no versions; 0: not heard)")
                .register(registry);
        Gauge.builder("tandem_peer_protocol_incompatible",
                        () -> rm.get().peer().incompatibleWith(rm.get().versions()) ? 1 : 0)
                .description("1 while the peer speaks a redundancy protocol this node does not interoperate with")
                .register(registry);
        // Counters of rare events exist at 0 from the start: Prometheus's increase() sees nothing in a series whose
        // first sample is already 1, so an alert on the first stall or failed write would never fire.
        registry.counter("tandem_loop_stalls");
        registry.counter("tandem_state_write_failures");
        registry.counter("tandem_director_elections");
        registry.counter("tandem_peer_refusals", "protocol", "redundancy");
    }

    /** One heartbeat path to the peer (docs/metrics.md; docs/redundancy.md, Heartbeat paths), its series at 0 from the start. */
    void heartbeatPath(String path, java.util.function.BooleanSupplier up) {
        Gauge.builder("tandem_heartbeat_path_up", () -> up.getAsBoolean() ? 1 : 0).tag("path", path)
                .description("1 while the peer is heard on this heartbeat path and nothing sent on it is refused")
                .register(registry);
        registry.counter("tandem_heartbeat_path_received", "path", path);
        registry.counter("tandem_heartbeat_duplicates", "path", path);
        registry.counter("tandem_heartbeat_path_refusals", "path", path);
    }

    void heartbeatPathReceived(String path) {
        registry.counter("tandem_heartbeat_path_received", "path", path).increment();
    }

    void heartbeatDuplicate(String path) {
        registry.counter("tandem_heartbeat_duplicates", "path", path).increment();
    }

    void heartbeatPathRefused(String path) {
        registry.counter("tandem_heartbeat_path_refusals", "path", path).increment();
    }

    /**
     * The cluster store as this node sees it (docs/store.md, During a store outage), and as the redundancy group's
     * witness (docs/redundancy.md, Witness): reachable while the store is and the last ask was answered.
     */
    void store(java.util.function.BooleanSupplier reachable) {
        Gauge.builder("tandem_store_reachable", () -> reachable.getAsBoolean() ? 1 : 0)
                .description("1 while this node reaches the cluster store; 0 while it runs on its local copy")
                .register(registry);
        Gauge.builder("tandem_witness_reachable", () -> !witnessed() || reachable.getAsBoolean() && rm.get().lease()
                        .reachable() ? 1 : 0)
                .description("with partitionRecovery witness: 1 while the witness can be reached; always 1 without")
                .register(registry);
        Gauge.builder("tandem_witness_lease_held", () -> rm.get().lease().heldAt(java.time.Instant.now()) ? 1 : 0)
                .description("1 while this node holds its group's lease from the witness").register(registry);
    }

    private boolean witnessed() {
        RmState s = rm.get();
        return s.params().partitionRecovery() == dev.tandem.core.rm.ServiceParameters.PartitionRecovery.WITNESS
                && s.group().highAvailability() && s.peerId().isPresent();
    }

    void sent() {
        sent.increment();
    }

    void election() {
        registry.counter("tandem_director_elections").increment();
    }

    void refused() {
        registry.counter("tandem_peer_refusals", "protocol", "redundancy").increment();
    }

    void loopStalled() {
        registry.counter("tandem_loop_stalls").increment();
    }

    void stateWriteFailed() {
        registry.counter("tandem_state_write_failures").increment();
    }

    void received() {
        received.increment();
    }

    void transition(String protocol, String to) {
        registry.counter("tandem_transitions", "protocol", protocol, "to", to).increment();
    }

    /** A packet dropped: counted by cause; logged at most once per cause every ten seconds. */
    public void dropped(String cause, String detail) {
        registry.counter("tandem_packets_dropped", "cause", cause).increment();
        long now = System.currentTimeMillis();
        Long last = lastLogged.get(cause);
        if (last == null || now - last >= LOG_EVERY_MS) {
            long more = suppressed.getOrDefault(cause, 0L);
            suppressed.put(cause, 0L);
            lastLogged.put(cause, now);
            LOG.warn("dropped a packet ({}): {}{}", cause, detail, more > 0 ? " (and " + more + " more since)" : "");
        } else {
            suppressed.merge(cause, 1L, Long::sum);
        }
    }

    /** The registry, for the node's other components' meters. */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }
}
