package dev.tandem.bench.chaos;

import java.io.IOException;
import java.util.Optional;

/**
 * Partitions and packet loss between two nodes on loopback, with nftables: a table of its own whose input chain
 * drops what one node's address sends to the other's, both ways (every message of the pair and of the group goes
 * between node addresses; the clients, the store and the admin API come from 127.0.0.1 and are not touched). Needs
 * root (CAP_NET_ADMIN) and the nft command; without them a run leaves these faults out and says so.
 */
final class NetFaults implements AutoCloseable {
    private final String table;

    private NetFaults(String table) {
        this.table = table;
    }

    /** The faults, or why they cannot be used on this machine. */
    static Result open(int subnet) {
        String table = "tandem_chaos_" + subnet;
        try {
            Shell.run("nft", "delete", "table", "inet", table); // a table left by a run that was killed
        } catch (IOException e) {
            // none was left
        }
        try {
            Shell.run("nft", "add", "table", "inet", table);
            Shell.run("nft", "add", "chain", "inet", table, "input", "{ type filter hook input priority 0; policy accept; }");
            NetFaults faults = new NetFaults(table);
            // A run stopped by Ctrl-C or a time limit skips close(): the rules go with the process all the same.
            Runtime.getRuntime().addShutdownHook(new Thread(faults::close, "chaos-nft"));
            return new Result(Optional.of(faults), "");
        } catch (IOException e) {
            return new Result(Optional.empty(), "partitions and packet loss need root and nftables (nft): "
                    + e.getMessage());
        }
    }

    record Result(Optional<NetFaults> faults, String whyNot) {}

    /** Drops every packet between {@code a} and {@code b}, both ways. */
    void partition(String a, String b) throws IOException {
        rule("ip saddr " + a + " ip daddr " + b + " drop");
        rule("ip saddr " + b + " ip daddr " + a + " drop");
    }

    /** Drops {@code percent} % of the packets between {@code a} and {@code b}, both ways, at random. */
    void loss(String a, String b, int percent) throws IOException {
        rule("ip saddr " + a + " ip daddr " + b + " numgen random mod 100 < " + percent + " drop");
        rule("ip saddr " + b + " ip daddr " + a + " numgen random mod 100 < " + percent + " drop");
    }

    /** Every packet passes again. */
    void heal() throws IOException {
        Shell.run("nft", "flush", "chain", "inet", table, "input");
    }

    private void rule(String rule) throws IOException {
        Shell.run("nft", "add", "rule", "inet", table, "input", rule);
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            Shell.run("nft", "delete", "table", "inet", table);
        } catch (IOException e) {
            System.err.println("chaos: could not remove the nftables table " + table + ": " + e.getMessage());
        }
    }
}
