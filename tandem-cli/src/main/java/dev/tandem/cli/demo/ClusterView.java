package dev.tandem.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the demo shows of the cluster, read from every node's admin API at once. */
public final class ClusterView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    /**
     * One node as the cluster sees it.
     *
     * @param serviceAddress its service address (docs/redundancy.md, Service addresses), "" when it has none
     * @param holders  the nodes that say they hold that address now: one while the pair agrees, none while nobody
     *                 that answers holds it, two during a partition
     * @param up       its admin API answered
     * @param state    its recovery-manager state, from itself, or from its peer when it does not answer
     * @param role     Director or Member while it takes part in the load-balancing group, "" when it does not
     * @param load     its load (%) in the director's table, or -1 when the director does not list it
     * @param sessions its sessions in the director's table, or -1
     */
    public record NodeRow(String id, String address, String serviceAddress, List<String> holders, String group,
                          boolean up, String state, String reason, String role, int load, int sessions) {
        public NodeRow {
            holders = List.copyOf(holders);
        }

        /**
         * Where the director sends this node's clients: its service address when it has one (the default public
         * address, docs/redundancy.md), else its own address.
         */
        public String publicAddress() {
            return publicAddress(address, serviceAddress);
        }

        static String publicAddress(String address, String serviceAddress) {
            return serviceAddress.isEmpty() ? address : serviceAddress;
        }
    }

    /** The whole cluster at one moment; {@code director} is empty while no node directs. */
    public record Snapshot(List<NodeRow> nodes, Optional<String> director) {
        public Optional<NodeRow> node(String id) {
            return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
        }
    }

    private final LocalCluster cluster;
    private final HttpClient http;
    private final String token;

    public ClusterView(LocalCluster cluster, HttpClient http, String token) {
        this.cluster = cluster;
        this.http = http;
        this.token = token;
    }

    public Snapshot read() {
        Map<String, CompletableFuture<Optional<JsonNode>>> groups = new LinkedHashMap<>();
        Map<String, CompletableFuture<Optional<JsonNode>>> lbs = new LinkedHashMap<>();
        for (String n : cluster.nodes()) {
            groups.put(n, get(n, "/api/v1/redundancy-groups"));
            lbs.put(n, get(n, "/api/v1/load-balancing"));
        }
        // Each node's own state, and what each node says of its peer (for nodes that do not answer).
        Map<String, String[]> own = new HashMap<>();
        Map<String, String[]> seenByPeer = new HashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        // Each node's service address, and the nodes that say they hold it themselves: a node that does not answer
        // cannot say, and what a node believes of its peer's sockets is not what the table should claim.
        Map<String, String> serviceOf = new HashMap<>();
        Map<String, List<String>> holdersOf = new HashMap<>();
        for (String n : cluster.nodes()) {
            groups.get(n).join().ifPresent(list -> {
                for (JsonNode g : list) {
                    for (JsonNode m : g.path("nodes")) {
                        String id = m.path("id").asText();
                        groupOf.put(id, g.path("name").asText());
                        serviceOf.put(id, m.path("serviceAddress").isTextual() ? m.path("serviceAddress").asText() : "");
                        if (m.path("serviceAddressHolder").asText("").equals(n)) {
                            holdersOf.computeIfAbsent(id, k -> new ArrayList<>()).add(n);
                        }
                        String[] sr = {m.path("state").asText(), m.path("reason").asText()};
                        if (id.equals(n)) own.put(id, sr);
                        else seenByPeer.put(id, sr);
                    }
                }
            });
        }
        Map<String, JsonNode> lbOf = new HashMap<>();
        Map<String, Integer> directorVotes = new HashMap<>();
        for (String n : cluster.nodes()) {
            lbs.get(n).join().ifPresent(v -> {
                lbOf.put(n, v);
                if (v.path("holdsClusterAddress").asBoolean() && "Director".equalsIgnoreCase(v.path("phase").asText())) {
                    directorVotes.merge(n, 1, Integer::sum);
                }
            });
        }
        Optional<String> director = directorVotes.keySet().stream().sorted().findFirst();
        Map<String, int[]> table = new HashMap<>();
        director.map(lbOf::get).ifPresent(v -> {
            for (JsonNode row : v.path("members")) {
                table.put(row.path("publicIp").asText(), new int[] {row.path("sslLoad").asInt(), row.path("sslSessions").asInt()});
            }
        });
        List<NodeRow> rows = new ArrayList<>();
        for (String n : cluster.nodes()) {
            boolean up = own.containsKey(n);
            String[] sr = up ? own.get(n) : seenByPeer.getOrDefault(n, new String[] {"Unknown", ""});
            JsonNode lb = lbOf.get(n);
            String role = "";
            if (lb != null && lb.path("speaking").asBoolean()) {
                role = director.filter(n::equals).isPresent() ? "Director" : "Member";
            }
            // With neither node of its pair answering, the address is still the one the demo wrote.
            String service = serviceOf.getOrDefault(n, cluster.serviceAddress(n));
            List<String> holders = holdersOf.getOrDefault(n, List.of()).stream().sorted().toList();
            int[] lt = table.getOrDefault(NodeRow.publicAddress(cluster.address(n), service), new int[] {-1, -1});
            // A node that does not answer is shown down, with what its peer last saw of it.
            rows.add(new NodeRow(n, cluster.address(n), service, holders, groupOf.getOrDefault(n, ""), up,
                    up ? sr[0] : "down (peer sees " + sr[0] + ")", up ? sr[1] : "", role, lt[0], lt[1]));
        }
        return new Snapshot(List.copyOf(rows), director);
    }

    private CompletableFuture<Optional<JsonNode>> get(String node, String path) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(cluster.adminUrl(node) + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).build();
        return http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(res -> {
            if (res.statusCode() != 200) return Optional.<JsonNode>empty();
            try {
                return Optional.of(JSON.readTree(res.body()));
            } catch (Exception e) {
                return Optional.<JsonNode>empty();
            }
        }).exceptionally(e -> Optional.empty());
    }

    /** Posts a text body (for example users as CSV); answers the status and the body, or throws when nobody answers. */
    public HttpResponse<String> postText(String node, String path, String contentType, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(cluster.adminUrl(node) + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** Posts an admin action; answers the node's message, or why it failed. */
    public String post(String node, String path) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(cluster.adminUrl(node) + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
            JsonNode j = JSON.readTree(res.body());
            String msg = j.hasNonNull("message") ? j.get("message").asText() : j.path("error").asText(res.body());
            return (res.statusCode() / 100 == 2 ? "" : "refused: ") + msg;
        } catch (Exception e) {
            return "failed: " + node + " does not answer (" + e.getClass().getSimpleName() + ")";
        }
    }
}
