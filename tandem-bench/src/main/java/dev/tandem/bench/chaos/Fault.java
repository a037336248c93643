package dev.tandem.bench.chaos;

import java.util.List;
import java.util.Random;

/**
 * One fault of a chaos run: what, to which node (and which other node, for the network faults), for how long. Drawn
 * from the run's seed alone, so the same seed gives the same faults in the same order.
 */
record Fault(Kind kind, int node, int other, long holdMillis) {
    enum Kind {
        /** SIGKILL, then the node started again once the hold is over. */
        KILL("kill", false),
        /** SIGSTOP for the hold, then SIGCONT: a hung process that wakes up. */
        FREEZE("freeze", true),
        /** SIGTERM and a start at once, as an operator restarts a node. */
        RESTART("restart", false),
        /** The store's server stopped for the hold, then started again. */
        STORE("store", false),
        /** Every packet between two nodes dropped for the hold. */
        PARTITION("partition", true),
        /** 30 % of the packets between two nodes dropped for the hold. */
        LOSS("loss", true),
        /**
         * The node's state directory filled (a full disk) and the node killed and started again on it, so that it
         * starts, and writes its state, on a disk with no room; emptied when the hold ends.
         */
        DISK("disk", false),
        /**
         * The node's state directory filled while it runs, and its peer killed, so that the node takes over its
         * peer's users and must write its new state on a disk with no room; the peer is started again and the disk
         * emptied when the hold ends.
         */
        DISK_TAKEOVER("disk-takeover", false);

        final String name;
        /**
         * Whether the two nodes of a pair can each believe the other gone while both run: the specification lets
         * both serve then (both go to Running in Failed Mode when they meet again), so claims held twice during
         * such a fault are counted, not failed; once the cluster settles they are failed like any other.
         */
        final boolean splits;

        Kind(String name, boolean splits) {
            this.name = name;
            this.splits = splits;
        }

        static Kind parse(String text) {
            for (Kind k : values()) if (k.name.equals(text.strip())) return k;
            throw new IllegalArgumentException("--faults: '" + text.strip() + "' is not allowed; allowed: "
                    + String.join(", ", List.of(values()).stream().map(k -> k.name).toList()));
        }
    }

    static final int LOSS_PERCENT = 30;

    /** The next fault of a run: a kind among {@code kinds}, its nodes and its hold, all from {@code random}. */
    static Fault draw(Random random, List<Kind> kinds, int nodes) {
        Kind kind = kinds.get(random.nextInt(kinds.size()));
        int node = random.nextInt(nodes);
        // A network fault cuts a node from its pair's peer two times in three, else from another member of the group.
        int other = ChaosCluster.peer(node);
        if (nodes > 2 && random.nextInt(3) == 0) {
            do {
                other = random.nextInt(nodes);
            } while (other == node);
        }
        long hold = switch (kind) {
            case RESTART -> 0;
            case STORE -> 2000 + random.nextInt(4000);
            // Long enough for the node to start again and run a few seconds on the full disk.
            case DISK -> 8000 + random.nextInt(2000);
            default -> 1000 + random.nextInt(2500);
        };
        return new Fault(kind, node, other, hold);
    }

    String describe(ChaosCluster c) {
        return switch (kind) {
            case KILL, FREEZE -> kind.name + " " + c.id(node) + " for " + hold();
            case DISK -> "disk of " + c.id(node) + " full, the node restarted on it, for " + hold();
            case DISK_TAKEOVER -> "disk of " + c.id(node) + " full, its peer " + c.id(ChaosCluster.peer(node))
                    + " killed, for " + hold();
            case RESTART -> "restart " + c.id(node);
            case STORE -> "store down for " + hold();
            case PARTITION -> "partition " + c.id(node) + " | " + c.id(other) + " for " + hold();
            case LOSS -> "loss " + LOSS_PERCENT + "% " + c.id(node) + " <-> " + c.id(other) + " for " + hold();
        };
    }

    private String hold() {
        return String.format(java.util.Locale.ROOT, "%.1f s", holdMillis / 1000.0);
    }
}
