package dev.tandem.bench.failover;

import dev.tandem.bench.Samples;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.sim.Sim;
import java.time.Duration;
import java.util.Random;

/**
 * What the core predicts for a pair failover, in the simulator's virtual time with the same parameters as the
 * real nodes: the same machines, a perfect 1 ms network, hooks that take no time (the demo nodes configure
 * none), the failure at a random phase of the heartbeat timer.
 */
public final class SimPrediction {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final Duration STEP = Duration.ofMillis(1);

    private SimPrediction() {}

    /**
     * @param killed true: the process dies and its port refuses (fast crash detection); false: it goes silent
     * @return failover times in milliseconds of virtual time
     */
    public static Samples pairFailover(ServiceParameters params, boolean killed, int trials, long seed) {
        Samples s = new Samples();
        Random r = new Random(seed);
        for (int t = 0; t < trials; t++) {
            Sim sim = new Sim(seed + t);
            sim.parameters(params);
            sim.hookTime(Duration.ZERO); // the demo nodes have no user-move hooks configured
            sim.addGroup(RedundancyGroup.pair("g1", N1, N2, true));
            sim.start(N1);
            sim.start(N2);
            Duration limit = params.initKeepAliveTimeout().plus(params.keepAliveTimeout()).multipliedBy(2);
            if (!runUntil(sim, () -> sim.rm(N1).state() == NodeState.NORMAL && sim.rm(N2).state() == NodeState.NORMAL,
                    limit, Duration.ofMillis(10))) {
                throw new IllegalStateException("the simulated pair never reached Normal / Normal");
            }
            sim.run(Duration.ofMillis((long) (r.nextDouble() * params.keepAliveInterval().toMillis())));
            Duration before = sim.elapsed();
            if (killed) sim.kill(N1); else sim.crash(N1);
            if (!runUntil(sim, () -> sim.rm(N2).state() == NodeState.RUNNING_IN_BACKUP_MODE, limit, STEP)) {
                throw new IllegalStateException("the simulated backup never reached Running in Backup Mode");
            }
            s.add(sim.elapsed().minus(before).toNanos() / 1e6);
        }
        return s;
    }

    private static boolean runUntil(Sim sim, java.util.function.BooleanSupplier done, Duration limit, Duration step) {
        Duration end = sim.elapsed().plus(limit);
        while (sim.elapsed().compareTo(end) < 0) {
            if (done.getAsBoolean()) return true;
            sim.run(step);
        }
        return done.getAsBoolean();
    }
}
