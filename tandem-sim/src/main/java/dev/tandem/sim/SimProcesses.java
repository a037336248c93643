package dev.tandem.sim;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RmEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * How the nodes' processes and hosts come and go: starts, graceful stops, reboots, crashes and kills. A node keeps
 * what it persisted through each; what its earlier process scheduled is dropped. With replication links on, the host
 * of a killed process resets its connections, and the nodes at the other end hear of it.
 */
final class SimProcesses {
    private final Sim sim;
    private final SimHooks hooks;
    private boolean replicationLinks;

    SimProcesses(Sim sim, SimHooks hooks) {
        this.sim = sim;
        this.hooks = hooks;
    }

    void start(NodeId id) {
        SimNode n = sim.node(id);
        if (n.up) throw new Invalid("start", id, "a node that is not running (" + id + " runs)");
        n.up = true;
        n.hostUp = true;
        n.process++;
        n.timers.clear();
        n.reportedRunning.clear();
        n.reportedDatabase = null;
        sim.log(id + " starts" + (n.persisted == null ? "" : " (persisted " + n.persisted.state() + ")"));
        if (n.rm != null) {
            n.rm = RecoveryManager.initial(id, sim.groupOf(id), sim.parameters(), n.versions);
            sim.deliver(n, new RmEvent.Start(Optional.ofNullable(n.persisted)));
            hooks.reportHealth(n);
        }
        sim.lb().reconsiderAll();
    }

    void stop(NodeId id) {
        SimNode n = running(id, "stop");
        stopMachines(n);
        down(n, "stops");
    }

    private void stopMachines(SimNode n) {
        if (n.rm != null) sim.deliver(n, new RmEvent.Stop());
        sim.lb().stop(n);
    }

    void reboot(NodeId id, Duration downFor) {
        SimNode n = running(id, "reboot");
        stopMachines(n);
        down(n, "reboots");
        n.hostUp = false;
        long process = n.process;
        sim.at(sim.now().plus(downFor), () -> {
            if (n.up || n.process != process) return;
            n.servicesStoppedByRm = false; // the boot starts the critical services
            start(id);
        });
    }

    void replicationLinks(boolean on) {
        replicationLinks = on;
        sim.log("replication links " + (on ? "on" : "off"));
    }

    void crash(NodeId id) {
        SimNode n = running(id, "crash");
        down(n, "crashes");
        n.hostUp = false;
        n.servicesStoppedByRm = false; // when the host comes back, it boots with its services
    }

    void kill(NodeId id) {
        SimNode n = running(id, "kill");
        down(n, "is killed");
        if (!replicationLinks) return;
        // Its host resets the connections the process had (a pair's session replication link): each node at the
        // other end hears of it after a network delay (the recovery manager filters out all but its peer).
        for (SimNode other : sim.allNodes()) {
            if (other == n || !other.up || sim.cut(id, other.id)) continue;
            long process = other.process;
            sim.at(sim.now().plus(sim.delay()), () -> {
                if (other.up && other.process == process && !sim.cut(id, other.id)) {
                    sim.deliver(other, new RmEvent.PeerLinkLost(id));
                }
            });
        }
    }

    private void down(SimNode n, String how) {
        n.up = false;
        n.process++;
        n.timers.clear();
        sim.lb().down(n);
        sim.log(n.id + " " + how);
        sim.lb().reconsiderAll();
    }

    private SimNode running(NodeId id, String what) {
        SimNode n = sim.node(id);
        if (!n.up) throw new Invalid(what, id, "a running node (" + id + " is down)");
        return n;
    }
}
