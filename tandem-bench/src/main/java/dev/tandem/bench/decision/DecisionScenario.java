package dev.tandem.bench.decision;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.ScenarioOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scenario 4, decision cost: JMH over {@link DecisionBenchmark}, with the GC profiler for allocation. */
@Command(name = "decision", mixinStandardHelpOptions = true,
        description = "Decision cost (JMH): decisions per second for 10, 100 and 1000 members, and bytes allocated"
                + " per decision.")
public final class DecisionScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Option(names = "--members", split = ",", defaultValue = "10,100,1000", description = "topology sizes (default ${DEFAULT-VALUE})")
    List<Integer> members;

    @Option(names = "--forks", defaultValue = "2", description = "JMH forks; 0 runs in this JVM (default ${DEFAULT-VALUE})")
    int forks;

    @Option(names = "--warmup-iterations", defaultValue = "3", description = "default ${DEFAULT-VALUE}")
    int warmups;

    @Option(names = "--iterations", defaultValue = "5", description = "default ${DEFAULT-VALUE}")
    int iterations;

    @Option(names = "--time", defaultValue = "1000", description = "milliseconds per iteration (default ${DEFAULT-VALUE})")
    long millis;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        for (int m : members) {
            if (m < 1 || m > 10_000) throw new IllegalArgumentException("--members: " + m + " is not allowed; allowed: 1 to 10000");
        }
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(DecisionBenchmark.class.getName() + "\\.")
                .param("members", members.stream().map(String::valueOf).toArray(String[]::new))
                .forks(forks)
                .warmupIterations(warmups)
                .measurementIterations(iterations)
                .warmupTime(TimeValue.milliseconds(millis))
                .measurementTime(TimeValue.milliseconds(millis))
                .threads(1)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (forks > 0) b.jvmArgsAppend("-Xmx1g");
        Result r = new Result("decision", "Decision cost", env.command());
        Collection<RunResult> runs = new Runner(b.build()).run();
        r.parameter("members", members).parameter("forks", forks).parameter("warmupIterations", warmups)
                .parameter("iterations", iterations).parameter("iterationMillis", millis).parameter("threads", 1);
        Result.Table t = r.table("Decisions per second on one thread (JMH throughput; error is the 99.9% interval)",
                "members", "what", "decisions/s", "error ±", "ns/decision", "bytes allocated/decision");
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort((x, y) -> {
            int c = Integer.compare(Integer.parseInt(x.getParams().getParam("members")),
                    Integer.parseInt(y.getParams().getParam("members")));
            return c != 0 ? c : x.getParams().getBenchmark().compareTo(y.getParams().getBenchmark());
        });
        for (RunResult run : sorted) {
            var primary = run.getPrimaryResult();
            double ops = primary.getScore();
            double err = primary.getScoreError();
            var alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
            double bytes = alloc == null ? Double.NaN : alloc.getScore();
            String bench = run.getParams().getBenchmark();
            String cls = bench.endsWith("decideAnyClass") ? "rules on the state, any class"
                    : bench.endsWith("decideSslSession") ? "rules on the state, SSL"
                    : bench.endsWith("indexDecide") ? "index, any class"
                    : bench.endsWith("directorKeepaliveStep") ? "protocol step: one member's keepalive at the director"
                    : "index: decision, redirect counted, one keepalive";
            t.row(Integer.parseInt(run.getParams().getParam("members")), cls, Result.round(ops, 0),
                    Result.round(err, 0), Result.round(1e9 / ops, 1), Result.round(bytes, 1));
        }
        r.note("LoadBalancer.decide on a director's state: a director elected by the real machines in the simulator,"
                + " its member table filled to the size, every member heard just now with a seeded load of 0-99%.");
        r.note("Rules on the state: LoadBalancer.decide, the reference the simulator and lb explain use; it allocates"
                + " the decision's result, its candidate list and the reason text.");
        r.note("Index: the DecisionIndex the redirect service keeps, built from the same table; 'redirect counted, one"
                + " keepalive' is one decision, the redirect added to the chosen member's load and one member's report"
                + " (round robin) taking it back, each O(log n).");
        r.note("Protocol step: LoadBalancer.step on the director's state for one member's keepalive (its load unchanged,"
                + " round robin over the members): the record updated in the topology database (the table copied once,"
                + " LbState's MemberTable) and the answer sent. Its rows count steps, not decisions.");
        r.note("Allocation per decision (or step) is JMH's gc.alloc.rate.norm.");
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }
}
