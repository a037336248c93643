package dev.tandem.cli.demo;

import dev.tandem.api.AdminClient;
import dev.tandem.api.LoadBalancingAnswers;
import dev.tandem.api.RedundancyAnswers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** What the demo shows of the cluster, read from every node's admin API at once. */
public final class ClusterView {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    /** Every node is asked at once: one that does not answer costs the refresh its timeout, not one per node. */
    private static final ExecutorService ASK = Executors.newVirtualThreadPerTaskExecutor();

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
    private final String token;
    /** Per node: [0] reads of the view (short), [1] actions and imports. */
    private final Map<String, AdminClient[]> clients = new ConcurrentHashMap<>();

    public ClusterView(LocalCluster cluster, String token) {
        this.cluster = cluster;
        this.token = token;
    }

    private AdminClient[] client(String node) {
        return clients.computeIfAbsent(node, n -> {
            URI base = URI.create(cluster.adminUrl(n));
            return new AdminClient[] {new AdminClient(base, token, null, TIMEOUT, TIMEOUT),
                    new AdminClient(base, token, null, Duration.ofSeconds(1), Duration.ofSeconds(30))};
        });
    }

    public Snapshot read() {
        Map<String, CompletableFuture<Optional<List<RedundancyAnswers.Group>>>> groups = new LinkedHashMap<>();
        Map<String, CompletableFuture<Optional<LoadBalancingAnswers.LoadBalancing>>> lbs = new LinkedHashMap<>();
        for (String n : cluster.nodes()) {
            groups.put(n, ask(n, AdminClient::redundancyGroups));
            lbs.put(n, ask(n, AdminClient::loadBalancing));
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
                for (RedundancyAnswers.Group g : list) {
                    for (RedundancyAnswers.GroupNode m : g.nodes()) {
                        String id = m.id();
                        groupOf.put(id, g.name());
                        serviceOf.put(id, m.serviceAddress() == null ? "" : m.serviceAddress());
                        if (n.equals(m.serviceAddressHolder())) {
                            holdersOf.computeIfAbsent(id, k -> new ArrayList<>()).add(n);
                        }
                        String[] sr = {m.state(), m.reason()};
                        if (id.equals(n)) own.put(id, sr);
                        else seenByPeer.put(id, sr);
                    }
                }
            });
        }
        Map<String, LoadBalancingAnswers.LoadBalancing> lbOf = new HashMap<>();
        Map<String, Integer> directorVotes = new HashMap<>();
        for (String n : cluster.nodes()) {
            lbs.get(n).join().ifPresent(v -> {
                lbOf.put(n, v);
                if (v.holdsClusterAddress() && "Director".equalsIgnoreCase(v.phase())) {
                    directorVotes.merge(n, 1, Integer::sum);
                }
            });
        }
        Optional<String> director = directorVotes.keySet().stream().sorted().findFirst();
        Map<String, int[]> table = new HashMap<>();
        director.map(lbOf::get).ifPresent(v -> {
            for (LoadBalancingAnswers.MemberRow row : v.members()) {
                table.put(row.publicIp(), new int[] {row.sslLoad(), row.sslSessions()});
            }
        });
        List<NodeRow> rows = new ArrayList<>();
        for (String n : cluster.nodes()) {
            boolean up = own.containsKey(n);
            String[] sr = up ? own.get(n) : seenByPeer.getOrDefault(n, new String[] {"Unknown", ""});
            LoadBalancingAnswers.LoadBalancing lb = lbOf.get(n);
            String role = "";
            if (lb != null && lb.speaking()) {
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

    /** A read of one node's view: empty when it does not answer, or refuses (a node outside load balancing). */
    private <T> CompletableFuture<Optional<T>> ask(String node, Function<AdminClient, T> read) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Optional.ofNullable(read.apply(client(node)[0]));
            } catch (AdminClient.Failure e) {
                return Optional.<T>empty();
            }
        }, ASK);
    }

    /** Posts a text body (for example users as CSV); answers the node's answer, or throws when nobody answers. */
    public AdminClient.Answer postText(String node, String path, String contentType, String body) {
        return client(node)[1].exchange("POST", path, contentType, body);
    }

    /** Failover, fallback or recover of {@code target} (null for recover) in {@code group}, asked of {@code node}. */
    public String action(String node, String group, String action, String target) {
        try {
            RedundancyAnswers.ActionAnswer a = client(node)[1].action(group, action, target);
            return (a.accepted() ? "" : "refused: ") + a.message();
        } catch (AdminClient.Failure f) {
            return f.kind() == AdminClient.Kind.REFUSED ? "refused: " + f.getMessage()
                    : "failed: " + node + " does not answer (" + f.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
    }
}
