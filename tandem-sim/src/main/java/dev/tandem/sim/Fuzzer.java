package dev.tandem.sim;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * {@code tandem sim fuzz} (docs/scenarios.md, Fuzzing): random fault schedules over the simulator, each written as a
 * scenario while it runs, so that a failing one is a file {@code tandem sim run} replays. A schedule is a redundancy
 * pair (with or without network faults) or a load-balancing group of 2 to 20 members; its invariants are checked
 * after every event ({@code check-invariants}), and once the faults stop it must settle ({@code expect-settled},
 * {@code expect-one-director}). A failing schedule is shrunk: faults are dropped while it still fails the same way.
 */
public final class Fuzzer {
    /** What a pair must settle within once the faults stop: as RedundancyPropertiesTest derives it. */
    static final String PAIR_SETTLE = "30s";
    /** What a load-balancing group must settle within: as LoadBalancingPropertiesTest derives it. */
    static final String LB_SETTLE = "40s";
    private static final String[] HOOKS = {"take-over", "take-back", "start-services", "stop-services"};

    private Fuzzer() {}

    /** One schedule: its lines, and the first thing that went wrong in it, if anything did. */
    public record Schedule(long seed, List<String> lines, Optional<String> failure) {
        /**
         * The kind of failure: the invariant's name, "stopped" when the simulator stopped on an exception, "refused"
         * when a command of the schedule could not be carried out.
         */
        public Optional<String> kind() {
            return failure.map(Fuzzer::kindOf);
        }

        public String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    /** A run's outcome: how many schedules ran, and each that failed, shrunk. */
    public record Report(int schedules, List<Schedule> violations) {}

    /** Runs {@code count} schedules drawn from {@code seed}; {@code each} sees every schedule as it ends. */
    public static Report run(long seed, int count, java.util.function.Consumer<Schedule> each) {
        Random seeds = new Random(seed);
        List<Schedule> violations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Schedule s = generate(seeds.nextLong() & Long.MAX_VALUE);
            if (s.failure().isPresent()) {
                s = shrink(s);
                violations.add(s);
            }
            each.accept(s);
        }
        return new Report(count, violations);
    }

    /** Draws one schedule from {@code seed}, running it as it is written. */
    public static Schedule generate(long seed) {
        Random r = new Random(seed);
        Writer w = new Writer(seed);
        if (r.nextInt(3) == 0) lbGroup(w, r);
        else pair(w, r, r.nextBoolean());
        return new Schedule(seed, List.copyOf(w.lines), w.failure);
    }

    /** Runs a schedule's lines again; the same lines always do the same (the simulator is deterministic). */
    public static Optional<String> replay(List<String> lines) {
        Writer w = new Writer(0);
        for (String line : lines) {
            if (!w.run(line)) break;
        }
        return w.failure;
    }

    /**
     * Drops faults (a {@code run} and the fault after it) from a failing schedule, last first, for as long as it
     * still fails the same way; then shortens what is left of each wait.
     */
    static Schedule shrink(Schedule s) {
        String kind = s.kind().orElseThrow();
        Predicate<List<String>> sameFailure = lines -> replay(lines).map(Fuzzer::kindOf).filter(kind::equals).isPresent();
        List<String> lines = new ArrayList<>(s.lines());
        boolean smaller = true;
        while (smaller) {
            smaller = false;
            for (int i = lines.size() - 2; i >= 0; i--) {
                if (!lines.get(i).startsWith("run ") || !isFault(lines.get(i + 1))) continue;
                List<String> without = new ArrayList<>(lines);
                without.remove(i + 1);
                without.remove(i);
                if (sameFailure.test(without)) {
                    lines = without;
                    smaller = true;
                }
            }
        }
        return new Schedule(s.seed(), List.copyOf(lines), replay(lines));
    }

    private static boolean isFault(String line) {
        return !line.startsWith("run ") && !line.startsWith("restore") && !line.startsWith("settle")
                && !line.startsWith("check-invariants")
                && !line.startsWith("expect") && !line.startsWith("#");
    }

    static String kindOf(String failure) {
        int at = failure.indexOf(FuzzCommands.VIOLATION);
        if (at < 0) return failure.contains("the simulator stopped") ? "stopped" : "refused";
        String rest = failure.substring(at + FuzzCommands.VIOLATION.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon).replaceAll(" at .*", "");
    }

    // ---------------------------------------------------------------- the two kinds of schedule

    private static void pair(Writer w, Random r, boolean network) {
        w.comment("a redundancy pair" + (network ? " with network faults" : "") + ", schedule seed " + w.seed);
        w.run("seed " + w.seed);
        w.run("param keepAliveInterval 1s");
        w.run("param keepAliveTimeout 3s");
        w.run("param initKeepAliveTimeout 6s");
        w.run("param criticalServiceDelay 2s");
        w.run("param automaticFallbackDelay 20s");
        w.run("param automaticFallback " + r.nextBoolean());
        w.run("hook-time 300ms");
        if (network) w.run(network(r, 200, 0.2, 0.1));
        w.run("group g1 n1 n2");
        w.run("service n1 svc");
        w.run("service n2 svc");
        w.run("users g1 100 mode=" + (r.nextBoolean() ? "balanced" : "active-standby"));
        w.run(network ? "check-invariants" : "check-invariants addresses");
        w.run("start n1");
        if (r.nextInt(4) > 0) w.run("start n2");
        int faults = 5 + r.nextInt(25);
        for (int i = 0; i < faults && w.failure.isEmpty(); i++) {
            w.run("run " + r.nextInt(6000) + "ms");
            pairFault(w, r, network).ifPresent(w::run);
        }
        restore(w);
        w.run("settle g1 " + PAIR_SETTLE);
        w.run("expect-settled g1");
        w.run("run " + PAIR_SETTLE);
        w.run("expect-settled g1");
    }

    private static Optional<String> pairFault(Writer w, Random r, boolean network) {
        String n = r.nextBoolean() ? "n1" : "n2";
        String other = n.equals("n1") ? "n2" : "n1";
        boolean up = w.sim().isUp(NodeId.of(n));
        return Optional.ofNullable(switch (r.nextInt(17)) {
            case 0 -> up ? "crash " + n : "start " + n;
            case 1 -> up ? "stop " + n : "start " + n;
            case 2 -> up ? "restart " + n : null;
            case 3 -> network && up ? "reboot " + n + " " + r.nextInt(10_000) + "ms" : null;
            case 4 -> network ? "partition " + n + " " + other : null;
            case 5 -> network ? "heal" : null;
            case 6 -> "service-down " + n + " svc";
            case 7 -> "service-up " + n + " svc";
            case 8 -> "db-down " + n;
            case 9 -> "db-up " + n;
            case 10 -> "fail-next " + n + " " + HOOKS[r.nextInt(HOOKS.length)];
            case 11 -> "attempt admin failover " + n;
            case 12 -> "attempt admin fallback " + n;
            case 13 -> "attempt admin recover g1";
            case 14 -> network ? network(r, 500, 0.5, 0.2) : null;
            case 15 -> up ? "kill " + n : "start " + n;
            default -> up ? "kill-during " + n + " " + HOOKS[r.nextInt(HOOKS.length)] : null;
        });
    }

    private static void lbGroup(Writer w, Random r) {
        int n = 2 + r.nextInt(19);
        w.comment("a load-balancing group of " + n + " members, schedule seed " + w.seed);
        w.run("seed " + w.seed);
        w.run(network(r, 50, 0.1, 0));
        int max = 20 + r.nextInt(200);
        for (int i = 0; i < n; i++) {
            w.run("lb m" + i + " priority=" + (1 + r.nextInt(10)) + " ip=10.0." + r.nextInt(2) + "." + (1 + i) + " max=" + max);
        }
        w.run("check-invariants");
        for (int i = 0; i < n; i++) {
            if (r.nextInt(5) > 0) w.run("lb-start m" + i);
        }
        int faults = 10 + r.nextInt(20);
        for (int i = 0; i < faults && w.failure.isEmpty(); i++) {
            w.run("run " + r.nextInt(8000) + "ms");
            String a = "m" + r.nextInt(n);
            String b = "m" + r.nextInt(n);
            boolean up = w.sim().isUp(NodeId.of(a));
            String fault = switch (r.nextInt(8)) {
                case 0 -> up ? "crash " + a : "lb-start " + a;
                case 1 -> up ? "kill " + a : "lb-start " + a;
                case 2 -> up ? "stop " + a : null;
                case 3 -> a.equals(b) ? null : "partition " + a + " " + b;
                case 4 -> "heal";
                case 5 -> network(r, 300, 0.3, 0);
                case 6 -> "connect " + (1 + r.nextInt(5));
                default -> null;
            };
            if (fault != null) w.run(fault);
        }
        restore(w);
        w.run("run " + LB_SETTLE);
        w.run("expect-one-director");
    }

    /**
     * The faults stop: everything is brought back, and once more a moment later for a process that a kill armed
     * before the restore cut down in a hook it had already begun.
     */
    private static void restore(Writer w) {
        w.run("restore");
        w.run("run 5s");
        w.run("restore");
    }

    private static String network(Random r, int maxDelayMs, double maxLoss, double maxDup) {
        return String.format(Locale.ROOT, "network delay=1ms..%dms loss=%.3f dup=%.3f", 1 + r.nextInt(maxDelayMs),
                r.nextDouble() * maxLoss, r.nextDouble() * maxDup);
    }

    /** Runs each line as it is written; the first failure stops the schedule. */
    private static final class Writer {
        final long seed;
        final List<String> lines = new ArrayList<>();
        final ScenarioContext ctx = new ScenarioContext(1, line -> { });
        Optional<String> failure = Optional.empty();

        Writer(long seed) {
            this.seed = seed;
        }

        Sim sim() {
            return ctx.sim();
        }

        void comment(String text) {
            lines.add("# " + text);
        }

        /** Runs one line; false once something failed (this line or an earlier one). */
        boolean run(String line) {
            if (failure.isPresent()) return false;
            lines.add(line);
            if (line.startsWith("#")) return true;
            Scenario sc = Scenario.parse("fuzz", line);
            if (!sc.errors().isEmpty()) {
                failure = Optional.of("malformed line '" + line + "': " + sc.errors());
                return false;
            }
            for (Scenario.Step step : sc.steps()) {
                try {
                    Optional<String> problem = step.action().run(ctx);
                    if (problem.isPresent()) failure = Optional.of(line + ": " + problem.get());
                } catch (Invalid | IllegalArgumentException e) {
                    failure = Optional.of(line + ": refused: " + e.getMessage());
                } catch (IllegalStateException e) {
                    failure = Optional.of(line + ": the simulator stopped: " + e.getMessage());
                } catch (RuntimeException e) {
                    failure = Optional.of(line + ": the simulator stopped: " + e);
                }
            }
            return failure.isEmpty();
        }
    }
}
