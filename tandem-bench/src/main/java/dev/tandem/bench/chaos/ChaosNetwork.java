package dev.tandem.bench.chaos;

import dev.tandem.node.demo.DemoCluster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a chaos run's nodes live, and what partitions and packet loss cut (docs/reliability.md, Chaos on real
 * processes).
 * <ul>
 * <li>{@code namespaces} (as root, with iproute2): every node in a network namespace of its own, its {@code eth0} a
 * veth link to one bridge in the runner's namespace, on 198.18.S.0/24 (the range set aside for benchmarking
 * networks, so nothing here can be mistaken for a real one; the bridge is .1, where the clients and the store are).
 * The service addresses and the cluster address move with the {@code linux} driver, {@code ip addr} and a
 * gratuitous ARP, as on real hosts, and a partition cuts every frame between two nodes' bridge ports, ARP too.
 * Each namespace's addresses can be read from the kernel, so the run checks what is really on each host.</li>
 * <li>{@code loopback}, the fallback without them: 127.0.S.x on this host's loopback, the {@code bind} driver, and
 * partitions as nftables rules between node addresses.</li>
 * </ul>
 */
abstract sealed class ChaosNetwork implements AutoCloseable {
    final int subnet;

    private ChaosNetwork(int subnet) {
        this.subnet = subnet;
    }

    /**
     * The network {@code mode} asks for ({@code auto}: namespaces where this process may make them, else loopback),
     * made ready; {@code said} gets a line on why auto fell back.
     */
    static ChaosNetwork open(String mode, int subnet, int nodes, java.util.function.Consumer<String> said) throws IOException {
        if (subnet < 0 || subnet > 255) throw new IllegalArgumentException("--subnet: " + subnet + " is not allowed; allowed: 0 to 255");
        return switch (mode) {
            case "loopback" -> new Loopback(subnet);
            case "namespaces" -> Namespaces.make(subnet, nodes);
            case "auto" -> {
                try {
                    yield Namespaces.make(subnet, nodes);
                } catch (IOException e) {
                    said.accept("nodes on loopback: network namespaces need root and iproute2 (" + e.getMessage() + ")");
                    yield new Loopback(subnet);
                }
            }
            default -> throw new IllegalArgumentException("--network: '" + mode + "' is not allowed; allowed: auto,"
                    + " namespaces, loopback");
        };
    }

    abstract String name();

    /** The first three bytes of every address of the run, with the final dot. */
    abstract String prefix();

    String host(int i) {
        return prefix() + (DemoCluster.FIRST_HOST + i);
    }

    String serviceAddress(int i) {
        return prefix() + (DemoCluster.FIRST_SERVICE_HOST + i);
    }

    String clusterAddress() {
        return prefix() + "10";
    }

    /** Where the nodes reach the store's server, and where it listens. */
    abstract String storeAddress();

    /** {@code tandem demo init}'s configuration of a node, moved onto this network. */
    abstract String configure(String demoYaml);

    /** What the node's command is started under. */
    abstract List<String> launcher(int node);

    /** The nftables family and hook whose chain the run's partition rules go in. */
    abstract String nftFamily();

    abstract String nftHook();

    /** The nftables match of every packet node {@code from} sends to node {@code to}. */
    abstract String between(int from, int to);

    /** For each address of the run on some node's host (the kernel's word), the nodes that have it; empty when it cannot tell. */
    abstract java.util.Optional<Map<String, List<String>>> addressesOnHosts(ChaosCluster c);

    @Override
    public void close() {
    }

    /** Node addresses on this host's loopback, which carries 127.0.0.0/8 already: no root needed. */
    static final class Loopback extends ChaosNetwork {
        Loopback(int subnet) {
            super(subnet);
        }

        @Override String name() { return "loopback"; }
        @Override String prefix() { return "127.0." + subnet + "."; }
        @Override String storeAddress() { return "127.0.0.1"; }
        @Override String configure(String demoYaml) { return demoYaml.replace("127.0.0.", prefix()); }
        @Override List<String> launcher(int node) { return List.of(); }
        @Override String nftFamily() { return "inet"; }
        @Override String nftHook() { return "input"; }
        @Override String between(int from, int to) { return "ip saddr " + host(from) + " ip daddr " + host(to); }

        @Override
        java.util.Optional<Map<String, List<String>>> addressesOnHosts(ChaosCluster c) {
            return java.util.Optional.empty(); // every address is on the one loopback: only the nodes' word tells
        }
    }

    /** A namespace per node on one bridge (the class comment). */
    static final class Namespaces extends ChaosNetwork {
        private final int nodes;
        private boolean closed;

        private Namespaces(int subnet, int nodes) {
            super(subnet);
            this.nodes = nodes;
        }

        static Namespaces make(int subnet, int nodes) throws IOException {
            if (!"root".equals(System.getProperty("user.name"))) throw new IOException("not root");
            // Without arping addresses would move with no gratuitous ARP: the clients' neighbour entries would stay
            // on the old holder, and the run would count the machine's lack as Tandem's violations.
            try {
                Shell.run("arping", "-V");
            } catch (IOException e) {
                throw new IOException("the linux address driver needs arping (apt-get install iputils-arping): "
                        + e.getMessage());
            }
            Namespaces n = new Namespaces(subnet, nodes);
            n.remove(); // what a run that was killed left
            // A run stopped by Ctrl-C or a time limit skips close(): the namespaces go with the process all the same.
            Runtime.getRuntime().addShutdownHook(new Thread(n::close, "chaos-netns"));
            try {
                Shell.run("ip", "link", "add", n.bridge(), "type", "bridge");
                Shell.run("ip", "addr", "add", n.storeAddress() + "/24", "dev", n.bridge());
                Shell.run("ip", "link", "set", n.bridge(), "up");
                for (int i = 0; i < nodes; i++) {
                    String ns = n.namespace(i);
                    Shell.run("ip", "netns", "add", ns);
                    Shell.run("ip", "link", "add", n.port(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
                    Shell.run("ip", "link", "set", n.port(i), "master", n.bridge());
                    Shell.run("ip", "link", "set", n.port(i), "up");
                    Shell.run("ip", "-n", ns, "addr", "add", n.host(i) + "/24", "dev", "eth0");
                    Shell.run("ip", "-n", ns, "link", "set", "eth0", "up");
                    Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
                }
            } catch (IOException e) {
                n.close();
                throw e;
            }
            return n;
        }

        @Override String name() { return "namespaces"; }
        @Override String prefix() { return "198.18." + subnet + "."; }
        @Override String storeAddress() { return prefix() + "1"; }

        @Override
        String configure(String demoYaml) {
            String bind = "serviceAddresses:\n  driver: bind\n";
            String cluster = "  clusterAddress: " + clusterAddress() + "\n";
            String y = demoYaml.replace("127.0.0.", prefix());
            if (!y.contains(bind) || !y.contains(cluster)) {
                throw new IllegalStateException("the demo configuration has no address driver lines to replace:\n" + y);
            }
            return y.replace(bind, "serviceAddresses:\n  driver: linux\n  interface: eth0\n")
                    .replace(cluster, cluster + "  addressDriver: linux\n  interface: eth0\n");
        }

        @Override List<String> launcher(int node) { return List.of("ip", "netns", "exec", namespace(node)); }
        @Override String nftFamily() { return "bridge"; }
        @Override String nftHook() { return "forward"; }
        @Override String between(int from, int to) { return "iifname " + port(from) + " oifname " + port(to); }

        @Override
        java.util.Optional<Map<String, List<String>>> addressesOnHosts(ChaosCluster c) {
            Map<String, List<String>> out = new TreeMap<>();
            for (int i = 0; i < nodes; i++) {
                String shown;
                try {
                    shown = Shell.output("ip", "-n", namespace(i), "-o", "-4", "addr", "show", "dev", "eth0");
                } catch (IOException e) {
                    return java.util.Optional.empty();
                }
                for (String line : shown.lines().toList()) {
                    // "2: eth0    inet 198.18.44.111/32 scope global eth0 ..."
                    String[] words = line.trim().split("\\s+");
                    for (int w = 0; w + 1 < words.length; w++) {
                        if (!words[w].equals("inet")) continue;
                        String address = words[w + 1].substring(0, words[w + 1].indexOf('/'));
                        if (!address.equals(host(i))) out.computeIfAbsent(address, a -> new ArrayList<>()).add(c.id(i));
                    }
                }
            }
            return java.util.Optional.of(out);
        }

        private String namespace(int i) {
            return "tandem-chaos-" + subnet + "-" + DemoCluster.nodeId(i);
        }

        /** The runner's end of node i's link, a port of the bridge (names are at most 15 characters). */
        private String port(int i) {
            return "tdc" + subnet + "-" + DemoCluster.nodeId(i);
        }

        private String bridge() {
            return "tdc" + subnet + "-br";
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            remove();
        }

        /**
         * Deleting a namespace deletes its veth end, and with it the runner's end, but the kernel does it later: a run
         * started just after another could find the runner's ends still there ("File exists"). They go first, each
         * at once (a run has at most 8 nodes); then the namespaces and the bridge.
         */
        private void remove() {
            for (int i = 0; i < 8; i++) Shell.quietly("ip", "link", "del", port(i));
            String ours = "tandem-chaos-" + subnet + "-";
            try {
                for (String line : Shell.output("ip", "netns", "list").lines().toList()) {
                    String ns = line.split("\\s+")[0];
                    if (ns.startsWith(ours)) Shell.quietly("ip", "netns", "del", ns);
                }
            } catch (IOException e) {
                // no namespaces here at all
            }
            Shell.quietly("ip", "link", "del", bridge());
        }
    }
}
