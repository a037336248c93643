package dev.tandem.bench.decision;

import dev.tandem.core.Transition;
import dev.tandem.core.lb.DecisionIndex;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.Load;
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
 * Decision cost (scenario 4): how many decisions per second the director makes, by the specification's [LB-RULES] rules
 * 1 to 4, for a topology of 10, 100 and 1000 members, and what each decision allocates: straight from the director's
 * state ({@link LoadBalancer#decide}, what {@code lb explain} and the simulator use) and from the {@link DecisionIndex}
 * the redirect service keeps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecisionBenchmark {
    @Param({"10", "100", "1000"})
    public int members;

    private DirectorFixture fixture;
    private DecisionIndex index;
    private long now;
    private Load[] loads;
    private int nextKeepalive;
    /** Each member's keepalive as the director receives it, its load unchanged (the usual case). */
    private LbEvent[] keepalives;
    private int nextStep;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = DirectorFixture.build(members);
        index = fixture.index();
        now = fixture.nanos();
        loads = fixture.loads();
        keepalives = fixture.state().members().values().stream()
                .filter(r -> !r.name().equals(fixture.state().member()))
                .map(r -> (LbEvent) new LbEvent.Received(new LbMessage.KeepaliveRequest(r.speaker(), r.name(), 1, r.load())))
                .toArray(LbEvent[]::new);
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

    /** The index's answer for a session of any class, nothing changing between two. */
    @Benchmark
    public int indexDecide() {
        return index.decide(null, now);
    }

    /**
     * What a redirect costs the index in a login storm: the decision, the redirect counted in the chosen member's load,
     * and one member's keepalive (round robin) bringing its reported load back, so the loads stay where they were.
     */
    @Benchmark
    public int indexRedirectAndKeepalive() {
        int chosen = index.decide(null, now);
        if (chosen >= 0) index.redirected(chosen, SessionClass.SSL);
        int k = nextKeepalive;
        nextKeepalive = k + 1 == loads.length ? 0 : k + 1;
        index.update(k, loads[k], true, now);
        return chosen;
    }

    /**
     * The protocol loop's step for one member's keepalive at the director (round robin over the members): the member's
     * record updated in the topology database, the answer sent. What every member costs the director each keepalive
     * interval, and what a step copies of the member table.
     */
    @Benchmark
    public Transition<LbState> directorKeepaliveStep() {
        int k = nextStep;
        nextStep = k + 1 == keepalives.length ? 0 : k + 1;
        return LoadBalancer.step(fixture.state(), keepalives[k], fixture.now());
    }
}
