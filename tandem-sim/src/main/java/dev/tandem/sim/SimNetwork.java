package dev.tandem.sim;

import dev.tandem.core.Invalid;
import dev.tandem.core.Message;
import dev.tandem.core.NodeId;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.RmMessage;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network between the nodes: partitions that cut two nodes apart, and a {@link NetworkModel} by
 * which each message is lost, duplicated and delayed, drawn from the simulation's seed. A message that reaches a
 * running host whose process is down is refused, and the sender hears so on the way back.
 */
final class SimNetwork {
    private final Sim sim;
    private final Random random;
    private final Set<Set<NodeId>> partitions = new HashSet<>();
    private NetworkModel model = NetworkModel.PERFECT;

    SimNetwork(Sim sim, Random random) {
        this.sim = sim;
        this.random = random;
    }

    void model(NetworkModel model) {
        this.model = model;
    }

    void partition(NodeId a, NodeId b) {
        sim.node(a);
        sim.node(b);
        if (a.equals(b)) throw new Invalid("partition", a, "two different nodes");
        partitions.add(Set.of(a, b));
        sim.log("partition " + a + " | " + b);
    }

    void heal() {
        partitions.clear();
        sim.log("network healed");
    }

    boolean partitioned(NodeId a, NodeId b) {
        return partitions.contains(Set.of(a, b));
    }

    boolean cut(NodeId a, NodeId b) {
        return !a.equals(b) && partitions.contains(Set.of(a, b)); // a node always reaches itself
    }

    /** Whether one message is lost, by the network's loss probability. */
    boolean lost() {
        return random.nextDouble() < model.loss();
    }

    Duration delay() {
        long min = model.minDelay().toNanos();
        long span = model.maxDelay().toNanos() - min;
        return Duration.ofNanos(span == 0 ? min : min + (long) (random.nextDouble() * span));
    }

    void send(NodeId from, NodeId to, Message message) {
        SimNode dest = sim.nodeOrNull(to);
        if (dest == null || cut(from, to) || random.nextDouble() < model.loss()) return;
        if (message instanceof LbMessage m) {
            sim.lb().transmit(from, dest, m);
            return;
        }
        int copies = random.nextDouble() < model.duplicate() ? 2 : 1;
        SimNode source = sim.nodeOrNull(from);
        long sourceProcess = source.process;
        for (int i = 0; i < copies; i++) {
            Duration there = delay();
            sim.at(sim.now().plus(there), () -> {
                if (cut(from, to)) return;
                if (dest.up && message instanceof RmMessage m) {
                    sim.deliver(dest, new RmEvent.Received(m));
                } else if (!dest.up && dest.hostUp) {
                    // The host answers "port unreachable" on the way back.
                    sim.at(sim.now().plus(there), () -> {
                        if (source.up && source.process == sourceProcess) {
                            sim.deliver(source, new RmEvent.PeerRefused());
                        }
                    });
                }
            });
        }
    }
}
