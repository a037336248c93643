package dev.tandem.node.runtime;

import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.HostName;
import dev.tandem.node.config.LbTimings;
import dev.tandem.node.config.NodeConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [LB-FQDN], Enable Redirection Using a FQDN: the director "can send a fully qualified domain name (FQDN), using
 * reverse DNS lookup, of a member device". A device with redirect-fqdn and no configured name takes its name from
 * reverse DNS, and looks it up again every {@link #RELOOK} on a worker of its own: {@link FqdnLookup} asks the name
 * server only when the last answer's time to live has run out, so a member renamed in DNS is redirected to by its
 * new name. The lookup may wait for a name server: never on the node's loop.
 */
final class DeviceNames implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceNames.class);
    private static final Duration RELOOK = Duration.ofSeconds(5);

    private final FqdnLookup fqdn;
    /** The device as the load-balancing machine has it now. */
    private final Supplier<DeviceSettings> current;
    /** Called on the worker with a device whose name DNS changed. */
    private final Consumer<DeviceSettings> renamed;
    /** The device's settings as last given (the file's, then the store's). */
    private volatile NodeConfig.LoadBalancing given;
    private final ScheduledExecutorService worker;

    DeviceNames(String nodeId, NodeConfig.LoadBalancing config, FqdnLookup fqdn, Supplier<DeviceSettings> current,
                Consumer<DeviceSettings> renamed) {
        this.fqdn = fqdn;
        this.current = current;
        this.renamed = renamed;
        this.given = config;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-dns-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks the name up again every {@link #RELOOK} from now on. */
    void start() {
        worker.scheduleWithFixedDelay(this::relook, RELOOK.toMillis(), RELOOK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The device settings of {@code config}, with its reverse DNS name when redirect-fqdn has no configured name. */
    DeviceSettings deviceOf(NodeConfig.LoadBalancing config) {
        given = config;
        return withReverseName(LbTimings.device(config));
    }

    /** On the worker: the device again, with its name as DNS says it now, handed on if it changed. */
    private void relook() {
        try {
            DeviceSettings d = LbTimings.device(given);
            if (!d.redirectFqdn() || d.fqdn() != null) return;
            DeviceSettings fresh = withReverseName(d);
            if (!fresh.equals(current.get())) renamed.accept(fresh);
        } catch (RuntimeException e) {
            LOG.warn("redirect-fqdn: looking this device up again failed: {}", e.toString());
        }
    }

    private DeviceSettings withReverseName(DeviceSettings d) {
        if (!d.redirectFqdn() || d.fqdn() != null) return d;
        DeviceSettings now = current.get();
        Optional<HostName> name = fqdn.name(d.publicAddress());
        if (name.isPresent()) {
            if (now == null || !name.get().equals(now.fqdn())) {
                LOG.info("redirect-fqdn: clients are sent to {} (reverse DNS of {})", name.get(), d.publicAddress().text());
            }
            return d.withRedirectFqdn(true, name.get());
        }
        if (now == null || now.fqdn() != null) {
            LOG.warn("redirect-fqdn is enabled but {} has no FQDN in reverse DNS; clients are sent to the address."
                    + " Set loadBalancing.fqdn, or a name server with 'dns name-server'.", d.publicAddress().text());
        }
        return d;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
