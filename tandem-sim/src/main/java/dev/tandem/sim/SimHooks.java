package dev.tandem.sim;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.Invalid;
import dev.tandem.core.rm.RmEvent;
import java.time.Duration;
import java.util.Random;

/**
 * What a node's host does for its recovery manager: it runs the hooks (user moves, service starts and stops), each
 * taking the hook time and failing or cut short by a kill when a fault was armed for it, and its health checks
 * report each critical service and the database when their verdict changes.
 */
final class SimHooks {
    private final Sim sim;
    private final Random random;
    private Duration hookTime = Duration.ofSeconds(2);

    SimHooks(Sim sim, Random random) {
        this.sim = sim;
        this.random = random;
    }

    void hookTime(Duration d) {
        if (d.isNegative()) throw new Invalid("hook-time", d, "zero or more");
        this.hookTime = d;
    }

    void run(SimNode n, Effect.RunHook h) {
        long process = n.process;
        if (n.killDuring.remove(h.kind())) {
            sim.at(sim.now().plus(hookTime.dividedBy(2)), () -> {
                if (!n.up || n.process != process) return;
                boolean done = random.nextBoolean();
                if (done) work(n, h.kind(), true);
                sim.log(n.id + " hook " + h.kind().name().toLowerCase().replace('_', '-') + " cut short ("
                        + (done ? "its work was done" : "nothing done yet") + ")");
                sim.kill(n.id);
            });
        }
        sim.at(sim.now().plus(hookTime), () -> {
            if (!n.up || n.process != process) return;
            boolean ok = work(n, h.kind(), !n.failNext.remove(h.kind()));
            sim.log(n.id + " hook " + h.kind().name().toLowerCase().replace('_', '-') + (ok ? " done" : " failed"));
            sim.deliver(n, new RmEvent.HookCompleted(h.id(), h.kind(), ok));
            reportHealth(n);
        });
    }

    /** What a hook does to the node's services; returns whether it succeeded. */
    private static boolean work(SimNode n, HookKind kind, boolean ok) {
        switch (kind) {
            case STOP_SERVICES -> n.servicesStoppedByRm = true;
            case START_SERVICES -> {
                // A service broken by a fault does not start ([RG-T2]: Start of Critical Services Failed).
                ok = ok && n.serviceFaulted.values().stream().noneMatch(f -> f);
                if (ok) n.servicesStoppedByRm = false;
            }
            case TAKE_OVER_USERS, TAKE_BACK_USERS -> { }
        }
        return ok;
    }

    /** The node's health checks: report each service and the database when their verdict changes. */
    void reportHealth(SimNode n) {
        if (!n.up || n.rm == null) return;
        for (String s : n.serviceFaulted.keySet()) {
            boolean running = n.serviceRunning(s);
            if (!Boolean.valueOf(running).equals(n.reportedRunning.get(s))) {
                boolean first = !n.reportedRunning.containsKey(s);
                n.reportedRunning.put(s, running);
                if (!(first && running)) sim.deliver(n, new RmEvent.ServiceChanged(s, running));
            }
        }
        if (!Boolean.valueOf(n.databaseUp).equals(n.reportedDatabase)) {
            boolean first = n.reportedDatabase == null;
            n.reportedDatabase = n.databaseUp;
            if (!(first && n.databaseUp)) sim.deliver(n, new RmEvent.DatabaseChanged(n.databaseUp));
        }
    }
}
