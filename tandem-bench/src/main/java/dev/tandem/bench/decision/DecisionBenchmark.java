package dev.tandem.bench.decision;

import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.SessionClass;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decision cost (issue 7, scenario 4): how many decisions per second the director makes, by the specification's [LB-RULES] rules
 * 1 to 4, for a topology of 10, 100 and 1000 members, and what each decision allocates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecisionBenchmark {
    @Param({"10", "100", "1000"})
    public int members;

    private DirectorFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = DirectorFixture.build(members);
    }

    /** A session of any class: what a redirect of the cluster address asks. */
    @Benchmark
    public LbDecision decideAnyClass() {
        return LoadBalancer.decide(fixture.state(), fixture.now());
    }

    /** A session of one class (SSL): members full for that class are skipped. */
    @Benchmark
    public LbDecision decideSslSession() {
        return LoadBalancer.decide(fixture.state(), fixture.now(), SessionClass.SSL);
    }
}
