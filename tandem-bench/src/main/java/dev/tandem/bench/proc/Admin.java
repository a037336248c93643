package dev.tandem.bench.proc;

import dev.tandem.api.AdminClient;
import dev.tandem.api.FailoverAnswers;
import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.api.RedundancyAnswers;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The admin API of a benchmark's nodes, through the project's admin client ({@link AdminClient}), one per host.
 * A probe gives up quickly and reads "no answer" as empty, so a probe loop never hangs; a set-up step that fails
 * throws, because it must stop the run, not be polled again.
 */
public final class Admin {
    private static final Duration CONNECT = Duration.ofMillis(500);
    private static final Duration PROBE = Duration.ofSeconds(2);
    private static final Duration STEP = Duration.ofMinutes(10);
    private static final Duration WRITE = Duration.ofSeconds(5);
    private final String token;
    private final int port;
    private final Map<String, AdminClient[]> clients = new ConcurrentHashMap<>();

    public Admin(String token, int port) {
        this.token = token;
        this.port = port;
    }

    /** [0] probes, [1] set-up steps (imports of a million users take minutes), [2] writes under test. */
    private AdminClient[] clients(String host) {
        return clients.computeIfAbsent(host, h -> {
            URI base = URI.create("http://" + h + ":" + port);
            return new AdminClient[] {new AdminClient(base, token, null, CONNECT, PROBE),
                    new AdminClient(base, token, null, CONNECT, STEP), new AdminClient(base, token, null, CONNECT, WRITE)};
        });
    }

    /** A probe: the answer, or empty when the node does not answer (yet) or refuses. */
    private <T> Optional<T> probe(String host, Function<AdminClient, T> request) {
        try {
            return Optional.ofNullable(request.apply(clients(host)[0]));
        } catch (AdminClient.Failure | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A set-up step: the answer's body; a refusal or an unreachable node is an exception naming what the node said. */
    public String post(String host, String path, String contentType, String body) throws IOException {
        try {
            return clients(host)[1].send("POST", path, contentType, body).body();
        } catch (AdminClient.Failure f) {
            throw new IOException("POST " + path + " on " + host + ": " + (f.status() == 0 ? "" : "HTTP " + f.status()
                    + " ") + f.getMessage());
        }
    }

    /** GET a text resource (an export), failing as {@link #post} does. */
    public String text(String host, String path) throws IOException {
        try {
            return clients(host)[1].text(path);
        } catch (AdminClient.Failure f) {
            throw new IOException("GET " + path + " on " + host + ": " + f.getMessage());
        }
    }

    /** True once /health answers 200. */
    public boolean healthy(String host) {
        return probe(host, c -> c.send("GET", "/health", null, null)).isPresent();
    }

    /** "State / Reason" of a node of the group as {@code host} reports it; empty when it does not answer. */
    public Optional<String> stateOf(String host, String id) {
        return probe(host, c -> c.groupNode(id).map(n -> n.state() + " / " + n.reason()).orElse("missing"));
    }

    /**
     * The id of the node that holds {@code id}'s service address now, as {@code host} sees it (docs/redundancy.md,
     * Service addresses); empty while nobody holds it or {@code host} does not answer.
     */
    public Optional<String> serviceAddressHolderOf(String host, String id) {
        return probe(host, c -> c.groupNode(id).map(RedundancyAnswers.GroupNode::serviceAddressHolder).orElse(null));
    }

    /** The load-balancing view of {@code host}: its director, whether it holds the cluster address, its members. */
    public Optional<LoadBalancingAnswers.LoadBalancing> loadBalancing(String host) {
        return probe(host, AdminClient::loadBalancing);
    }

    /** {@code host} as a failover pair: standby readiness, the replication link's counters. */
    public Optional<FailoverAnswers.Failover> failover(String host) {
        return probe(host, AdminClient::failover);
    }

    /**
     * Failover, fallback or recover of {@code node} (null for recover) in {@code group}, through {@code host}: the
     * node's answer, accepted or refused by the specification's rules; empty when the node does not answer.
     */
    public Optional<RedundancyAnswers.ActionAnswer> action(String host, String group, String action, String node) {
        return probe(host, c -> c.action(group, action, node));
    }

    /**
     * A write whose outcome is under test: answered whatever its status, within 5 s (a node answers a write it cannot
     * make within about 2 s); empty when the node gives no answer in time.
     */
    public Optional<AdminClient.Answer> write(String host, String method, String path, String contentType, String body) {
        try {
            return Optional.of(clients(host)[2].exchange(method, path, contentType, body));
        } catch (AdminClient.Failure e) {
            return Optional.empty();
        }
    }

    /** Any request, answered whatever its status; empty when the node gives no answer in time. */
    public Optional<AdminClient.Answer> exchange(String host, String method, String path, String contentType, String body) {
        return probe(host, c -> c.exchange(method, path, contentType, body));
    }

    /** Every redundancy group {@code host} is in, as it sees them. */
    public Optional<List<RedundancyAnswers.Group>> groups(String host) {
        return probe(host, AdminClient::redundancyGroups);
    }
}
