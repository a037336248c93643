package dev.tandem.sim;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.WitnessLease;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The redundancy groups' witness (docs/decisions/115-a-witness-decides-who-serves.md): one lease per group on the
 * virtual clock, kept by the core's {@link WitnessLease} rule, as the store and {@code tandem witness} keep it. An ask
 * and its answer each cross the simulated network (delayed, maybe lost); a witness that is down, or cut off from the
 * node, answers nothing, and the node hears after a keep-alive interval that it could not be reached.
 */
final class SimWitness {
    private final Sim sim;
    private final Map<String, WitnessLease> leases = new HashMap<>();
    private final Set<NodeId> cutOff = new HashSet<>();
    private boolean up = true;

    SimWitness(Sim sim) {
        this.sim = sim;
    }

    void up(boolean on) {
        up = on;
        sim.log("witness " + (on ? "up" : "down"));
    }

    void cut(NodeId node) {
        sim.node(node);
        cutOff.add(node);
        sim.log("witness | " + node);
    }

    void heal() {
        cutOff.clear();
    }

    boolean isUp() {
        return up;
    }

    Optional<WitnessLease> lease(String group) {
        return Optional.ofNullable(leases.get(group));
    }

    private boolean reaches(NodeId node) {
        return up && !cutOff.contains(node) && !sim.lost();
    }

    void ask(SimNode n, Effect.AskWitness ask) {
        long process = n.process;
        boolean[] answered = {false};
        sim.at(sim.now().plus(sim.delay()), () -> {
            if (!reaches(n.id)) return;
            WitnessLease before = leases.get(ask.group());
            WitnessLease next = WitnessLease.ask(before, ask.node(), ask.leaseTime(), sim.now());
            leases.put(ask.group(), next);
            if (before == null || before.fence() != next.fence()) {
                sim.log("witness: " + ask.group() + "'s lease to " + next.holder() + " (fence " + next.fence() + ")");
            }
            if (!reaches(n.id)) return; // the answer is lost on its way back
            sim.at(sim.now().plus(sim.delay()), () -> {
                if (!n.up || n.process != process) return;
                answered[0] = true;
                sim.deliver(n, new RmEvent.WitnessAnswered(ask.askId(), next.holder(), next.fence()));
            });
        });
        sim.at(sim.now().plus(sim.parameters().keepAliveInterval()), () -> {
            if (answered[0] || !n.up || n.process != process) return;
            sim.deliver(n, new RmEvent.WitnessUnreachable(ask.askId(), "no answer"));
        });
    }
}
