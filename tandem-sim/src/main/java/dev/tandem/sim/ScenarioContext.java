package dev.tandem.sim;

/** What a running scenario holds: its simulator, which {@code seed} may replace before anything is set up. */
public final class ScenarioContext {
    private Sim sim;
    private final java.util.function.Consumer<String> trace;

    public ScenarioContext(long seed, java.util.function.Consumer<String> trace) {
        this.trace = trace;
        reseed(seed);
    }

    public Sim sim() {
        return sim;
    }

    void reseed(long seed) {
        if (sim != null && !sim.nodeIds().isEmpty()) {
            throw new dev.tandem.core.Invalid("seed", seed, "only before the first group");
        }
        sim = new Sim(seed);
        sim.onTrace(trace);
    }
}
