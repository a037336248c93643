package dev.tandem.bench.chaos;

import java.io.IOException;
import java.util.Optional;

/**
 * Partitions and packet loss between two nodes, with nftables: a table of its own whose one chain drops what one node
 * sends to the other, both ways. Where the chain hooks and what it matches is the network's ({@link ChaosNetwork}):
 * on loopback, the input of packets between node addresses (every message of the pair and of the group goes between
 * them; the clients, the store and the admin API come from 127.0.0.1 and are not touched); with namespaces, every
 * frame the bridge forwards between the two nodes' ports. Needs root (CAP_NET_ADMIN) and the nft command; without
 * them a run leaves these faults out and says so.
 */
final class NetFaults implements AutoCloseable {
    private final ChaosNetwork network;
    private final String table;
    private final String family;
    private final String chain;

    private NetFaults(ChaosNetwork network) {
        this.network = network;
        this.table = "tandem_chaos_" + network.subnet;
        this.family = network.nftFamily();
        this.chain = network.nftHook();
    }

    /** The faults, or why they cannot be used on this machine. */
    static Result open(ChaosNetwork network) {
        NetFaults faults = new NetFaults(network);
        Shell.quietly("nft", "delete", "table", faults.family, faults.table); // a table left by a run that was killed
        try {
            Shell.run("nft", "add", "table", faults.family, faults.table);
            Shell.run("nft", "add", "chain", faults.family, faults.table, faults.chain,
                    "{ type filter hook " + faults.chain + " priority 0; policy accept; }");
            // A run stopped by Ctrl-C or a time limit skips close(): the rules go with the process all the same.
            Runtime.getRuntime().addShutdownHook(new Thread(faults::close, "chaos-nft"));
            return new Result(Optional.of(faults), "");
        } catch (IOException e) {
            return new Result(Optional.empty(), "partitions and packet loss need root and nftables (nft): "
                    + e.getMessage());
        }
    }

    record Result(Optional<NetFaults> faults, String whyNot) {}

    /** Drops every packet between nodes {@code a} and {@code b}, both ways. */
    void partition(int a, int b) throws IOException {
        rule(network.between(a, b) + " drop");
        rule(network.between(b, a) + " drop");
    }

    /** Drops {@code percent} % of the packets between nodes {@code a} and {@code b}, both ways, at random. */
    void loss(int a, int b, int percent) throws IOException {
        rule(network.between(a, b) + " numgen random mod 100 < " + percent + " drop");
        rule(network.between(b, a) + " numgen random mod 100 < " + percent + " drop");
    }

    /** Every packet passes again. */
    void heal() throws IOException {
        Shell.run("nft", "flush", "chain", family, table, chain);
    }

    private void rule(String rule) throws IOException {
        Shell.run("nft", "add", "rule", family, table, chain, rule);
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            Shell.run("nft", "delete", "table", family, table);
        } catch (IOException e) {
            System.err.println("chaos: could not remove the nftables table " + table + ": " + e.getMessage());
        }
    }
}
