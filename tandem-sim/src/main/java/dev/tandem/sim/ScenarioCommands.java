package dev.tandem.sim;

import dev.tandem.core.Durations;
import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.core.rm.Versions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The commands of the scenario language: each is read (and checked) once, then run against a simulator. */
public final class ScenarioCommands {
    private ScenarioCommands() {}

    /** A step ready to run: empty when it went as expected, else what went wrong. */
    @FunctionalInterface
    public interface Action {
        Optional<String> run(ScenarioContext ctx);
    }

    record Parsed(Action action, boolean expectation) {}

    static final List<String> COMMANDS = List.of("group", "param", "service", "users", "start", "stop", "restart",
            "reboot", "crash", "kill", "partition", "heal", "witness", "witness-cut", "service-down", "service-up", "db-down", "db-up", "fail-next",
            "kill-during", "admin", "ha", "run", "expect", "expect-users", "expect-unserved", "expect-actions", "expect-refused",
            "hook-time", "network", "seed", "lb", "lb-cluster", "lb-start", "connect", "disconnect", "idle",
            "expect-director", "expect-sessions", "expect-load", "expect-last-client", "expect-clients-refused", "expect-lb",
            "expect-speakers", "version", "replication-links", "check-invariants", "restore", "settle", "attempt",
            "expect-settled", "expect-one-director");

    static Parsed parse(List<String> w) {
        String cmd = w.get(0).toLowerCase(Locale.ROOT);
        List<String> a = w.subList(1, w.size());
        return switch (cmd) {
            case "group" -> setup(group(a));
            case "param" -> {
                arity(cmd, a, 2, 2, "param <name> <value>");
                String name = a.get(0);
                String value = a.get(1);
                ServiceParameters.checkValue(name, value);
                yield setup(ctx -> {
                    ctx.sim().parameters(ctx.sim().parameters().with(name, value));
                    return ok();
                });
            }
            case "service" -> {
                arity(cmd, a, 2, 2, "service <node> <name>");
                NodeId node = NodeId.of(a.get(0));
                yield setup(ctx -> {
                    ctx.sim().addService(node, a.get(1));
                    return ok();
                });
            }
            case "users" -> setup(users(a, false));
            case "start" -> {
                arity(cmd, a, 1, 1, "start <node>|all");
                String target = a.get(0);
                yield setup(ctx -> {
                    if (target.equalsIgnoreCase("all")) {
                        for (NodeId id : ctx.sim().nodeIds()) {
                            if (!ctx.sim().isUp(id)) ctx.sim().start(id);
                        }
                    } else {
                        ctx.sim().start(NodeId.of(target));
                    }
                    return ok();
                });
            }
            case "stop", "restart", "crash", "kill", "db-down", "db-up" -> {
                arity(cmd, a, 1, 1, cmd + " <node>");
                NodeId node = NodeId.of(a.get(0));
                yield setup(ctx -> {
                    Sim s = ctx.sim();
                    switch (cmd) {
                        case "stop" -> s.stop(node);
                        case "restart" -> s.restart(node);
                        case "crash" -> s.crash(node);
                        case "kill" -> s.kill(node);
                        case "db-down" -> s.databaseDown(node);
                        default -> s.databaseUp(node);
                    }
                    return ok();
                });
            }
            case "replication-links" -> {
                arity(cmd, a, 1, 1, "replication-links on|off");
                String v = a.get(0).toLowerCase(Locale.ROOT);
                if (!v.equals("on") && !v.equals("off")) {
                    throw new Invalid("replication-links", a.get(0), "on, off");
                }
                yield setup(ctx -> {
                    ctx.sim().replicationLinks(v.equals("on"));
                    return ok();
                });
            }
            case "reboot" -> {
                arity(cmd, a, 2, 2, "reboot <node> <duration>");
                NodeId node = NodeId.of(a.get(0));
                Duration d = Durations.parse("reboot duration", a.get(1));
                yield setup(ctx -> {
                    ctx.sim().reboot(node, d);
                    return ok();
                });
            }
            case "partition" -> {
                arity(cmd, a, 2, 2, "partition <node> <node>");
                NodeId x = NodeId.of(a.get(0));
                NodeId y = NodeId.of(a.get(1));
                yield setup(ctx -> {
                    ctx.sim().partition(x, y);
                    return ok();
                });
            }
            case "heal" -> {
                arity(cmd, a, 0, 0, "heal");
                yield setup(ctx -> {
                    ctx.sim().heal();
                    return ok();
                });
            }
            case "witness" -> {
                arity(cmd, a, 1, 1, "witness up|down");
                String how = a.get(0).toLowerCase(Locale.ROOT);
                if (!how.equals("up") && !how.equals("down")) throw new Invalid("witness", a.get(0), "up or down");
                yield setup(ctx -> {
                    ctx.sim().witness(how.equals("up"));
                    return ok();
                });
            }
            case "witness-cut" -> {
                arity(cmd, a, 1, 1, "witness-cut <node>");
                NodeId node = NodeId.of(a.get(0));
                yield setup(ctx -> {
                    ctx.sim().cutFromWitness(node);
                    return ok();
                });
            }
            case "service-down", "service-up" -> {
                arity(cmd, a, 2, 2, cmd + " <node> <service>");
                NodeId node = NodeId.of(a.get(0));
                yield setup(ctx -> {
                    if (cmd.equals("service-down")) ctx.sim().serviceDown(node, a.get(1));
                    else ctx.sim().serviceUp(node, a.get(1));
                    return ok();
                });
            }
            case "fail-next" -> {
                arity(cmd, a, 2, 2, "fail-next <node> take-over|take-back|start-services|stop-services");
                NodeId node = NodeId.of(a.get(0));
                HookKind kind = hook(a.get(1));
                yield setup(ctx -> {
                    ctx.sim().failNext(node, kind);
                    return ok();
                });
            }
            case "kill-during" -> {
                arity(cmd, a, 2, 2, "kill-during <node> take-over|take-back|start-services|stop-services");
                NodeId node = NodeId.of(a.get(0));
                HookKind kind = hook(a.get(1));
                yield setup(ctx -> {
                    ctx.sim().killDuringNextHook(node, kind);
                    return ok();
                });
            }
            case "admin" -> setup(admin(a, false));
            case "ha" -> {
                arity(cmd, a, 2, 3, "ha <group> on|off [<node>]");
                boolean on = onOff("ha", a.get(1));
                Optional<NodeId> only = a.size() == 3 ? Optional.of(NodeId.of(a.get(2))) : Optional.empty();
                yield setup(ctx -> {
                    if (only.isPresent()) ctx.sim().highAvailability(a.get(0), on, List.of(only.get()));
                    else ctx.sim().highAvailability(a.get(0), on);
                    return ok();
                });
            }
            case "run" -> {
                arity(cmd, a, 1, 1, "run <duration>");
                Duration d = Durations.parse("run duration", a.get(0));
                yield setup(ctx -> {
                    ctx.sim().run(d);
                    return ok();
                });
            }
            case "hook-time" -> {
                arity(cmd, a, 1, 1, "hook-time <duration>");
                Duration d = Durations.parse("hook-time", a.get(0));
                yield setup(ctx -> {
                    ctx.sim().hookTime(d);
                    return ok();
                });
            }
            case "network" -> setup(network(a));
            case "version" -> {
                arity(cmd, a, 2, 3, "version <node> <protocol> [<software>]");
                NodeId node = NodeId.of(a.get(0));
                long protocol = number("protocol", a.get(1));
                if (protocol < Versions.PREVIOUS || protocol > Versions.MAX_PROTOCOL) {
                    throw new Invalid("protocol", a.get(1), "a whole number from 1 to " + Versions.MAX_PROTOCOL);
                }
                String software = a.size() == 3 ? a.get(2) : "";
                if (!Versions.validSoftware(software)) {
                    throw new Invalid("software", software, "up to 64 letters, digits and . _ + -");
                }
                Versions v = new Versions((int) protocol, software);
                yield setup(ctx -> {
                    ctx.sim().versions(node, v);
                    return ok();
                });
            }
            case "seed" -> {
                arity(cmd, a, 1, 1, "seed <number>");
                long seed = number("seed", a.get(0));
                yield setup(ctx -> {
                    ctx.reseed(seed);
                    return ok();
                });
            }
            case "lb" -> setup(LbCommands.member(a));
            case "lb-cluster" -> setup(LbCommands.cluster(a));
            case "lb-start" -> setup(LbCommands.start(a));
            case "connect" -> setup(LbCommands.connect(a));
            case "disconnect", "idle" -> setup(LbCommands.endOrIdle(cmd, a));
            case "expect-director" -> new Parsed(LbCommands.expectDirector(a), true);
            case "expect-sessions", "expect-load" -> new Parsed(LbCommands.expectCount(cmd, a), true);
            case "expect-last-client" -> new Parsed(LbCommands.expectLastClient(a), true);
            case "expect-clients-refused" -> new Parsed(LbCommands.expectRefusedClients(a), true);
            case "expect-lb" -> new Parsed(LbCommands.expectPhase(a), true);
            case "expect-speakers" -> new Parsed(LbCommands.expectSpeakers(a), true);
            case "check-invariants" -> setup(FuzzCommands.checkInvariants(a));
            case "restore" -> setup(FuzzCommands.restore(a));
            case "settle" -> setup(FuzzCommands.settle(a));
            case "attempt" -> setup(FuzzCommands.attempt(a));
            case "expect-settled" -> new Parsed(FuzzCommands.expectSettled(a), true);
            case "expect-one-director" -> new Parsed(FuzzCommands.expectOneDirector(a), true);
            case "expect" -> new Parsed(expect(a), true);
            case "expect-users" -> {
                arity(cmd, a, 2, 2, "expect-users <node> <count>");
                NodeId node = NodeId.of(a.get(0));
                long n = number("count", a.get(1));
                yield new Parsed(ctx -> {
                    int got = ctx.sim().usersServedBy(node);
                    return got == n ? ok() : fail("expected " + node + " to serve " + n + " users, got " + got);
                }, true);
            }
            case "expect-unserved" -> {
                arity(cmd, a, 2, 2, "expect-unserved <group> <count>");
                long n = number("count", a.get(1));
                yield new Parsed(ctx -> {
                    long got = unserved(ctx.sim(), a.get(0));
                    return got == n ? ok() : fail("expected " + n + " unserved users in " + a.get(0) + ", got " + got);
                }, true);
            }
            case "expect-actions" -> new Parsed(expectActions(a), true);
            case "expect-refused" -> new Parsed(expectRefused(a), true);
            default -> throw new IllegalArgumentException("unknown command '" + w.get(0) + "'; allowed: "
                    + String.join(", ", COMMANDS));
        };
    }

    static Parsed setupStep(Action a) {
        return new Parsed(a, false);
    }

    private static Parsed setup(Action a) {
        return new Parsed(a, false);
    }

    private static Action group(List<String> a) {
        if (a.size() < 2) throw usage("group <name> <node1> [<node2>] [ha=on|off]");
        String name = a.get(0);
        List<NodeId> nodes = new ArrayList<>();
        boolean ha = true;
        boolean haGiven = false;
        for (String w : a.subList(1, a.size())) {
            if (w.toLowerCase(Locale.ROOT).startsWith("ha=")) {
                ha = onOff("ha", w.substring(3));
                haGiven = true;
            } else {
                nodes.add(NodeId.of(w));
            }
        }
        // A group of one node has no high availability ([RG-HA]: a pair is required for it).
        RedundancyGroup g = new RedundancyGroup(name, "", nodes, nodes.size() == 2 && ha || haGiven && ha);
        return ctx -> {
            ctx.sim().addGroup(g);
            return ok();
        };
    }

    private static Action users(List<String> a, boolean expectRefusal) {
        if (a.size() < 2 || a.size() > 3) throw usage("users <group> <count> [mode=balanced|active-standby|none]");
        long count = number("count", a.get(1));
        if (count < 1 || count > 10_000_000) throw new Invalid("count", a.get(1), "a whole number from 1 to 10000000");
        AssignmentMode mode = AssignmentMode.BALANCED;
        if (a.size() == 3) {
            if (!a.get(2).toLowerCase(Locale.ROOT).startsWith("mode=")) {
                throw new Invalid("users", a.get(2), "mode=balanced, mode=active-standby or mode=none");
            }
            mode = AssignmentMode.parse(a.get(2).substring(5));
        }
        AssignmentMode m = mode;
        return ctx -> {
            Optional<String> refusal = ctx.sim().addUsers(a.get(0), (int) count, m);
            if (expectRefusal) {
                return refusal.isPresent() ? ok() : fail("expected adding users to be refused, but it was accepted");
            }
            return refusal.map(r -> "adding users was refused: " + r);
        };
    }

    private static Action admin(List<String> a, boolean expectRefusal) {
        if (a.size() != 2) throw usage("admin failover <node> | admin fallback <node> | admin recover <group>");
        AdminAction action = AdminAction.parse(a.get(0))
                .orElseThrow(() -> new Invalid("admin action", a.get(0), "failover, fallback or recover"));
        String target = a.get(1);
        if (action != AdminAction.RECOVER) NodeId.of(target); // checked now, not when it runs
        return ctx -> {
            Effect.AdminResult r = action == AdminAction.RECOVER ? ctx.sim().recover(target)
                    : ctx.sim().admin(NodeId.of(target), action);
            if (expectRefusal) {
                return r.accepted() ? fail("expected admin " + action.display() + " " + target
                        + " to be refused, but it was accepted") : ok();
            }
            return r.accepted() ? ok() : fail("admin " + action.display() + " " + target + " was refused: " + r.message());
        };
    }

    private static Action network(List<String> a) {
        if (a.isEmpty()) throw usage("network [delay=<d>[..<d>]] [loss=<0..1>] [dup=<0..1>]");
        Duration min = NetworkModel.PERFECT.minDelay();
        Duration max = NetworkModel.PERFECT.maxDelay();
        double loss = 0;
        double dup = 0;
        for (String w : a) {
            int eq = w.indexOf('=');
            if (eq < 0) throw new Invalid("network", w, "delay=<d>[..<d>], loss=<0..1> or dup=<0..1>");
            String k = w.substring(0, eq).toLowerCase(Locale.ROOT);
            String v = w.substring(eq + 1);
            switch (k) {
                case "delay" -> {
                    String[] r = v.split("\\.\\.", 2);
                    min = Durations.parse("delay", r[0]);
                    max = r.length == 2 ? Durations.parse("delay", r[1]) : min;
                }
                case "loss" -> loss = probability("loss", v);
                case "dup" -> dup = probability("dup", v);
                default -> throw new Invalid("network", k, "delay, loss or dup");
            }
        }
        NetworkModel model = new NetworkModel(min, max, loss, dup);
        return ctx -> {
            ctx.sim().network(model);
            return ok();
        };
    }

    private static Action expect(List<String> a) {
        if (a.size() < 2 || a.size() > 3) throw usage("expect <node> \"<state>\" [\"<reason>\"] | expect <node> down");
        NodeId node = NodeId.of(a.get(0));
        if (a.get(1).equalsIgnoreCase("down")) {
            if (a.size() != 2) throw usage("expect <node> down");
            return ctx -> ctx.sim().isUp(node) ? fail("expected " + node + " down, got " + describe(ctx.sim(), node)) : ok();
        }
        NodeState state = NodeState.parse(a.get(1))
                .orElseThrow(() -> new Invalid("state", a.get(1), NodeState.allowedNames()));
        Reason reason = a.size() == 3 ? Reason.parse(a.get(2))
                .orElseThrow(() -> new Invalid("reason", a.get(2), Reason.allowedNames())) : null;
        return ctx -> {
            Sim s = ctx.sim();
            RmState rm = s.rm(node);
            if (rm == null) return fail(node + " is in no redundancy group; use expect-director or expect-sessions");
            boolean match = s.isUp(node) && rm.state() == state && (reason == null || rm.reason() == reason);
            if (match) return ok();
            String wanted = "\"" + state + "\"" + (reason == null ? "" : " \"" + reason + "\"");
            return fail("expected " + node + " " + wanted + " got " + describe(s, node));
        };
    }

    static String describe(Sim s, NodeId node) {
        if (!s.isUp(node)) return "down";
        if (s.rm(node) == null) return "up (no redundancy group)";
        RmState rm = s.rm(node);
        return "\"" + rm.state() + "\" \"" + rm.reason() + "\"";
    }

    private static Action expectActions(List<String> a) {
        arity("expect-actions", a, 2, 2, "expect-actions <group> <failover|fallback|recover,...|none>");
        Set<AdminAction> wanted = EnumSet.noneOf(AdminAction.class);
        if (!a.get(1).equalsIgnoreCase("none")) {
            for (String part : a.get(1).split(",")) {
                wanted.add(AdminAction.parse(part).orElseThrow(() ->
                        new Invalid("action", part, "failover, fallback, recover, or none")));
            }
        }
        return ctx -> {
            Set<AdminAction> got = ctx.sim().actions(a.get(0));
            return got.equals(wanted) ? ok()
                    : fail("expected actions of " + a.get(0) + " " + actions(wanted) + " got " + actions(got));
        };
    }

    static String actions(Set<AdminAction> set) {
        if (set.isEmpty()) return "none";
        TreeSet<String> names = new TreeSet<>();
        for (AdminAction x : set) names.add(x.display());
        return String.join(",", names);
    }

    private static Action expectRefused(List<String> a) {
        if (a.isEmpty()) throw usage("expect-refused admin ... | expect-refused users ...");
        String what = a.get(0).toLowerCase(Locale.ROOT);
        return switch (what) {
            case "admin" -> admin(a.subList(1, a.size()), true);
            case "users" -> users(a.subList(1, a.size()), true);
            default -> throw new Invalid("expect-refused", a.get(0), "admin or users");
        };
    }

    private static long unserved(Sim s, String groupName) {
        long total = 0;
        for (NodeId home : s.group(groupName).nodes()) {
            if (s.serversOf(home).isEmpty()) total += s.usersHomedAt(home);
        }
        return total;
    }

    // ---------------------------------------------------------------- small readers

    private static final Map<String, HookKind> HOOKS = new HashMap<>(Map.of(
            "take-over", HookKind.TAKE_OVER_USERS, "take-back", HookKind.TAKE_BACK_USERS,
            "start-services", HookKind.START_SERVICES, "stop-services", HookKind.STOP_SERVICES));

    private static HookKind hook(String s) {
        HookKind k = HOOKS.get(s.toLowerCase(Locale.ROOT));
        if (k == null) throw new Invalid("fail-next", s, "take-over, take-back, start-services or stop-services");
        return k;
    }

    private static boolean onOff(String field, String v) {
        if (v.equalsIgnoreCase("on")) return true;
        if (v.equalsIgnoreCase("off")) return false;
        throw new Invalid(field, v, "on or off");
    }

    static long number(String field, String v) {
        try {
            long n = Long.parseLong(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new Invalid(field, v, "a whole number from 0");
        }
    }

    private static double probability(String field, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new Invalid(field, v, "a probability from 0 to 1");
        }
    }

    private static void arity(String cmd, List<String> a, int min, int max, String usage) {
        if (a.size() < min || a.size() > max) throw usage(usage);
    }

    static IllegalArgumentException usage(String usage) {
        return new IllegalArgumentException("usage: " + usage);
    }

    static Optional<String> ok() {
        return Optional.empty();
    }

    static Optional<String> fail(String message) {
        return Optional.of(message);
    }
}
