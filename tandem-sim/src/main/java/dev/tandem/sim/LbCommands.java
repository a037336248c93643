package dev.tandem.sim;

import static dev.tandem.sim.ScenarioCommands.fail;
import static dev.tandem.sim.ScenarioCommands.number;
import static dev.tandem.sim.ScenarioCommands.ok;
import static dev.tandem.sim.ScenarioCommands.usage;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbPhase;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.VpnMode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The scenario commands of the load-balancing group ([LB-CONFIG]). */
final class LbCommands {
    private LbCommands() {}

    /** {@code lb <node> priority=<1..10> ip=<ip> max=<int>}: a participating member. */
    static ScenarioCommands.Action member(List<String> a) {
        if (a.size() < 2) throw usage("lb <node>|<group> [priority=<1..10>] ip=<ip> max=<int>");
        String node = NodeId.of(a.get(0)).value();
        int priority = DeviceSettings.DEFAULT_PRIORITY;
        IpAddress ip = null;
        long max = -1;
        for (String w : a.subList(1, a.size())) {
            int eq = w.indexOf('=');
            String k = eq < 0 ? w : w.substring(0, eq).toLowerCase(Locale.ROOT);
            String v = eq < 0 ? "" : w.substring(eq + 1);
            switch (k) {
                case "priority" -> {
                    long p = number("priority", v);
                    if (p < DeviceSettings.MIN_PRIORITY || p > DeviceSettings.MAX_PRIORITY) {
                        throw new Invalid("priority", v, "a whole number from 1 to 10");
                    }
                    priority = (int) p;
                }
                case "ip" -> ip = IpAddress.parse("ip", v);
                case "max" -> max = number("max", v);
                default -> throw new Invalid("lb", w, "priority=<1..10>, ip=<ip> or max=<sessions>");
            }
        }
        if (ip == null) throw new Invalid("ip", null, "the member's public IPv4 or IPv6 address, ip=<ip>");
        if (max < 1 || max > Integer.MAX_VALUE) throw new Invalid("max", max < 0 ? null : max, "a whole number of sessions from 1, max=<int>");
        int p = priority;
        IpAddress address = ip;
        int m = (int) max;
        return ctx -> {
            ctx.sim().lb().member(node, p, address, m);
            return ok();
        };
    }

    /** {@code lb-cluster <address> [mode=centralized|distributed]} (before the first member). */
    static ScenarioCommands.Action cluster(List<String> a) {
        if (a.isEmpty() || a.size() > 2) throw usage("lb-cluster <address> [mode=centralized|distributed]");
        NetAddress.parse("cluster address", a.get(0));
        VpnMode mode = VpnMode.DISTRIBUTED;
        if (a.size() == 2) {
            String w = a.get(1).toLowerCase(Locale.ROOT);
            mode = switch (w) {
                case "mode=centralized" -> VpnMode.CENTRALIZED;
                case "mode=distributed" -> VpnMode.DISTRIBUTED;
                default -> throw new Invalid("mode", a.get(1), "mode=centralized or mode=distributed");
            };
        }
        VpnMode m = mode;
        return ctx -> {
            ctx.sim().lb().cluster(a.get(0), m);
            return ok();
        };
    }

    static ScenarioCommands.Action start(List<String> a) {
        if (a.size() != 1) throw usage("lb-start <node>|all");
        String target = a.get(0);
        if (!target.equalsIgnoreCase("all")) NodeId.of(target);
        return ctx -> {
            SimLoadBalancing lb = ctx.sim().lb();
            if (target.equalsIgnoreCase("all")) {
                for (String name : lb.memberNames()) lb.enable(name);
            } else {
                lb.enable(target);
            }
            return ok();
        };
    }

    /** {@code connect <count>}: new clients arrive at the cluster address, one after another. */
    static ScenarioCommands.Action connect(List<String> a) {
        if (a.size() != 1) throw usage("connect <count>");
        long count = number("count", a.get(0));
        if (count < 1 || count > 10_000_000) throw new Invalid("count", a.get(0), "a whole number from 1 to 10000000");
        return ctx -> {
            for (long i = 0; i < count; i++) ctx.sim().lb().connect();
            return ok();
        };
    }

    static ScenarioCommands.Action endOrIdle(String cmd, List<String> a) {
        if (a.size() != 2) throw usage(cmd + " <member> <count>");
        String node = NodeId.of(a.get(0)).value();
        int count = (int) Math.min(Integer.MAX_VALUE, number("count", a.get(1)));
        return ctx -> {
            if (cmd.equals("idle")) ctx.sim().lb().idle(node, count);
            else ctx.sim().lb().disconnect(node, count);
            return ok();
        };
    }

    /** {@code expect-director <node>|none}: exactly that member directs and holds the cluster address. */
    static ScenarioCommands.Action expectDirector(List<String> a) {
        if (a.size() != 1) throw usage("expect-director <node>|none");
        String want = a.get(0);
        if (!want.equalsIgnoreCase("none")) NodeId.of(want);
        return ctx -> {
            SimLoadBalancing lb = ctx.sim().lb();
            List<NodeId> directors = lb.directors();
            List<NodeId> holders = lb.addressHolders();
            String got = "directors " + directors + ", cluster address held by " + holders;
            if (want.equalsIgnoreCase("none")) {
                return directors.isEmpty() && holders.isEmpty() ? ok() : fail("expected no director, got " + got);
            }
            NodeId w = NodeId.of(want);
            return directors.equals(List.of(w)) && holders.equals(List.of(w)) ? ok()
                    : fail("expected director " + w + " holding the cluster address, got " + got);
        };
    }

    /** {@code expect-sessions <node> <count>} (active sessions) and {@code expect-load <node> <percent>}. */
    static ScenarioCommands.Action expectCount(String cmd, List<String> a) {
        if (a.size() != 2) throw usage(cmd + " <node> <" + (cmd.equals("expect-load") ? "percent" : "count") + ">");
        String node = NodeId.of(a.get(0)).value();
        long want = number(cmd.equals("expect-load") ? "percent" : "count", a.get(1));
        return ctx -> {
            SimLoadBalancing lb = ctx.sim().lb();
            long got = cmd.equals("expect-load") ? lb.loadPercent(node) : lb.activeSessions(node);
            String what = cmd.equals("expect-load") ? "a load of " : "active sessions: ";
            return got == want ? ok() : fail("expected " + node + " " + what + want + ", got " + got);
        };
    }

    /** {@code expect-last-client <node>|refused [rule=<1..4>]}: where the last client went, and by which rule. */
    static ScenarioCommands.Action expectLastClient(List<String> a) {
        if (a.isEmpty() || a.size() > 2) throw usage("expect-last-client <node>|refused [rule=<1..4>]");
        boolean refused = a.get(0).equalsIgnoreCase("refused");
        Optional<String> node = refused ? Optional.empty() : Optional.of(NodeId.of(a.get(0)).value());
        Optional<Integer> rule = Optional.empty();
        if (a.size() == 2) {
            if (!a.get(1).startsWith("rule=")) throw new Invalid("expect-last-client", a.get(1), "rule=<1..4>");
            long r = number("rule", a.get(1).substring(5));
            if (r < 1 || r > 4) throw new Invalid("rule", r, "1, 2, 3 or 4 ([LB-RULES], the load-balancing rules)");
            rule = Optional.of((int) r);
        }
        Optional<Integer> wantRule = rule;
        return ctx -> {
            List<SimLoadBalancing.Arrival> all = ctx.sim().lb().arrivals();
            if (all.isEmpty()) return fail("no client has arrived yet");
            SimLoadBalancing.Arrival last = all.get(all.size() - 1);
            boolean match = last.servedBy().equals(node) && (wantRule.isEmpty() || last.rule().equals(wantRule));
            return match ? ok() : fail("expected the last client " + (refused ? "refused" : "on " + node.get())
                    + wantRule.map(r -> " by rule " + r).orElse("") + ", got "
                    + last.servedBy().map(n -> "on " + n).orElse("refused")
                    + last.rule().map(r -> " by rule " + r).orElse("") + " (" + last.reason() + ")");
        };
    }

    /** {@code expect-lb <node> <phase>}: Stopped, Discovering, Joining, Member, Director or Refused. */
    static ScenarioCommands.Action expectPhase(List<String> a) {
        if (a.size() != 2) throw usage("expect-lb <node> Stopped|Discovering|Joining|Member|Director|Refused");
        String node = NodeId.of(a.get(0)).value();
        LbPhase want = null;
        for (LbPhase p : LbPhase.values()) {
            if (p.display().equalsIgnoreCase(a.get(1)) || p.name().equalsIgnoreCase(a.get(1))) want = p;
        }
        if (want == null) {
            throw new Invalid("phase", a.get(1), "Stopped, Discovering, Joining, Member, Director or Refused");
        }
        LbPhase w = want;
        return ctx -> {
            Sim s = ctx.sim();
            LbPhase got = s.lb().speaker(node).isPresent() ? s.lb().state(node).phase() : LbPhase.STOPPED;
            return got == w ? ok() : fail("expected " + node + " " + w.display() + ", got " + got.display());
        };
    }

    /** {@code expect-speakers <member> <node>[,<node>]|none}: exactly these nodes speak for the member now. */
    static ScenarioCommands.Action expectSpeakers(List<String> a) {
        if (a.size() != 2) throw usage("expect-speakers <member> <node>[,<node>]|none");
        String member = a.get(0);
        List<NodeId> want = a.get(1).equalsIgnoreCase("none") ? List.of()
                : java.util.Arrays.stream(a.get(1).split(",")).map(NodeId::of).toList();
        return ctx -> {
            List<NodeId> got = ctx.sim().lb().speakers(member);
            return java.util.Set.copyOf(got).equals(java.util.Set.copyOf(want)) && got.size() == want.size() ? ok()
                    : fail("expected " + (want.isEmpty() ? "nobody" : want) + " to speak for " + member + ", got "
                    + (got.isEmpty() ? "nobody" : got));
        };
    }

    static ScenarioCommands.Action expectRefusedClients(List<String> a) {
        if (a.size() != 1) throw usage("expect-clients-refused <count>");
        long want = number("count", a.get(0));
        return ctx -> {
            long got = ctx.sim().lb().refused();
            return got == want ? ok() : fail("expected " + want + " clients refused in all, got " + got);
        };
    }
}
