package dev.tandem.sim;

import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import java.time.Duration;
import java.util.Random;

/**
 * One random fault against a pair of the simulator, for the properties over fault schedules: processes (crash,
 * stop, restart, kill), services, databases, hooks, admin actions and, where the property allows them, the network
 * (partitions, a lossy or slow network, a reboot that is silence). Returns what it did, for the failure's story.
 */
final class PairFaults {
    private PairFaults() {}

    /** @param network whether partitions, reboots and network changes may be drawn */
    static String apply(Sim sim, Random r, String group, NodeId first, NodeId second, boolean network) {
        NodeId n = r.nextBoolean() ? first : second;
        NodeId other = n.equals(first) ? second : first;
        boolean up = sim.isUp(n);
        switch (r.nextInt(17)) {
            case 0 -> { if (up) { sim.crash(n); return "crash " + n; } sim.start(n); return "start " + n; }
            case 1 -> { if (up) { sim.stop(n); return "stop " + n; } sim.start(n); return "start " + n; }
            case 2 -> { if (up) { sim.restart(n); return "restart " + n; } return "noop"; }
            case 3 -> {
                if (!network || !up) return "noop";
                sim.reboot(n, Duration.ofMillis(r.nextInt(10_000)));
                return "reboot " + n;
            }
            case 4 -> { if (!network) return "quiet"; sim.partition(n, other); return "partition"; }
            case 5 -> { if (!network) return "quiet"; sim.heal(); return "heal"; }
            case 6 -> { sim.serviceDown(n, "svc"); return "service-down " + n; }
            case 7 -> { sim.serviceUp(n, "svc"); return "service-up " + n; }
            case 8 -> { sim.databaseDown(n); return "db-down " + n; }
            case 9 -> { sim.databaseUp(n); return "db-up " + n; }
            case 10 -> {
                HookKind k = HookKind.values()[r.nextInt(HookKind.values().length)];
                sim.failNext(n, k);
                return "fail-next " + n + " " + k;
            }
            case 11 -> { return "admin failover " + n + ": " + sim.admin(n, AdminAction.FAILOVER).accepted(); }
            case 12 -> { return "admin fallback " + n + ": " + sim.admin(n, AdminAction.FALLBACK).accepted(); }
            case 13 -> { return "admin recover: " + sim.recover(group).accepted(); }
            case 14 -> {
                if (!network) return "quiet";
                sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(500)),
                        r.nextDouble() * 0.5, r.nextDouble() * 0.2));
                return "network change";
            }
            case 15 -> { if (up) { sim.kill(n); return "kill " + n; } sim.start(n); return "start " + n; }
            default -> { return "quiet"; }
        }
    }
}
