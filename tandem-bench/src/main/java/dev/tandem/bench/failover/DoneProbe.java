package dev.tandem.bench.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.bench.proc.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The end condition of a failover trial, asked again and again until it holds. Two kinds, chosen by
 * {@code --probe}: {@code admin} reads the nodes' admin API (state, who directs, who holds the cluster address);
 * {@code http} asks the cluster address itself, as a client would, on the redirect port.
 */
@FunctionalInterface
public interface DoneProbe {
    boolean done();

    /** The redirect service's port on the cluster address in the demo (plain HTTP). */
    int REDIRECT_PORT = dev.tandem.node.demo.DemoCluster.SERVICE_PORT;

    /** Pair failover, from the admin API: the backup reports itself Running in Backup Mode. */
    static DoneProbe backupRunning(LocalCluster c, int backup) {
        return () -> c.admin().stateOf(c.host(backup), c.id(backup))
                .map(s -> s.startsWith("Running in Backup Mode")).orElse(false);
    }

    /**
     * Pair failover, from the cluster address: the assignment of a user homed on the failed node names the backup
     * ({@code GET /.well-known/tandem/assign?user=U} answers 200 with {@code host} the backup's address).
     */
    static DoneProbe userSentToBackup(LocalCluster c, int backup, String user) {
        return () -> Http.assign(c.clusterAddress(), user)
                .map(j -> c.host(backup).equals(j.path("host").asText())).orElse(false);
    }

    /** Director failover, from the admin API: a surviving node directs and holds the cluster address. */
    static DoneProbe newDirectorHoldsAddress(LocalCluster c, int killed) {
        return () -> {
            for (int i = 0; i < c.size(); i++) {
                if (i == killed) continue;
                Optional<LoadBalancingAnswers.LoadBalancing> lb = c.admin().loadBalancing(c.host(i));
                if (lb.isPresent() && lb.get().holdsClusterAddress() && "Master".equals(lb.get().role())) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Director failover, from the cluster address: anything answers HTTP there again. */
    static DoneProbe clusterAddressAnswers(LocalCluster c) {
        return () -> Http.anyAnswer(c.clusterAddress());
    }

    /** The small HTTP client the cluster-address probes share. */
    final class Http {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        private Http() {}

        static Optional<JsonNode> assign(String clusterAddress, String user) {
            try {
                HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + clusterAddress + ":"
                        + REDIRECT_PORT + "/.well-known/tandem/assign?user=" + user)).timeout(Duration.ofSeconds(1))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        static boolean anyAnswer(String clusterAddress) {
            try {
                HttpResponse<Void> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + clusterAddress + ":"
                        + REDIRECT_PORT + "/")).timeout(Duration.ofSeconds(1)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                return r.statusCode() > 0;
            } catch (IOException | RuntimeException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
