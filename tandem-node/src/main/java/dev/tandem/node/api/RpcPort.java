package dev.tandem.node.api;

import dev.tandem.node.http.AddressConnectors;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterSettings;
import dev.tandem.node.store.ClusterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on the cluster's Admin RPC Port ([RG-HB], {@code adminRpcPort}) besides the node's own
 * {@code admin.port}, which it always answers on (it is how a node is reached when the store is not). A new port
 * set while the node runs is opened at once; the one it replaces keeps answering until every node of the cluster
 * has reported the settings epoch of the change, so that no node, CLI or peer still using the old port finds it
 * closed before the change has reached everyone (docs/node.md, Admin RPC Port).
 */
final class RpcPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcPort.class);

    private final TandemNode node;
    private final AddressConnectors connectors;
    private final String address;
    /** The node's own admin.port, as bound (a configured 0 is the port the system chose). */
    private int own;
    private final ScheduledExecutorService timer;
    /** The Admin RPC Port the node answers on now besides its own; {@code own} when they are the same. */
    private int current;
    /** Ports still answered after a change, with the epoch every node must have reported before they close. */
    private final Map<Integer, Long> retiring = new LinkedHashMap<>();
    /** The last problem logged, so that a port that stays taken is said once, not every second. */
    private String lastProblem = "";

    RpcPort(TandemNode node, AddressConnectors connectors, String address) {
        this.node = node;
        this.connectors = connectors;
        this.address = address;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-rpc-port-" + node.config().id());
            t.setDaemon(true);
            return t;
        });
    }

    /** The connectors of the admin API's server that the extra ports are. */
    AddressConnectors connectors() {
        return connectors;
    }

    /** Follows the parameter from now on, once a second, the server answering on {@code ownPort}. */
    synchronized void start(int ownPort) {
        own = ownPort;
        current = ownPort;
        timer.scheduleWithFixedDelay(this::reconsider, 0, 1, TimeUnit.SECONDS);
    }

    /** The ports answered now besides the node's own. */
    synchronized Set<Integer> extraPorts() {
        return connectors.listening().stream().map(k -> Integer.parseInt(k.substring(k.lastIndexOf(':') + 1)))
                .collect(Collectors.toUnmodifiableSet());
    }

    synchronized void reconsider() {
        try {
            int wanted = node.snapshot().params().adminRpcPort();
            if (wanted != current) {
                if (wanted != own) connectors.listen(address, wanted); // throws while the port is taken: next second
                if (current != own) retiring.put(current, node.store().settings().epoch());
                retiring.remove(wanted);
                LOG.info("admin RPC port {} -> {}; the admin API answers on {}{}", current, wanted, own,
                        wanted == own ? "" : " and " + wanted);
                current = wanted;
            }
            retiring.entrySet().removeIf(e -> {
                if (!acknowledged(e.getValue())) return false;
                connectors.unlisten(address, e.getKey());
                LOG.info("admin RPC port {} closed: every node has applied epoch {}", e.getKey(), e.getValue());
                return true;
            });
            lastProblem = "";
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
                LOG.warn("admin RPC port: {}; trying again every second", e.getMessage());
            }
            lastProblem = String.valueOf(e.getMessage());
        }
    }

    /** Whether every node of the store's groups has reported running epoch {@code epoch} or a later one. */
    private boolean acknowledged(long epoch) {
        ClusterSettings s = node.store().settings();
        List<String> nodes = s.groups().stream().flatMap(g -> g.nodes().stream()).map(ClusterSettings.Member::id).toList();
        Map<String, Long> reported = node.store().reports().stream()
                .collect(Collectors.toMap(ClusterStore.NodeReport::node, ClusterStore.NodeReport::epoch, Math::max));
        return !nodes.isEmpty() && nodes.stream().allMatch(n -> reported.getOrDefault(n, -1L) >= epoch);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        connectors.closeAll();
    }
}
