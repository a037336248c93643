package dev.tandem.sim;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.Actions;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The administrator of the redundancy groups: the actions each group offers now, and the requests (failover,
 * fallback, recover) that a running recovery manager answers at once.
 */
final class SimAdmin {
    private final Sim sim;
    private long requests;

    SimAdmin(Sim sim) {
        this.sim = sim;
    }

    Effect.AdminResult request(NodeId target, AdminAction action) {
        SimNode n = sim.node(target);
        if (n.rm == null) {
            return new Effect.AdminResult(0, false, target + " is in no redundancy group");
        }
        if (!n.up) {
            return new Effect.AdminResult(0, false, action.display() + " of " + target
                    + " is not available: its recovery manager is not running");
        }
        return deliver(n, action);
    }

    Effect.AdminResult recover(String groupName) {
        for (NodeId id : sim.group(groupName).nodes()) {
            SimNode n = sim.nodeOrNull(id);
            if (n.up && n.rm.state().isBroken()) return deliver(n, AdminAction.RECOVER);
        }
        for (NodeId id : sim.group(groupName).nodes()) {
            SimNode n = sim.nodeOrNull(id);
            if (n.up) return deliver(n, AdminAction.RECOVER);
        }
        return new Effect.AdminResult(0, false, "recover is not available: no node of " + groupName + " is running");
    }

    private Effect.AdminResult deliver(SimNode n, AdminAction action) {
        long id = ++requests;
        List<Effect> effects = sim.deliver(n, new RmEvent.Admin(id, action));
        for (Effect e : effects) {
            if (e instanceof Effect.AdminResult r && r.requestId() == id) {
                sim.log("admin " + action.display() + " on " + n.id + ": " + (r.accepted() ? "accepted" : "refused: " + r.message()));
                return r;
            }
        }
        throw new IllegalStateException("no answer to admin request " + id);
    }

    Set<AdminAction> actions(String groupName) {
        RedundancyGroup g = sim.group(groupName);
        List<Actions.NodeView> views = new ArrayList<>();
        for (NodeId id : g.nodes()) {
            SimNode n = sim.nodeOrNull(id);
            views.add(new Actions.NodeView(id, n.rm.state(), n.up, n.rm.healthy()));
        }
        return Actions.available(g.highAvailability(), views);
    }
}
