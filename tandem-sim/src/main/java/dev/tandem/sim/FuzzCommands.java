package dev.tandem.sim;

import static dev.tandem.sim.ScenarioCommands.fail;
import static dev.tandem.sim.ScenarioCommands.ok;
import static dev.tandem.sim.ScenarioCommands.usage;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.lb.LbPhase;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.core.rm.Transitions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The scenario commands that fault schedules are written in (docs/scenarios.md, Fuzzing): invariants checked after
 * every event, an attempt at an admin action that may be refused, bringing everything back, settling, and the
 * checks of a settled pair and a settled load-balancing group.
 */
final class FuzzCommands {
    private FuzzCommands() {}

    /** Every invariant's failure starts with this, so that a shrunk schedule is known to fail the same way. */
    static final String VIOLATION = "invariant violated: ";

    /**
     * {@code check-invariants [addresses]}: from now on, every transition of a recovery manager is one its rules allow
     * (Table 1, {@link Transitions}; a restart or Recover begins again at Initializing); with {@code addresses} (schedules without network faults), no service address is
     * held by two nodes at once. A violation stops the simulator there.
     */
    static ScenarioCommands.Action checkInvariants(List<String> a) {
        if (a.size() > 1 || (a.size() == 1 && !a.get(0).equals("addresses"))) throw usage("check-invariants [addresses]");
        boolean addresses = a.size() == 1;
        return ctx -> {
            Sim sim = ctx.sim();
            // Every transition as the core records it, even several within one step.
            sim.onTransition(r -> {
                if (!r.protocol().equals(RecoveryManager.PROTOCOL)) return;
                Optional<NodeState> from = NodeState.parse(r.from());
                Optional<NodeState> to = NodeState.parse(r.to());
                if (from.isEmpty() || to.isEmpty()) return; // a start or a stop
                if (to.get() == NodeState.INITIALIZING) return; // a restart or Recover begins again
                boolean ha = sim.groups().stream().filter(g -> g.contains(r.node())).findFirst()
                        .map(g -> g.highAvailability()).orElse(true);
                if (!ha && to.get() == NodeState.NORMAL) return; // high availability off: every node serves its own
                boolean witness = sim.parameters().partitionRecovery() == ServiceParameters.PartitionRecovery.WITNESS;
                if (!Transitions.allowed(from.get(), to.get(), witness)) {
                    throw new IllegalStateException(VIOLATION + "transition at " + sim.elapsed() + ": " + r.node()
                            + " went from " + r.from() + " to " + r.to() + " (" + r.reason() + "), which the"
                            + " recovery manager's rules do not allow (Table 1, Transitions)");
                }
            });
            if (!addresses) return ok();
            sim.checkAfterEveryEvent(() -> {
                for (NodeId owner : sim.nodeIds()) {
                    List<NodeId> holders = sim.serviceAddressHolders(owner);
                    if (holders.size() > 1) {
                        throw new IllegalStateException(VIOLATION + "addresses at " + sim.elapsed() + ": " + owner
                                + "'s service address is held by " + holders);
                    }
                }
            });
            return ok();
        };
    }

    /**
     * {@code restore}: the faults stop. The network heals and delivers every message, the witness answers, every
     * service and database works, no hook is set to fail, and every node and load-balancing member that is down starts.
     */
    static ScenarioCommands.Action restore(List<String> a) {
        if (!a.isEmpty()) throw usage("restore");
        return ctx -> {
            Sim sim = ctx.sim();
            sim.heal();
            sim.witness(true);
            sim.network(NetworkModel.PERFECT);
            // Disarmed first: a service coming back can start a hook at once, which an armed kill would cut short.
            for (NodeId id : sim.nodeIds()) sim.clearFailNext(id);
            for (NodeId id : sim.nodeIds()) {
                for (String service : sim.services(id)) sim.serviceUp(id, service);
                sim.databaseUp(id);
            }
            for (String m : sim.lb().memberNames()) {
                NodeId id = NodeId.of(m);
                if (!sim.isUp(id) || sim.lb().speaker(m).isEmpty()) sim.lb().enable(m);
            }
            for (NodeId id : sim.nodeIds()) {
                if (!sim.isUp(id)) sim.start(id);
            }
            return ok();
        };
    }

    /**
     * {@code settle <group> <duration>}: lets the duration pass; if the group then offers Recover, an administrator
     * recovers it (what the specification recommends) and the duration passes again.
     */
    static ScenarioCommands.Action settle(List<String> a) {
        if (a.size() != 2) throw usage("settle <group> <duration>");
        String group = a.get(0);
        Duration d = Durations.parse("settle duration", a.get(1));
        return ctx -> {
            Sim sim = ctx.sim();
            sim.group(group);
            sim.run(d);
            if (sim.actions(group).contains(AdminAction.RECOVER)) {
                if (!sim.recover(group).accepted()) return fail("settle " + group + ": Recover was offered but refused");
                sim.run(d);
            }
            return ok();
        };
    }

    /** {@code attempt admin failover|fallback <node>} / {@code attempt admin recover <group>}: refused or not. */
    static ScenarioCommands.Action attempt(List<String> a) {
        if (a.size() != 3 || !a.get(0).equals("admin")) {
            throw usage("attempt admin failover <node> | attempt admin fallback <node> | attempt admin recover <group>");
        }
        AdminAction action = AdminAction.parse(a.get(1))
                .orElseThrow(() -> new Invalid("admin action", a.get(1), "failover, fallback or recover"));
        String target = a.get(2);
        if (action != AdminAction.RECOVER) NodeId.of(target);
        return ctx -> {
            if (action == AdminAction.RECOVER) ctx.sim().recover(target);
            else ctx.sim().admin(NodeId.of(target), action);
            return ok();
        };
    }

    /**
     * {@code expect-settled <group>}: both nodes Normal, or one failed over and the other serving its users; and the
     * users of each node served by exactly one node.
     */
    static ScenarioCommands.Action expectSettled(List<String> a) {
        if (a.size() != 1) throw usage("expect-settled <group>");
        String group = a.get(0);
        return ctx -> {
            Sim sim = ctx.sim();
            List<NodeId> nodes = sim.group(group).nodes();
            if (nodes.size() != 2) return fail("expect-settled " + group + ": a pair is needed");
            for (NodeId n : nodes) {
                if (!sim.isUp(n)) return fail(VIOLATION + "settled: " + n + " is down");
            }
            NodeState s1 = sim.rm(nodes.get(0)).state();
            NodeState s2 = sim.rm(nodes.get(1)).state();
            boolean settled = (s1 == NodeState.NORMAL && s2 == NodeState.NORMAL)
                    || (s1.isFailedOver() && s2.isBackup()) || (s2.isFailedOver() && s1.isBackup());
            if (!settled) {
                return fail(VIOLATION + "settled: " + group + " is " + s1.display() + " / " + s2.display()
                        + ", not Normal / Normal nor failed over to a backup");
            }
            for (NodeId home : nodes) {
                if (sim.usersHomedAt(home) == 0) continue;
                List<NodeId> servers = sim.serversOf(home);
                if (servers.size() != 1) return fail(VIOLATION + "served: " + home + "'s users are served by " + servers);
            }
            return ok();
        };
    }

    /**
     * {@code expect-one-director}: exactly one member directs and it alone holds the cluster address; every other
     * member follows it, in its term, knowing the members it knows.
     */
    static ScenarioCommands.Action expectOneDirector(List<String> a) {
        if (!a.isEmpty()) throw usage("expect-one-director");
        return ctx -> {
            SimLoadBalancing lb = ctx.sim().lb();
            List<NodeId> directors = lb.directors();
            if (directors.size() != 1) return fail(VIOLATION + "director: " + directors.size() + " directors " + directors);
            if (!lb.addressHolders().equals(directors)) {
                return fail(VIOLATION + "director: the cluster address is held by " + lb.addressHolders()
                        + ", the director is " + directors.get(0));
            }
            LbState director = lb.state(directors.get(0).value());
            for (String m : lb.memberNames()) {
                if (m.equals(directors.get(0).value())) continue;
                LbState s = lb.state(m);
                Optional<String> why = s.phase() != LbPhase.MEMBER ? Optional.of("is " + s.phase())
                        : s.term() != director.term() ? Optional.of("is in term " + s.term() + ", the director in "
                                + director.term())
                        : !s.members().keySet().equals(director.members().keySet())
                                ? Optional.of("knows members " + s.members().keySet() + ", the director "
                                        + director.members().keySet())
                                : Optional.empty();
                if (why.isPresent()) return fail(VIOLATION + "director: " + m + " " + why.get());
            }
            return ok();
        };
    }
}
